// The layering of docs/ARCHITECTURE.md ("Rules the layout enforces"), checked by `npm run deps` in CI and pinned by
// test/state/import-boundaries.test.ts, which cruises a tree of forbidden imports to show that each rule bites.
//
// Every kind of import counts, on purpose: `import type` (tsPreCompilationDeps keeps what TypeScript erases, because a
// type from the UI or from the Windows transport ties a layer to it as much as a value does), re-exports and dynamic
// import() (the way a chunk loads is still a dependency: src/screens reaching src/cli through import() was a cycle).

/** Packages that draw the terminal UI or start processes: the pure layers must not reach them. */
const uiAndProcessPackages = '(^|/)node_modules/(@types/)?(ink|react|execa)([-/]|$)';
const filesystemAndProcessBuiltins = '^(fs|child_process)(/|$)';

/** A layer's folder, as a path pattern that matches the folder itself and everything under it. */
const layer = (name) => `^src/${name}(/|$)`;
const layers = (...names) => `^src/(${names.join('|')})(/|$)`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No cycles anywhere in src, type-only ones included: a cycle means two modules are one.',
      from: {path: '^src/'},
      to: {circular: true},
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import depcruise cannot resolve would slip past every other rule.',
      from: {path: '^src/'},
      to: {couldNotResolve: true},
    },
    {
      name: 'state-imports-only-state',
      severity: 'error',
      comment: 'src/state is the pure reducer and its types: no package, builtin or other layer.',
      from: {path: layer('state')},
      to: {pathNot: layer('state')},
    },
    {
      name: 'pure-layers-no-ui-or-processes',
      severity: 'error',
      comment: 'src/state and src/ops draw nothing, start nothing and touch no files: they run under the reducer and on a Host.',
      from: {path: layers('state', 'ops')},
      to: {path: uiAndProcessPackages},
    },
    {
      name: 'pure-layers-no-fs',
      severity: 'error',
      comment: 'src/state and src/ops read files only through a Host.',
      from: {path: layers('state', 'ops')},
      to: {dependencyTypes: ['core'], path: filesystemAndProcessBuiltins},
    },
    {
      name: 'ops-not-windows-transport',
      severity: 'error',
      comment: 'The PowerShell that ops write is src/ops/powershell.ts; src/hosts/windows is transport only.',
      from: {path: layer('ops')},
      to: {path: layer('hosts/windows')},
    },
    {
      name: 'ops-powershell-is-a-leaf',
      severity: 'error',
      comment: 'src/hosts/windows reuses src/ops/powershell.ts: importing anything would drag ops into the transport.',
      from: {path: '^src/ops/powershell\\.ts$'},
      to: {},
    },
    {
      name: 'ops-below-procedures',
      severity: 'error',
      comment: 'An op builds argv, runs it on a Host and parses the output; it knows nothing above it.',
      from: {path: layer('ops')},
      to: {path: layers('procedures', 'runner', 'session', 'screens', 'cli')},
    },
    {
      name: 'procedures-are-data',
      severity: 'error',
      comment: 'Procedures reach nodes through a Host and the runner through their StepContext, never directly.',
      from: {path: layer('procedures')},
      to: {path: layers('runner', 'session', 'screens', 'cli')},
    },
    {
      name: 'procedures-no-fs',
      severity: 'error',
      comment: 'A procedure touches files through a Host, so the sandbox, a remote node and the local machine look alike.',
      from: {path: layer('procedures')},
      to: {dependencyTypes: ['core'], path: filesystemAndProcessBuiltins},
    },
    {
      name: 'runner-below-session',
      severity: 'error',
      comment: 'The runner serves the session service, the screens and the command line; it calls none of them.',
      from: {path: layer('runner')},
      to: {path: layers('session', 'screens', 'cli')},
    },
    {
      name: 'session-below-front-ends',
      severity: 'error',
      comment: 'The session service is what screens and cli call; it must not call back into either.',
      from: {path: layer('session')},
      to: {path: layers('screens', 'cli')},
    },
    {
      name: 'screens-never-call-ops',
      severity: 'error',
      comment: 'Keys become events; a screen reaches nodes through the session service and the runner, and never the command line.',
      from: {path: layer('screens')},
      to: {path: layers('ops', 'cli')},
    },
    {
      name: 'screens-only-render',
      severity: 'error',
      comment: "Screens render and dispatch: files, journals and recordings are the session service's; from the runner they take types only.",
      from: {path: layer('screens')},
      to: {path: layers('runner', 'hosts'), dependencyTypesNot: ['type-only']},
    },
    {
      name: 'hosts-are-the-bottom',
      severity: 'error',
      comment: 'Hosts (and the simulated Windows nodes) serve every layer above and call none of them.',
      from: {path: layer('hosts')},
      to: {path: layers('state', 'procedures', 'runner', 'session', 'screens', 'cli')},
    },
    {
      name: 'hosts-use-only-ops-powershell',
      severity: 'error',
      comment: 'The remote host wraps its commands in the PowerShell of src/ops/powershell.ts; the ops themselves run on a Host.',
      from: {path: layer('hosts')},
      to: {path: layer('ops'), pathNot: '^src/ops/powershell\\.ts$'},
    },
    {
      name: 'certs-below-procedures',
      severity: 'error',
      comment: 'Certificates are made and read by procedures, ops and the sandbox; src/certs calls none of them.',
      from: {path: layer('certs')},
      to: {path: layers('procedures', 'runner', 'session', 'screens', 'cli')},
    },
    {
      name: 'execa-only-in-process',
      severity: 'error',
      comment: 'Every child process starts in src/hosts/process.ts, with the environment less the secrets.',
      from: {path: '^src/', pathNot: '^src/hosts/process\\.ts$'},
      to: {path: '(^|/)node_modules/execa/'},
    },
    {
      name: 'child-process-only-in-process',
      severity: 'error',
      comment: 'The same promise for node:child_process: no second way to start a program.',
      from: {path: '^src/', pathNot: '^src/hosts/process\\.ts$'},
      to: {dependencyTypes: ['core'], path: '^child_process$'},
    },
  ],
  options: {
    doNotFollow: {path: 'node_modules'},
    // Resolve `./x.ts` imports (allowImportingTsExtensions) the way tsc does.
    tsConfig: {fileName: 'tsconfig.json'},
    tsPreCompilationDeps: true,
    // Ink and execa publish only an "exports" map: without it depcruise could not resolve them.
    enhancedResolveOptions: {exportsFields: ['exports'], conditionNames: ['import', 'node', 'default']},
  },
};
