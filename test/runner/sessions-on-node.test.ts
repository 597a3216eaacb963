// sessionsOnNode: which other journals show a change on a node after this session's own, for an undo's conflict report.
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {JournalWriter, type JournalRecord} from '../../src/runner/journal.ts';
import {sessionsOnNode} from '../../src/runner/sessions-on-node.ts';

const root = mkdtempSync(join(tmpdir(), 'certwalk-sessions-on-node-'));
after(() => rmSync(root, {recursive: true, force: true}));

/** A journal whose session ran `do` on the given steps (node, time), and ended in `phase` if given. */
function journal(dir: string, name: string, changes: readonly {node: string; at: number}[], options: {phase?: string; text?: string} = {}): string {
  mkdirSync(dir, {recursive: true});
  const steps = changes.map((c, i) => ({id: `s${i}`, title: `step ${i}`, node: c.node, kind: 'k', destructive: false, skippable: false, undoLast: false, hasUndo: true}));
  const header = {
    version: 2,
    sessionId: name,
    procedure: 'ssis-master',
    procedureVersion: 'v',
    title: 't',
    params: {},
    resolved: {note: options.text ?? ''},
    steps,
    fleet: {kind: 'sandbox', location: 'x', id: 'fleet-x'},
    user: 'admin',
    machine: 'jump',
    pid: 1,
    startedAt: '',
    autoConfirmAll: true,
    transcript: `/t/${name}.log`,
  };
  const records: unknown[] = [{kind: 'header', at: 1, header}];
  changes.forEach((c, i) => records.push({kind: 'effect', at: c.at, effect: {type: 'do', stepId: `s${i}`}}));
  if (options.phase) records.push({kind: 'end', at: 9999, phase: options.phase});
  const path = join(dir, `${name}.jsonl`);
  // Written by the journal's own writer: readers refuse a journal whose hash chain does not verify.
  const writer = new JournalWriter(path);
  for (const record of records) writer.write(record as JournalRecord);
  writer.close();
  return path;
}

test('lists later sessions that changed the node, oldest first, from both folders, each once', () => {
  const here = join(root, 'here');
  const state = join(root, 'state');
  const self = journal(here, 'J1', [
    {node: 'master', at: 100},
    {node: 'worker1', at: 500},
  ]);
  journal(here, 'J0', [{node: 'master', at: 50}]); // before ours: not a later change
  journal(here, 'J5', [
    {node: 'master', at: 60},
    {node: 'master', at: 250},
  ]); // began earlier, changed it again after ours
  journal(here, 'J3', [{node: 'worker1', at: 300}]); // another node
  journal(state, 'J4', [{node: 'master', at: 400}], {phase: 'rolled-back'});
  journal(here, 'J2', [{node: 'master', at: 200}], {text: 'old thumbprint abcdef0123'});
  writeFileSync(join(here, 'notes.jsonl'), 'not a journal\n');

  const found = sessionsOnNode('master', self, [here, state, here]);
  assert.deepEqual(
    found.map((s) => [s.sessionId, s.rolledBack, s.transcript, s.by]),
    [
      ['J2', false, '/t/J2.log', 'admin@jump'],
      ['J5', false, '/t/J5.log', 'admin@jump'],
      ['J4', true, '/t/J4.log', 'admin@jump'],
    ],
  );
  assert.equal(found[0]!.journal, join(here, 'J2.jsonl'));
  assert.equal(found[0]!.changedAt, new Date(200).toISOString());
  assert.equal(found[0]!.mentions('ABCDEF0123'), true, 'case-insensitive');
  assert.equal(found[0]!.mentions('999999'), false);
  // On worker1 our own change came at 500: J3's at 300 is older
  assert.deepEqual(sessionsOnNode('worker1', self, [here, state]), []);
});
