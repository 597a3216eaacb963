// SIGKILL at every journal point of the worker procedure, then resume and rollback (see test/helpers/crash.ts).
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {crashAtEveryPoint} from '../helpers/crash.ts';

interface Snap {
  nodes: Record<
    string,
    {stores: Record<string, {thumbprint: string}[]>; settings: Record<string, {values: Record<string, unknown> | null}>; services: Record<string, {status: string}>}
  >;
}

test('ssis-worker killed at every journal point: resume completes a consistent rotation; rollback restores the exact state', async (t) => {
  const {points, tried} = await crashAtEveryPoint({
    procedure: 'ssis-worker',
    workers: 1,
    params: ['workers=worker1'],
    completed: (json, beforeJson) => {
      const after = JSON.parse(json) as Snap;
      const before = JSON.parse(beforeJson) as Snap;
      const worker = after.nodes.worker1!;
      const settings = Object.entries(worker.settings).find(([p]) => p.endsWith('WorkerSettings.config'))![1].values!;
      const thumb = String(settings.WorkerHttpsCertThumbprint).toUpperCase();
      assert.notEqual(thumb, before.nodes.worker1!.stores.My![0]!.thumbprint);
      assert.deepEqual(
        worker.stores.My!.map((c) => c.thumbprint),
        [thumb],
        'the worker holds only its new certificate',
      );
      assert.ok(worker.stores.Root!.some((c) => c.thumbprint === thumb));
      assert.ok(
        after.nodes.master!.stores.Root!.some((c) => c.thumbprint === thumb),
        'the master trusts it',
      );
      assert.equal(worker.services.SSISScaleOutWorker140!.status, 'running');
    },
  });
  t.diagnostic(`killed at ${tried} of the ${points - 1} journal points before the session's end`);
  assert.ok(points > 40, `a whole run wrote only ${points} journal records`);
  // The last record closes the session: every record before it is a crash point.
  if (!process.env.CERTWALK_CRASH_STRIDE) assert.equal(tried, points - 1);
});
