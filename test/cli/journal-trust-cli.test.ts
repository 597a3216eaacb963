// Journals are not trusted blindly (issue 17.7), through the real binary: a journal edited by hand, written for
// another procedure than its header names, written on another fleet, or holding only its header is refused by
// `rollback` and `resume` before any node lock is taken or any command runs; a session journalled outside the state
// directory is still listed by `resume`.
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {after, describe, test} from 'node:test';
import {certwalk, freshWorld, template, type CrashWorld} from '../helpers/crash.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** `certwalk sandbox show --json`: stores, bindings, services and files of every node. */
function show(world: CrashWorld): string {
  const shown = certwalk(world, ['sandbox', 'show', world.dir, '--json']);
  assert.equal(shown.code, 0, shown.out);
  return shown.stdout;
}

/** The node lock files (C:\ProgramData\certwalk\node.lock) as they are: null where there is none. */
function nodeLocks(world: CrashWorld): Record<string, string | null> {
  const locks: Record<string, string | null> = {};
  for (const node of ['master', 'worker1']) {
    const path = join(world.dir, 'nodes', node, 'fs', 'C', 'ProgramData', 'certwalk', 'node.lock');
    locks[node] = existsSync(path) ? readFileSync(path, 'utf8') : null;
  }
  return locks;
}

function journalLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').slice(0, -1);
}

/**
 * Rewrites a journal as a careful hand would: the records edited, then every checksum and link of the chain
 * recomputed, so only what the header claims can give the edit away.
 */
function rewriteResealed(path: string, edit: (records: Record<string, unknown>[]) => void): void {
  const records = journalLines(path).map((line) => {
    const {sum: _sum, prev: _prev, ...record} = JSON.parse(line) as Record<string, unknown>;
    return record;
  });
  edit(records);
  let prev = '';
  const lines = records.map((record, i) => {
    const body = JSON.stringify(i === 0 ? record : {...record, prev});
    const line = `${body.slice(0, -1)},"sum":"${sha256(body)}"}`;
    prev = sha256(line);
    return line;
  });
  writeFileSync(path, `${lines.join('\n')}\n`);
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('journals are not trusted blindly', () => {
  const templateDir = template(1);
  const worlds: string[] = [dirname(templateDir)];
  const world = () => {
    const made = freshWorld(templateDir);
    worlds.push(made.base);
    return made;
  };
  after(() => {
    for (const dir of worlds) rmSync(dir, {recursive: true, force: true});
  });

  /** A completed ssis-master run on a fresh copy of the template, its locks released. */
  function completedRun(): CrashWorld {
    const w = world();
    const run = certwalk(w, ['run', 'ssis-master', '--sandbox', w.dir, '--yes', '--journal', w.journal]);
    assert.equal(run.code, 0, run.out);
    return w;
  }

  test('a journal edited to another procedure (chain recomputed) is refused before any lock is written or service touched', () => {
    const w = completedRun();
    rewriteResealed(w.journal, (records) => {
      const header = records[0]!.header as Record<string, unknown>;
      header.procedure = 'ssis-worker';
    });
    const before = show(w);
    const locksBefore = nodeLocks(w);
    assert.deepEqual(locksBefore, {master: null, worker1: null}, 'the completed run left a lock');

    for (const args of [
      ['rollback', '--journal', w.journal, '--yes'],
      ['resume', w.journal, '--yes'],
    ]) {
      const refused = certwalk(w, [...args, '--sandbox', w.dir]);
      assert.equal(refused.code, 2, refused.out);
      assert.doesNotMatch(refused.out, /rolled back|will undo/);
      // A completed session has nothing to resume: that is said first, before any fleet or lock is looked at
      if (args[0] === 'resume' && /has already ended: completed/.test(refused.out)) continue;
      assert.match(
        refused.out,
        new RegExp(`refusing the journal ${escaped(w.journal)} \\(line 1\\): it was not written for (ssis-worker, which its header names|the procedure its header names)`),
      );
      assert.match(refused.out, /nothing was locked or changed/);
      assert.match(refused.out, /^certwalk: refusing the journal/);
    }
    assert.deepEqual(nodeLocks(w), locksBefore, 'a node lock was written');
    assert.equal(show(w), before, 'the sandbox (stores, bindings, services) changed');
  });

  test('an appid edited inside a captured value is refused, naming the file and the line; nothing changes', () => {
    const w = completedRun();
    const lines = journalLines(w.journal);
    const at = lines.findIndex((line) => line.includes('"captured"') && line.includes('"appId":"{6b9d1f0c-2f5a-4c1e-9d8e-1f2a3b4c5d6e}"'));
    assert.ok(at > 0, 'no captured appid in the journal');
    lines[at] = lines[at]!.replace('"appId":"{6b9d1f0c-2f5a-4c1e-9d8e-1f2a3b4c5d6e}"', '"appId":"{00000000-0000-0000-0000-000000000000}"');
    writeFileSync(w.journal, `${lines.join('\n')}\n`);
    const before = show(w);

    const refused = certwalk(w, ['rollback', '--journal', w.journal, '--yes', '--sandbox', w.dir]);
    assert.notEqual(refused.code, 0, refused.out);
    assert.match(refused.out, new RegExp(`refusing the journal ${escaped(w.journal)} \\(line ${at + 1}\\): this record was edited`));
    assert.deepEqual(nodeLocks(w), {master: null, worker1: null});
    assert.equal(show(w), before);
  });

  test('a journal of sandbox A is refused on sandbox B, naming both fleets; B is untouched', () => {
    const a = completedRun();
    const b = world();
    rmSync(b.dir, {recursive: true, force: true});
    // Made on its own (not a copy of A): the same demo nodes and addresses, another fleet.
    const init = certwalk(b, ['sandbox', 'init', b.dir, '--workers', '1']);
    assert.equal(init.code, 0, init.out);
    const idOf = (w: CrashWorld) => (JSON.parse(readFileSync(join(w.dir, 'sandbox.json'), 'utf8')) as {fleetId: string}).fleetId;
    assert.notEqual(idOf(a), idOf(b));
    const before = show(b);

    for (const args of [
      ['rollback', '--journal', a.journal, '--yes'],
      ['resume', a.journal, '--yes'],
    ]) {
      const refused = certwalk(b, [...args, '--sandbox', b.dir]);
      assert.equal(refused.code, 2, refused.out);
      if (args[0] === 'resume' && /has already ended: completed/.test(refused.out)) continue;
      assert.match(
        refused.out,
        new RegExp(
          `refusing the journal ${escaped(a.journal)} \\(line 1\\): it belongs to another fleet: it was written on fleet ${idOf(a)} \\(sandbox ${escaped(a.dir)}\\), and the fleet given is ${idOf(b)} \\(sandbox ${escaped(b.dir)}\\)`,
        ),
      );
    }
    assert.deepEqual(nodeLocks(b), {master: null, worker1: null}, 'a node lock was written on B');
    assert.equal(show(b), before, 'sandbox B changed');
    // On its own fleet the same journal still rolls back.
    const rolled = certwalk(a, ['rollback', '--journal', a.journal, '--yes', '--sandbox', a.dir]);
    assert.equal(rolled.code, 0, rolled.out);
  });

  test('a journal holding only its header is neither "rolled back" nor resumed: it says it records no step and changes nothing', () => {
    const w = world();
    const crashed = certwalk(w, ['run', 'ssis-master', '--sandbox', w.dir, '--yes', '--journal', w.journal], {CERTWALK_CRASH_AFTER_RECORD: '1'});
    assert.equal(crashed.signal, 'SIGKILL', crashed.out);
    assert.equal(journalLines(w.journal).length, 1);
    const before = show(w);
    const locksBefore = nodeLocks(w);

    for (const args of [
      ['rollback', '--journal', w.journal, '--yes'],
      ['resume', w.journal, '--yes'],
    ]) {
      const refused = certwalk(w, [...args, '--sandbox', w.dir]);
      assert.equal(refused.code, 2, refused.out);
      assert.match(refused.out, /it records no step, only the session's header: certwalk cannot know what ran on master, worker1/);
      assert.doesNotMatch(refused.out, /rolled back|nothing to undo|completed/);
    }
    const listed = certwalk(w, ['resume']);
    assert.equal(listed.code, 0, listed.out);
    assert.match(listed.out, /the journal records no step: certwalk cannot know what ran/);
    assert.doesNotMatch(listed.out, /certwalk rollback --journal/);
    assert.deepEqual(nodeLocks(w), locksBefore, 'a node lock changed');
    assert.equal(show(w), before, 'the sandbox changed');
  });

  test('a journal of another format version (older, newer, none) is refused by rollback and resume and not offered by the Recovery list; nothing changes', () => {
    const w = world();
    // Crashed half-way: unfinished, so the Recovery list offers it while it is a version 2 journal.
    const crashed = certwalk(w, ['run', 'ssis-master', '--sandbox', w.dir, '--yes', '--journal', w.journal], {CERTWALK_CRASH_AFTER_RECORD: '20'});
    assert.equal(crashed.signal, 'SIGKILL', crashed.out);
    assert.match(certwalk(w, ['resume']).out, new RegExp(`^${escaped(w.journal)}$`, 'm'), 'the crashed session is not listed to begin with');
    const original = readFileSync(w.journal, 'utf8');
    const before = show(w);
    const locksBefore = nodeLocks(w);

    const cases: {version: number | undefined; reason: string}[] = [
      {version: 1, reason: 'it is a version 1 journal, written by an older certwalk without the hash chain this version checks, and this certwalk reads version 2 only'},
      {version: 3, reason: 'it is a version 3 journal, written by a newer certwalk, and this certwalk reads version 2 only'},
      {version: 99, reason: 'it is a version 99 journal, written by a newer certwalk, and this certwalk reads version 2 only'},
      {version: undefined, reason: 'its header records no format version, and this certwalk reads version 2 only'},
    ];
    for (const {version, reason} of cases) {
      writeFileSync(w.journal, original);
      // Resealed: a journal another certwalk wrote is consistent with itself, only its version differs.
      rewriteResealed(w.journal, (records) => {
        const header = records[0]!.header as Record<string, unknown>;
        if (version === undefined) delete header.version;
        else header.version = version;
      });
      for (const args of [
        ['rollback', '--journal', w.journal, '--yes'],
        ['resume', w.journal, '--yes'],
      ]) {
        const refused = certwalk(w, [...args, '--sandbox', w.dir]);
        assert.notEqual(refused.code, 0, refused.out);
        assert.match(
          refused.out,
          new RegExp(`^certwalk: refusing the journal ${escaped(w.journal)} \\(line 1\\): ${escaped(reason)}`, 'm'),
          `${args[0]}, version ${String(version)}`,
        );
        assert.match(refused.out, /nothing was locked or changed/);
        assert.doesNotMatch(refused.out, /rolled back|will undo|completed:/);
      }
      const listed = certwalk(w, ['resume']);
      assert.equal(listed.code, 0, listed.out);
      assert.doesNotMatch(listed.out, new RegExp(escaped(w.journal)), `the Recovery list offers a version ${String(version)} journal`);
    }
    assert.deepEqual(nodeLocks(w), locksBefore, 'a node lock changed');
    assert.equal(show(w), before, 'the sandbox changed');
  });

  test('a session journalled outside the state directory is listed by resume, and resumes', () => {
    const w = world();
    const elsewhere = mkdtempSync(join(tmpdir(), 'certwalk-elsewhere-'));
    worlds.push(elsewhere);
    const journal = join(elsewhere, 'x.jsonl');
    const crashed = certwalk(w, ['run', 'ssis-master', '--sandbox', w.dir, '--yes', '--journal', journal], {CERTWALK_CRASH_AFTER_RECORD: '20'});
    assert.equal(crashed.signal, 'SIGKILL', crashed.out);
    // The lock refusal sends the admin to `certwalk resume`: it must list this session.
    const refused = certwalk(w, ['run', 'ssis-master', '--sandbox', w.dir, '--yes']);
    assert.match(refused.out, new RegExp(`certwalk resume ${escaped(journal)}`));
    const listed = certwalk(w, ['resume']);
    assert.equal(listed.code, 0, listed.out);
    assert.match(listed.out, new RegExp(`^${escaped(journal)}$`, 'm'));
    assert.match(listed.out, new RegExp(`certwalk resume ${escaped(journal)} --yes`));

    const resumed = certwalk(w, ['resume', journal, '--yes', '--sandbox', w.dir]);
    assert.equal(resumed.code, 0, resumed.out);
    assert.match(resumed.out, /completed: 9 steps verified/);
    assert.doesNotMatch(certwalk(w, ['resume']).out, new RegExp(escaped(journal)), 'a finished session is still listed');
  });
});
