import assert from 'node:assert/strict';
import {appendFileSync, mkdtempSync, readFileSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {JournalWriter, readJournal, type SessionHeader} from '../../src/runner/journal.ts';
import {Redactor} from '../../src/runner/redactor.ts';

const header: SessionHeader = {
  version: 1,
  sessionId: 's1',
  procedure: 'ssis-master',
  title: 't',
  params: {},
  resolved: null,
  steps: [],
  fleet: {kind: 'sandbox', location: '/tmp/x'},
  user: 'u',
  machine: 'm',
  pid: 1,
  startedAt: '2026-11-23T00:00:00Z',
  autoConfirmAll: false,
  transcript: '/tmp/t.log',
};

test('the journal is private, append-only JSONL, and tolerates a torn last line', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'certwalk-journal-')), 'j.jsonl');
  const journal = new JournalWriter(path);
  journal.append({kind: 'header', at: 1, header});
  journal.append({kind: 'event', at: 2, event: {type: 'start', at: 2}});
  journal.close();
  assert.equal(statSync(path).mode & 0o777, 0o600);
  appendFileSync(path, '{"kind":"event","at":3,"ev');
  const read = readJournal(path);
  assert.equal(read.tornTail, true);
  assert.deepEqual(read.events, [{type: 'start', at: 2}]);
  assert.equal(read.header.sessionId, 's1');
});

test('a corrupt line in the middle is an error, not silently skipped', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'certwalk-journal-')), 'j.jsonl');
  const journal = new JournalWriter(path);
  journal.append({kind: 'header', at: 1, header});
  journal.close();
  appendFileSync(path, 'garbage\n{"kind":"event","at":3,"event":{"type":"start","at":3}}\n');
  assert.throws(() => readJournal(path), /line 2 is not valid JSON/);
  assert.ok(readFileSync(path, 'utf8').length > 0);
});

test('a file without a header is refused', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'certwalk-journal-')), 'j.jsonl');
  appendFileSync(path, '{"kind":"event","at":3,"event":{"type":"start","at":3}}\n');
  assert.throws(() => readJournal(path), /not a certwalk journal/);
});

test('the redactor masks every registered secret and ignores trivially short ones', () => {
  const r = new Redactor();
  r.add('s3cret-Pa55');
  r.add('ab');
  assert.equal(r.redact('certutil -p s3cret-Pa55 -importpfx; s3cret-Pa55 again; ab stays'), 'certutil -p ******** -importpfx; ******** again; ab stays');
});
