// End to end: the real binary (bin/certwalk.js → dist/certwalk.js) in a real terminal (tmux on a private socket),
// keys typed one at a time, the screen read back with capture-pane, the sandbox read back with
// `certwalk sandbox show DIR --json`. tmux is required: without it these tests fail, they do not skip.
import {after, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import stringWidth from 'string-width';

import {Tmux} from '../helpers/tmux.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'certwalk.js');
const IPPORT = '0.0.0.0:8391';
const MASTER_SETTINGS = 'C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\MasterSettings.config';
const WORKER_SETTINGS = 'C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\WorkerSettings.config';
// The three Confirm boxes of a one-worker run, by the start of their titles (the end may be cut at 80 columns).
const CONFIRMS = [
  `Confirm [master]: Delete the SSL binding on ${IPPORT}`,
  'Confirm [master]: Overwrite SSLCertThumbprint in MasterSettings.config',
  'Confirm [worker1]: Overwrite MasterHttpsCertThumbprint in WorkerSettings',
];

const sessions: Tmux[] = [];
const temps: string[] = [];

after(() => {
  for (const tmux of sessions.splice(0)) tmux.kill();
  for (const dir of temps) rmSync(dir, {recursive: true, force: true});
});

function stop(tmux: Tmux): void {
  tmux.kill();
  sessions.splice(sessions.indexOf(tmux), 1);
}

/** tmux is part of the test environment (CI installs it): its absence is a failure, with the reason. */
function requireTmux(): string {
  try {
    return execFileSync('tmux', ['-V'], {encoding: 'utf8'}).trim();
  } catch (error) {
    assert.fail(`tmux is required for the end-to-end tests and \`tmux -V\` failed (${(error as Error).message}); install it (apt-get install tmux)`);
  }
}

function requireBuild(): void {
  assert.ok(existsSync(join(root, 'dist', 'certwalk.js')) && existsSync(join(root, 'dist', 'sandbox-tool.js')), 'dist/ is missing: run `node scripts/build.mjs` first');
}

/** `certwalk ARGS…` through the real binary, with this test's CERTWALK_HOME. */
function certwalk(home: string, ...args: string[]): string {
  return execFileSync(process.execPath, [bin, ...args], {cwd: root, encoding: 'utf8', env: {...process.env, CERTWALK_HOME: home}});
}

interface Binding {
  ipport: string;
  certhash: string;
  appid: string;
  certstorename: string | null;
  options: Record<string, unknown>;
}
interface Node {
  bindings: Binding[];
  stores: Record<string, {thumbprint: string}[]>;
  settings: Record<string, {values: Record<string, unknown> | null}>;
}
type Snapshot = {nodes: Record<string, Node>};

function show(home: string, dir: string): Snapshot {
  return JSON.parse(certwalk(home, 'sandbox', 'show', dir, '--json')) as Snapshot;
}

function binding(snapshot: Snapshot): Binding | undefined {
  return snapshot.nodes.master!.bindings.find((b) => b.ipport === IPPORT);
}

function setting(node: Node, path: string, key: string): unknown {
  const entry = Object.entries(node.settings).find(([p]) => p.toLowerCase() === path.toLowerCase());
  assert.ok(entry, `no ${path}: ${Object.keys(node.settings).join(', ')}`);
  return entry[1].values?.[key];
}

/** A fresh one-worker sandbox and CERTWALK_HOME, and certwalk started on them in a width×height terminal. */
function launch(width: number, height: number, env: Record<string, string> = {}): {tmux: Tmux; dir: string; home: string; before: Snapshot} {
  requireTmux();
  requireBuild();
  const tmp = mkdtempSync(join(tmpdir(), 'certwalk-e2e-'));
  temps.push(tmp);
  const dir = join(tmp, 'sandbox');
  const home = join(tmp, 'home');
  certwalk(home, 'sandbox', 'init', dir, '--workers', '1');
  const before = show(home, dir);
  const tmux = Tmux.start([process.execPath, 'bin/certwalk.js', '--sandbox', dir], {width, height, env: {CERTWALK_HOME: home, ...env}, cwd: root});
  sessions.push(tmux);
  return {tmux, dir, home, before};
}

/** Presses Down until the Continue row is the selected one. */
async function downToContinue(tmux: Tmux): Promise<void> {
  for (let i = 0; i < 12; i++) {
    if (tmux.screen().includes('› Continue to the plan →')) return;
    await tmux.keys('Down');
  }
  assert.fail(`never reached "Continue to the plan":\n${tmux.screen()}`);
}

/** Home → Parameters → Plan; returns the plan screen. */
async function toPlan(tmux: Tmux): Promise<string> {
  await tmux.waitFor('Choose a procedure:');
  await tmux.keys('Enter');
  await tmux.waitFor('Continue to the plan →');
  await downToContinue(tmux);
  await tmux.keys('Enter');
  return tmux.waitFor(/plan: 9 steps/);
}

/** s, then y at each Confirm box (waiting until each has gone), then the Completed screen; `check` sees each box. */
async function runWithYes(tmux: Tmux, check: (screen: string) => void = () => {}): Promise<string> {
  await tmux.keys('s');
  for (const title of CONFIRMS) {
    check(await tmux.waitFor(title, 60_000));
    await tmux.keys('y');
    await waitUntilGone(tmux, title);
  }
  return tmux.waitFor('✔ Completed: all 9 steps done and read back', 60_000);
}

async function waitUntilGone(tmux: Tmux, text: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (tmux.screen().includes(text)) {
    if (Date.now() > deadline) assert.fail(`"${text}" is still on screen:\n${tmux.screen()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function assertFits(screen: string, width: number, height: number): void {
  const lines = screen.replace(/\n$/, '').split('\n');
  assert.ok(lines.length <= height, `${lines.length} lines on a ${height}-row terminal`);
  for (const line of lines) assert.ok(stringWidth(line) <= width, `${stringWidth(line)} columns on a ${width}-column terminal: ${line}`);
}

describe('certwalk in a real terminal (tmux)', () => {
  test('NO_COLOR turns colour off; without it the home screen is coloured', async () => {
    const colour = /\u001b\[(?:3[0-7]|9[0-7]|1|2|7)(?:;\d+)*m/;
    const plain = launch(80, 24).tmux;
    await plain.waitFor('Choose a procedure:');
    assert.doesNotMatch(plain.screenWithEscapes(), colour, "NO_COLOR=1 (the helper's default) still coloured the screen");
    const coloured = launch(80, 24, {NO_COLOR: ''}).tmux;
    await coloured.waitFor('Choose a procedure:');
    assert.match(coloured.screenWithEscapes(), colour, 'without NO_COLOR the screen should carry colour or bold');
  });

  test('tmux is installed', () => {
    assert.match(requireTmux(), /^tmux \d/);
  });

  test('80×24, one worker: plan, s, y to each Confirm box, completed; r y rolls back to the exact sandbox; q exits 0', async () => {
    // Given a one-worker sandbox and certwalk started on it in an 80×24 terminal
    const {tmux, dir, home, before} = launch(80, 24);
    const oldBinding = binding(before);
    assert.ok(oldBinding);
    try {
      // When the admin opens the procedure, continues to the plan and starts it
      let plan = await toPlan(tmux);
      assertFits(plan, 80, 24);
      // The exact delete command is on the plan, a few lines below the first page at 80×24: ↓ scrolls to it.
      for (let i = 0; i < 12 && !plan.includes(`$ netsh http delete sslcert ipport=${IPPORT}`); i++) {
        await tmux.keys('Down');
        plan = tmux.screen();
      }
      assert.ok(plan.includes(`$ netsh http delete sslcert ipport=${IPPORT}`), plan);
      const done = await runWithYes(tmux, (box) => {
        // (each Confirm box fits the terminal and shows its answer line and the footer's keys)
        assertFits(box, 80, 24);
        assert.match(box, /^y yes · n\/Esc no/m, box);
        assert.match(box.trimEnd().split('\n').at(-1)!, /^answer above · /);
      });

      // Then the completed screen fits 80 columns and its title line says COMPLETED
      assertFits(done, 80, 24);
      const title = done.split('\n')[0]!;
      assert.match(title, /^certwalk · SSIS Scale Out/);
      assert.match(title, /COMPLETED 9\/9$/);
      assert.match(done, /^master\s+http\.sys 0\.0\.0\.0:8391\s+[0-9A-F]{6,}…[0-9A-F]{4} → [0-9A-F]{6,}…[0-9A-F]{4}$/m, done);

      // …and the sandbox has the new hash on the binding = the new MasterSettings value, with the same appid
      const afterRun = show(home, dir);
      const now = binding(afterRun);
      assert.ok(now, 'the binding on 0.0.0.0:8391 exists');
      const newThumbprint = setting(afterRun.nodes.master!, MASTER_SETTINGS, 'SSLCertThumbprint');
      assert.equal(typeof newThumbprint, 'string');
      assert.notEqual((newThumbprint as string).toLowerCase(), oldBinding.certhash.toLowerCase());
      assert.equal(now.certhash.toLowerCase(), (newThumbprint as string).toLowerCase());
      assert.equal(now.appid, oldBinding.appid);
      assert.deepEqual(now.options, oldBinding.options);
      assert.equal(setting(afterRun.nodes.worker1!, WORKER_SETTINGS, 'MasterHttpsCertThumbprint'), newThumbprint);
      assert.ok(afterRun.nodes.worker1!.stores.Root!.some((c) => c.thumbprint === newThumbprint));

      // When the admin presses r and then y
      await tmux.keys('r');
      const list = await tmux.waitFor('Roll back: undo every step that changed something');
      assertFits(list, 80, 24);
      await tmux.keys('y');
      const rolled = await tmux.waitFor('↺ Rolled back', 60_000);

      // Then the screen says so and the sandbox JSON equals the one taken before the run
      assertFits(rolled, 80, 24);
      assert.match(rolled.split('\n')[0]!, /ROLLED BACK 0\/9$/);
      assert.deepEqual(show(home, dir), before);

      // When the admin presses q, Then certwalk exits with 0 (no question: the procedure has ended)
      await tmux.keys('q');
      await tmux.waitFor('[exited 0]');
      // …leaving one transcript and one journal in CERTWALK_HOME
      // (the screen recording, .cast, sits next to the transcript)
      assert.equal(readdirSync(join(home, 'transcripts')).filter((f) => f.endsWith('.log')).length, 1);
      assert.equal(readdirSync(join(home, 'journals')).length, 1);
    } finally {
      stop(tmux);
    }
  });

  test('200×50: the plan and the Run screen, and full 40-hex thumbprints in the before/after panel', async () => {
    // Given certwalk in a 200×50 terminal
    const {tmux, dir, home, before} = launch(200, 50);
    const oldThumbprint = binding(before)!.certhash.toUpperCase();
    try {
      // When the admin opens the plan
      const plan = await toPlan(tmux);
      // Then every step with its commands fits on one screen, and the summary names both certificates in full
      assertFits(plan, 200, 50);
      assert.doesNotMatch(plan, /lines \d+-\d+ of/, 'no scrolling needed at 200×50');
      assert.ok(plan.includes(`current  ${oldThumbprint} (master ${IPPORT})`), plan);
      const newThumbprint = /^new\s+([0-9A-F]{40}) /m.exec(plan)?.[1];
      assert.ok(newThumbprint, plan);
      for (let n = 1; n <= 9; n++) assert.match(plan, new RegExp(`^ ?${n}\\. \\[(master|worker1)\\] `, 'm'));

      // When it runs (s, y to each Confirm box) to completion
      await tmux.keys('s');
      const running = await tmux.waitFor(CONFIRMS[0]!, 60_000);
      assertFits(running, 200, 50);
      assert.match(running.split('\n')[0]!, /^certwalk · SSIS Scale Out: change the Master certificate\s+RUNNING 2\/9$/);
      assert.match(running, /^\?\s+3 master\s+Delete the SSL binding on 0\.0\.0\.0:8391.*confirm\?$/m);
      for (const title of CONFIRMS) {
        await tmux.waitFor(title, 60_000);
        await tmux.keys('y');
        await waitUntilGone(tmux, title);
      }
      const done = await tmux.waitFor('✔ Completed: all 9 steps done and read back', 60_000);

      // Then the before/after panel shows whole thumbprints: old → new on the http.sys row
      assertFits(done, 200, 50);
      const row = done.split('\n').find((l) => /^master\s+http\.sys 0\.0\.0\.0:8391\s+[0-9A-F]/.test(l));
      assert.ok(row, done);
      assert.match(row, new RegExp(`\\s${oldThumbprint}\\s+→ ${newThumbprint}$`), row);
      assert.match(done, new RegExp(`^worker1\\s+WorkerSettings\\.config MasterHtt\\S*\\s+${oldThumbprint}\\s+→ ${newThumbprint}$`, 'm'), done);
      assert.equal(binding(show(home, dir))!.certhash.toUpperCase(), newThumbprint);

      await tmux.keys('q');
      await tmux.waitFor('[exited 0]');
    } finally {
      stop(tmux);
    }
  });
});
