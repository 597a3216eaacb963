// Bundles the app and the sandbox's tool emulator into dist/, so `certwalk` starts from prebuilt files (no tsx at run
// time) and each simulated Windows command starts a small bundled process.
//
// dist/certwalk.js is split into chunks (dist/chunks/): node compiles every byte of a module it loads, so with one
// file the first frame waited for node-forge, execa and the procedures' code to be compiled although Home runs none
// of it (about a third of the start-up time). Each dynamic import() in src/ is a chunk loaded when it is needed.
//
// dist/portable/ is the same app as one self-contained file for servers without npm or internet: certwalk.mjs (every
// dependency inside, no chunks to copy; it is also its own sandbox tool) and certwalk.cmd, which runs it with the
// node.exe next to it or on the PATH.
import {build} from 'esbuild';
import {mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stub = fileURLToPath(new URL('./devtools-stub.mjs', import.meta.url));

/** What every bundle shares; bench/figures/first-frame.ts bundles its baseline app with the same options. */
export const bundleOptions = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Prefer ESM builds: jsonc-parser's UMD build requires its own files dynamically, which a bundle cannot follow.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
  // Ink loads react-devtools-core only in DEV mode; production mode plus a stub keeps it out of the bundle.
  define: {'process.env.NODE_ENV': '"production"'},
  alias: {'react-devtools-core': stub},
  // Some CommonJS dependencies call require(); give each ESM file one.
  banner: {js: "import {createRequire as __certwalkRequire} from 'node:module'; const require = __certwalkRequire(import.meta.url);"},
};

// Only when run as a script: the bench imports bundleOptions.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // Chunk names carry a content hash: stale ones from an earlier build would pile up.
  rmSync(new URL('../dist/chunks/', import.meta.url), {recursive: true, force: true});
  await Promise.all([
    build({...bundleOptions, entryPoints: {certwalk: 'src/cli/main.tsx'}, outdir: 'dist', splitting: true, chunkNames: 'chunks/[name]-[hash]', sourcemap: 'linked'}),
    // One file: it starts for every simulated command, and has no use for the app's chunks.
    build({...bundleOptions, entryPoints: {'sandbox-tool': 'src/hosts/sandbox/tool-entry.ts'}, outdir: 'dist', sourcemap: 'linked'}),
    // .mjs: copied alone, without a package.json saying "type": "module", a .js file would be read as CommonJS.
    build({...bundleOptions, entryPoints: ['src/cli/main.tsx'], outfile: 'dist/portable/certwalk.mjs'}),
  ]);
  mkdirSync(new URL('../dist/portable/', import.meta.url), {recursive: true});
  writeFileSync(
    new URL('../dist/portable/certwalk.cmd', import.meta.url),
    [
      '@echo off',
      'rem certwalk, portable: copy this file and certwalk.mjs to the server (node.exe 20 or newer next to them or on the PATH).',
      'setlocal',
      'set "NODE=%~dp0node.exe"',
      'if not exist "%NODE%" set "NODE=node"',
      '"%NODE%" "%~dp0certwalk.mjs" %*',
      '',
    ].join('\r\n'),
  );
}
