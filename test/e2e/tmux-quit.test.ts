// Quitting half-way (tmux, 80×24): ssis-master whose binding re-add fails, retried, then q y. The session stays
// unfinished: the quit box named what is half-done and the two ways back; the next start shows the Recovery screen;
// `certwalk resume` lists it; a new session on the same node is refused before anything changes. Closing the window
// (SIGHUP) leaves the session unfinished the same way.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {join} from 'node:path';
import {describe, test} from 'node:test';
import {assertFits, certwalkText, open, pressUntil, ROOT, waitUntilGone, world, type World} from '../helpers/e2e.ts';
import type {Tmux} from '../helpers/tmux.ts';

const IPPORT = '0.0.0.0:8391';

function certwalk(home: string, args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'bin', 'certwalk.js'), ...args], {cwd: ROOT, encoding: 'utf8', env: {...process.env, CERTWALK_HOME: home}, input: ''});
}

/** Home → ssis-master → plan → s, yes to the binding delete; the re-add fails (its fault fires every time). */
async function toFailedReAdd(w: World): Promise<Tmux> {
  certwalkText(w.home, 'sandbox', 'fault', w.dir, '--program', 'netsh', '--match', 'add sslcert', '--times', '0');
  const tmux = open(w, 80, 24);
  await tmux.waitFor('Choose a procedure:');
  await tmux.keys('Enter');
  await tmux.waitFor('Continue to the plan →');
  await pressUntil(tmux, 'Down', (s) => s.includes('› Continue to the plan →'), 'Continue to the plan');
  await tmux.keys('Enter');
  await tmux.waitFor(/plan: 9 steps/);
  await tmux.keys('s');
  const title = `Confirm [master]: Delete the SSL binding on ${IPPORT}`;
  await tmux.waitFor(title, 60_000);
  await tmux.keys('y');
  await waitUntilGone(tmux, title);
  await tmux.waitFor('FAILED during do · [master] Add the new certificate', 60_000);
  return tmux;
}

describe('quitting half-way leaves the session unfinished (tmux, 80×24)', () => {
  test('q y after a failed re-add: the quit box says what is half-done; Recovery next time; resume lists it; a new run is refused', async () => {
    const w = world('quit', '--workers', '1');
    const tmux = await toFailedReAdd(w);
    try {
      await tmux.keys('e');
      await tmux.waitFor(/FAILED during do · \[master\] Add the new certificate/);
      await tmux.keys('q');
      const box = await tmux.waitFor('The two ways back');
      assertFits(box, 80, 24);
      assert.match(box, /This session changed nodes and has not finished/);
      // (wrapped at 80 columns: read it as one text)
      const said = box.replace(/-\n {4}/g, '-').replace(/\n {2,}/g, ' ');
      assert.match(said, /master is half-changed: “Delete the SSL binding on 0\.0\.0\.0:8391[^”]*” ran, “Add the new certificate on 0\.0\.0\.0:8391[^”]*” has not/);
      assert.match(said, /certwalk resume \S+\.jsonl/);
      assert.match(said, /certwalk rollback --journal \S+\.jsonl --yes/);
      assert.match(box, /^Quit, leaving it unfinished\? y quit · n stay$/m);
      await tmux.keys('y');
      await tmux.waitFor('[exited 0]');
    } finally {
      tmux.kill();
    }

    // The next start opens on the Recovery screen
    const again = open(w, 80, 24);
    try {
      const recovery = await again.waitFor('unfinished sessions on this fleet');
      assert.match(recovery, /SSIS Scale Out: change the Master certificate/);
      await again.keys('Escape');
      await again.waitFor('Choose a procedure:');
      await again.keys('q');
      await again.waitFor('[exited 0]');
    } finally {
      again.kill();
    }

    // `certwalk resume` lists it
    const listed = certwalk(w.home, ['resume']);
    assert.equal(listed.status, 0, listed.stdout + listed.stderr);
    assert.match(listed.stdout, /ssis-master on sandbox .*\n.*3\/9 steps done/);

    // A new session on the same nodes is refused before anything changes, naming the session and the ways back
    const before = certwalk(w.home, ['sandbox', 'show', w.dir, '--json']).stdout;
    const other = certwalk(w.home, ['run', 'ssis-master', '--sandbox', w.dir, '--yes']);
    assert.notEqual(other.status, 0, other.stdout);
    const said = other.stdout + other.stderr;
    assert.match(said, /master is locked by a certwalk that stopped without finishing: ssis-master \(session/);
    assert.match(said, /certwalk rollback --journal \S+ --yes|certwalk resume/);
    assert.equal(certwalk(w.home, ['sandbox', 'show', w.dir, '--json']).stdout, before, 'the refused run changed something');
  });

  test('closing the window (SIGHUP) with the binding gone leaves the session unfinished and offered for recovery', async () => {
    const w = world('hangup', '--workers', '1');
    const tmux = await toFailedReAdd(w);
    tmux.kill();
    // tmux's kill-session hangs up on certwalk: it closes the journal and exits, keeping its locks
    const listed = await waitForListing(w);
    // It closed its journal (an end record, not "stopped without closing it"): the hang-up was handled
    assert.doesNotMatch(listed, /stopped without closing/);
    assert.match(listed, /3\/9 steps done/);
    const unlock = certwalk(w.home, ['unlock', 'master', '--sandbox', w.dir]);
    assert.match(unlock.stdout + unlock.stderr, /master is locked by ssis-master/);
  });
});

/** `certwalk resume` once the hung-up certwalk has written its journal's end (or died): polled, not slept. */
async function waitForListing(w: World): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const listed = certwalk(w.home, ['resume']).stdout;
    if (/ssis-master on sandbox/.test(listed) && !/still open in process/i.test(listed)) return listed;
    if (Date.now() > deadline) assert.fail(`never listed as unfinished:\n${listed}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
