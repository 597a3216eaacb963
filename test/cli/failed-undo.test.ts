// A rollback whose undo fails is not the end: the session stays unfinished and locked (resume lists it, transcripts
// say so), and once the cause is gone `certwalk rollback` retries exactly the steps not yet undone, back to the
// exact state from before.
import assert from 'node:assert/strict';
import {readdirSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {clearFaults} from '../../src/hosts/sandbox/faults.ts';
import {certwalk, freshWorld, snapshot, template} from '../helpers/crash.ts';

const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, {recursive: true, force: true});
});

test('an undo that fails leaves the session unfinished and locked; a second rollback retries it and ends exact', async () => {
  const templateDir = template(1);
  made.push(templateDir.replace(/\/sandbox$/, ''));
  const world = freshWorld(templateDir);
  made.push(world.base);
  const before = await snapshot(world);

  // Given a master rotation whose binding re-add fails every time (the delete went through)
  const fault = certwalk(world, ['sandbox', 'fault', world.dir, '--program', 'netsh', '--match', 'add sslcert', '--times', '0']);
  assert.equal(fault.code, 0, fault.out);
  const run = certwalk(world, ['run', 'ssis-master', '--sandbox', world.dir, '--yes']);
  assert.notEqual(run.code, 0, run.out);
  // In the state directory, where `resume` and the Recovery screen look
  const journals = readdirSync(join(world.home, 'journals')).filter((f) => f.endsWith('.jsonl'));
  assert.equal(journals.length, 1, journals.join(', '));
  const journal = join(world.home, 'journals', journals[0]!);

  // When it is rolled back, the undo of the delete (re-adding the original binding) fails too
  const first = certwalk(world, ['rollback', '--journal', journal, '--yes', '--sandbox', world.dir]);
  assert.equal(first.code, 1, first.out);
  assert.match(first.out, /undo failed: \[master\] Delete the SSL binding on 0\.0\.0\.0:8391/);
  assert.match(first.out, /the session stays unfinished and its nodes locked to it/);
  assert.match(first.out, new RegExp(`certwalk rollback --journal ${journal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} --yes retries exactly the steps not yet undone`));

  // Then the session is still unfinished: resume lists it with the failed undo, the nodes stay locked to it,
  // and the transcript list says the rollback is incomplete
  const listed = certwalk(world, ['resume']);
  assert.match(listed.out, /ended rollback-failed/);
  assert.match(listed.out, /undo failed: \[master\] Delete the SSL binding/);
  const lock = certwalk(world, ['unlock', 'master', '--sandbox', world.dir]);
  assert.match(lock.out, /master is locked by ssis-master/);
  const transcripts = JSON.parse(certwalk(world, ['transcripts', '--json']).stdout) as {state: string; continues: boolean}[];
  assert.deepEqual(
    transcripts.filter((t) => t.continues).map((t) => t.state),
    ['rollback-failed'],
  );
  // …and resuming forward is refused (a rollback had started): only rolling back again finishes it
  const resume = certwalk(world, ['resume', journal, '--yes', '--sandbox', world.dir]);
  assert.notEqual(resume.code, 0, resume.out);

  // When the cause is fixed and the admin rolls back again
  await clearFaults(world.dir);
  const second = certwalk(world, ['rollback', '--journal', journal, '--yes', '--sandbox', world.dir]);
  assert.equal(second.code, 0, second.out);
  // Then only what was not yet undone ran, and the fleet is exactly as before; the locks are gone
  assert.match(second.out, /will undo: \[master\] Delete the SSL binding on 0\.0\.0\.0:8391/);
  assert.doesNotMatch(second.out, /will undo: \[master\] Add the new certificate to LocalMachine\\Root/);
  assert.equal(await snapshot(world), before);
  assert.match(certwalk(world, ['unlock', 'master', '--sandbox', world.dir]).out, /^master is not locked$/m);
  assert.match(certwalk(world, ['resume']).out, /no unfinished session/);
});
