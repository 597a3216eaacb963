// The Run screen's node list for a fan-out over 200 workers, as lines (run-view.ts), and the node grouping it reads
// (src/state/progress.ts): counts first, failed nodes first with their reason, scrolling, one node's steps.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import stringWidth from 'string-width';
import type {RunnerSnapshot} from '../../src/runner/runner.ts';
import {runLines, type NodeListView, type RunMode} from '../../src/screens/run-view.ts';
import {byAttention, nodeProgress} from '../../src/state/progress.ts';
import {initialState} from '../../src/state/reducer.ts';
import type {ProcedureState, StepInfo, StepStatus} from '../../src/state/types.ts';

const TITLES = ['Add the new worker certificate to LocalMachine\\My', 'Grant the service account the new key', 'Restart SSISScaleOutWorker140'];

function info(id: string, node: string, title: string, lane?: string): StepInfo {
  return {id, title, node, kind: id.split('.')[1]!, destructive: false, skippable: false, undoLast: false, hasUndo: true, ...(lane ? {lane} : {})};
}

const done: StepStatus = {kind: 'done', startedAt: 1, finishedAt: 1_400, captured: {}, checks: [], changes: []};
const running: StepStatus = {kind: 'running', startedAt: 1, captured: {}};
const failed = (error: string): StepStatus => ({kind: 'failed', startedAt: 1, finishedAt: 2, phase: 'do', error, captured: {}});

/** A master step, then 200 worker lanes of three steps: 1-120 done, 121-136 running, 77 and 190 failed, the rest waiting. */
function fleet(): ProcedureState {
  const steps = [
    info('master.check.x', 'master', 'Read the master'),
    ...Array.from({length: 200}, (_, i) => `worker${i + 1}`).flatMap((w) => TITLES.map((t, k) => info(`${w}.s${k}.x`, w, t, w))),
  ];
  const state = initialState(steps, {concurrency: 16, onLaneFailure: 'continue'});
  const statusOf = (s: StepInfo): StepStatus => {
    if (!s.lane) return done;
    const n = Number(s.lane.slice('worker'.length));
    const k = Number(s.id.split('.')[1]!.slice(1));
    if (n === 77 || n === 190) return k === 0 ? done : k === 1 ? failed(`winhttpcertcfg -g failed on ${s.lane}: Error: Access is denied.`) : {kind: 'pending'};
    if (n <= 120) return done;
    if (n <= 136) return k === 0 ? running : {kind: 'pending'};
    return {kind: 'pending'};
  };
  return {...state, phase: 'running', steps: state.steps.map((s) => ({...s, status: statusOf(s.info)}))};
}

function snapshot(state: ProcedureState): RunnerSnapshot {
  return {
    state,
    output: {command: 'certutil -f -p ******** -importpfx My C:\\Windows\\Temp\\x.pfx', node: 'worker121', lines: ['CertUtil: -importPFX command completed successfully.']},
    hint: null,
    busy: true,
  };
}

function layout(state: ProcedureState, size: {columns: number; rows: number}, nodes: NodeListView, mode: RunMode = 'main', laneToRollBack: string | null = null): string[] {
  return runLines({
    title: 'SSIS Scale Out: change a Worker certificate',
    snapshot: snapshot(state),
    mode,
    columns: size.columns,
    rows: size.rows,
    now: 2_000,
    stepTop: null,
    modalTop: 0,
    transcriptPath: '/tmp/t.log',
    journalPath: '/tmp/j.jsonl',
    nodes,
    laneToRollBack,
  }).map((l) => l.text);
}

function fits(lines: readonly string[], size: {columns: number; rows: number}): void {
  assert.ok(lines.length <= size.rows - 1, `${lines.length} lines for ${size.rows} rows:\n${lines.join('\n')}`);
  for (const l of lines) assert.ok(stringWidth(l) <= size.columns - 1, `too wide (${stringWidth(l)}): ${l}`);
}

describe('node progress', () => {
  test('one entry per lane plus one per node outside the fan-out; failed first, then running, waiting, done', () => {
    const nodes = nodeProgress(fleet());
    assert.equal(nodes.length, 201);
    assert.deepEqual(nodes[0], {name: 'master', laned: false, steps: [0], done: 1, condition: 'done', focus: 0});
    const sorted = byAttention(nodes).map((n) => `${n.name}:${n.condition}`);
    assert.deepEqual(sorted.slice(0, 3), ['worker77:failed', 'worker190:failed', 'worker121:running']);
    assert.equal(sorted[18], 'worker137:waiting');
    assert.equal(sorted.at(-1), 'worker120:done');
  });
});

describe('the node list of 200 workers', () => {
  for (const size of [
    {columns: 80, rows: 24},
    {columns: 200, rows: 50},
  ]) {
    test(`${size.columns}x${size.rows}: counts, failed nodes first with their reason, the selection, a scroll position, all fitting`, () => {
      const lines = layout(fleet(), size, {selected: null, open: null});
      fits(lines, size);
      assert.match(lines[1]!, /^nodes 200: {2}✘ 2 failed {2}▶ 16 running {2}✔ 119 done {2}· 63 waiting {2}· failed: work/);
      assert.match(lines[2]!, /^›✘ worker77 +1\/3 winhttpcertcfg -g failed on worker77: (Error: Access is denied\. +|Error: Ac… )FAILED \(do\)$/);
      assert.match(lines[3]!, /^ ✘ worker190 +1\/3 winhttpcertcfg/);
      assert.match(lines[4]!, /^ ▶ worker121 +0\/3 Add the new worker certificate/);
      assert.ok(
        lines.some((l) => /node 1\/201 · ↓\d+ below/.test(l)),
        lines.join('\n'),
      );
    });
  }

  test('moving the selection far down scrolls the list to it and keeps it marked', () => {
    const lines = layout(fleet(), {columns: 80, rows: 24}, {selected: 'worker150', open: null});
    const selected = lines.filter((l) => l.startsWith('›'));
    assert.equal(selected.length, 1);
    assert.match(selected[0]!, /^›· worker150 +0\/3/);
    assert.ok(lines.some((l) => /node \d+\/201 · ↑\d+ above · ↓\d+ below/.test(l)));
  });

  test("Enter on a node shows that node's steps only", () => {
    const lines = layout(fleet(), {columns: 80, rows: 24}, {selected: 'worker77', open: 'worker77'});
    assert.match(lines[1]!, /^worker77: 1\/3 steps done · Esc back to the node list/);
    const steps = lines.filter((l) => /^\S \s*\d+ worker/.test(l));
    assert.deepEqual(
      steps.map((l) => l.split(/\s+/)[2]),
      ['worker77', 'worker77', 'worker77'],
    );
    assert.match(steps[1]!, /Grant the service account the new key +FAILED \(do\)$/);
  });

  test("the per-node rollback box lists only that node's undos, newest first", () => {
    const state = {...fleet(), phase: 'failed' as const};
    const lines = layout(state, {columns: 80, rows: 24}, {selected: 'worker77', open: null}, 'node-rollback-confirm', 'worker77');
    const start = lines.findIndex((l) => l.startsWith('Roll back worker77 only'));
    assert.ok(start > 0, lines.join('\n'));
    assert.deepEqual(lines.slice(start + 1, start + 3), [
      '   1. undo [worker77] Grant the service account the new key',
      '   2. undo [worker77] Add the new worker certificate to LocalMachine\\My',
    ]);
    assert.ok(lines.some((l) => l === 'y roll back this node · n/Esc cancel'));
  });
});
