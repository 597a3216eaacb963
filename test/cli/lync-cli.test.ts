// The Lync procedures through the real binary: `run lync-roll --yes`, `rollback --journal`, a PFX password that
// comes from the environment, never from the command line, and a rollback that refuses to overwrite a later
// session's certificate (issue 17 point 1).
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, before, describe, test} from 'node:test';
import {initSandbox} from '../../src/hosts/sandbox/index.ts';
import {DEMO_PFX_PASSWORD} from '../../src/hosts/sandbox/lync-demo.ts';
import {readNodeState} from '../../src/hosts/sandbox/state.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'certwalk.js');

function certwalk(args: string[], home: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {cwd: root, encoding: 'utf8', env: {...process.env, CERTWALK_HOME: home, NO_COLOR: '1', ...env}, input: ''});
  return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

describe('certwalk run lync-…', () => {
  const base = mkdtempSync(join(tmpdir(), 'certwalk-lync-cli-'));
  const home = join(base, 'home');
  const dir = join(base, 'sandbox');
  before(async () => {
    await initSandbox(dir, {workers: 0, azureml: false, lyncReplicationDelaySeconds: 1});
  });
  after(() => rmSync(base, {recursive: true, force: true}));
  const show = () => certwalk(['sandbox', 'show', dir, '--json'], home).stdout;

  test('run lync-roll --yes stages the roll on every Front End; rollback --journal puts the pool back exactly', async () => {
    const before = show();
    const journal = join(base, 'roll.jsonl');
    const run = certwalk(['run', 'lync-roll', '--sandbox', dir, '--yes', '--journal', journal, '--param', 'replicationTimeout=20'], home);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /completed: 2 steps verified/);
    assert.match(run.stdout, /current {2}[0-9A-F]{8}…[0-9A-F]{4} {8}[0-9A-F]{8}…[0-9A-F]{4}\n/, 'current now and from the date, side by side');
    assert.match(run.stdout, /OAuthTokenIssuer staged roll/);
    const after = JSON.parse(show());
    for (const fe of ['fe1', 'fe2', 'fe3']) assert.ok(after.nodes[fe].lync.replica.staged, `${fe} has the staged roll`);
    assert.match(certwalk(['sandbox', 'show', dir], home).stdout, /lync {5}CMS \(global\): current [0-9A-F]{40}, previous \(none\), staged [0-9A-F]{40} from /);

    const rollback = certwalk(['rollback', '--journal', journal, '--yes'], home);
    assert.equal(rollback.code, 0, rollback.stdout + rollback.stderr);
    // The undo reaches the CMS at once and the Front Ends after their replication delay (fe3: 2 s here); the
    // rollback waits for them like the change did, so the pool is back when it returns, with no wait here.
    assert.equal(show(), before);
  });

  test('a PFX password is refused on the command line and taken from CERTWALK_PFX_PASSWORD; it is in no file certwalk writes', () => {
    const onCommandLine = certwalk(['run', 'lync-import-pfx', '--sandbox', dir, '--yes', '--param', `password=${DEMO_PFX_PASSWORD}`], home);
    assert.equal(onCommandLine.code, 2);
    assert.match(onCommandLine.stderr, /password is a secret: it is never given on a command line .*set CERTWALK_PFX_PASSWORD/);
    const plan = certwalk(['plan', 'lync-import-pfx', '--sandbox', dir], home, {CERTWALK_PFX_PASSWORD: DEMO_PFX_PASSWORD});
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /password=\*{8}/);
    assert.match(plan.stdout, /PS> \$password = \[Console\]::In\.ReadLine\(\)/);
    const home2 = join(base, 'home2');
    const run = certwalk(['run', 'lync-import-pfx', '--sandbox', dir, '--yes', '--param', 'replicationTimeout=20'], home2, {CERTWALK_PFX_PASSWORD: DEMO_PFX_PASSWORD});
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal((run.stdout + run.stderr + plan.stdout).includes(DEMO_PFX_PASSWORD), false);
    for (const sub of ['journals', 'transcripts']) {
      for (const file of readdirSync(join(home2, sub))) assert.equal(readFileSync(join(home2, sub, file), 'utf8').includes(DEMO_PFX_PASSWORD), false, `${sub}/${file}`);
    }
    // The transcript gives each PowerShell script as it ran, not only the -EncodedCommand base64 of its command line.
    const transcript = readdirSync(join(home2, 'transcripts')).find((f) => f.endsWith('.log'))!;
    const text = readFileSync(join(home2, 'transcripts', transcript), 'utf8');
    assert.match(text, /^\d\d:\d\d:\d\d {4}\$ \[fe1\] powershell -NoProfile -NonInteractive -EncodedCommand [A-Za-z0-9+/]+=*$/m);
    assert.match(text, /^\d\d:\d\d:\d\d {6}> \$password = \[Console\]::In\.ReadLine\(\)$/m);
    assert.match(
      text,
      /^\d\d:\d\d:\d\d {6}> Import-CsCertificate -Identity global -Type OAuthTokenIssuer -Path 'C:\\Certificates\\ServerToServerAuth\.pfx' -Password \$password$/m,
    );
  });
});

describe('rollback of a Lync session a later session built on (issue 17 point 1)', () => {
  const base = mkdtempSync(join(tmpdir(), 'certwalk-lync-cli-cas-'));
  const home = join(base, 'home');
  const dir = join(base, 'sandbox');
  before(async () => {
    await initSandbox(dir, {workers: 0, azureml: false, lyncReplicationDelaySeconds: 0});
  });
  after(() => rmSync(base, {recursive: true, force: true}));
  const show = () => certwalk(['sandbox', 'show', dir, '--json'], home).stdout;
  const current = (shown: string) => (JSON.parse(shown) as {nodes: Record<string, {lync: {cms?: {current: string}}}>}).nodes['fe1']!.lync.cms!.current;
  // Every Set-/Import-/Remove-CsCertificate adds a CMS revision; `sandbox show` hides them (a change and its undo
  // compare equal), so the count is how a test sees that a refused undo ran no cmdlet at all.
  const revisions = async () => (await readNodeState(dir, 'fe1')).lync!.cms!.revisions.length;
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  test("J1 (lync-import-pfx on fe1), then J2 (lync-assign-default on fe2): J1 refuses, J2 restores J1's, J1 then restores the original", async () => {
    const j1 = join(base, 'J1.jsonl');
    const j2 = join(base, 'J2.jsonl');
    const beforeAll = show();
    const run1 = certwalk(['run', 'lync-import-pfx', '--sandbox', dir, '--yes', '--journal', j1, '--param', 'replicationTimeout=20'], home, {
      CERTWALK_PFX_PASSWORD: DEMO_PFX_PASSWORD,
    });
    assert.equal(run1.code, 0, run1.stdout + run1.stderr);
    const afterJ1 = show();
    // J2 runs its cmdlets on another Front End: the configuration is global, so J1 must still find it.
    const run2 = certwalk(['run', 'lync-assign-default', '--sandbox', dir, '--yes', '--journal', j2, '--param', 'frontEnd=fe2', '--param', 'replicationTimeout=20'], home);
    assert.equal(run2.code, 0, run2.stdout + run2.stderr);
    const afterJ2 = show();
    const [t0, t1, t2] = [current(beforeAll), current(afterJ1), current(afterJ2)];
    assert.equal(new Set([t0, t1, t2]).size, 3, 'three different certificates');

    const count = await revisions();
    const rollback1 = certwalk(['rollback', '--journal', j1, '--yes'], home);
    const said = rollback1.stdout + rollback1.stderr;
    assert.notEqual(rollback1.code, 0, said);
    assert.equal(show(), afterJ2, "J2's certificate is still current, on every Front End");
    assert.equal(await revisions(), count, 'no Lync cmdlet changed the CMS');
    assert.match(said, new RegExp(`holds current ${t2}.*, but this session left current ${t1} there; certwalk changed nothing`));
    assert.match(said, new RegExp(`lync-assign-default.*journal ${escape(j2)}`));
    assert.match(said, /only conflicts: nothing was changed by them/);

    const rollback2 = certwalk(['rollback', '--journal', j2, '--yes'], home);
    assert.equal(rollback2.code, 0, rollback2.stdout + rollback2.stderr);
    assert.equal(show(), afterJ1);

    const rollback3 = certwalk(['rollback', '--journal', j1, '--yes'], home);
    assert.equal(rollback3.code, 0, rollback3.stdout + rollback3.stderr);
    assert.equal(show(), beforeAll);
  });
});
