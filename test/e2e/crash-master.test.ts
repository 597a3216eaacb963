// SIGKILL at every journal point of the master procedure, then resume and rollback (see test/helpers/crash.ts).
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {crashAtEveryPoint} from '../helpers/crash.ts';

interface Snap {
  nodes: Record<
    string,
    {bindings: {ipport: string; certhash: string}[]; settings: Record<string, {values: Record<string, unknown> | null}>; services: Record<string, {status: string}>}
  >;
}

function setting(node: Snap['nodes'][string], file: string, key: string): string {
  const entry = Object.entries(node.settings).find(([p]) => p.endsWith(file));
  return String(entry?.[1].values?.[key] ?? '');
}

test('ssis-master killed at every journal point: resume completes a consistent rotation; rollback restores the exact state', async (t) => {
  const {points, tried} = await crashAtEveryPoint({
    procedure: 'ssis-master',
    workers: 1,
    params: [],
    completed: (json, beforeJson) => {
      const after = JSON.parse(json) as Snap;
      const before = JSON.parse(beforeJson) as Snap;
      const hash = after.nodes.master!.bindings.find((b) => b.ipport === '0.0.0.0:8391')!.certhash.toUpperCase();
      assert.notEqual(hash, before.nodes.master!.bindings.find((b) => b.ipport === '0.0.0.0:8391')!.certhash.toUpperCase());
      assert.equal(setting(after.nodes.master!, 'MasterSettings.config', 'SSLCertThumbprint').toUpperCase(), hash);
      assert.equal(setting(after.nodes.worker1!, 'WorkerSettings.config', 'MasterHttpsCertThumbprint').toUpperCase(), hash);
      assert.equal(after.nodes.master!.services.SSISScaleOutMaster140!.status, 'running');
      assert.equal(after.nodes.worker1!.services.SSISScaleOutWorker140!.status, 'running');
    },
  });
  t.diagnostic(`killed at ${tried} of the ${points - 1} journal points before the session's end`);
  assert.ok(points > 40, `a whole run wrote only ${points} journal records`);
  // The last record closes the session: every record before it is a crash point.
  if (!process.env.CERTWALK_CRASH_STRIDE) assert.equal(tried, points - 1);
});
