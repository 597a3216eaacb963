// End to end: certwalk killed mid-procedure, then started again in a real terminal (tmux): the Recovery screen names
// the session and what is uncertain; Enter opens it; e resumes (reading the interrupted step back first) or r rolls
// back to the exact state from before.
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {join} from 'node:path';
import {assertFits, open, ROOT, world} from '../helpers/e2e.ts';

function certwalk(home: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [join(ROOT, 'bin', 'certwalk.js'), ...args], {cwd: ROOT, encoding: 'utf8', env: {...process.env, CERTWALK_HOME: home, ...env}, input: ''});
}

/** A one-worker sandbox and a master rotation killed right after its 30th journal record (the binding re-add in flight). */
function crashed(): {dir: string; home: string; before: string} {
  const {dir, home} = world('recovery', '--workers', '1');
  const before = certwalk(home, ['sandbox', 'show', dir, '--json']).stdout;
  const run = certwalk(home, ['run', 'ssis-master', '--sandbox', dir, '--yes'], {CERTWALK_CRASH_AFTER_RECORD: '36'});
  assert.equal(run.signal, 'SIGKILL');
  return {dir, home, before};
}

describe('recovery after certwalk was killed (tmux, 80×24)', () => {
  test('the Recovery screen, then e: the interrupted step is read back and the rotation completes', async () => {
    const {dir, home, before} = crashed();
    const tmux = open({dir, home}, 80, 24);
    try {
      const screen = await tmux.waitFor('unfinished sessions on this fleet');
      assertFits(screen, 80, 24);
      assert.match(screen, /› SSIS Scale Out: change the Master certificate/);
      assert.match(screen, /^ {4}3\/9 steps done · stopped without closing$/m);
      assert.match(screen, /uncertain: \[master\] Add the new certificate on 0\.0\.0\.0:8391/);
      await tmux.keys('Enter');
      const run = await tmux.waitFor('INTERRUPTED (certwalk stopped) during');
      assertFits(run, 80, 24);
      assert.match(run, /e resume \(reads it back first\)/);
      await tmux.keys('e');
      await tmux.waitFor('✔ Completed: all 9 steps done and read back', 120_000);
      const after = JSON.parse(certwalk(home, ['sandbox', 'show', dir, '--json']).stdout) as {nodes: Record<string, {bindings: {ipport: string; certhash: string}[]}>};
      const old = (JSON.parse(before) as typeof after).nodes.master!.bindings.find((b) => b.ipport === '0.0.0.0:8391')!.certhash;
      assert.notEqual(after.nodes.master!.bindings.find((b) => b.ipport === '0.0.0.0:8391')!.certhash, old);
      // Finished: the next start goes straight to Home
      await tmux.keys('q');
      await tmux.waitFor('[exited 0]');
      assert.match(certwalk(home, ['resume']).stdout, /no unfinished session/);
    } finally {
      tmux.kill();
    }
  });

  test('the Recovery screen, then r y: rolled back to the exact state from before', async () => {
    const {dir, home, before} = crashed();
    const tmux = open({dir, home}, 80, 24);
    try {
      await tmux.waitFor('unfinished sessions on this fleet');
      await tmux.keys('Enter');
      await tmux.waitFor('INTERRUPTED (certwalk stopped) during');
      await tmux.keys('r');
      await tmux.waitFor('Roll back: undo every step that changed something');
      await tmux.keys('y');
      await tmux.waitFor('↺ Rolled back', 120_000);
      assert.equal(certwalk(home, ['sandbox', 'show', dir, '--json']).stdout, before);
    } finally {
      tmux.kill();
    }
  });
});
