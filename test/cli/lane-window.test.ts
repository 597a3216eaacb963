// One worker's failure never strands another inside its dangerous window: with worker2's delete failing at
// concurrency 2, worker1 (which had deleted its old certificate) finishes its rotation, so no WorkerSettings.config
// names a certificate that is gone; rollback then restores the exact fleet.
import assert from 'node:assert/strict';
import {rmSync} from 'node:fs';
import {after, test} from 'node:test';
import {certwalk, freshWorld, snapshot, template} from '../helpers/crash.ts';

const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, {recursive: true, force: true});
});

interface NodeState {
  stores: Record<string, {thumbprint: string}[]>;
  settings: Record<string, {values: Record<string, unknown> | null}>;
}

function workerSetting(node: NodeState): string {
  for (const file of Object.values(node.settings)) {
    const value = file.values?.WorkerHttpsCertThumbprint;
    if (typeof value === 'string') return value;
  }
  assert.fail('no WorkerHttpsCertThumbprint');
}

test("a worker's failure at concurrency 2: the worker inside its window finishes it; nothing names a deleted certificate", async () => {
  const templateDir = template(3);
  made.push(templateDir.replace(/\/sandbox$/, ''));
  const world = freshWorld(templateDir);
  made.push(world.base);
  const before = await snapshot(world);
  const old = JSON.parse(before) as {nodes: Record<string, NodeState>};

  const fault = certwalk(world, ['sandbox', 'fault', world.dir, '--program', 'certutil', '--match', 'delstore', '--node', 'worker2']);
  assert.equal(fault.code, 0, fault.out);
  const run = certwalk(world, ['run', 'ssis-worker', '--sandbox', world.dir, '--param', 'workers=all', '--concurrency', '2', '--yes', '--journal', world.journal]);
  assert.notEqual(run.code, 0, run.out);
  assert.match(run.out, /worker2/);

  const now = JSON.parse(await snapshot(world)) as {nodes: Record<string, NodeState>};
  for (const worker of ['worker1', 'worker2', 'worker3']) {
    const named = workerSetting(now.nodes[worker]!);
    assert.ok(
      now.nodes[worker]!.stores.My!.some((c) => c.thumbprint.toUpperCase() === named.toUpperCase()),
      `${worker}'s WorkerSettings.config names ${named}, which is not in its LocalMachine\\My`,
    );
  }
  // worker2 failed at its delete: it keeps its old certificate and settings (how far worker1 got depends on timing:
  // before its window it stops, inside it it finishes; the loop above holds either way)
  assert.equal(workerSetting(now.nodes.worker2!), workerSetting(old.nodes.worker2!));

  const rolled = certwalk(world, ['rollback', '--journal', world.journal, '--yes', '--sandbox', world.dir]);
  assert.equal(rolled.code, 0, rolled.out);
  assert.equal(await snapshot(world), before);
});
