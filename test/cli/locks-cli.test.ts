// The node locks from the command line: a run killed half-way keeps its nodes locked; another run is refused before
// anything changes, naming the holder; `unlock` shows the holder and breaks the lock only with --yes; `resume` of the
// killed session takes its own locks back and releases them at the end.
import assert from 'node:assert/strict';
import {rmSync} from 'node:fs';
import {test} from 'node:test';
import {certwalk, freshWorld, snapshot, template} from '../helpers/crash.ts';

test('a killed run keeps its locks: run refused with the holder named, unlock needs --yes, resume takes them back', async () => {
  const world = freshWorld(template(1));
  const run = ['run', 'ssis-master', '--sandbox', world.dir, '--yes', '--journal', world.journal];
  // Killed after its 26th journal record: the binding is gone or going, the session unfinished.
  const crashed = certwalk(world, run, {CERTWALK_CRASH_AFTER_RECORD: '26'});
  assert.equal(crashed.signal, 'SIGKILL', crashed.out);
  const afterCrash = await snapshot(world);

  const other = certwalk(world, ['run', 'ssis-master', '--sandbox', world.dir, '--yes']);
  assert.equal(other.code, 2, other.out);
  // The parameters are refused (the binding is gone): the lock is named as the likely reason.
  assert.match(other.out, /note: master is locked by a certwalk that stopped without finishing: ssis-master \(session [^)]+\), process \d+ of \S+ on \S+, since \d{4}-\d\d-\d\dT/);
  assert.match(other.out, /certwalk unlock master --yes/);
  assert.equal(await snapshot(world), afterCrash, 'the refused run changed something');

  const unlockAsk = certwalk(world, ['unlock', 'master', '--sandbox', world.dir]);
  assert.equal(unlockAsk.code, 2, unlockAsk.out);
  assert.match(unlockAsk.out, /master is locked by ssis-master \(session [^)]+\), process \d+ .*\(that process is no longer running\)/);
  assert.match(unlockAsk.out, /add --yes to break the lock/);

  const resumed = certwalk(world, ['resume', world.journal, '--yes', '--sandbox', world.dir]);
  assert.equal(resumed.code, 0, resumed.out);
  assert.match(resumed.out, /completed: 9 steps verified/);
  for (const node of ['master', 'worker1']) {
    const free = certwalk(world, ['unlock', node, '--sandbox', world.dir]);
    assert.equal(free.code, 0, free.out);
    assert.match(free.out, new RegExp(`^${node} is not locked$`, 'm'), 'the resumed session did not release its lock');
  }
  rmSync(world.base, {recursive: true, force: true});
});

test('unlock --yes breaks a lock a killed run left; the next run then goes ahead', async () => {
  const world = freshWorld(template(1));
  const crashed = certwalk(world, ['run', 'ssis-worker', '--sandbox', world.dir, '--yes', '--journal', world.journal, '--param', 'workers=worker1'], {CERTWALK_CRASH_AFTER_RECORD: '6'});
  assert.equal(crashed.signal, 'SIGKILL', crashed.out);
  const broken = certwalk(world, ['unlock', 'worker1', '--sandbox', world.dir, '--yes']);
  assert.equal(broken.code, 0, broken.out);
  assert.match(broken.out, /lock on worker1 broken/);
  // The master was locked too (the worker's certificate is trusted there): still refused until it is broken as well.
  const refused = certwalk(world, ['run', 'ssis-worker', '--sandbox', world.dir, '--yes', '--param', 'workers=worker1']);
  assert.equal(refused.code, 2, refused.out);
  assert.match(refused.out, /master is locked/);
  assert.equal(certwalk(world, ['unlock', 'master', '--sandbox', world.dir, '--yes']).code, 0);
  const next = certwalk(world, ['run', 'ssis-worker', '--sandbox', world.dir, '--yes', '--param', 'workers=worker1']);
  assert.equal(next.code, 0, next.out);
  rmSync(world.base, {recursive: true, force: true});
});
