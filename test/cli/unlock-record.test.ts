// `certwalk unlock NODE --yes` is the explicit override of a lock an unfinished session holds: it is recorded in the
// state directory's unlocks.log and in the transcript of the session that held the lock.
import assert from 'node:assert/strict';
import {readdirSync, readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {certwalk, freshWorld, template} from '../helpers/crash.ts';

const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, {recursive: true, force: true});
});

test('unlock --yes names the holder and its journal, and records who broke the lock', () => {
  const templateDir = template(1);
  made.push(templateDir.replace(/\/sandbox$/, ''));
  const world = freshWorld(templateDir);
  made.push(world.base);
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
