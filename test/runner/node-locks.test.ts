// One certwalk at a time per node: the lock file on each node, all-or-none, its holder named in the refusal, stale
// holders refused too, a session taking back its own locks (and giving them back as they were when it cannot lock
// every node), release and break.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {hostname, tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {SandboxFleet} from '../../src/hosts/sandbox/index.ts';
import {breakLock, isStale, lockHolder, lockNodes, NODE_LOCK_PATH, NodeLockedError, readLock, type LockHolder} from '../../src/runner/node-locks.ts';
import {bareSandbox} from '../helpers/bare-sandbox.ts';

let base: string;
let dir: string;
let fleet: SandboxFleet;

before(async () => {
  base = mkdtempSync(join(tmpdir(), 'certwalk-locks-'));
  dir = join(base, 'sandbox');
  await bareSandbox(dir, ['master', 'worker1', 'worker2', 'worker3', 'worker4']);
  fleet = new SandboxFleet(dir);
});

after(() => rmSync(base, {recursive: true, force: true}));

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
  for (const part of [
    'worker2 is being changed by another certwalk',
    'ssis-worker (session session-A)',
    `process ${first.pid}`,
    `of ${first.user}`,
    `on ${first.machine}`,
    `since ${first.startedAt}`,
    'certwalk unlock worker2 --yes',
  ]) {
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

test('a stopped holder with a journal: the refusal names its session, its journal, resume, rollback and unlock', async () => {
  const journal = '/home/admin/.local/state/certwalk/journals/20261202-ssis-worker-abc123.jsonl';
  const gone: LockHolder = {...lockHolder('ssis-worker', 'session-J', journal), pid: deadPid()};
  await (await fleet.host('worker4')).writeFile(NODE_LOCK_PATH, Buffer.from(JSON.stringify(gone)));
  const refusal = await lockNodes(fleet, ['worker4'], lockHolder('ssis-worker', 'session-K')).then(
    () => assert.fail('a stale lock was taken over silently'),
    (error: unknown) => error,
  );
  assert.ok(refusal instanceof NodeLockedError);
  for (const part of [
    'worker4 is locked by a certwalk that stopped without finishing',
    '(session session-J)',
    `Its journal is ${journal}`,
    `certwalk resume ${journal}`,
    `certwalk rollback --journal ${journal} --yes`,
    'certwalk unlock worker4 --yes',
  ]) {
    assert.ok(refusal.message.includes(part), `"${part}" missing from: ${refusal.message}`);
  }
  assert.equal((await holderOf('worker4'))?.token, gone.token, 'the refused session changed the lock');
  await breakLock(fleet, 'worker4');
});

test('resume of a crashed session that cannot lock one node: its locks elsewhere stay, what this call created goes, one clear error', async () => {
  // The crashed session held master and worker1; worker2 is free; worker3's lock folder is a plain file.
  const crashed: LockHolder = {...lockHolder('ssis-worker', 'session-crashed-2', '/j/crashed.jsonl'), pid: deadPid()};
  for (const node of ['master', 'worker1']) await (await fleet.host(node)).writeFile(NODE_LOCK_PATH, Buffer.from(JSON.stringify(crashed)));
  const programData = join(dir, 'nodes', 'worker3', 'fs', 'C', 'ProgramData');
  mkdirSync(programData, {recursive: true});
  writeFileSync(join(programData, 'certwalk'), 'not a folder');

  const resumed = lockHolder('ssis-worker', 'session-crashed-2', '/j/crashed.jsonl');
  const failure = await lockNodes(fleet, ['master', 'worker1', 'worker2', 'worker3'], resumed).then(
    () => assert.fail('locked a node whose lock folder is a file'),
    (error: unknown) => error as Error,
  );
  assert.ok(!(failure instanceof NodeLockedError), 'nobody holds worker3: it is not a refusal');
  assert.equal(failure.message, 'could not lock worker3: cannot create C:\\ProgramData\\certwalk\\node.lock on worker3: C:\\ProgramData\\certwalk is a file, not a folder');
  // The crashed session is still unfinished on master and worker1: its records are back, as they were.
  for (const node of ['master', 'worker1']) assert.deepEqual(await holderOf(node), crashed, node);
  assert.equal(await holderOf('worker2'), null, 'the lock this call created on worker2 was left behind');

  // Once worker3 is repaired, the same session takes all four; its release frees them all, taken back or created.
  rmSync(join(programData, 'certwalk'));
  const held = await lockNodes(fleet, ['master', 'worker1', 'worker2', 'worker3'], resumed);
  for (const node of ['master', 'worker1', 'worker2', 'worker3']) assert.equal((await holderOf(node))?.token, resumed.token, node);
  await held.release();
  for (const node of ['master', 'worker1', 'worker2', 'worker3']) assert.equal(await holderOf(node), null, node);
});

test('a lock file that names no holder is shown as held by an unknown certwalk, and unlock breaks it', async () => {
  const programData = join(dir, 'nodes', 'worker4', 'fs', 'C', 'ProgramData', 'certwalk');
  mkdirSync(programData, {recursive: true});
  writeFileSync(join(programData, 'node.lock'), '');
  const holder = await holderOf('worker4');
  assert.match(holder?.procedure ?? '', /^unknown \(C:\\ProgramData\\certwalk\\node\.lock cannot be read: it is empty\)$/);
  assert.equal(isStale(holder!), false);
  assert.equal((await breakLock(fleet, 'worker4'))?.session, 'unknown');
  assert.equal(await holderOf('worker4'), null);
});
