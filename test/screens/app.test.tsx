// The whole Ink app driven by keys (ink-testing-library): Home → Parameters → Plan → Run on a fresh sandbox of
// simulated Windows nodes per test, reading the sandbox back to see what the keys really did. One key per write,
// waiting for frames, never fixed sleeps.
import {after, afterEach, before, beforeEach, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {render} from 'ink-testing-library';

import {addFault, initSandbox, MASTER_SETTINGS_PATH, SandboxFleet, showSandbox, WORKER_SETTINGS_PATH} from '../../src/hosts/sandbox/index.ts';
import type {NodeSnapshot, SandboxSnapshot} from '../../src/hosts/sandbox/index.ts';
import {procedures} from '../../src/procedures/index.ts';
import {App} from '../../src/screens/app.tsx';
import {BINDINGS} from '../../src/screens/keys.ts';
import {translator} from '../../src/i18n/index.ts';
import {frame, KEY, press, pressUntil, pressWhen, ready, settled, type, waitForFrame} from '../helpers/ui.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const IPPORT = '0.0.0.0:8391';
const CONFIRM_DELETE = `Confirm [master]: Delete the SSL binding on ${IPPORT}`;
const CONFIRM_MASTER = 'Confirm [master]: Overwrite SSLCertThumbprint in MasterSettings.config';
const CONFIRM_WORKER = 'Confirm [worker1]: Overwrite MasterHttpsCertThumbprint in WorkerSettings.config';

// ---------------------------------------------------------------------------------------------------------------
// One fresh world per test: a sandbox, a CERTWALK_HOME and a transcript directory in a temp dir.

interface World {
  readonly tmp: string;
  readonly dir: string;
  readonly home: string;
  readonly transcripts: string;
  readonly initial: SandboxSnapshot;
  app?: ReturnType<typeof render>;
  exitCodes: number[];
}

let world: World;
const savedHome = process.env.CERTWALK_HOME;

before(() => {
  // The sandbox's Windows tools run as `node dist/sandbox-tool.js` (built by `npm test` / `node scripts/build.mjs`).
  assert.ok(existsSync(join(root, 'dist', 'sandbox-tool.js')), 'dist/sandbox-tool.js is missing: run `node scripts/build.mjs` first');
});

beforeEach(async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'certwalk-app-'));
  const dir = join(tmp, 'sandbox');
  await initSandbox(dir, {workers: 1});
  const home = join(tmp, 'home');
  process.env.CERTWALK_HOME = home; // journals go here
  world = {tmp, dir, home, transcripts: join(tmp, 'transcripts'), initial: await showSandbox(dir), exitCodes: []};
});

afterEach(() => {
  world.app?.unmount();
  rmSync(world.tmp, {recursive: true, force: true});
});

after(() => {
  if (savedHome === undefined) delete process.env.CERTWALK_HOME;
  else process.env.CERTWALK_HOME = savedHome;
});

async function start(): Promise<ReturnType<typeof render>> {
  const app = render(<App fleet={new SandboxFleet(world.dir)} procedures={procedures} transcriptDir={world.transcripts} onExit={(code) => world.exitCodes.push(code)} />);
  world.app = app;
  await ready(app);
  return app;
}

/** Home → Parameters (defaults read from the nodes). */
async function openParameters(app: ReturnType<typeof render>): Promise<string> {
  await pressWhen(app, 'Choose a procedure:', KEY.enter);
  const params = await waitForFrame(app, 'Continue to the plan →');
  return params;
}

/** Parameters → Plan with whatever values the form holds; returns the plan frame. */
async function continueToPlan(app: ReturnType<typeof render>): Promise<string> {
  await pressUntil(app, KEY.down, '› Continue to the plan →');
  await press(app, KEY.enter);
  const plan = await waitForFrame(app, /plan: \d+ steps/);
  return plan;
}

/** The new certificate's thumbprint as the plan's summary names it. */
function newThumbprintOf(plan: string): string {
  const m = /^new\s+([0-9A-F]{40}) /m.exec(plan);
  assert.ok(m, `the plan does not name the new certificate:\n${plan}`);
  return m[1]!;
}

/** Home → Plan → Run; returns the new thumbprint. */
async function startRun(app: ReturnType<typeof render>): Promise<string> {
  await openParameters(app);
  const plan = await continueToPlan(app);
  const thumbprint = newThumbprintOf(plan);
  await press(app, 's');
  await waitForFrame(app, /RUNNING \d+\/9/);
  return thumbprint;
}

/** Answers one Confirm box with `key` once it shows, and waits until it has gone (the key was taken). */
async function answer(app: ReturnType<typeof render>, title: string, key: string): Promise<void> {
  await pressWhen(app, title, key);
  await waitForFrame(app, (f) => !f.includes(title));
}

async function runToCompletion(app: ReturnType<typeof render>): Promise<{thumbprint: string; done: string}> {
  const thumbprint = await startRun(app);
  for (const title of [CONFIRM_DELETE, CONFIRM_MASTER, CONFIRM_WORKER]) await answer(app, title, 'y');
  const done = await waitForFrame(app, '✔ Completed: all 9 steps done and read back', 60_000);
  return {thumbprint, done};
}

function masterBinding(snapshot: SandboxSnapshot) {
  return snapshot.nodes.master!.bindings.find((b) => b.ipport === IPPORT);
}

function setting(node: NodeSnapshot, path: string, key: string): unknown {
  const entry = Object.entries(node.settings).find(([p]) => p.toLowerCase() === path.toLowerCase());
  assert.ok(entry, `no ${path} on ${node.name}: ${Object.keys(node.settings).join(', ')}`);
  return entry[1].values?.[key];
}

/** Step rows of the Run screen: icon, number, node. */
function stepRows(f: string): {icon: string; n: number; line: string}[] {
  return f
    .split('\n')
    .map((line) => /^([·✔?▶✘↷↶↺]) +(\d+) /.exec(line) && {icon: line[0]!, n: Number(/^. +(\d+)/.exec(line)![1]), line})
    .filter((row): row is {icon: string; n: number; line: string} => Boolean(row));
}

// ---------------------------------------------------------------------------------------------------------------

describe('the app, driven by keys on a sandbox with one worker', () => {
  test('the whole master procedure: every Confirm box answered y, then the new certificate is everywhere', async () => {
    // Given a master and one worker, and the binding on 0.0.0.0:8391 as it is before the run
    const oldBinding = masterBinding(world.initial);
    assert.ok(oldBinding);
    const oldThumbprint = oldBinding.certhash.toUpperCase();
    const app = await start();

    // When the admin goes Home → Parameters (defaults) → Plan → s, and answers y to each of the three Confirm boxes
    const params = await openParameters(app);
    assert.match(params, /Key size\s+2048/);
    assert.match(params, /Master port\s+8391/);
    const plan = await continueToPlan(app);
    assert.match(plan, /plan: 9 steps/);
    assert.ok(plan.includes(`$ netsh http delete sslcert ipport=${IPPORT}`), plan);
    const thumbprint = newThumbprintOf(plan);
    await press(app, 's');
    for (const title of [CONFIRM_DELETE, CONFIRM_MASTER, CONFIRM_WORKER]) await answer(app, title, 'y');
    const done = await waitForFrame(app, '✔ Completed: all 9 steps done and read back', 60_000);

    // Then the screen says COMPLETED 9/9 with every step green
    assert.match(done.split('\n')[0]!, /COMPLETED 9\/9$/);
    assert.ok(stepRows(done).length >= 3 && stepRows(done).every((r) => r.icon === '✔'), done);
    // …the before/after panel has the http.sys row: old → new, shortened to head…tail at this width
    const row = done.split('\n').find((l) => /^master\s+http\.sys 0\.0\.0\.0:8391\s+[0-9A-F]/.test(l));
    assert.ok(row, `no http.sys ${IPPORT} row:\n${done}`);
    const m = /([0-9A-F]{8,})(?:…([0-9A-F]{4}))?\s+→\s+([0-9A-F]{8,})(?:…([0-9A-F]{4}))?$/.exec(row);
    assert.ok(m, row);
    assert.ok(oldThumbprint.startsWith(m[1]!) && (m[2] === undefined || oldThumbprint.endsWith(m[2])), `before is not the old thumbprint: ${row}`);
    assert.ok(thumbprint.startsWith(m[3]!) && (m[4] === undefined || thumbprint.endsWith(m[4])), `after is not the new thumbprint: ${row}`);
    // …and the transcript path, which is a 0600 file in the transcript directory recording the confirmations
    const lines = done.split('\n');
    const at = lines.findIndex((l) => l.startsWith('Transcript ('));
    assert.ok(at >= 0, done);
    const transcript = lines[at + 1]!.trim();
    assert.ok(transcript.startsWith(world.transcripts) && transcript.endsWith('.log'), `transcript path: ${transcript}`);
    assert.ok(existsSync(transcript));
    assert.equal(statSync(transcript).mode & 0o777, 0o600);
    assert.equal((readFileSync(transcript, 'utf8').match(/CONFIRMED by/g) ?? []).length, 3, 'three confirmations recorded');
    // …and, between its header and the first step, what the Parameters and Plan screens read from the nodes
    const text = readFileSync(transcript, 'utf8');
    const reads = text.indexOf('before the session started:');
    assert.ok(reads > 0 && reads < text.indexOf('procedure started'), text.slice(0, 3000));
    assert.match(text.slice(reads, text.indexOf('end of the reads before the session started')), /^\d\d:\d\d:\d\d {4}\$ \[master\] netsh http show sslcert/m);
    assert.equal(readdirSync(join(world.home, 'journals')).length, 1, 'one journal in CERTWALK_HOME');

    // …and the sandbox: the master binding has the new hash with the SAME appid, store and options
    const now = await showSandbox(world.dir);
    const binding = masterBinding(now);
    assert.ok(binding, 'the binding on 0.0.0.0:8391 is there');
    assert.equal(binding.certhash.toUpperCase(), thumbprint);
    assert.equal(binding.appid, oldBinding.appid);
    assert.equal(binding.certstorename, oldBinding.certstorename);
    assert.deepEqual(binding.options, oldBinding.options);
    assert.equal(setting(now.nodes.master!, MASTER_SETTINGS_PATH, 'SSLCertThumbprint'), thumbprint);
    assert.ok(now.nodes.master!.stores.Root!.some((c) => c.thumbprint === thumbprint && c.hasPrivateKey));
    assert.ok(
      now.nodes.worker1!.stores.Root!.some((c) => c.thumbprint === thumbprint),
      "worker1's Root store trusts the new certificate",
    );
    assert.equal(setting(now.nodes.worker1!, WORKER_SETTINGS_PATH, 'MasterHttpsCertThumbprint'), thumbprint);
    assert.equal(now.nodes.master!.services.SSISScaleOutMaster140!.status, 'running');
    assert.equal(now.nodes.worker1!.services.SSISScaleOutWorker140!.status, 'running');
    // …the unrelated binding on 443 is untouched
    assert.deepEqual(
      now.nodes.master!.bindings.filter((b) => b.ipport !== IPPORT),
      world.initial.nodes.master!.bindings.filter((b) => b.ipport !== IPPORT),
    );

    // When the admin presses t, Then the transcript viewer shows this session's file, newest lines at the bottom
    await press(app, 't');
    const viewer = await waitForFrame(app, `transcript ${transcript}`);
    assert.match(viewer, /session closed|procedure completed|CONFIRMED by|exit \d+ in \d+ ms/, viewer);
    assert.match(viewer.split('\n').at(-1)!, /^lines \d+-\d+ of \d+ · .*Esc close$/);
    // …and Esc brings the Completed screen back
    await pressWhen(app, `transcript ${transcript}`, KEY.escape);
    await waitForFrame(app, (f) => f.includes('✔ Completed') && !f.includes(`transcript ${transcript}`));
  });

  test('after completion, r then y rolls back: the sandbox is exactly as before the run', async () => {
    // Given a completed run
    const app = await start();
    const {thumbprint} = await runToCompletion(app);
    assert.notDeepEqual(await showSandbox(world.dir), world.initial);

    // When the admin presses r, reads the rollback list, and presses y
    const box = await pressWhen(app, 'Enter home · r roll back', 'r');
    assert.ok(box.includes('✔ Completed'));
    const list = await pressWhen(app, 'Roll back: undo every step that changed something, newest first', 'y');
    assert.ok(list.includes('y start the rollback · n/Esc cancel'), list);
    const rolled = await waitForFrame(app, /↺ Rolled back: 9 step\(s\) undone/, 60_000);

    // Then every step is undone, the title says ROLLED BACK, and the sandbox deep-equals the snapshot taken before
    assert.match(rolled.split('\n')[0]!, /ROLLED BACK 0\/9$/);
    assert.ok(
      stepRows(rolled).every((r) => r.icon === '↺'),
      rolled,
    );
    assert.doesNotMatch(rolled.split('\n').at(-1)!, /r roll back/, 'no second rollback is offered');
    const now = await showSandbox(world.dir);
    assert.deepEqual(now, world.initial);
    assert.ok(!now.nodes.worker1!.stores.Root!.some((c) => c.thumbprint === thumbprint));
  });

  test('Enter at a Confirm box does not confirm; n pauses with nothing deleted; p asks again', async () => {
    // Given the run waiting at the first Confirm box (delete the binding)
    const app = await start();
    await startRun(app);
    const asking = await waitForFrame(app, CONFIRM_DELETE);
    assert.ok(asking.includes('y yes · n/Esc no'), asking);

    // When the admin presses Enter alone
    await pressWhen(app, CONFIRM_DELETE, KEY.enter);
    // Then a hint says so, the box stays, and the binding is still there
    const hinted = await waitForFrame(app, 'Enter alone does not confirm');
    assert.ok(hinted.includes(CONFIRM_DELETE), hinted);
    assert.deepEqual(masterBinding(await showSandbox(world.dir)), masterBinding(world.initial));

    // When the admin answers n
    await press(app, 'n');
    // Then the run is PAUSED, step 3 (the delete) is back to pending, and nothing was deleted
    const paused = await waitForFrame(app, /PAUSED · p resume/);
    assert.match(paused.split('\n')[0]!, /PAUSED 2\/9$/);
    assert.ok(!paused.includes('Confirm ['), paused);
    assert.equal(stepRows(paused).find((r) => r.n === 3)?.icon, '·', paused);
    const afterNo = await showSandbox(world.dir);
    assert.deepEqual(masterBinding(afterNo), masterBinding(world.initial), 'the binding is untouched');
    assert.deepEqual(afterNo.nodes.master!.settings, world.initial.nodes.master!.settings);

    // When the admin presses p
    await press(app, 'p');
    // Then the same step asks again
    const again = await waitForFrame(app, CONFIRM_DELETE);
    assert.match(again.split('\n')[0]!, /RUNNING 2\/9$/);
    assert.equal(stepRows(again).find((r) => r.n === 3)?.icon, '?', again);
    assert.deepEqual(masterBinding(await showSandbox(world.dir)), masterBinding(world.initial));
  });

  test('a key size of 1024 shows the error under the field and stays on Parameters; the sandbox is unchanged', async () => {
    // Given the Parameters screen
    const app = await start();
    await openParameters(app);

    // When the admin edits Key size to 1024 and asks for the plan
    await pressUntil(app, KEY.down, /› Key size\s+2048/);
    await press(app, KEY.enter);
    await waitForFrame(app, 'Key size: RSA key size of a new certificate');
    await press(app, KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace);
    await waitForFrame(app, /^›\s*$/m);
    await type(app, '1024');
    await pressWhen(app, /^› 1024\s*$/m, KEY.enter);
    await waitForFrame(app, /Key size\s+1024/);
    await pressUntil(app, KEY.down, '› Continue to the plan →');
    await press(app, KEY.enter);

    // Then the error appears right under the Key size field, and the screen is still Parameters
    const shown = await waitForFrame(app, 'key size must be at least 2048 bits');
    const lines = shown.split('\n');
    const field = lines.findIndex((l) => /Key size\s+1024/.test(l));
    assert.ok(field >= 0, shown);
    assert.match(lines[field + 1]!, /✘ key size must be at least 2048 bits, not "1024"/);
    assert.match(lines[0]!, /· parameters$/);
    assert.doesNotMatch(shown, /plan: \d+ steps/);
    await waitForFrame(app, (f) => !f.includes('Checking the parameters'));
    // …nothing changed on the nodes, and no session was started
    assert.deepEqual(await showSandbox(world.dir), world.initial);
    assert.ok(!existsSync(join(world.home, 'journals')), 'no journal');
    assert.ok(!existsSync(world.transcripts), 'no transcript');
  });

  test('? shows the help overlay generated from the key table; Esc closes it', async () => {
    // Given the Home screen
    const app = await start();
    await waitForFrame(app, 'Choose a procedure:');

    // When the admin presses ?
    await press(app, '?');
    const help = await waitForFrame(app, 'certwalk keys');

    // Then every binding of the key table is listed with its keys and its help text, on one line
    const lines = help.split('\n');
    const t = translator('en');
    for (const binding of BINDINGS) {
      const keys = binding.keys.join(' / ');
      assert.ok(
        lines.some((l) => l.startsWith(keys) && l.includes(t(binding.help)) && l.trimEnd().endsWith(t(binding.where))),
        `no help line for ${binding.command} ("${keys}" … "${t(binding.help)}" … ${t(binding.where)}):\n${help}`,
      );
    }
    assert.ok(
      lines.some((l) => /^n \/ Esc\s+no \(the default\): pause, nothing runs\s+confirmation$/.test(l)),
      help,
    );
    assert.ok(
      lines.some((l) => /^r\s+roll back: undo every completed step, newest first\s+run$/.test(l)),
      help,
    );
    assert.ok(help.includes('Enter alone never confirms'));
    assert.ok(lines.length <= 23, `the overlay fits 24 rows: ${lines.length} lines`);

    // When the admin presses Esc (once the overlay's key handler is attached: Ink attaches it after the first frame)
    await press(app, KEY.escape);
    // Then the overlay is gone and Home is back, still working (Enter opens Parameters)
    const home = await waitForFrame(app, (f) => !f.includes('certwalk keys') && f.includes('Choose a procedure:'));
    assert.ok(home.includes('SSIS Scale Out: change the Master certificate'));
    await press(app, KEY.enter);
    await waitForFrame(app, 'Continue to the plan →');
  });

  test('? during a Confirm box opens help; Esc returns to the same box with nothing answered', async () => {
    const app = await start();
    await startRun(app);
    await pressWhen(app, CONFIRM_DELETE, '?');
    // Esc once the overlay's key handler is attached (Ink attaches it after the overlay's first frame)
    await pressWhen(app, 'certwalk keys', KEY.escape);
    const back = await waitForFrame(app, CONFIRM_DELETE);
    assert.ok(back.includes('y yes · n/Esc no'));
    assert.deepEqual(masterBinding(await showSandbox(world.dir)), masterBinding(world.initial));
  });

  test('netsh add sslcert fails on the master: step 4 FAILED with error 1312, later steps pending; r y restores everything', async () => {
    // Given a fault: the next `netsh http add sslcert` on the master fails
    await addFault(world.dir, {program: 'netsh', match: 'add sslcert', node: 'master'});
    const before = masterBinding(world.initial);
    assert.ok(before);
    const app = await start();

    // When the admin runs the procedure and confirms the delete
    await startRun(app);
    await answer(app, CONFIRM_DELETE, 'y');

    // Then the add step shows FAILED with netsh's 1312 text, and every step after it is still pending
    const failed = await waitForFrame(app, 'FAILED (do)', 60_000);
    assert.match(failed.split('\n')[0]!, /FAILED 3\/9$/);
    const rows = stepRows(failed);
    assert.match(rows.find((r) => r.n === 4)?.line ?? '', /^✘  4 master\s+Add the new certificate on 0\.0\.0\.0:8391.*FAILED \(do\)$/, failed);
    assert.ok(
      rows.filter((r) => r.n > 4).every((r) => r.icon === '·'),
      failed,
    );
    assert.ok(
      rows.filter((r) => r.n < 4).every((r) => r.icon === '✔'),
      failed,
    );
    const flat = failed.replace(/\s+/g, ' ');
    assert.ok(flat.includes('1312'), failed);
    assert.ok(flat.includes('A specified logon session does not exist'), failed);
    // …and on the node the binding is gone (deleted, not re-added), the settings untouched
    const during = await showSandbox(world.dir);
    assert.equal(masterBinding(during), undefined);
    assert.deepEqual(during.nodes.master!.settings, world.initial.nodes.master!.settings);

    // When the admin presses r and then y
    await pressWhen(app, 'FAILED (do)', 'r');
    await pressWhen(app, 'Roll back: undo every step that changed something', 'y');
    const rolled = await waitForFrame(app, '↺ Rolled back:', 60_000);

    // Then the original binding is back with the same hash and appid, and the sandbox equals the initial snapshot
    assert.match(rolled.split('\n')[0]!, /ROLLED BACK/);
    const now = await showSandbox(world.dir);
    const binding = masterBinding(now);
    assert.ok(binding, 'the original binding is back');
    assert.equal(binding.certhash, before.certhash);
    assert.equal(binding.appid, before.appid);
    assert.deepEqual(now, world.initial);
  });

  test('q in an unfinished procedure asks first: n stays, y quits leaving it unfinished, its nodes locked', async () => {
    // Given the run paused at its first Confirm box (n), the certificate already imported
    const app = await start();
    await startRun(app);
    await answer(app, CONFIRM_DELETE, 'n');
    await waitForFrame(app, /PAUSED · p resume/);

    // When the admin presses q
    await press(app, 'q');
    // Then the quit box says the session changed nodes and names both ways back, and n takes it away
    const box = await waitForFrame(app, 'Quit, leaving it unfinished?');
    assert.match(box, /This session changed nodes and has not finished/);
    assert.match(box, /certwalk rollback --journal/);
    await press(app, 'n');
    await waitForFrame(app, (f) => !f.includes('Quit, leaving it unfinished?') && f.includes('PAUSED · p resume'));
    assert.deepEqual(world.exitCodes, []);

    // When q then y
    await press(app, 'q');
    await pressWhen(app, 'Quit, leaving it unfinished?', 'y');
    // Then the app exits with 0; the journal ends paused (not "aborted": the session stays unfinished), the nodes
    // stay locked to it, and the sandbox is as it was left (certificate imported, binding untouched)
    for (let i = 0; i < 50 && !world.exitCodes.length; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(world.exitCodes, [0]);
    const [journal] = readdirSync(join(world.home, 'journals')).filter((f) => f.endsWith('.jsonl'));
    const records = readFileSync(join(world.home, 'journals', journal!), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as {kind: string; phase?: string});
    assert.deepEqual(records.at(-1), {...records.at(-1), kind: 'end', phase: 'paused'});
    const sandbox = await showSandbox(world.dir);
    assert.deepEqual(masterBinding(sandbox), masterBinding(world.initial));
    assert.ok(existsSync(join(world.dir, 'nodes', 'master', 'fs', 'C', 'ProgramData', 'certwalk', 'node.lock')), 'the master is no longer locked to the unfinished session');
  });

  test('the quit question shows its answer keys at the test terminal width (100 columns)', async () => {
    const app = await start();
    await startRun(app);
    await answer(app, CONFIRM_DELETE, 'n');
    await pressWhen(app, /PAUSED · p resume/, 'q');
    const asked = await waitForFrame(app, 'Quit, leaving it unfinished?');
    const question = asked.split('\n').find((l) => l.startsWith('Quit, leaving it unfinished?'))!;
    assert.match(question, /y quit · n stay/, `question: "${question}"`);
  });

  test('the delete Confirm box can be scrolled to the end of the restore command', async () => {
    // Given the delete Confirm box (its restore command wraps over several lines at 100 columns)
    const app = await start();
    await startRun(app);
    await waitForFrame(app, CONFIRM_DELETE);
    // When the admin scrolls the box down as far as it goes
    for (let i = 0; i < 40; i++) await press(app, KEY.down);
    const bottom = frame(app);
    // Then the restore command's last option is on screen, and the answer line still is
    assert.ok(bottom.includes('y yes · n/Esc no'), bottom);
    assert.ok(/logextendedevents=\w+/.test(bottom), `the end of the restore command is never shown:\n${bottom}`);
  });

  test('the Run screen takes 200 keys in one chunk and 200 keys 1 ms apart: the Confirm box scrolls to its end and back', async () => {
    // Given the delete Confirm box
    const app = await start();
    await startRun(app);
    const top = await waitForFrame(app, CONFIRM_DELETE);
    // When 200 Downs arrive in one chunk
    app.stdin.write(KEY.down.repeat(200));
    await settled(app);
    // Then the box is at its end
    const bottom = frame(app);
    assert.ok(/logextendedevents=\w+/.test(bottom), `200 Downs in one chunk did not reach the end:\n${bottom}`);
    // When 200 Ups arrive 1 ms apart
    for (let i = 0; i < 200; i++) {
      app.stdin.write(KEY.up);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await settled(app);
    // Then the box is back at its top, still asking (elapsed times aside, the frame it opened with)
    const scrub = (f: string) => f.replace(/\d+(\.\d+)?m?s\b/g, 'T');
    assert.equal(scrub(frame(app)), scrub(top));
  });

  test('after scrolling a Confirm box to its end, one ↑ scrolls it back up one line', async () => {
    // Given the delete Confirm box scrolled down far past its end
    const app = await start();
    await startRun(app);
    await waitForFrame(app, CONFIRM_DELETE);
    const top = frame(app);
    for (let i = 0; i < 40; i++) await press(app, KEY.down);
    const bottom = frame(app);
    assert.ok(bottom !== top, 'the box scrolled');
    // When the admin presses ↑ once
    await press(app, KEY.up);
    // Then the box moves back up
    assert.ok(frame(app) !== bottom, `one ↑ after scrolling to the end changed nothing:\n${bottom}`);
  });
});
