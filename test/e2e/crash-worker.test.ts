// SIGKILL at every journal point of the worker procedure, then resume and rollback (see test/helpers/crash.ts).
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {crashAtEveryPoint} from '../helpers/crash.ts';

interface Snap {
  nodes: Record<string, {stores: Record<string, {thumbprint: string}[]>; settings: Record<string, {values: Record<string, unknown> | null}>; services: Record<string, {status: string}>}>;
}

test('ssis-worker killed at every journal point: resume completes a consistent rotation; rollback restores the exact state', () => {
  const tried = crashAtEveryPoint({
    procedure: 'ssis-worker',
    workers: 1,
    // Every 7th point in the default run (about 12 of them, minutes on CI); CERTWALK_CRASH_STRIDE=1 tries them all.
    stride: 7,
    params: ['workers=worker1'],
    completed: (json, beforeJson) => {
      const after = JSON.parse(json) as Snap;
      const before = JSON.parse(beforeJson) as Snap;
      const worker = after.nodes.worker1!;
      const settings = Object.entries(worker.settings).find(([p]) => p.endsWith('WorkerSettings.config'))![1].values!;
      const thumb = String(settings.WorkerHttpsCertThumbprint).toUpperCase();
      assert.notEqual(thumb, before.nodes.worker1!.stores.My![0]!.thumbprint);
      assert.deepEqual(worker.stores.My!.map((c) => c.thumbprint), [thumb], 'the worker holds only its new certificate');
      assert.ok(worker.stores.Root!.some((c) => c.thumbprint === thumb));
      assert.ok(after.nodes.master!.stores.Root!.some((c) => c.thumbprint === thumb), 'the master trusts it');
      assert.equal(worker.services.SSISScaleOutWorker140!.status, 'running');
    },
  });
  assert.ok(tried >= 8, `only ${tried} journal points`);
});
