// Sessions are started and continued only by src/session: the screens that drive them (app, its flow, Recovery)
// take types from src/runner and nothing from src/cli, and src/session depends on neither the screens nor the cli.
import assert from 'node:assert/strict';
import {readFileSync, readdirSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {describe, test} from 'node:test';
import {fileURLToPath} from 'node:url';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** What a file imports for its values (static and dynamic imports and re-exports; `import type` left out), resolved. */
function valueImports(file: string): string[] {
  const code = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const found = [...code.matchAll(/\b(?:import|export)\s+(?!type\b)[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g), ...code.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1]!,
  );
  return found.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s));
}

/** Every import of a file, type imports included, resolved. */
function allImports(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  return [...code.matchAll(/\bfrom\s*['"](\.[^'"]+)['"]|\bimport\s*\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => resolve(dirname(file), m[1] ?? m[2]!));
}

const under = (dir: string) => (path: string) => path.startsWith(join(src, dir) + '/');

describe('the session layer', () => {
  test('the app, its flow and Recovery import src/runner for types only, and src/cli not at all', () => {
    for (const name of ['app.tsx', 'app-flow.ts', 'recovery.tsx']) {
      const file = join(src, 'screens', name);
      assert.deepEqual(valueImports(file).filter(under('runner')), [], name);
      assert.deepEqual(allImports(file).filter(under('cli')), [], name);
    }
  });

  test('src/session imports nothing from the screens or the command line', () => {
    for (const name of readdirSync(join(src, 'session'))) {
      const imports = allImports(join(src, 'session', name));
      assert.ok(imports.length, `${name} imports something (the patterns still match)`);
      assert.deepEqual(
        imports.filter((path) => under('screens')(path) || under('cli')(path)),
        [],
        name,
      );
    }
  });
});
