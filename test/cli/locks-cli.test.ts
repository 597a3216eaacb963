// The node locks from the command line: a run killed half-way keeps its nodes locked; another run is refused before
// anything changes, naming the holder; `unlock` shows the holder and breaks the lock only with --yes; `resume` of the
// killed session takes its own locks back and releases them at the end.
import assert from 'node:assert/strict';
import {rmSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {after, before, test} from 'node:test';
import {certwalk, freshWorld, snapshot, template} from '../helpers/crash.ts';

// One sandbox made for the file (making its certificates is the slow part), copied for each test.
let templateDir: string;
before(() => {
  templateDir = template(1);
});
after(() => rmSync(dirname(templateDir), {recursive: true, force: true}));

test('a killed run keeps its locks: run refused with the holder named, unlock needs --yes, resume takes them back', async () => {
  const world = freshWorld(templateDir);
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
  // The lock names the crashed session's journal, and the two ways to finish that session.
  assert.ok(other.out.includes(`certwalk resume ${world.journal}`), other.out);
  assert.ok(other.out.includes(`certwalk rollback --journal ${world.journal} --yes`), other.out);
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

test('rollback that cannot lock one node (its lock folder is a plain file): one clear error, the crashed session keeps its other locks', async () => {
  const world = freshWorld(templateDir);
  try {
    const crashed = certwalk(world, ['run', 'ssis-master', '--sandbox', world.dir, '--yes', '--journal', world.journal], {CERTWALK_CRASH_AFTER_RECORD: '20'});
    assert.equal(crashed.signal, 'SIGKILL', crashed.out);
    // worker1's C:\ProgramData\certwalk becomes a plain file (its lock in it gone with the folder).
    const folder = join(world.dir, 'nodes', 'worker1', 'fs', 'C', 'ProgramData', 'certwalk');
    rmSync(folder, {recursive: true, force: true});
    writeFileSync(folder, 'not a folder');
    const afterCrash = await snapshot(world);

    const rollback = certwalk(world, ['rollback', '--journal', world.journal, '--yes', '--sandbox', world.dir]);
    assert.equal(rollback.code, 1, rollback.out);
    assert.match(
      rollback.out,
      /^certwalk: could not lock worker1: cannot create C:\\ProgramData\\certwalk\\node\.lock on worker1: C:\\ProgramData\\certwalk is a file, not a folder$/m,
    );
    assert.doesNotMatch(rollback.out, /EEXIST/);
    assert.equal(await snapshot(world), afterCrash, 'the rollback that could not lock changed something');
    // The session is still unfinished: master stays locked by it, as the crash left it.
    const master = certwalk(world, ['unlock', 'master', '--sandbox', world.dir]);
    assert.match(master.out, /master is locked by ssis-master \(session [^)]+\), process \d+ .*\(that process is no longer running\)/);
  } finally {
    rmSync(world.base, {recursive: true, force: true});
  }
});

test('unlock --yes breaks a lock a killed run left; the next run then goes ahead', async () => {
  const world = freshWorld(templateDir);
  const crashed = certwalk(world, ['run', 'ssis-worker', '--sandbox', world.dir, '--yes', '--journal', world.journal, '--param', 'workers=worker1'], {
    CERTWALK_CRASH_AFTER_RECORD: '6',
  });
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
