// Runs every test/**/*.test.ts(x) on node's own test runner through tsx. Node 20's --test does not expand globs
// itself, and sh's `**` does not recurse, so the files are listed here. Extra arguments filter by path substring.
import {spawnSync} from 'node:child_process';
import {readdirSync} from 'node:fs';
import {join} from 'node:path';

const filters = process.argv.slice(2);
const files = readdirSync('test', {recursive: true})
  .map((entry) => join('test', String(entry)))
  .filter((path) => /\.test\.tsx?$/.test(path))
  .filter((path) => !filters.length || filters.some((f) => path.includes(f)))
  .sort();
if (!files.length) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {stdio: 'inherit'});
process.exit(result.status ?? 1);
