// `certwalk resume --sandbox DIR` finds unfinished sessions by the fleet's node locks too: a session whose journal the
// state directory does not point at (kept elsewhere, its pointer lost) is still listed, from the journal its lock names.
import assert from 'node:assert/strict';
import {readdirSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {certwalk, freshWorld, template} from '../helpers/crash.ts';

const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, {recursive: true, force: true});
});

test('resume with a fleet lists a session its locks name, even when the state directory does not know it', () => {
  const templateDir = template(1);
  made.push(templateDir.replace(/\/sandbox$/, ''));
  const world = freshWorld(templateDir);
  made.push(world.base);
  // A run journalled outside the state directory, killed mid-way: its nodes stay locked, naming its journal
  const crashed = certwalk(world, ['run', 'ssis-master', '--sandbox', world.dir, '--yes', '--journal', world.journal], {CERTWALK_CRASH_AFTER_RECORD: '26'});
  assert.equal(crashed.signal, 'SIGKILL', crashed.out);
  // …and the state directory's pointer to it is gone (an older certwalk wrote none, or the folder was cleaned)
  const journals = join(world.home, 'journals');
  for (const name of readdirSync(journals)) rmSync(join(journals, name), {force: true});

  assert.match(certwalk(world, ['resume']).out, /no unfinished session/);
  const listed = certwalk(world, ['resume', '--sandbox', world.dir]);
  assert.equal(listed.code, 0, listed.out);
  assert.ok(listed.out.startsWith(`${world.journal}\n`), listed.out);
  assert.match(listed.out, /ssis-master on sandbox .*\n.*certwalk stopped without closing it/);
  assert.match(listed.out, new RegExp(`certwalk rollback --journal ${world.journal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} --yes`));
});
