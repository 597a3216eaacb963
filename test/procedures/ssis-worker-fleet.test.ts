// The worker procedure over many workers at once: one lane per worker, --concurrency, a failure on one worker, and
// rollback of one worker or of all of them, on the sandbox through the real runner and the real binary.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, test} from 'node:test';
import {addFault, showSandbox} from '../../src/hosts/sandbox/index.ts';
import type {StepStatus} from '../../src/state/types.ts';
import {lab, prepare, runner, send} from '../helpers/procedure.ts';

process.env.CERTWALK_HOME = mkdtempSync(join(tmpdir(), 'certwalk-fleet-home-'));

type Snapshot = Awaited<ReturnType<typeof showSandbox>>;
interface Plan {
  worker: string;
  account: string;
  old: {thumbprint: string};
  cert: {thumbprint: string};
}

function plans(resolved: unknown): Plan[] {
  return (resolved as {workers: Plan[]}).workers;
}

function laneKinds(steps: readonly {info: {lane?: string}; status: StepStatus}[], lane: string): string[] {
  return steps.filter((s) => s.info.lane === lane).map((s) => s.status.kind);
}

const thumbs = (node: Snapshot['nodes'][string], store: string) => (node.stores[store] ?? []).map((c) => c.thumbprint).sort();

describe('ssis-worker over many workers', () => {
  test('workers=all at concurrency 3: every worker rotated (each with its own service account), the master trusts each; rollback restores the exact state', async () => {
    const l = await lab(5);
    const before = await l.snapshot();
    // Given all five workers, worker3's service running as a domain account
    const {params, result} = await prepare(l, 'ssis-worker', {workers: 'all'});
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    const workers = plans(result.value.resolved);
    assert.deepEqual(
      workers.map((w) => w.worker),
      ['worker1', 'worker2', 'worker3', 'worker4', 'worker5'],
    );
    assert.equal(workers.find((w) => w.worker === 'worker3')!.account, 'CONTOSO\\svc-ssis-worker');
    assert.equal(workers.find((w) => w.worker === 'worker1')!.account, 'NT Service\\SSISScaleOutWorker140');
    assert.equal(new Set(workers.map((w) => w.cert.thumbprint)).size, 5, 'one new certificate per worker');

    // When it runs with three workers at once
    const r = runner(l, 'ssis-worker', params, result.value, true, 3);
    await send(r, {type: 'start'});
    assert.equal(r.snapshot.state.phase, 'completed');
    assert.ok(
      r.snapshot.state.steps.every((s) => s.info.lane !== undefined),
      "every step belongs to its worker's lane",
    );

    // Then each worker holds only its new certificate in My, granted to its own account, and is running on it
    const after = await l.snapshot();
    for (const w of workers) {
      const node = after.nodes[w.worker]!;
      assert.deepEqual(thumbs(node, 'My'), [w.cert.thumbprint], w.worker);
      assert.ok(node.stores.My![0]!.keyAcl.includes(w.account), `${w.worker}: ${w.account} can read the new key`);
      assert.equal(node.services.SSISScaleOutWorker140!.status, 'running');
    }
    // And the master trusts every new certificate
    for (const w of workers) assert.ok(thumbs(after.nodes.master!, 'Root').includes(w.cert.thumbprint), `master trusts ${w.worker}`);

    // When everything is rolled back (lanes side by side), Then the fleet is exactly as before
    await send(r, {type: 'rollback-requested'});
    assert.equal(r.snapshot.state.phase, 'rolled-back');
    assert.deepEqual(await l.snapshot(), before);
    r.close();
  });

  test('a fault on one worker with "continue": that worker failed, the others completed; it is rolled back alone, then everything', async () => {
    const l = await lab(4);
    const before = await l.snapshot();
    const {params, result} = await prepare(l, 'ssis-worker', {workers: 'all'});
    assert.ok(result.ok);
    const workers = plans(result.value.resolved);
    // Given the grant of the new key fails on worker2
    await addFault(l.dir, {node: 'worker2', program: 'winhttpcertcfg', match: '-g'});
    const r = runner(l, 'ssis-worker', params, result.value, true, 2, 'continue');
    await send(r, {type: 'start'});

    // Then worker2 stopped at the grant with the four steps before it done (the temp PFX removal among them), and
    // every other worker completed
    const {state} = r.snapshot;
    assert.equal(state.phase, 'failed');
    assert.deepEqual(laneKinds(state.steps, 'worker2'), ['done', 'done', 'done', 'done', 'failed', 'pending', 'pending', 'pending']);
    for (const w of ['worker1', 'worker3', 'worker4']) assert.deepEqual(new Set(laneKinds(state.steps, w)), new Set(['done']), w);
    const failedRun = await l.snapshot();
    assert.equal(failedRun.nodes.worker2!.services.SSISScaleOutWorker140!.status, 'running', 'worker2 was never restarted on a half-done change');

    // When worker2 alone is rolled back
    await send(r, {type: 'lane-rollback-requested', lane: 'worker2'});
    const partly = await l.snapshot();
    // Then worker2 is exactly as before (old certificate back with its thumbprint and key access) and the master no
    // longer trusts its new certificate, while the other workers keep their new certificates
    assert.deepEqual(partly.nodes.worker2, before.nodes.worker2);
    assert.ok(!thumbs(partly.nodes.master!, 'Root').includes(workers[1]!.cert.thumbprint));
    for (const w of [workers[0]!, workers[2]!, workers[3]!]) assert.deepEqual(thumbs(partly.nodes[w.worker]!, 'My'), [w.cert.thumbprint]);
    // And worker2 is back to not started: the procedure waits, paused
    assert.equal(r.snapshot.state.phase, 'paused');
    assert.deepEqual(new Set(laneKinds(r.snapshot.state.steps, 'worker2')), new Set(['pending']));

    // When the rest is rolled back, Then the whole fleet is exactly as before
    await send(r, {type: 'rollback-requested'});
    assert.equal(r.snapshot.state.phase, 'rolled-back');
    assert.deepEqual(await l.snapshot(), before);
    r.close();
  });

  test('workers that cannot be rotated are all named before anything changes', async () => {
    const l = await lab(3);
    const before = await l.snapshot();
    for (const w of ['worker1', 'worker3']) {
      const host = await l.fleet.host(w);
      await host.writeFile('C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\WorkerSettings.config', Buffer.from('{}', 'utf8'));
    }
    const {result} = await prepare(l, 'ssis-worker', {workers: 'all'});
    assert.equal(result.ok, false);
    const message = !result.ok ? (result.errors.workers ?? '') : '';
    assert.match(message, /^worker1: cannot use .*WorkerSettings\.config: .*; worker3: cannot use /);
    assert.doesNotMatch(message, /worker2/);
    // Only the two files this test broke differ
    const after = await l.snapshot();
    assert.deepEqual(after.nodes.worker2, before.nodes.worker2);
    assert.deepEqual(after.nodes.master, before.nodes.master);
  });

  test('certwalk run ssis-worker --param workers=all --concurrency 4 with a fault on one worker: exit 1, that worker named failed, the others done', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const base = mkdtempSync(join(tmpdir(), 'certwalk-fleet-cli-'));
    const dir = join(base, 'sandbox');
    const certwalk = (...args: string[]) => {
      const result = spawnSync(process.execPath, [join(root, 'bin', 'certwalk.js'), ...args], {
        cwd: root,
        encoding: 'utf8',
        env: {...process.env, CERTWALK_HOME: join(base, 'home'), NO_COLOR: '1'},
        input: '',
      });
      return {code: result.status, stdout: result.stdout, out: result.stdout + result.stderr};
    };
    assert.equal(certwalk('sandbox', 'init', dir, '--workers', '6').code, 0);
    assert.equal(certwalk('sandbox', 'fault', dir, '--node', 'worker5', '--program', 'powershell', '--match=Import-PfxCertificate').code, 0);
    const run = certwalk('run', 'ssis-worker', '--sandbox', dir, '--yes', '--param', 'workers=all', '--concurrency', '4', '--on-failure', 'continue');
    assert.equal(run.code, 1, run.out);
    assert.match(run.stdout, /worker5/);
    assert.match(run.stdout, /nodes: 5 done, 1 failed \(worker5\)/);
    const after = JSON.parse(certwalk('sandbox', 'show', dir, '--json').stdout) as Snapshot;
    for (const w of ['worker1', 'worker2', 'worker3', 'worker4', 'worker6']) {
      assert.equal(after.nodes[w]!.stores.My!.length, 1, `${w} holds only its new certificate`);
    }
  });
});
