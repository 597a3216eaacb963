// Bundles the app and the sandbox's tool emulator into dist/, so `certwalk` starts from one prebuilt file
// (no tsx at run time) and each simulated Windows command starts a small bundled process. dist/portable/ is the same
// app as one self-contained file for servers without npm or internet: certwalk.mjs (every dependency inside; it is
// also its own sandbox tool) and certwalk.cmd, which runs it with the node.exe next to it or on the PATH.
import {build} from 'esbuild';
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stub = fileURLToPath(new URL('./devtools-stub.mjs', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: {certwalk: 'src/cli/main.tsx', 'sandbox-tool': 'src/hosts/sandbox/tool-entry.ts'},
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  // Prefer ESM builds: jsonc-parser's UMD build requires its own files dynamically, which a bundle cannot follow.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
  // Ink loads react-devtools-core only in DEV mode; production mode plus a stub keeps it out of the bundle.
  define: {'process.env.NODE_ENV': '"production"'},
  alias: {'react-devtools-core': stub},
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: {js: "import {createRequire as __certwalkRequire} from 'node:module'; const require = __certwalkRequire(import.meta.url);"},
});

// .mjs: copied alone, without a package.json saying "type": "module", a .js file would be read as CommonJS.
mkdirSync(new URL('../dist/portable/', import.meta.url), {recursive: true});
const bundle = readFileSync(new URL('../dist/certwalk.js', import.meta.url), 'utf8').replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n');
writeFileSync(new URL('../dist/portable/certwalk.mjs', import.meta.url), bundle);
writeFileSync(
  new URL('../dist/portable/certwalk.cmd', import.meta.url),
  ['@echo off', 'rem certwalk, portable: copy this file and certwalk.mjs to the server (node.exe 20 or newer next to them or on the PATH).', 'setlocal', 'set "NODE=%~dp0node.exe"', 'if not exist "%NODE%" set "NODE=node"', '"%NODE%" "%~dp0certwalk.mjs" %*', ''].join('\r\n'),
);
