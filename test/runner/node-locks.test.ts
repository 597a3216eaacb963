// One certwalk at a time per node: the lock file on each node, all-or-none, its holder named in the refusal, stale
// holders refused too, a session taking back its own locks, release and break.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {hostname, tmpdir} from 'node:os';
import {join} from 'node:path';
import {before, test} from 'node:test';
import {initSandbox, SandboxFleet} from '../../src/hosts/sandbox/index.ts';
import {breakLock, isStale, lockHolder, lockNodes, NODE_LOCK_PATH, NodeLockedError, readLock, type LockHolder} from '../../src/runner/node-locks.ts';

let fleet: SandboxFleet;

before(async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'certwalk-locks-')), 'sandbox');
  await initSandbox(dir, {workers: 2});
  fleet = new SandboxFleet(dir);
});

async function holderOf(node: string): Promise<LockHolder | null> {
  return readLock(await fleet.host(node));
}

/** A process id that is certainly not running: a child that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

test('locks every node of a session; another session is refused naming the holder, and takes none', async () => {
  const first = lockHolder('ssis-worker', 'session-A');
  const held = await lockNodes(fleet, ['worker2'], first);
  assert.equal((await holderOf('worker2'))?.token, first.token);

  const second = lockHolder('ssis-master', 'session-B');
  const refusal = await lockNodes(fleet, ['master', 'worker1', 'worker2'], second).then(
    () => assert.fail('the second session got the lock'),
    (error: unknown) => error,
  );
  assert.ok(refusal instanceof NodeLockedError);
  assert.equal(refusal.node, 'worker2');
  assert.equal(refusal.stale, false);
  for (const part of ['worker2 is being changed by another certwalk', 'ssis-worker (session session-A)', `process ${first.pid}`, `of ${first.user}`, `on ${first.machine}`, `since ${first.startedAt}`, 'certwalk unlock worker2 --yes']) {
    assert.ok(refusal.message.includes(part), `"${part}" missing from: ${refusal.message}`);
  }
  // All or none: the nodes the refused session reached first are free again.
  assert.equal(await holderOf('master'), null);
  assert.equal(await holderOf('worker1'), null);
  assert.equal((await holderOf('worker2'))?.token, first.token);

  await held.release();
  assert.equal(await holderOf('worker2'), null);
});

test('a holder whose process is gone is stale: still refused, with resume and unlock named', async () => {
  const host = await fleet.host('worker1');
  const gone: LockHolder = {...lockHolder('ssis-worker', 'session-crashed'), pid: deadPid()};
  await host.writeFile(NODE_LOCK_PATH, Buffer.from(JSON.stringify(gone)));
  assert.equal(isStale(gone), true);
  assert.equal(isStale({...gone, machine: `not-${hostname()}`}), false, 'a holder on another machine cannot be checked: never stale');

  const refusal = await lockNodes(fleet, ['worker1'], lockHolder('ssis-worker', 'session-new')).then(
    () => assert.fail('a stale lock was taken over silently'),
    (error: unknown) => error,
  );
  assert.ok(refusal instanceof NodeLockedError);
  assert.equal(refusal.stale, true);
  assert.match(refusal.message, /worker1 is locked by a certwalk that stopped without finishing/);
  assert.match(refusal.message, /certwalk resume/);
  assert.match(refusal.message, /certwalk unlock worker1 --yes/);

  // The crashed session itself (resume, rollback) takes its lock back under a new token.
  const again = lockHolder('ssis-worker', 'session-crashed');
  const held = await lockNodes(fleet, ['worker1'], again);
  assert.equal((await holderOf('worker1'))?.token, again.token);
  await held.release();
});

test('release removes only its own lock; break removes whichever is there and says whose it was', async () => {
  const mine = lockHolder('ssis-master', 'session-C');
  const held = await lockNodes(fleet, ['master'], mine);
  // Someone broke it and took the node meanwhile: releasing must not remove theirs.
  const theirs = lockHolder('ssis-master', 'session-D');
  await (await fleet.host('master')).writeFile(NODE_LOCK_PATH, Buffer.from(JSON.stringify(theirs)));
  await held.release();
  assert.equal((await holderOf('master'))?.token, theirs.token);

  assert.equal((await breakLock(fleet, 'master'))?.session, 'session-D');
  assert.equal(await holderOf('master'), null);
  assert.equal(await breakLock(fleet, 'master'), null);
});
