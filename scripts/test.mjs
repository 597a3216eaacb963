// Runs every test/**/*.test.ts(x) on node's own test runner through tsx. Node 20's --test does not expand globs
// itself, and sh's `**` does not recurse, so the files are listed here.
// Each folder under test/ is a layer (docs/TESTING.md): `npm test -- fast` or `npm test -- --layer fast` runs
// test/fast only. Any other argument filters by path substring, as before layers had names. No argument: everything.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, sep} from 'node:path';

// Folders that hold what tests share, not tests.
const NOT_LAYERS = new Set(['helpers', 'fixtures']);
const layers = readdirSync('test', {withFileTypes: true})
  .filter((entry) => entry.isDirectory() && !NOT_LAYERS.has(entry.name))
  .map((entry) => entry.name);

const chosenLayers = [];
const filters = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  const flagged = arg === '--layer' ? args[++i] : arg.startsWith('--layer=') ? arg.slice('--layer='.length) : null;
  if (flagged !== null) {
    for (const name of (flagged ?? '').split(',')) {
      if (!layers.includes(name)) {
        console.error(`no test layer "${name}"; layers: ${layers.join(', ')}`);
        process.exit(1);
      }
      chosenLayers.push(name);
    }
  } else if (layers.includes(arg)) chosenLayers.push(arg);
  else filters.push(arg);
}

const files = readdirSync('test', {recursive: true})
  .map((entry) => join('test', String(entry)))
  .filter((path) => /\.test\.tsx?$/.test(path))
  .filter((path) => !chosenLayers.length || chosenLayers.some((layer) => path.startsWith(join('test', layer) + sep)))
  .filter((path) => !filters.length || filters.some((f) => path.includes(f)))
  .sort();
if (!files.length) {
  console.error(`no test files match ${args.join(' ')}`);
  process.exit(1);
}
// A test that does not name its own state directory (sealed keys, journals, the demo sandbox) uses this one, never the
// state directory of the person running the tests.
const home = mkdtempSync(join(tmpdir(), 'certwalk-test-home-'));
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {stdio: 'inherit', env: {...process.env, CERTWALK_HOME: home}});
rmSync(home, {recursive: true, force: true});
process.exit(result.status ?? 1);
