// `certwalk unlock NODE --yes` is the explicit override of a lock an unfinished session holds: it is recorded in the
// state directory's unlocks.log and in the transcript of the session that held the lock.
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {certwalk, worldForTest} from '../helpers/crash.ts';


test('unlock --yes names the holder and its journal, and records who broke the lock', () => {
  const world = worldForTest(1);
  const crashed = certwalk(world, ['run', 'ssis-master', '--sandbox', world.dir, '--yes', '--journal', world.journal], {CERTWALK_CRASH_AFTER_RECORD: '20'});
  assert.equal(crashed.signal, 'SIGKILL', crashed.out);

  const ask = certwalk(world, ['unlock', 'master', '--sandbox', world.dir]);
  assert.equal(ask.code, 2, ask.out);
  assert.match(ask.out, new RegExp(`its journal: ${world.journal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));

  const broken = certwalk(world, ['unlock', 'master', '--sandbox', world.dir, '--yes']);
  assert.equal(broken.code, 0, broken.out);
  assert.match(broken.out, /lock on master broken; recorded in \S+unlocks\.log and \S+\.log/);
  const log = readFileSync(join(world.home, 'unlocks.log'), 'utf8');
  assert.match(log, /lock on master BROKEN by \S+ on \S+ with certwalk unlock --yes: it was held by ssis-master \(session [^,]+, process \d+/);
  const transcripts = readdirSync(join(world.home, 'transcripts')).filter((f) => f.endsWith('.log'));
  assert.equal(transcripts.length, 1);
  assert.match(readFileSync(join(world.home, 'transcripts', transcripts[0]!), 'utf8'), /lock on master BROKEN by/);
  assert.match(certwalk(world, ['unlock', 'master', '--sandbox', world.dir]).out, /^master is not locked$/m);
});
