// The layering of docs/ARCHITECTURE.md is .dependency-cruiser.cjs (CI runs it as `npm run deps`). This file shows
// that each rule bites: a small tree in a temp folder breaks every rule in the ways an import can be spelled (type
// imports, re-exports, dynamic import(), lines split inside the braces) beside imports that must stay allowed, and
// depcruise, run as CI runs it, has to name exactly the broken rules. Then the real tree must break none.
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {copyFileSync, mkdirSync, symlinkSync, writeFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {tempDir} from '../helpers/temp.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const depcruiseBin = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: {readonly name: string};
}

interface Cruise {
  readonly violations: readonly Violation[];
  readonly modules: readonly {readonly source: string; readonly dependencies: readonly {readonly resolved: string}[]}[];
}

/** Runs depcruise on `src` under `cwd` with the project's rules, as `npm run deps` does, and reads its JSON report. */
function cruise(cwd: string): Promise<Cruise> {
  const args = [depcruiseBin, 'src', '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'json'];
  return new Promise((done, fail) => {
    // depcruise exits with the number of errors it found: the report, not the exit code, is what is checked.
    execFile(process.execPath, args, {cwd, maxBuffer: 256 * 1024 * 1024}, (error, stdout, stderr) => {
      if (!stdout) return fail(new Error(`depcruise printed nothing: ${error?.message ?? ''}\n${stderr}`));
      const report = JSON.parse(stdout) as {summary: {violations: Violation[]}; modules: Cruise['modules']};
      done({violations: report.summary.violations, modules: report.modules});
    });
  });
}

/** Modules the cases import; each imports nothing, so none of them breaks a rule. */
const importedModules = [
  'src/state/types.ts',
  'src/state/sub/reducer.ts',
  'src/ops/command.ts',
  'src/hosts/host.ts',
  'src/hosts/windows/remote-host.ts',
  'src/hosts/windows/remote-scripts.ts',
  'src/screens/plan.tsx',
  'src/screens/app.tsx',
  'src/runner/paths.ts',
  'src/session/service.ts',
  'src/cli/session.ts',
  'src/procedures/catalog.ts',
];

/** One file each: its source, and every rule depcruise must say it breaks (none for an allowed import). */
const cases: Readonly<Record<string, {readonly source: string; readonly breaks: readonly string[]}>> = {
  'src/state/uses-ink.ts': {source: "import {Box} from 'ink';", breaks: ['pure-layers-no-ui-or-processes', 'state-imports-only-state']},
  'src/state/uses-react-jsx.ts': {source: "import {jsx} from 'react/jsx-runtime';", breaks: ['pure-layers-no-ui-or-processes', 'state-imports-only-state']},
  'src/state/uses-react-type.ts': {source: "import type {ReactNode} from 'react';", breaks: ['pure-layers-no-ui-or-processes', 'state-imports-only-state']},
  'src/state/uses-fs-dynamically.ts': {source: "export const fs = await import('node:fs/promises');", breaks: ['pure-layers-no-fs', 'state-imports-only-state']},
  'src/state/uses-path.ts': {source: "import {join} from 'node:path';", breaks: ['state-imports-only-state']},
  'src/state/uses-package.ts': {source: "import {parse} from 'jsonc-parser';", breaks: ['state-imports-only-state']},
  'src/state/uses-host-type.ts': {source: "import type {Host} from '../hosts/host.ts';", breaks: ['state-imports-only-state']},
  'src/state/uses-state.ts': {source: "import type {State} from './types.ts';\nexport {reduce} from './sub/reducer.ts';", breaks: []},

  'src/ops/uses-execa.ts': {source: "import {execa} from 'execa';", breaks: ['execa-only-in-process', 'pure-layers-no-ui-or-processes']},
  'src/ops/uses-ink-over-lines.ts': {source: "import {\n  Box,\n  Text,\n} from 'ink';", breaks: ['pure-layers-no-ui-or-processes']},
  'src/ops/uses-fs.ts': {source: "import * as fs from 'fs';", breaks: ['pure-layers-no-fs']},
  'src/ops/uses-child-process.ts': {source: "import {spawn} from 'node:child_process';", breaks: ['child-process-only-in-process', 'pure-layers-no-fs']},
  'src/ops/re-exports-windows.ts': {source: "export * from '../hosts/windows/remote-scripts.ts';", breaks: ['ops-not-windows-transport']},
  'src/ops/uses-windows-type.ts': {source: "import type {Credential} from '../hosts/windows/remote-host.ts';", breaks: ['ops-not-windows-transport']},
  'src/ops/uses-screens.ts': {source: "import type {Plan} from '../screens/plan.tsx';", breaks: ['ops-below-procedures']},
  'src/ops/powershell.ts': {source: "import {command} from './command.ts';", breaks: ['ops-powershell-is-a-leaf']},
  'src/ops/uses-host.ts': {
    source: "import type {Host} from '../hosts/host.ts';\nimport forge from 'node-forge';\nimport {command} from './command.ts';",
    breaks: [],
  },

  'src/procedures/uses-runner.ts': {source: "import {stateDir} from '../runner/paths.ts';", breaks: ['procedures-are-data']},
  'src/procedures/uses-session.ts': {source: "import type {Session} from '../session/service.ts';", breaks: ['procedures-are-data']},
  'src/procedures/uses-screens.ts': {source: "import type {App} from '../screens/app.tsx';", breaks: ['procedures-are-data']},
  'src/procedures/uses-cli.ts': {source: "import {lockSession} from '../cli/session.ts';", breaks: ['procedures-are-data']},
  'src/procedures/steps/uses-fs.ts': {source: "import {existsSync} from 'node:fs';", breaks: ['procedures-no-fs']},
  'src/procedures/uses-lower-layers.ts': {
    source: "import {command} from '../ops/command.ts';\nimport type {State} from '../state/types.ts';\nimport {createHash} from 'node:crypto';",
    breaks: [],
  },

  'src/runner/uses-session.ts': {source: "import type {Session} from '../session/service.ts';", breaks: ['runner-below-session']},
  'src/runner/uses-cli.ts': {source: "import {lockSession} from '../cli/session.ts';", breaks: ['runner-below-session']},
  'src/runner/uses-procedures.ts': {source: "import {catalog} from '../procedures/catalog.ts';\nimport {writeFileSync} from 'node:fs';", breaks: []},

  'src/session/uses-screens.ts': {source: "import type {App} from '../screens/app.tsx';", breaks: ['session-below-front-ends']},
  'src/session/uses-cli.ts': {source: "export const cli = await import('../cli/session.ts');", breaks: ['session-below-front-ends']},
  'src/session/uses-runner.ts': {
    source: "import {stateDir} from '../runner/paths.ts';\nimport {catalog} from '../procedures/catalog.ts';\nimport type {Host} from '../hosts/host.ts';",
    breaks: [],
  },

  'src/screens/uses-cli.tsx': {source: "export const session = await import('../cli/session.ts');", breaks: ['screens-never-call-ops']},
  'src/screens/uses-ops.tsx': {source: "import {command} from '../ops/command.ts';", breaks: ['screens-never-call-ops']},
  'src/screens/uses-session.tsx': {source: "import {Box} from 'ink';\nimport type {Session} from '../session/service.ts';", breaks: []},
  'src/screens/uses-runner.tsx': {source: "import {stateDir} from '../runner/paths.ts';", breaks: ['screens-only-render']},
  'src/screens/uses-host.tsx': {source: "export const host = await import('../hosts/host.ts');", breaks: ['screens-only-render']},
  'src/screens/uses-runner-types.tsx': {source: "import type {Fleet} from '../hosts/host.ts';\nimport type {Paths} from '../runner/paths.ts';", breaks: []},

  'src/cli/uses-screens.tsx': {source: "export const app = await import('../screens/app.tsx');\nimport type {Session} from '../session/service.ts';", breaks: []},

  'src/hosts/uses-procedures.ts': {source: "import {catalog} from '../procedures/catalog.ts';", breaks: ['hosts-are-the-bottom']},
  'src/hosts/sandbox/uses-runner.ts': {source: "import {stateDir} from '../../runner/paths.ts';", breaks: ['hosts-are-the-bottom']},
  'src/hosts/uses-state.ts': {source: "import type {State} from '../state/types.ts';", breaks: ['hosts-are-the-bottom']},
  'src/hosts/windows/uses-screens.ts': {source: "import type {App} from '../../screens/app.tsx';", breaks: ['hosts-are-the-bottom']},
  'src/hosts/sandbox/uses-execa.ts': {source: "import {execa} from 'execa';", breaks: ['execa-only-in-process']},
  'src/hosts/sandbox/uses-child-process.ts': {source: "import {spawnSync} from 'node:child_process';", breaks: ['child-process-only-in-process']},
  'src/hosts/process.ts': {source: "import {execa} from 'execa';\nimport {spawn} from 'node:child_process';", breaks: []},
  'src/hosts/windows/uses-powershell.ts': {source: "import {psQuote} from '../../ops/powershell.ts';", breaks: []},
  'src/hosts/sandbox/uses-op.ts': {source: "import {command} from '../../ops/command.ts';", breaks: ['hosts-use-only-ops-powershell']},

  'src/certs/uses-procedures.ts': {source: "import {catalog} from '../procedures/catalog.ts';", breaks: ['certs-below-procedures']},

  'src/i18n/uses-missing.ts': {source: "import {fr} from './fr.ts';", breaks: ['not-to-unresolvable']},
};

/** Two modules that need each other, the way back through a type alone: still one module in two files. */
const cycle = {
  'src/cli/out.ts': "import {recorded} from './recorded-out.ts';\nexport interface Out { log(line: string): void }",
  'src/cli/recorded-out.ts': "import type {Out} from './out.ts';\nexport const recorded = (out: Out) => out;",
};

/** A project folder holding `files`, resolving packages through the repo's node_modules with the repo's tsconfig. */
function projectWith(files: Readonly<Record<string, string>>): string {
  const dir = tempDir('certwalk-depcruise-');
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), {recursive: true});
    writeFileSync(join(dir, path), `${source}\n`);
  }
  copyFileSync(join(root, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'junction');
  return dir;
}

describe('the dependency rules', () => {
  const files: Record<string, string> = {...cycle};
  for (const path of importedModules) files[path] = 'export {};';
  for (const [path, {source}] of Object.entries(cases)) files[path] = source;
  const fixture = cruise(projectWith(files));

  test('name every broken rule, and nothing else, for each way of importing', async () => {
    const {violations} = await fixture;
    const broken = (path: string) => [...new Set(violations.filter((v) => v.from === path && v.rule.name !== 'no-circular').map((v) => v.rule.name))].sort();
    for (const [path, {breaks}] of Object.entries(cases)) assert.deepEqual(broken(path), [...breaks].sort(), path);
    for (const path of importedModules) assert.deepEqual(broken(path), [], path);
  });

  test('forbid a cycle, even one closed by a type-only import', async () => {
    const {violations} = await fixture;
    const circular = violations.filter((v) => v.rule.name === 'no-circular').map((v) => `${v.from} -> ${v.to}`);
    assert.equal(circular.length, 1, circular.join('\n'));
    assert.ok(
      Object.keys(cycle).some((path) => circular[0]!.startsWith(`${path} -> `)),
      circular[0],
    );
  });
});

describe('the real sources', () => {
  const real = cruise(root);

  test('break no dependency rule', async () => {
    const {violations} = await real;
    assert.deepEqual(
      violations.map((v) => `${v.from} -> ${v.to}: ${v.rule.name}`),
      [],
    );
  });

  test('are read with their imports resolved, so the rules see the files they guard', async () => {
    const {modules} = await real;
    const importsOf = (source: string) => modules.find((m) => m.source === source)?.dependencies.map((d) => d.resolved) ?? [];
    assert.ok(importsOf('src/state/reducer.ts').includes('src/state/types.ts'));
    assert.ok(importsOf('src/ops/lync.ts').includes('src/ops/powershell.ts'));
    assert.ok(importsOf('src/hosts/process.ts').some((path) => path.startsWith('node_modules/execa/')));
    assert.ok(importsOf('src/screens/keyboard.tsx').some((path) => path.startsWith('node_modules/ink/')));
  });
});
