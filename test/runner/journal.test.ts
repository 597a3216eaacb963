import assert from 'node:assert/strict';
import {appendFileSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {createHash} from 'node:crypto';
import {test} from 'node:test';
import {JOURNAL_VERSION, JournalRefused, JournalWriter, readJournal, type SessionHeader} from '../../src/runner/journal.ts';
import {Redactor} from '../../src/runner/redactor.ts';
import {tempDir} from '../helpers/temp.ts';

const header: SessionHeader = {
  version: 2,
  sessionId: 's1',
  procedure: 'ssis-master',
  procedureVersion: '0123456789abcdef',
  title: 't',
  params: {},
  resolved: null,
  steps: [],
  fleet: {kind: 'sandbox', location: '/tmp/x', id: 'sandbox-0011223344556677'},
  user: 'u',
  machine: 'm',
  pid: 1,
  startedAt: '2026-11-23T00:00:00Z',
  autoConfirmAll: false,
  transcript: '/tmp/t.log',
};

function journalPath(): string {
  return join(tempDir('certwalk-journal-'), 'j.jsonl');
}

/** A journal as a session writes it: header, start, a capture holding an appid, an effect, a command. */
function sessionJournal(): string {
  const path = journalPath();
  const journal = new JournalWriter(path);
  journal.append({kind: 'header', at: 1, header});
  journal.append({kind: 'event', at: 2, event: {type: 'start', at: 2}});
  journal.append({
    kind: 'event',
    at: 3,
    event: {type: 'capture-succeeded', at: 3, stepId: 'binding', captured: {appid: '{6b9d1f0c-2f5a-4c1e-9d8e-1f2a3b4c5d6e}', thumbprint: 'AA'}, prompt: null},
  });
  journal.append({kind: 'effect', at: 4, effect: {type: 'do', stepId: 'binding'}});
  journal.write({kind: 'command', at: 5, command: {node: 'master', command: 'netsh http show sslcert', exitCode: 0, durationMs: 3, stepId: 'binding'}});
  journal.close();
  return path;
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').slice(0, -1);
}

function refusal(fn: () => unknown): JournalRefused {
  try {
    fn();
  } catch (error) {
    if (error instanceof JournalRefused) return error;
    throw error;
  }
  assert.fail('the journal was not refused');
}

test('the journal is private, append-only JSONL, and tolerates a torn last line', () => {
  const path = journalPath();
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
  const path = journalPath();
  const journal = new JournalWriter(path);
  journal.append({kind: 'header', at: 1, header});
  journal.close();
  appendFileSync(path, 'garbage\n{"kind":"event","at":3,"event":{"type":"start","at":3}}\n');
  assert.throws(() => readJournal(path), /line 2 is not valid JSON/);
  assert.ok(readFileSync(path, 'utf8').length > 0);
});

test('a file without a header is refused', () => {
  const path = journalPath();
  appendFileSync(path, '{"kind":"event","at":3,"event":{"type":"start","at":3}}\n');
  assert.throws(() => readJournal(path), /not a certwalk journal/);
});

test('every record after the header names the hash of the line before it; the chain verifies, also across a continued journal', () => {
  const path = sessionJournal();
  // Continued (a resume): the new writer chains on from the last line on disk.
  const continued = new JournalWriter(path);
  continued.append({kind: 'event', at: 6, event: {type: 'pause-requested', at: 6}});
  continued.close();
  const written = lines(path);
  for (let i = 1; i < written.length; i++) {
    const prev = (JSON.parse(written[i]!) as {prev: string}).prev;
    assert.equal(
      prev,
      createHash('sha256')
        .update(written[i - 1]!)
        .digest('hex'),
      `line ${i + 1}`,
    );
  }
  assert.equal((JSON.parse(written[0]!) as {prev?: string}).prev, undefined, 'the header starts the chain');
  const read = readJournal(path);
  assert.equal(read.records.length, 6);
  assert.deepEqual(
    read.events.map((e) => e.type),
    ['start', 'capture-succeeded', 'pause-requested'],
  );
  assert.equal(read.tornTail, false);
});

test('an appid edited inside a captured value is refused, naming the file and the line', () => {
  const path = sessionJournal();
  const edited = lines(path).map((line) => line.replace('{6b9d1f0c-2f5a-4c1e-9d8e-1f2a3b4c5d6e}', '{00000000-0000-0000-0000-000000000000}'));
  assert.notDeepEqual(edited, lines(path), 'the test edits nothing');
  writeFileSync(path, `${edited.join('\n')}\n`);
  const refused = refusal(() => readJournal(path));
  assert.equal(refused.line, 3);
  assert.match(refused.message, new RegExp(`^refusing the journal ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(line 3\\): this record was edited`));
  assert.match(refused.message, /nothing was locked or changed/);
});

test('an edit whose checksum was recomputed still breaks the chain at the next line', () => {
  const path = sessionJournal();
  const written = lines(path);
  // The edited record made consistent with itself (as a careful hand would): its successor no longer follows it.
  const record = JSON.parse(written[2]!) as {sum?: string; event: {captured: {appid: string}}};
  delete record.sum;
  record.event.captured.appid = '{00000000-0000-0000-0000-000000000000}';
  const body = JSON.stringify(record);
  written[2] = `${body.slice(0, -1)},"sum":"${createHash('sha256').update(body).digest('hex')}"}`;
  writeFileSync(path, `${written.join('\n')}\n`);
  const refused = refusal(() => readJournal(path));
  assert.equal(refused.line, 4);
  assert.match(refused.message, /the hash chain is broken: this record does not follow line 3/);
});

test('a record removed from the middle, an edited last line and an edited header are each refused', () => {
  const removed = sessionJournal();
  writeFileSync(
    removed,
    `${lines(removed)
      .filter((_, i) => i !== 1)
      .join('\n')}\n`,
  );
  assert.equal(refusal(() => readJournal(removed)).line, 2);

  const last = sessionJournal();
  writeFileSync(
    last,
    `${lines(last)
      .map((l, i, all) => (i === all.length - 1 ? l.replace('"exitCode":0', '"exitCode":1') : l))
      .join('\n')}\n`,
  );
  assert.equal(refusal(() => readJournal(last)).line, 5);

  const headerOnly = journalPath();
  const journal = new JournalWriter(headerOnly);
  journal.append({kind: 'header', at: 1, header});
  journal.close();
  assert.equal(readJournal(headerOnly).events.length, 0);
  writeFileSync(headerOnly, readFileSync(headerOnly, 'utf8').replace('"procedure":"ssis-master"', '"procedure":"ssis-worker"'));
  assert.equal(refusal(() => readJournal(headerOnly)).line, 1);
});

test('a torn last line is dropped, and a writer continuing the journal chains on from the line before it', () => {
  const path = sessionJournal();
  appendFileSync(path, '{"kind":"event","at":9,"event":{"type":"pau');
  assert.equal(readJournal(path).tornTail, true);
  const continued = new JournalWriter(path);
  continued.append({kind: 'event', at: 10, event: {type: 'pause-requested', at: 10}});
  continued.close();
  const read = readJournal(path);
  assert.equal(read.tornTail, false);
  assert.deepEqual(
    read.events.map((e) => e.type),
    ['start', 'capture-succeeded', 'pause-requested'],
  );
});

test('a version 1 journal (no hash chain) is refused with the reason', () => {
  const path = journalPath();
  writeFileSync(path, `${JSON.stringify({kind: 'header', at: 1, header: {...header, version: 1}})}\n${JSON.stringify({kind: 'event', at: 2, event: {type: 'start', at: 2}})}\n`);
  const refused = refusal(() => readJournal(path));
  assert.equal(refused.line, 1);
  assert.match(refused.message, /version 1 journal, written by an older certwalk without the hash chain/);
});

/** A journal sealed and chained as JournalWriter writes it, whose header records `version` (or none when undefined). */
function journalOfVersion(version: unknown): string {
  const path = journalPath();
  const {version: _ours, ...rest} = header;
  const recorded = (version === undefined ? rest : {...rest, version}) as unknown as SessionHeader;
  const journal = new JournalWriter(path);
  journal.append({kind: 'header', at: 1, header: recorded});
  journal.append({kind: 'event', at: 2, event: {type: 'start', at: 2}});
  journal.close();
  return path;
}

test('a journal of any other format version, or of none, is refused naming the file, the version found and the one read', () => {
  assert.equal(JOURNAL_VERSION, 2, 'the cases below name the versions around 2');
  const cases: {version: unknown; reason: RegExp}[] = [
    {version: 1, reason: /it is a version 1 journal, written by an older certwalk without the hash chain this version checks, and this certwalk reads version 2 only/},
    {version: 3, reason: /it is a version 3 journal, written by a newer certwalk, and this certwalk reads version 2 only/},
    {version: 99, reason: /it is a version 99 journal, written by a newer certwalk, and this certwalk reads version 2 only/},
    {version: undefined, reason: /its header records no format version, and this certwalk reads version 2 only/},
    {version: '2', reason: /its header records the format version "2", which no certwalk writes \(this certwalk reads version 2 only\)/},
    {version: 0, reason: /its header records the format version 0, which no certwalk writes/},
  ];
  for (const {version, reason} of cases) {
    const path = journalOfVersion(version);
    const refused = refusal(() => readJournal(path));
    assert.equal(refused.path, path);
    assert.equal(refused.line, 1, `version ${String(version)}`);
    assert.ok(refused.message.startsWith(`refusing the journal ${path} (line 1): `), refused.message);
    assert.match(refused.message, reason);
    assert.doesNotMatch(refused.message, /edited/, 'a sealed journal of another version is not called edited');
  }
  assert.equal(readJournal(journalOfVersion(2)).events.length, 1, 'the same journal at version 2 is read');
});

test('the redactor masks every registered secret and ignores trivially short ones', () => {
  const r = new Redactor();
  r.add('s3cret-Pa55');
  r.add('ab');
  assert.equal(r.redact('certutil -p s3cret-Pa55 -importpfx; s3cret-Pa55 again; ab stays'), 'certutil -p ******** -importpfx; ******** again; ab stays');
});
