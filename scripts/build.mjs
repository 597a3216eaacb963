// Bundles the app and the sandbox's tool emulator into dist/, so `certwalk` starts from one prebuilt file
// (no tsx at run time) and each simulated Windows command starts a small bundled process.
import {build} from 'esbuild';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stub = fileURLToPath(new URL('./devtools-stub.mjs', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: {certwalk: 'src/cli/main.tsx', 'sandbox-tool': 'src/hosts/sandbox/tool-main.ts'},
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
