import assert from 'node:assert/strict';
import {test} from 'node:test';
import {initialState} from '../../src/state/reducer.ts';
import type {ProcedureState, StepInfo, StepStatus} from '../../src/state/types.ts';
import {laneSummary} from '../../src/screens/run-view.ts';

const info = (id: string, lane?: string): StepInfo => ({
  id,
  title: id,
  node: lane ?? 'master',
  kind: 'k',
  destructive: false,
  skippable: false,
  undoLast: false,
  hasUndo: true,
  ...(lane ? {lane} : {}),
});

function withStatuses(steps: StepInfo[], statuses: Record<string, StepStatus>): ProcedureState {
  const state = initialState(steps);
  return {...state, steps: state.steps.map((s) => ({...s, status: statuses[s.info.id] ?? s.status}))};
}

const done: StepStatus = {kind: 'done', startedAt: 1, finishedAt: 2, captured: null, checks: [], changes: []};

test('a fan-out is summed up per node, failed nodes first and named', () => {
  const steps = [info('m'), ...['w1', 'w2', 'w3', 'w4'].flatMap((w) => [info(`${w}.a`, w), info(`${w}.b`, w)])];
  const state = withStatuses(steps, {
    m: done,
    'w1.a': done,
    'w1.b': done,
    'w2.a': {kind: 'failed', startedAt: 1, finishedAt: 2, phase: 'do', error: 'x'},
    'w3.a': done,
    'w3.b': {kind: 'running', startedAt: 1, captured: null},
  });
  const [summary] = laneSummary(state, 200);
  assert.equal(summary?.text, 'nodes 4:  ✘ 1 failed  ▶ 1 running  ✔ 1 done  · 1 waiting  · failed: w2');
  assert.equal(summary?.color, 'red');
  // fits a narrow terminal
  assert.ok(laneSummary(state, 40)[0]!.text.length <= 40);
});

test('no summary without a fan-out', () => {
  assert.deepEqual(laneSummary(initialState([info('a'), info('b')]), 80), []);
});
