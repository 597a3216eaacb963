// `npm run lint`, in CI. ESLint's and typescript-eslint's recommended rules everywhere, React's hook rules where
// React code lives. A rule is turned off or narrowed here, with its reason, never in a comment at the call site.
import js from '@eslint/js';
import {defineConfig, globalIgnores} from 'eslint/config';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/**
 * The globals of the Node that runs ESLint, which is the Node that runs the plain .js/.mjs scripts; TypeScript files
 * get theirs from tsc (typescript-eslint turns no-undef off there).
 */
const nodeGlobals = Object.fromEntries(Object.getOwnPropertyNames(globalThis).map((name) => [name, 'readonly']));

export default defineConfig(
  // Built output, recorded tool output, scratch folders.
  globalIgnores(['dist/', 'test/fixtures/', '.tmp/']),
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {globals: nodeGlobals},
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {sourceType: 'commonjs', globals: {module: 'writable', require: 'readonly'}},
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // Dropping a field by destructuring it beside a rest (`const {sum: _sum, ...rest} = record`) is how the code
      // copies a record without one key; tsc's noUnusedLocals accepts it too.
      '@typescript-eslint/no-unused-vars': ['error', {ignoreRestSiblings: true}],
      // certwalk reads keys and terminal output: ESC (\x1b), NUL and the unit separator in a pattern are what it
      // looks for, not typing mistakes.
      'no-control-regex': 'off',
      // Tests match screen rows and Windows tool output, where two spaces (after a glyph, between a code and its
      // name) are part of the format and read best as shown; longer alignment runs are already written {n}.
      'no-regex-spaces': 'off',
    },
  },
  {
    // Hooks exist only in the Ink screens and the .tsx files that render them. Elsewhere a function named use… is not
    // a hook (a step's `use(path)` callback, a test's useFreshSandboxTool()), and rules-of-hooks would misread it.
    files: ['src/screens/**', 'test/screens/**', '**/*.tsx'],
    plugins: {'react-hooks': reactHooks},
    // Only these two: the plugin's other recommended rules (refs, purity, set-state-in-effect, …) check code for
    // the React Compiler, which certwalk does not use; keyboard.tsx reads refs during render on purpose, so that a key
    // handler sees the state the admin last saw.
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      // An error, not the plugin's warning: CI fails on errors only, and a stale dependency is a key handler or an
      // effect reading an old render's values.
      'react-hooks/exhaustive-deps': 'error',
    },
  },
);
