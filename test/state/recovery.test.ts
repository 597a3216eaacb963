// A journal re-opened after certwalk stopped mid-procedure: the reducer marks what was in flight as interrupted, and
// resuming reads an interrupted change back before (re)making it.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {initialState, rollbackOrder, transition} from '../../src/state/reducer.ts';
import type {Effect, ProcedureEvent, ProcedureState, StepInfo} from '../../src/state/types.ts';

let clock = 0;
const info = (id: string, extra: Partial<StepInfo> = {}): StepInfo => ({
  id,
  title: id,
  node: 'n',
  kind: id,
  destructive: false,
  skippable: false,
  undoLast: false,
  hasUndo: true,
  ...extra,
});
const STEPS = [info('a'), info('b', {destructive: true}), info('c')];

function drive(state: ProcedureState, ...events: Omit<ProcedureEvent, 'at'>[]): {state: ProcedureState; effects: readonly Effect[]} {
  let effects: readonly Effect[] = [];
  for (const event of events) {
    const result = transition(state, {...event, at: ++clock} as ProcedureEvent);
    assert.equal(result.ignored, undefined, `${event.type}: ${result.ignored}`);
    state = result.state;
    effects = result.effects;
  }
  return {state, effects};
}

const start = () => initialState(STEPS, {autoConfirmAll: true});
const doneA = [
  {type: 'start'},
  {type: 'capture-succeeded', stepId: 'a', captured: {a: 1}, prompt: null},
  {type: 'do-succeeded', stepId: 'a'},
  {type: 'verify-succeeded', stepId: 'a', checks: [], changes: []},
] as const;

describe('recovered', () => {
  test('a step stopped during its change becomes failed and interrupted, keeping its capture; the procedure waits, failed', () => {
    const {state} = drive(start(), ...doneA, {type: 'capture-succeeded', stepId: 'b', captured: {b: 1}, prompt: null} as never, {type: 'recovered'});
    assert.equal(state.phase, 'failed');
    const b = state.steps[1]!.status;
    assert.equal(b.kind, 'failed');
    assert.ok(b.kind === 'failed' && b.interrupted && b.phase === 'do');
    assert.deepEqual(b.kind === 'failed' ? b.captured : null, {b: 1});
    // Rollback would undo it too (it may have changed something), newest first
    assert.deepEqual(rollbackOrder(state), [1, 0]);
  });

  test('resuming an interrupted change reads it back first: found, the step is done without running it again', () => {
    const {state, effects} = drive(
      start(),
      ...doneA,
      {type: 'capture-succeeded', stepId: 'b', captured: {b: 1}, prompt: null} as never,
      {type: 'recovered'},
      {type: 'retry-requested'},
    );
    assert.deepEqual(effects, [{type: 'verify', stepId: 'b'}]);
    const after = drive(state, {type: 'verify-succeeded', stepId: 'b', checks: [], changes: []} as never);
    assert.equal(after.state.steps[1]!.status.kind, 'done');
    assert.deepEqual(after.effects, [{type: 'capture', stepId: 'c'}]);
  });

  test('resuming an interrupted change reads it back first: missing, the change runs, with the first capture', () => {
    const {state} = drive(start(), ...doneA, {type: 'capture-succeeded', stepId: 'b', captured: {b: 1}, prompt: null} as never, {type: 'recovered'}, {type: 'retry-requested'});
    const after = drive(state, {type: 'step-failed', stepId: 'b', phase: 'verify', error: 'not there'} as never);
    assert.deepEqual(after.effects, [{type: 'do', stepId: 'b'}]);
    const status = after.state.steps[1]!.status;
    assert.ok(status.kind === 'running');
    assert.deepEqual(status.kind === 'running' ? status.captured : null, {b: 1});
    // And a read-back that fails after that change is a real failure again
    const failed = drive(after.state, {type: 'do-succeeded', stepId: 'b'} as never, {type: 'step-failed', stepId: 'b', phase: 'verify', error: 'still not there'} as never);
    assert.equal(failed.state.phase, 'failed');
  });

  test('a step stopped while reading (nothing changed) captures again on resume; a question asked is withdrawn', () => {
    const reading = drive(
      initialState(STEPS),
      ...doneA.slice(0, 1),
      {type: 'capture-succeeded', stepId: 'a', captured: {}, prompt: null} as never,
      {type: 'do-succeeded', stepId: 'a'} as never,
      {type: 'verify-succeeded', stepId: 'a', checks: [], changes: []} as never,
    );
    // b is destructive and the session is not --yes: it waits for an answer when certwalk stops
    const asked = drive(reading.state, {type: 'capture-succeeded', stepId: 'b', captured: {b: 1}, prompt: null} as never);
    assert.equal(asked.state.steps[1]!.status.kind, 'awaiting-confirmation');
    const recovered = drive(asked.state, {type: 'recovered'});
    assert.equal(recovered.state.steps[1]!.status.kind, 'pending');
    assert.equal(recovered.state.phase, 'paused');
    assert.deepEqual(drive(recovered.state, {type: 'resume-requested'}).effects, [{type: 'capture', stepId: 'b'}]);

    const capturing = drive(start(), {type: 'start'}, {type: 'recovered'});
    const a = capturing.state.steps[0]!.status;
    assert.ok(a.kind === 'failed' && a.phase === 'capture' && a.captured === undefined);
    assert.deepEqual(drive(capturing.state, {type: 'retry-requested'}).effects, [{type: 'capture', stepId: 'a'}]);
  });

  test('a rollback stopped half-way: the undo in flight is undone again by the next rollback, the undone ones are not', () => {
    const all = [
      ...doneA,
      {type: 'capture-succeeded', stepId: 'b', captured: {b: 1}, prompt: null},
      {type: 'do-succeeded', stepId: 'b'},
      {type: 'verify-succeeded', stepId: 'b', checks: [], changes: []},
    ] as never[];
    const rolling = drive(
      start(),
      ...all,
      {type: 'capture-succeeded', stepId: 'c', captured: {c: 1}, prompt: null} as never,
      {type: 'do-succeeded', stepId: 'c'} as never,
      {type: 'verify-succeeded', stepId: 'c', checks: [], changes: []} as never,
    );
    assert.equal(rolling.state.phase, 'completed');
    const half = drive(rolling.state, {type: 'rollback-requested'}, {type: 'undo-succeeded', stepId: 'c', report: 'ok'} as never);
    assert.equal(half.state.steps[1]!.status.kind, 'undoing');
    const recovered = drive(half.state, {type: 'recovered'});
    assert.equal(recovered.state.phase, 'failed');
    assert.deepEqual(rollbackOrder(recovered.state), [1, 0]);
    const again = drive(recovered.state, {type: 'rollback-requested'});
    assert.deepEqual(again.effects, [{type: 'undo', stepId: 'b'}]);
  });

  test('nothing to recover before the start or after the end', () => {
    assert.match(transition(start(), {type: 'recovered', at: 1}).ignored ?? '', /nothing to recover/);
  });
});
