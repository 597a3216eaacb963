// End to end, the worker procedure through the real binary in tmux: one worker at 80×24 (run, rollback, exact
// sandbox), and six workers at once with a failing worker: the node list, that node rolled back alone, then all.
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import type {Tmux} from '../helpers/tmux.ts';
import {assertFits, certwalkText, open, pressUntil, waitUntilGone, world} from '../helpers/e2e.ts';

const WORKER_TITLE = 'SSIS Scale Out: change a Worker certificate';

interface Snapshot {
  nodes: Record<string, {stores: Record<string, {thumbprint: string}[]>}>;
}

function show(home: string, dir: string): Snapshot {
  return JSON.parse(certwalkText(home, 'sandbox', 'show', dir, '--json')) as Snapshot;
}

function launch(workers: number, width: number, height: number, extra: string[] = []) {
  const w = world('worker', '--workers', String(workers));
  return {tmux: open(w, width, height, ...extra), dir: w.dir, home: w.home};
}

/** Home → the worker procedure's Parameters screen. */
async function openWorkerProcedure(tmux: Tmux): Promise<void> {
  await tmux.waitFor('Choose a procedure:');
  await pressUntil(tmux, 'Down', (s) => s.split('\n').some((l) => l.includes('❯') && l.includes(WORKER_TITLE)), 'the worker procedure on Home');
  await tmux.keys('Enter');
  await tmux.waitFor('Continue to the plan →');
}

async function continueToPlan(tmux: Tmux, steps: number): Promise<string> {
  await pressUntil(tmux, 'Down', (s) => s.includes('› Continue to the plan →'), 'Continue to the plan');
  await tmux.keys('Enter');
  return tmux.waitFor(`plan: ${steps} steps`, 120_000);
}

describe('the worker procedure in a real terminal (tmux)', () => {
  test('80×24, one worker: plan, both Confirm boxes, completed with the before/after thumbprints; r y restores the exact sandbox', async () => {
    const {tmux, dir, home} = launch(1, 80, 24);
    const before = show(home, dir);
    try {
      await openWorkerProcedure(tmux);
      const plan = await continueToPlan(tmux, 8);
      assertFits(plan, 80, 24);
      await tmux.keys('s');
      // The delete of the old certificate asks, naming it by thumbprint; its yes also covers the steps up to the restart
      // (the dangerous window: the settings value is set without a second box)
      const deleteBox = await tmux.waitFor('Confirm [worker1]: Delete the old certificate', 60_000);
      assertFits(deleteBox, 80, 24);
      assert.match(deleteBox, /certutil -delstore My [0-9A-F]{40}/);
      await tmux.keys('y');
      await waitUntilGone(tmux, 'Confirm [worker1]: Delete the old certificate');
      const done = await tmux.waitFor('✔ Completed: all 8 steps done and read back', 60_000);
      assertFits(done, 80, 24);
      assert.match(done.split('\n')[0]!, /COMPLETED 8\/8$/);
      assert.match(done, /^worker1 +WorkerSettings\.config WorkerHttpsC.* [0-9A-F]{6,}…[0-9A-F]{4} → [0-9A-F]{6,}…[0-9A-F]{4}$/m);
      const oldThumb = before.nodes.worker1!.stores.My![0]!.thumbprint;
      assert.ok(!show(home, dir).nodes.worker1!.stores.My!.some((c) => c.thumbprint === oldThumb), 'the old certificate is gone after the run');

      await tmux.keys('r');
      await tmux.waitFor('Roll back: undo every step that changed something');
      await tmux.keys('y');
      const rolled = await tmux.waitFor('↺ Rolled back', 60_000);
      assertFits(rolled, 80, 24);
      assert.deepEqual(show(home, dir), before);
      await tmux.keys('q');
      await tmux.waitFor('[exited 0]');
    } finally {
      tmux.kill();
    }
  });

  test('80×24, six workers three at a time with a fault on worker4: the node list puts it first with its reason; x rolls it back alone; r the rest', async () => {
    const {tmux, dir, home} = launch(6, 80, 24, ['--concurrency', '3']);
    const before = show(home, dir);
    certwalkText(home, 'sandbox', 'fault', dir, '--node', 'worker4', '--program', 'winhttpcertcfg', '--match=-g');
    try {
      await openWorkerProcedure(tmux);
      // Workers: the list opens on the value (worker1); pick "all (6 workers)"
      await tmux.keys('Enter');
      const choices = await tmux.waitFor('all (6 workers)');
      assert.ok(
        choices.split('\n').some((l) => l.includes('❯') && /\bworker1\b/.test(l)),
        `the list opens on worker1:\n${choices}`,
      );
      await pressUntil(tmux, 'Up', (s) => s.split('\n').some((l) => l.includes('❯') && l.includes('all (6 workers)')), 'all (6 workers)');
      await tmux.keys('Enter');
      await tmux.waitFor(/Workers\s+all/);
      const plan = await continueToPlan(tmux, 48);
      assertFits(plan, 80, 24);
      await tmux.keys('s');
      // "a" answers the delete once for every worker (the settings value inside each worker's window asks nothing)
      await tmux.waitFor('Confirm [worker1]: Delete the old certificate', 120_000);
      await tmux.keys('a');
      // The node list: counts, then worker4 first with the reason it failed; the lanes running then stopped after
      // their step (no new step starts after a failure), the others completed
      // (how far the other lanes got depends on timing: the ones in flight finish their step and stop)
      const list = await tmux.waitFor(/nodes 6: {2}✘ 1 failed {2}▶ 0 running {2}✔ \d done/, 180_000);
      assertFits(list, 80, 24);
      const done = Number(/FAILED (\d+)\/48$/.exec(list.split('\n')[0]!)?.[1]);
      assert.ok(done > 3, list);
      const rows = list.split('\n');
      const counts = rows.findIndex((l) => l.startsWith('nodes 6:'));
      assert.match(rows[counts + 1]!, /^›✘ worker4 +4\/8 winhttpcertcfg -g .*FAILED \(do\)$/, list);
      assert.ok(
        rows.some((l) => /^ ✔ worker1 +8\/8/.test(l)),
        list,
      );
      assert.ok(
        rows.some((l) => /^↑↓\/Enter node · g steps · x undo node · e retry · r undo all · \? help$/.test(l)),
        list,
      );

      // x on worker4 asks, then rolls back worker4 only: the procedure is paused with worker4 not started
      await tmux.keys('x');
      await tmux.waitFor('Roll back worker4 only');
      await tmux.keys('y');
      // (worker4's four done steps are undone and it is back to not started)
      const paused = await tmux.waitFor(`PAUSED ${done - 4}/48`, 60_000);
      assertFits(paused, 80, 24);
      const partly = show(home, dir);
      assert.deepEqual(partly.nodes.worker4, before.nodes.worker4);
      assert.notDeepEqual(partly.nodes.worker1, before.nodes.worker1);

      // r y rolls back the rest: the sandbox is exactly as before
      await tmux.keys('r');
      await tmux.waitFor('Roll back: undo every step that changed something');
      await tmux.keys('y');
      await tmux.waitFor('↺ Rolled back', 120_000);
      assert.deepEqual(show(home, dir), before);
      await tmux.keys('q');
      await tmux.waitFor('[exited 0]');
    } finally {
      tmux.kill();
    }
  });
});
