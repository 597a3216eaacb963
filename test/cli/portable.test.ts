// The portable build (dist/portable/certwalk.mjs, made by `npm run build` and by `npm test`'s pretest): copied alone
// to a folder with no node_modules and no package.json, it runs a procedure on a sandbox and rolls it back, being
// its own sandbox tool.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import {builtinModules} from 'node:module';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const portable = join(root, 'dist', 'portable');
let work: string;

before(() => {
  assert.ok(existsSync(join(portable, 'certwalk.mjs')), 'dist/portable/certwalk.mjs is missing: run `npm run build` first');
  work = mkdtempSync(join(tmpdir(), 'certwalk-portable-'));
  copyFileSync(join(portable, 'certwalk.mjs'), join(work, 'certwalk.mjs'));
});

after(() => rmSync(work, {recursive: true, force: true}));

function certwalk(args: readonly string[]) {
  const env: NodeJS.ProcessEnv = {...process.env, CERTWALK_HOME: join(work, 'home'), NO_COLOR: '1'};
  // Nothing may point back into the checkout.
  delete env.CERTWALK_SANDBOX_TOOL;
  delete env.CERTWALK_SANDBOX_IN_PROCESS;
  delete env.NODE_PATH;
  delete env.NODE_OPTIONS;
  const result = spawnSync(process.execPath, [join(work, 'certwalk.mjs'), ...args], {cwd: work, env, encoding: 'utf8', input: ''});
  return {code: result.status, out: `${result.stdout}${result.stderr}`, stdout: result.stdout};
}

test('the portable file imports nothing but Node built-ins', () => {
  const text = readFileSync(join(portable, 'certwalk.mjs'), 'utf8');
  const builtins = new Set(builtinModules);
  const specifiers = [...text.matchAll(/^import\s[^'"]*?from\s*["']([^"']+)["']/gm), ...text.matchAll(/^import\s*["']([^"']+)["']/gm)].map((m) => m[1]!);
  assert.ok(specifiers.length > 0, 'no import statements found: the pattern no longer matches the bundle');
  const foreign = specifiers.filter((s) => !s.startsWith('node:') && !builtins.has(s));
  assert.deepEqual(foreign, []);
});

test('copied alone, it runs ssis-master on a sandbox (its own sandbox tool) and rolls it back exactly', () => {
  const sandbox = join(work, 'sandbox');
  const init = certwalk(['sandbox', 'init', sandbox, '--workers', '1']);
  assert.equal(init.code, 0, init.out);
  const beforeState = certwalk(['sandbox', 'show', sandbox, '--json']).stdout;
  const journal = join(work, 'run.jsonl');
  const run = certwalk(['run', 'ssis-master', '--sandbox', sandbox, '--yes', '--journal', journal]);
  assert.equal(run.code, 0, run.out);
  assert.match(run.out, /completed: 9 steps verified/);
  assert.notEqual(certwalk(['sandbox', 'show', sandbox, '--json']).stdout, beforeState, 'the run changed nothing');
  const rollback = certwalk(['rollback', '--journal', journal, '--yes']);
  assert.equal(rollback.code, 0, rollback.out);
  assert.equal(certwalk(['sandbox', 'show', sandbox, '--json']).stdout, beforeState);
  // Only what the session wrote: the copied file stays the one file next to the sandbox and the state directory.
  assert.deepEqual(readdirSync(work).sort(), ['certwalk.mjs', 'home', 'run.jsonl', 'sandbox']);
});

test('the Windows launcher runs certwalk.mjs with the node.exe next to it, else node on the PATH', () => {
  const cmd = readFileSync(join(portable, 'certwalk.cmd'), 'utf8');
  assert.match(cmd, /\r\n/, 'cmd.exe needs CRLF line ends');
  assert.match(cmd, /set "NODE=%~dp0node\.exe"/);
  assert.match(cmd, /if not exist "%NODE%" set "NODE=node"/);
  assert.match(cmd, /"%NODE%" "%~dp0certwalk\.mjs" %\*/);
});
