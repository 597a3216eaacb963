#!/usr/bin/env node
// Thin entry point: the app is prebuilt into dist/ by `npm ci` (prepare) or `npm run build`.
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const bundle = fileURLToPath(new URL('../dist/certwalk.js', import.meta.url));
if (!existsSync(bundle)) {
  console.error('certwalk: dist/certwalk.js is missing; run `npm run build` (npm ci runs it for you).');
  process.exit(1);
}
await import(bundle);
