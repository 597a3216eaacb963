// End to end, the Lync roll: the real binary in a real terminal (tmux on a private socket) on the demo sandbox's
// pool of three Front Ends. Plan, confirm, watch the roll reach every Front End, roll back, and read the sandbox
// back with `certwalk sandbox show DIR --json` after each. tmux is required: without it these tests fail.
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, test} from 'node:test';
import {setTimeout as delay} from 'node:timers/promises';
import type {Tmux} from '../helpers/tmux.ts';
import {assertFits, certwalkText as certwalk, open, pressUntil as pressUntilScreen, waitUntilGone, world} from '../helpers/e2e.ts';

const ROLL_TITLE = 'Lync Server 2013: roll the OAuthTokenIssuer certificate at a date';
const FRONT_ENDS = ['fe1', 'fe2', 'fe3'];

interface LyncView {
  current: string | null;
  previous: string | null;
  staged: {thumbprint: string; effectiveDate: string} | null;
}
type Snapshot = {nodes: Record<string, {lync?: {replica: LyncView & {upToDate: boolean}; cms?: LyncView}}>};

function showText(home: string, dir: string): string {
  return certwalk(home, 'sandbox', 'show', dir, '--json');
}

function launch(width: number, height: number): {tmux: Tmux; dir: string; home: string; before: string} {
  const w = world('lync', '--workers', '0');
  const before = showText(w.home, w.dir);
  return {tmux: open(w, width, height), dir: w.dir, home: w.home, before};
}

async function pressUntil(tmux: Tmux, key: string, visible: string, what: string): Promise<void> {
  await pressUntilScreen(tmux, key, (screen) => screen.includes(visible), what, 15);
}

/** Home → the roll → Parameters (defaults: the demo's new certificate and a date two days before expiry) → Plan. */
async function toPlan(tmux: Tmux): Promise<string> {
  await tmux.waitFor('Choose a procedure:');
  await pressUntil(tmux, 'Down', `❯ ${ROLL_TITLE}`, 'the roll in the procedure list');
  await tmux.keys('Enter');
  await tmux.waitFor('Continue to the plan →');
  await pressUntil(tmux, 'Down', '› Continue to the plan →', '"Continue to the plan"');
  await tmux.keys('Enter');
  return tmux.waitFor(/plan: 2 st/);
}

/** s, y at the one Confirm box, then the Completed screen (the wait step watches fe2 and fe3 catch up). */
async function runWithYes(tmux: Tmux, check: (box: string) => void): Promise<string> {
  await tmux.keys('s');
  const box = await tmux.waitFor('Confirm [fe1]: Roll the OAuthTokenIssuer', 60_000);
  check(box);
  await tmux.keys('y');
  await waitUntilGone(tmux, 'Confirm [fe1]: Roll the OAuthTokenIssuer');
  return tmux.waitFor('✔ Completed: all 2 steps done and read back', 60_000);
}

async function rollBack(tmux: Tmux): Promise<string> {
  await tmux.keys('r');
  await tmux.waitFor('Roll back: undo every step that changed something');
  await tmux.keys('y');
  return tmux.waitFor('↺ Rolled back', 60_000);
}

/** The undo reaches the CMS at once and each Front End after its replication delay (up to 6 s in the demo). */
async function untilSandboxEquals(home: string, dir: string, expected: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (showText(home, dir) !== expected) {
    if (Date.now() > deadline) assert.deepEqual(JSON.parse(showText(home, dir)), JSON.parse(expected));
    await delay(500);
  }
}

describe('the Lync roll in a real terminal (tmux)', () => {
  test('80×24: plan with the date built in PowerShell, y, every Front End stages the roll; r y restores the pool exactly; q exits 0', async () => {
    // Given the demo pool and certwalk in an 80×24 terminal
    const {tmux, dir, home, before} = launch(80, 24);
    const old = (JSON.parse(before) as Snapshot).nodes['fe1']!.lync!.cms!.current!;
    try {
      // When the admin opens the roll and continues to the plan
      const plan = await toPlan(tmux);
      // Then the plan fits and shows the exact script: the date is parsed inside PowerShell from ISO 8601
      assertFits(plan, 80, 24);
      assert.match(plan, /\$ PS> \$effective = \[DateTime\]::Parse\('\d{4}-\d{2}-\d{2}T\d{2}:00:00Z',/);
      assert.match(plan, /current {2}[0-9A-F]{8}…[0-9A-F]{4} +[0-9A-F]{8}…[0-9A-F]{4}/, 'now and from the date, side by side');

      // When the admin starts it and answers y
      const done = await runWithYes(tmux, (box) => {
        assertFits(box, 80, 24);
        assert.match(box, /^y yes · n\/Esc no/m, box);
      });

      // Then the screen says completed, and every Front End has the roll staged with the old certificate current
      assertFits(done, 80, 24);
      assert.match(done.split('\n')[0]!, /COMPLETED 2\/2$/);
      const afterRun = JSON.parse(showText(home, dir)) as Snapshot;
      const staged = afterRun.nodes['fe1']!.lync!.cms!.staged!;
      assert.match(staged.thumbprint, /^[0-9A-F]{40}$/);
      for (const fe of FRONT_ENDS) {
        assert.deepEqual(afterRun.nodes[fe]!.lync!.replica.staged, staged, `${fe} has the staged roll`);
        assert.equal(afterRun.nodes[fe]!.lync!.replica.current, old, `${fe}: the old certificate stays current until the date`);
      }

      // When the admin presses r and y, Then the pool is back exactly as before the run
      const rolled = await rollBack(tmux);
      assertFits(rolled, 80, 24);
      // (the replication wait only read: it has nothing to undo and stays done)
      assert.match(rolled.split('\n')[0]!, /ROLLED BACK 1\/2$/);
      await untilSandboxEquals(home, dir, before);

      await tmux.keys('q');
      await tmux.waitFor('[exited 0]');
    } finally {
      tmux.kill();
    }
  });

  test('80×24: the PFX password is typed without echo and appears on no screen and in no file', async () => {
    const {tmux, home} = launch(80, 24);
    const password = 'P@ssw0rd';
    try {
      await tmux.waitFor('Choose a procedure:');
      await pressUntil(tmux, 'Down', '❯ Lync Server 2013: import a PFX', 'the import in the procedure list');
      await tmux.keys('Enter');
      await tmux.waitFor('Continue to the plan →');
      await pressUntil(tmux, 'Down', '› PFX password', 'the password row');
      await tmux.keys('Enter');
      for (const ch of password) await tmux.keys(ch);
      // Each typed character shows as *: waits for the frame that shows the last one.
      const typing = await tmux.waitFor(/› \*{8}/);
      assert.ok(!typing.includes(password), typing);
      await tmux.keys('Enter');
      const form = await tmux.waitFor(/PFX password +\*{8}/);
      assert.ok(!form.includes(password), form);
      await pressUntil(tmux, 'Down', '› Continue to the plan →', '"Continue to the plan"');
      await tmux.keys('Enter');
      const plan = await tmux.waitFor(/plan: 2 s/);
      assert.ok(!plan.includes(password), plan);
      assert.match(plan, /password=\*{8}/);
      await tmux.keys('s');
      await tmux.waitFor('Confirm [fe1]: Import');
      await tmux.keys('y');
      const done = await tmux.waitFor('✔ Completed: all 2 steps done and read back', 60_000);
      assert.ok(!done.includes(password), done);
      for (const sub of ['journals', 'transcripts']) {
        for (const file of readdirSync(join(home, sub))) assert.ok(!readFileSync(join(home, sub, file), 'utf8').includes(password), `${sub}/${file}`);
      }
    } finally {
      tmux.kill();
    }
  });

  test('200×50: the before/after panel shows current, previous and the staged roll with full thumbprints, per Front End', async () => {
    const {tmux, dir, home, before} = launch(200, 50);
    const old = (JSON.parse(before) as Snapshot).nodes['fe1']!.lync!.cms!.current!;
    try {
      const plan = await toPlan(tmux);
      assertFits(plan, 200, 50);
      assert.match(plan, /Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint '[0-9A-F]{40}' -EffectiveDate \$effective -Roll/);
      const done = await runWithYes(tmux, (box) => assertFits(box, 200, 50));
      assertFits(done, 200, 50);
      const staged = (JSON.parse(showText(home, dir)) as Snapshot).nodes['fe1']!.lync!.cms!.staged!;
      assert.match(done, new RegExp(`OAuthTokenIssuer current\\s+${old}\\s+→\\s+${old}`), done);
      assert.match(done, new RegExp(`OAuthTokenIssuer staged roll\\s+\\(none\\)\\s+→\\s+${staged.thumbprint}\\n`), done);
      assert.match(done, new RegExp(`staged roll effective at\\s+\\(none\\)\\s+→\\s+${staged.effectiveDate.replace('.000Z', 'Z')}`), done);
      for (const fe of FRONT_ENDS) assert.match(done, new RegExp(`${fe}\\s+OAuthTokenIssuer arrived\\s+\\(none\\)\\s+→\\s+yes`), done);
      await rollBack(tmux);
      await untilSandboxEquals(home, dir, before);
    } finally {
      tmux.kill();
    }
  });
});
