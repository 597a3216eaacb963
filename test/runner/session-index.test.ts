// The journals folder knows every session's journal: its own files, and pointers to journals written elsewhere.
import assert from 'node:assert/strict';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, relative} from 'node:path';
import {after, test} from 'node:test';
import {indexedJournals, recordJournalLocation} from '../../src/runner/session-index.ts';

const base = mkdtempSync(join(tmpdir(), 'certwalk-index-'));
after(() => rmSync(base, {recursive: true, force: true}));

test('a journal outside the folder leaves a pointer, one inside it none; the index lists both, newest first, each once', () => {
  const dir = join(base, 'journals');
  const inside = join(dir, '2026-12-01T10-00-00Z-ssis-master-aaaaaa.jsonl');
  const outside = join(base, 'elsewhere', 'x.jsonl');
  const gone = join(base, 'elsewhere', 'deleted.jsonl');
  mkdirSync(join(base, 'elsewhere'), {recursive: true});
  mkdirSync(dir, {recursive: true});
  writeFileSync(inside, '');
  writeFileSync(outside, '');

  recordJournalLocation('2026-12-01T10-00-00Z-ssis-master-aaaaaa', inside, dir);
  assert.deepEqual(readdirSync(dir), ['2026-12-01T10-00-00Z-ssis-master-aaaaaa.jsonl'], 'a journal in the folder needs no pointer');
  recordJournalLocation('2026-12-02T10-00-00Z-ssis-master-bbbbbb', outside, dir);
  // The same file named again by a relative path (`run --journal x.jsonl`): the pointer holds the absolute path, and
  // the index lists the journal once.
  recordJournalLocation('2026-12-02T10-00-00Z-ssis-master-bbbbbc', relative(process.cwd(), outside), dir);
  recordJournalLocation('2026-11-30T10-00-00Z-ssis-master-cccccc', gone, dir);
  assert.ok(existsSync(join(dir, '2026-12-02T10-00-00Z-ssis-master-bbbbbb.where')));

  // The deleted journal's pointer leads nowhere: not listed.
  assert.deepEqual(indexedJournals(dir), [outside, inside]);
  assert.deepEqual(indexedJournals(join(base, 'none')), []);
});
