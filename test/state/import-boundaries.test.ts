// Layering rules, checked on the source text: src/state, src/ops and src/procedures stay free of the terminal UI,
// process spawning and the filesystem, src/state (the pure reducer and its types) imports nothing outside itself,
// src/ops imports nothing from src/hosts/windows (the PowerShell it writes is src/ops/powershell.ts), and that module,
// which the remote host's wrapper scripts reuse, imports nothing at all. src/procedures imports nothing from
// src/runner: the runner gives the steps what they use (StepContext: hosts, local files, sealing).
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, readdirSync} from 'node:fs';
import {dirname, join, relative, resolve, sep} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const srcState = join(root, 'src', 'state');
const srcOps = join(root, 'src', 'ops');
const srcScreens = join(root, 'src', 'screens');
const srcHostsWindows = join(root, 'src', 'hosts', 'windows');
const srcProcedures = join(root, 'src', 'procedures');
const srcRunner = join(root, 'src', 'runner');
/** The PowerShell quoting and powershell.exe argv: src/hosts/windows imports it, so it must stay a leaf. */
const opsPowershell = join(srcOps, 'powershell.ts');

/** Every module specifier a source imports: static imports, type imports, re-exports, side-effect and dynamic imports. */
function importsOf(source: string): string[] {
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, '') // block and doc comments
    .replace(/^\s*\/\/.*$/gm, ''); // whole-line comments
  const specifiers: string[] = [];
  const patterns = [
    // import x from 'm'; import {a, b} from 'm'; import type {T} from 'm'; export * from 'm'; export {a} from 'm'
    // (the clause may span lines)
    /\b(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    // import 'm';
    /\bimport\s*['"]([^'"]+)['"]/g,
    // import('m'), require('m')
    /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) specifiers.push(match[1]!);
  }
  return specifiers;
}

const forbiddenPackages: readonly {readonly name: string; readonly pattern: RegExp}[] = [
  {name: 'ink', pattern: /^ink(?:$|\/|-)/}, // ink, ink/…, ink-select-input, ink-testing-library
  {name: 'react', pattern: /^react(?:$|\/)/}, // react, react/jsx-runtime
  {name: 'execa', pattern: /^execa(?:$|\/)/},
  {name: 'node:fs', pattern: /^node:fs(?:$|\/)/}, // node:fs, node:fs/promises
  {name: 'fs', pattern: /^fs(?:$|\/)/}, // fs, fs/promises
];

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

/** Where a specifier points, if it is a path (relative or absolute); null for packages and builtins. */
function resolveSpecifier(file: string, specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return resolve(dirname(file), specifier);
  return null;
}

/**
 * The layering violations of one file. Every file under src/state and src/ops must not import ink, react,
 * execa or the filesystem, nor anything in src/screens; a file under src/state must import only from src/state; a
 * file under src/ops must not import from src/hosts/windows; src/ops/powershell.ts must import nothing.
 */
function violations(file: string, source: string): string[] {
  const found: string[] = [];
  for (const specifier of importsOf(source)) {
    const banned = forbiddenPackages.find(({pattern}) => pattern.test(specifier));
    if (banned) found.push(`imports '${specifier}' (${banned.name} is not allowed here)`);
    const target = resolveSpecifier(file, specifier);
    if ((target !== null && isInside(srcScreens, target)) || /(?:^|\/)src\/screens(?:\/|$)/.test(specifier)) {
      found.push(`imports '${specifier}' from src/screens`);
    }
    if (isInside(srcState, file) && (target === null || !isInside(srcState, target))) {
      found.push(`imports '${specifier}', which is outside src/state`);
    }
    if (isInside(srcOps, file) && ((target !== null && isInside(srcHostsWindows, target)) || /(?:^|\/)src\/hosts\/windows(?:\/|$)/.test(specifier))) {
      found.push(`imports '${specifier}' from src/hosts/windows`);
    }
    if (isInside(srcProcedures, file) && ((target !== null && isInside(srcRunner, target)) || /(?:^|\/)src\/runner(?:\/|$)/.test(specifier))) {
      found.push(`imports '${specifier}' from src/runner`);
    }
    if (file === opsPowershell) found.push(`imports '${specifier}', but src/ops/powershell.ts must import nothing`);
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, {recursive: true, encoding: 'utf8'})
    .filter((name) => /\.tsx?$/.test(name) && !name.endsWith('.d.ts'))
    .map((name) => join(dir, name))
    .sort();
}

describe('importsOf', () => {
  test('finds every kind of import, including multi-line and type-only ones', () => {
    const source = [
      "import React from 'react';",
      "import {render, Box} from 'ink';",
      "import type {Options} from 'execa';",
      'import {',
      '  readFileSync,',
      '  writeFileSync,',
      "} from 'node:fs';",
      "import * as fs from \"fs\";",
      "import './side-effect.ts';",
      "export {thing} from '../screens/Plan.tsx';",
      "export * from './types.ts';",
      "export type {T} from './t.ts';",
      "const lazy = await import('node:fs/promises');",
      "import {x, type Y} from './x.ts'",
    ].join('\n');
    assert.deepEqual(importsOf(source).sort(), [
      '../screens/Plan.tsx',
      './side-effect.ts',
      './t.ts',
      './types.ts',
      './x.ts',
      'execa',
      'fs',
      'ink',
      'node:fs',
      'node:fs/promises',
      'react',
    ]);
  });

  test('ignores imports mentioned in comments and plain strings', () => {
    const source = [
      "// import {render} from 'ink';",
      "/* import React from 'react'; */",
      '/**',
      " * Example: import {execa} from 'execa';",
      ' */',
      "const hint = 'run certwalk from a terminal';",
      "import type {Json} from './types.ts';",
    ].join('\n');
    assert.deepEqual(importsOf(source), ['./types.ts']);
  });
});

describe('the checker itself', () => {
  const stateFile = join(srcState, 'journal.ts');
  const opsFile = join(srcOps, 'netsh.ts');

  test('flags every forbidden package, in src/state and in src/ops', () => {
    for (const specifier of ['ink', 'ink-select-input', 'react', 'react/jsx-runtime', 'execa', 'node:fs', 'node:fs/promises', 'fs', 'fs/promises']) {
      const source = `import something from '${specifier}';\n`;
      assert.ok(
        violations(opsFile, source).some((v) => v.includes('not allowed')),
        `${specifier} should be forbidden in src/ops`,
      );
      assert.ok(
        violations(stateFile, source).some((v) => v.includes('not allowed')),
        `${specifier} should be forbidden in src/state`,
      );
    }
  });

  test('flags imports from src/screens, however they are spelled', () => {
    assert.deepEqual(violations(opsFile, "import {Plan} from '../screens/Plan.tsx';"), ["imports '../screens/Plan.tsx' from src/screens"]);
    assert.deepEqual(violations(opsFile, "import type {Props} from '../screens/confirm/Confirm.tsx';"), [
      "imports '../screens/confirm/Confirm.tsx' from src/screens",
    ]);
    assert.ok(violations(join(srcOps, 'deep', 'x.ts'), "export * from '../../screens/index.ts';").length > 0);
  });

  test('src/state may import only from src/state', () => {
    assert.deepEqual(violations(stateFile, "import type {Json} from './types.ts';"), []);
    assert.deepEqual(violations(join(srcState, 'sub', 'x.ts'), "import {transition} from '../reducer.ts';"), []);
    assert.deepEqual(violations(stateFile, "import type {Host} from '../hosts/host.ts';"), [
      "imports '../hosts/host.ts', which is outside src/state",
    ]);
    assert.deepEqual(violations(stateFile, "import {parse} from 'jsonc-parser';"), ["imports 'jsonc-parser', which is outside src/state"]);
    assert.deepEqual(violations(stateFile, "import {join} from 'node:path';"), ["imports 'node:path', which is outside src/state"]);
  });

  test('src/ops may not import from src/hosts/windows', () => {
    assert.deepEqual(violations(opsFile, "import {powershellArgs, psQuote} from '../hosts/windows/powershell.ts';"), [
      "imports '../hosts/windows/powershell.ts' from src/hosts/windows",
    ]);
    assert.deepEqual(violations(opsFile, "import type {Credential} from '../hosts/windows/remote-host.ts';"), [
      "imports '../hosts/windows/remote-host.ts' from src/hosts/windows",
    ]);
    assert.ok(violations(join(srcOps, 'deep', 'x.ts'), "export * from '../../hosts/windows/remote-scripts.ts';").length > 0);
    // Hosts other than the Windows ones stay importable (the Host contract is what every op runs on).
    assert.deepEqual(violations(opsFile, "import type {Host} from '../hosts/host.ts';"), []);
  });

  test('src/ops/powershell.ts imports nothing, not even another op', () => {
    assert.deepEqual(violations(opsPowershell, "import {command} from './command.ts';"), [
      "imports './command.ts', but src/ops/powershell.ts must import nothing",
    ]);
    assert.deepEqual(violations(opsPowershell, 'export function psQuote(value: string): string { return value; }'), []);
  });

  test('src/procedures may not import from src/runner, nor the filesystem', () => {
    const procedureFile = join(srcProcedures, 'steps', 'pem-files.ts');
    assert.deepEqual(violations(procedureFile, "import {stateDir} from '../../runner/paths.ts';"), ["imports '../../runner/paths.ts' from src/runner"]);
    assert.deepEqual(violations(procedureFile, "import {existsSync} from 'node:fs';"), ["imports 'node:fs' (node:fs is not allowed here)"]);
    assert.deepEqual(violations(procedureFile, "import type {Sealed} from '../../secrets/sealing.ts';"), []);
  });

  test('src/ops may import other src modules and harmless packages', () => {
    assert.deepEqual(violations(opsFile, "import type {Host} from '../hosts/host.ts';\nimport forge from 'node-forge';"), []);
    assert.deepEqual(violations(opsFile, "import {ToolError} from './tool-error.ts';"), []);
  });
});

describe('the real sources', () => {
  for (const [name, dir] of [
    ['src/state', srcState],
    ['src/ops', srcOps],
    ['src/procedures', srcProcedures],
  ] as const) {
    test(`${name}: no forbidden imports`, () => {
      const files = sourceFiles(dir);
      assert.ok(files.length > 0, `no .ts/.tsx files found under ${name}`);
      const problems = files.flatMap((file) =>
        violations(file, readFileSync(file, 'utf8')).map((problem) => `${relative(root, file)}: ${problem}`),
      );
      assert.deepEqual(problems, []);
    });
  }

  test('the scan sees the files it is meant to guard', () => {
    const opsFiles = sourceFiles(srcOps).map((file) => relative(root, file).split(sep).join('/'));
    assert.ok(opsFiles.includes('src/ops/powershell.ts'));
    assert.ok(opsFiles.includes('src/ops/lync.ts'));
    assert.ok(importsOf(readFileSync(join(srcOps, 'lync.ts'), 'utf8')).includes('./powershell.ts'));
    const stateFiles = sourceFiles(srcState).map((file) => relative(root, file).split(sep).join('/'));
    assert.ok(stateFiles.includes('src/state/reducer.ts'));
    assert.ok(stateFiles.includes('src/state/types.ts'));
    assert.ok(importsOf(readFileSync(join(srcState, 'reducer.ts'), 'utf8')).includes('./types.ts'));
  });
});
