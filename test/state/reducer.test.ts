// The procedure reducer, driven event by event: every transition, failure handling, pause, rollback ordering,
// abort and journal replay. The reducer is pure, so every test builds its own state and feeds events by hand,
// playing the runner: each effect the reducer asks for is answered with the event the runner would send.
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';

import {initialState, isTerminal, replay, rollbackOrder, transition} from '../../src/state/reducer.ts';
import type {Change, Check, ConfirmPrompt, Effect, Json, ProcedureEvent, ProcedureState, StepInfo, StepPhase, StepStatus, Transition} from '../../src/state/types.ts';

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/** A StepInfo row: non-destructive, not skippable, undoable, not undone last, unless told otherwise. */
function step(id: string, overrides: Partial<Omit<StepInfo, 'id'>> = {}): StepInfo {
  return {
    id,
    title: `Step ${id}`,
    node: 'master',
    kind: 'generic',
    destructive: false,
    skippable: false,
    undoLast: false,
    hasUndo: true,
    ...overrides,
  };
}

/** A monotonic clock so every event has a distinct, increasing `at`. */
let clock = 1_000;
const tick = (): number => (clock += 10);

const ev = {
  start: (): ProcedureEvent => ({type: 'start', at: tick()}),
  captured: (stepId: string, captured: Json = capturedFor(stepId), prompt: ConfirmPrompt | null = null): ProcedureEvent => ({
    type: 'capture-succeeded',
    at: tick(),
    stepId,
    captured,
    prompt,
  }),
  confirmed: (stepId: string, scope: 'step' | 'kind' | 'flag' = 'step'): ProcedureEvent => ({type: 'confirmed', at: tick(), stepId, scope}),
  declined: (stepId: string): ProcedureEvent => ({type: 'declined', at: tick(), stepId}),
  didIt: (stepId: string): ProcedureEvent => ({type: 'do-succeeded', at: tick(), stepId}),
  verified: (stepId: string, checks: readonly Check[] = checksFor(stepId), changes: readonly Change[] = changesFor(stepId)): ProcedureEvent => ({
    type: 'verify-succeeded',
    at: tick(),
    stepId,
    checks,
    changes,
  }),
  failed: (stepId: string, phase: StepPhase, error = `${phase} of ${stepId} failed`, checks?: readonly Check[]): ProcedureEvent =>
    checks === undefined ? {type: 'step-failed', at: tick(), stepId, phase, error} : {type: 'step-failed', at: tick(), stepId, phase, error, checks},
  pause: (): ProcedureEvent => ({type: 'pause-requested', at: tick()}),
  resume: (): ProcedureEvent => ({type: 'resume-requested', at: tick()}),
  retry: (): ProcedureEvent => ({type: 'retry-requested', at: tick()}),
  skip: (): ProcedureEvent => ({type: 'skip-requested', at: tick()}),
  rollback: (): ProcedureEvent => ({type: 'rollback-requested', at: tick()}),
  undone: (stepId: string, report = `restored ${stepId}`): ProcedureEvent => ({type: 'undo-succeeded', at: tick(), stepId, report}),
  undoFailed: (stepId: string, error = `could not restore ${stepId}`): ProcedureEvent => ({type: 'undo-failed', at: tick(), stepId, error}),
  abort: (): ProcedureEvent => ({type: 'abort-requested', at: tick()}),
  recovered: (): ProcedureEvent => ({type: 'recovered', at: tick()}),
};

function capturedFor(stepId: string): Json {
  return {step: stepId, thumbprint: `old-${stepId}`, bindings: ['0.0.0.0:443']};
}

function checksFor(stepId: string): Check[] {
  return [{what: `${stepId} binding`, expected: `new-${stepId}`, observed: `new-${stepId}`, ok: true}];
}

function changesFor(stepId: string): Change[] {
  return [{node: 'master', label: stepId, before: `old-${stepId}`, after: `new-${stepId}`}];
}

const samplePrompt: ConfirmPrompt = {
  title: 'Delete the SSL binding on 0.0.0.0:443',
  commands: ['netsh http delete sslcert ipport=0.0.0.0:443'],
  removes: ['sslcert 0.0.0.0:443 → old-thumbprint'],
  restoreWith: ['netsh http add sslcert ipport=0.0.0.0:443 certhash=old-thumbprint appid={…}'],
  references: ['AzureML frontend reads 0.0.0.0:443'],
  warnings: ['The frontend is unreachable until the new binding is added'],
};

/** Deep-freezes a value so any mutation inside the reducer throws (ESM modules are strict mode). */
function freeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) freeze(inner);
  }
  return value;
}

interface Driven {
  readonly state: ProcedureState;
  /** Every effect, in order, across all events. */
  readonly effects: Effect[];
  /** Every `ignored` reason, in order. */
  readonly ignored: string[];
  /** The transition of the last event. */
  readonly last: Transition;
}

/**
 * Feeds events one by one (each through a deep-frozen state, so the reducer must not mutate its input) and
 * collects effects and ignore reasons. The runner handles one thing at a time: no transition may ask for more.
 */
function drive(state: ProcedureState, ...events: ProcedureEvent[]): Driven {
  const effects: Effect[] = [];
  const ignored: string[] = [];
  let last: Transition = {state, effects: []};
  for (const event of events) {
    last = transition(freeze(state), freeze(event));
    assert.ok(last.effects.length <= 1, `${event.type} asked for ${last.effects.length} effects at once`);
    effects.push(...last.effects);
    if (last.ignored !== undefined) ignored.push(last.ignored);
    state = last.state;
  }
  return {state, effects, ignored, last};
}

/** The runner's events for a step that goes through cleanly (confirming it if it is destructive). */
function completes(info: StepInfo, captured: Json = capturedFor(info.id)): ProcedureEvent[] {
  return [ev.captured(info.id, captured), ...(info.destructive ? [ev.confirmed(info.id)] : []), ev.didIt(info.id), ev.verified(info.id)];
}

/** Starts the procedure and runs the first `count` steps to done. */
function runFirst(steps: readonly StepInfo[], count: number, options: {autoConfirmAll?: boolean} = {}): Driven {
  return drive(initialState(steps, options), ev.start(), ...steps.slice(0, count).flatMap((info) => completes(info)));
}

/** Plays the runner through a rollback: answers every undo effect with undo-succeeded (or undo-failed for the ids given). */
function drainUndos(from: Driven, failing: readonly string[] = []): {state: ProcedureState; undone: string[]} {
  const undone: string[] = [];
  let state = from.state;
  let pending = from.last.effects.filter((effect) => effect.type === 'undo');
  for (let guard = 0; pending.length > 0; guard++) {
    assert.ok(guard < 100, 'rollback never finished');
    const effect = pending[0]!;
    undone.push(effect.stepId);
    assert.equal(status(state, effect.stepId).kind, 'undoing', `${effect.stepId} should be undoing while its undo runs`);
    const result = drive(state, failing.includes(effect.stepId) ? ev.undoFailed(effect.stepId) : ev.undone(effect.stepId));
    assert.deepEqual(result.ignored, []);
    assert.ok(
      result.effects.every((e) => e.type === 'undo'),
      `rollback asked for ${JSON.stringify(result.effects)}`,
    );
    state = result.state;
    pending = result.effects;
  }
  return {state, undone};
}

function status(state: ProcedureState, stepId: string): StepStatus {
  const found = state.steps.find((s) => s.info.id === stepId);
  assert.ok(found, `no step ${stepId}`);
  return found.status;
}

function kinds(state: ProcedureState): Record<string, StepStatus['kind']> {
  return Object.fromEntries(state.steps.map((s) => [s.info.id, s.status.kind]));
}

function expectStatus<K extends StepStatus['kind']>(state: ProcedureState, stepId: string, kind: K): Extract<StepStatus, {kind: K}> {
  const s = status(state, stepId);
  assert.equal(s.kind, kind, `${stepId} is ${s.kind}, expected ${kind}`);
  return s as Extract<StepStatus, {kind: K}>;
}

/** An ignored event changes nothing: same state object, no effects, a reason to show. */
function assertIgnored(state: ProcedureState, event: ProcedureEvent, reason?: RegExp): string {
  const result = transition(freeze(state), freeze(event));
  assert.equal(result.state, state, `${event.type} should leave the state untouched`);
  assert.deepEqual(result.effects, []);
  assert.equal(typeof result.ignored, 'string', `${event.type} should be reported as ignored`);
  if (reason) assert.match(result.ignored!, reason);
  return result.ignored!;
}

const capture = (stepId: string): Effect => ({type: 'capture', stepId});
const doIt = (stepId: string): Effect => ({type: 'do', stepId});
const verify = (stepId: string): Effect => ({type: 'verify', stepId});
const undo = (stepId: string): Effect => ({type: 'undo', stepId});

// A small rotation: read, two destructive sslcert steps, a destructive ACL step, and a service restart.
const readBinding = step('read-binding', {hasUndo: false});
const deleteBinding = step('delete-binding', {destructive: true, kind: 'sslcert'});
const addBinding = step('add-binding', {destructive: true, kind: 'sslcert'});
const grantKey = step('grant-key', {destructive: true, kind: 'acl', skippable: true});
const restart = step('restart-service', {undoLast: true});
const rotation = [readBinding, deleteBinding, addBinding, grantKey, restart];

const a = step('a');
const b = step('b');
const c = step('c');
const plain = [a, b, c];

// ---------------------------------------------------------------------------------------------------------------

describe('initial state and start', () => {
  test('initialState: idle, every step pending, nothing requested', () => {
    const state = initialState(plain);
    assert.equal(state.phase, 'idle');
    assert.deepEqual(kinds(state), {a: 'pending', b: 'pending', c: 'pending'});
    assert.equal(state.current, null);
    assert.equal(state.pauseRequested, false);
    assert.equal(state.rollbackRequested, false);
    assert.deepEqual(state.undoQueue, []);
    assert.equal(state.autoConfirmAll, false);
    assert.deepEqual(state.autoConfirmKinds, []);
    assert.equal(initialState(plain, {autoConfirmAll: true}).autoConfirmAll, true);
  });

  test('start → running, the first step capturing, one capture effect for it', () => {
    const start = ev.start();
    const {state, effects} = drive(initialState(plain), start);
    assert.equal(state.phase, 'running');
    assert.equal(state.current, 0);
    assert.deepEqual(effects, [capture('a')]);
    assert.deepEqual(expectStatus(state, 'a', 'capturing'), {kind: 'capturing', startedAt: start.at});
    assert.deepEqual(kinds(state), {a: 'capturing', b: 'pending', c: 'pending'});
  });

  test('a second start is ignored', () => {
    const {state} = drive(initialState(plain), ev.start());
    assertIgnored(state, ev.start(), /already started/);
  });

  test('a procedure with no steps completes at once', () => {
    const {state, effects} = drive(initialState([]), ev.start());
    assert.equal(state.phase, 'completed');
    assert.deepEqual(effects, []);
  });

  test('runner events before start are ignored', () => {
    const idle = initialState(plain);
    assertIgnored(idle, ev.captured('a'));
    assertIgnored(idle, ev.didIt('a'));
    assertIgnored(idle, ev.verified('a'));
    assertIgnored(idle, ev.failed('a', 'capture'));
    assertIgnored(idle, ev.retry());
    assertIgnored(idle, ev.skip());
    assertIgnored(idle, ev.resume());
    assertIgnored(idle, ev.pause());
  });

  test('events naming an unknown step are ignored', () => {
    const {state} = drive(initialState(plain), ev.start());
    assertIgnored(state, ev.captured('nope'));
    assertIgnored(state, ev.failed('nope', 'capture'));
  });
});

describe('capture', () => {
  test('capture-succeeded on a non-destructive step → running with the captured value, do effect', () => {
    const start = ev.start();
    const {state, last} = drive(initialState(plain), start, ev.captured('a', {thumbprint: 'AAA'}));
    assert.deepEqual(last.effects, [doIt('a')]);
    assert.deepEqual(expectStatus(state, 'a', 'running'), {kind: 'running', startedAt: start.at, captured: {thumbprint: 'AAA'}});
    assert.equal(state.phase, 'running');
    assert.equal(state.current, 0);
  });

  test('a null capture is still a capture', () => {
    const {state, last} = drive(initialState(plain), ev.start(), ev.captured('a', null));
    assert.deepEqual(last.effects, [doIt('a')]);
    assert.equal(expectStatus(state, 'a', 'running').captured, null);
  });

  test('capture-succeeded on a destructive step → awaiting-confirmation carrying the prompt, no effect', () => {
    const start = ev.start();
    const {state, last} = drive(initialState([deleteBinding]), start, ev.captured('delete-binding', {old: 'X'}, samplePrompt));
    assert.deepEqual(last.effects, []);
    assert.equal(state.phase, 'running');
    assert.equal(state.current, 0);
    assert.deepEqual(expectStatus(state, 'delete-binding', 'awaiting-confirmation'), {
      kind: 'awaiting-confirmation',
      startedAt: start.at,
      captured: {old: 'X'},
      prompt: samplePrompt,
    });
  });

  test('a destructive step without a prompt still asks, with a prompt titled after the step', () => {
    const {state, last} = drive(initialState([deleteBinding]), ev.start(), ev.captured('delete-binding', 1, null));
    assert.deepEqual(last.effects, []);
    const waiting = expectStatus(state, 'delete-binding', 'awaiting-confirmation');
    assert.deepEqual(waiting.prompt, {title: deleteBinding.title, commands: [], removes: [], restoreWith: [], references: [], warnings: []});
  });

  test('capture-succeeded for a step that is not capturing is ignored', () => {
    const {state} = drive(initialState(plain), ev.start(), ev.captured('a'));
    assertIgnored(state, ev.captured('a'), /a is not capturing/);
    assertIgnored(state, ev.captured('b'), /b is not capturing/);
  });
});

describe('confirmation', () => {
  test('confirmed → running with the captured value, do effect; the step clock restarts at the answer', () => {
    const confirmed = ev.confirmed('delete-binding');
    const {state, last} = drive(initialState([deleteBinding]), ev.start(), ev.captured('delete-binding', {old: 'X'}, samplePrompt), confirmed);
    assert.deepEqual(last.effects, [doIt('delete-binding')]);
    assert.deepEqual(expectStatus(state, 'delete-binding', 'running'), {kind: 'running', startedAt: confirmed.at, captured: {old: 'X'}});
    assert.deepEqual(state.autoConfirmKinds, []);
  });

  test('confirmed for one step only: the next step of the same kind asks again', () => {
    // Given delete-binding confirmed with scope 'step'
    const {state} = drive(initialState(rotation), ev.start(), ...completes(readBinding), ...completes(deleteBinding));
    // When add-binding (same kind) is captured
    const {state: after, last} = drive(state, ev.captured('add-binding', 1, samplePrompt));
    // Then it waits for confirmation
    assert.deepEqual(last.effects, []);
    expectStatus(after, 'add-binding', 'awaiting-confirmation');
  });

  test("confirmed with scope 'kind': later steps of that kind run without asking, other kinds still ask", () => {
    // Given the first sslcert step confirmed "for all of this kind"
    const first = drive(initialState(rotation), ev.start(), ...completes(readBinding), ev.captured('delete-binding', 1, samplePrompt), ev.confirmed('delete-binding', 'kind'));
    assert.deepEqual(first.last.effects, [doIt('delete-binding')]);
    // Scoped to the block it was given in: the run of steps outside any lane, from step 0
    assert.deepEqual(first.state.autoConfirmKinds, ['0:sslcert']);

    // When the second sslcert step is captured
    const second = drive(first.state, ev.didIt('delete-binding'), ev.verified('delete-binding'), ev.captured('add-binding', 2, samplePrompt));
    // Then it runs at once
    assert.deepEqual(second.last.effects, [doIt('add-binding')]);
    expectStatus(second.state, 'add-binding', 'running');

    // And when a step of another kind (acl) is captured, it still asks
    const third = drive(second.state, ev.didIt('add-binding'), ev.verified('add-binding'), ev.captured('grant-key', 3, samplePrompt));
    assert.deepEqual(third.last.effects, []);
    expectStatus(third.state, 'grant-key', 'awaiting-confirmation');
  });

  test('autoConfirmAll: destructive steps run without asking', () => {
    const {state, effects} = drive(
      initialState(rotation, {autoConfirmAll: true}),
      ev.start(),
      ...rotation.flatMap((info) => [ev.captured(info.id, 0, samplePrompt), ev.didIt(info.id), ev.verified(info.id)]),
    );
    assert.equal(state.phase, 'completed');
    assert.deepEqual(
      effects,
      rotation.flatMap((info) => [capture(info.id), doIt(info.id), verify(info.id)]),
    );
  });

  test('declined → step back to pending, procedure paused, nothing runs', () => {
    // Given delete-binding waiting for confirmation
    const waiting = drive(initialState(rotation), ev.start(), ...completes(readBinding), ev.captured('delete-binding', 1, samplePrompt));
    // When the user declines
    const declined = drive(waiting.state, ev.declined('delete-binding'));
    // Then nothing runs, the step is pending again and the procedure is paused
    assert.deepEqual(declined.effects, []);
    assert.equal(declined.state.phase, 'paused');
    assert.equal(declined.state.current, null);
    assert.deepEqual(kinds(declined.state), {
      'read-binding': 'done',
      'delete-binding': 'pending',
      'add-binding': 'pending',
      'grant-key': 'pending',
      'restart-service': 'pending',
    });
    // And a late confirmation or do result for it changes nothing
    assertIgnored(declined.state, ev.confirmed('delete-binding'), /nothing is waiting/);
    assertIgnored(declined.state, ev.didIt('delete-binding'));
  });

  test('resume after declining re-captures that step (a fresh capture, a fresh prompt)', () => {
    const declined = drive(initialState(rotation), ev.start(), ...completes(readBinding), ev.captured('delete-binding', 1, samplePrompt), ev.declined('delete-binding'));
    const resume = ev.resume();
    const resumed = drive(declined.state, resume);
    assert.equal(resumed.state.phase, 'running');
    assert.equal(resumed.state.current, 1);
    assert.deepEqual(resumed.effects, [capture('delete-binding')]);
    assert.deepEqual(expectStatus(resumed.state, 'delete-binding', 'capturing'), {kind: 'capturing', startedAt: resume.at});
  });

  test('confirmed / declined when nothing waits are ignored', () => {
    const {state} = drive(initialState(plain), ev.start());
    assertIgnored(state, ev.confirmed('a'), /nothing is waiting for confirmation/);
    assertIgnored(state, ev.declined('a'), /nothing is waiting for confirmation/);
  });
});

describe('do and verify', () => {
  test('do-succeeded → verifying with the same captured value, verify effect', () => {
    const start = ev.start();
    const {state, last} = drive(initialState(plain), start, ev.captured('a', 'before'), ev.didIt('a'));
    assert.deepEqual(last.effects, [verify('a')]);
    assert.deepEqual(expectStatus(state, 'a', 'verifying'), {kind: 'verifying', startedAt: start.at, captured: 'before'});
  });

  test('verify-succeeded → done with its checks and changes; the next step captures', () => {
    const start = ev.start();
    const verified = ev.verified('a', checksFor('a'), changesFor('a'));
    const {state, last} = drive(initialState(plain), start, ev.captured('a', 'before'), ev.didIt('a'), verified);
    assert.deepEqual(last.effects, [capture('b')]);
    assert.deepEqual(expectStatus(state, 'a', 'done'), {
      kind: 'done',
      startedAt: start.at,
      finishedAt: verified.at,
      captured: 'before',
      checks: checksFor('a'),
      changes: changesFor('a'),
    });
    assert.deepEqual(expectStatus(state, 'b', 'capturing'), {kind: 'capturing', startedAt: verified.at});
    assert.equal(state.current, 1);
    assert.equal(state.phase, 'running');
  });

  test('the whole run asks for capture, do, verify of every step in order, then completes', () => {
    const {state, effects, ignored} = runFirst(plain, 3);
    assert.deepEqual(ignored, []);
    assert.deepEqual(effects, [capture('a'), doIt('a'), verify('a'), capture('b'), doIt('b'), verify('b'), capture('c'), doIt('c'), verify('c')]);
    assert.equal(state.phase, 'completed');
    assert.equal(state.current, null);
    assert.deepEqual(kinds(state), {a: 'done', b: 'done', c: 'done'});
  });

  test('last step done → completed, no effect; a completed procedure ignores further work', () => {
    const before = runFirst(plain, 2);
    const {state, last} = drive(before.state, ...completes(c));
    assert.deepEqual(last.effects, []);
    assert.equal(state.phase, 'completed');
    assertIgnored(state, ev.start());
    assertIgnored(state, ev.pause());
    assertIgnored(state, ev.resume());
    assertIgnored(state, ev.retry());
    assertIgnored(state, ev.skip());
    assertIgnored(state, ev.abort(), /nothing to abort/);
    assertIgnored(state, ev.verified('c'));
  });

  test('out-of-order runner events are ignored', () => {
    const capturing = drive(initialState(plain), ev.start()).state;
    assertIgnored(capturing, ev.didIt('a'), /a is not running/);
    assertIgnored(capturing, ev.verified('a'), /a is not verifying/);
    const running = drive(capturing, ev.captured('a')).state;
    assertIgnored(running, ev.verified('a'), /a is not verifying/);
    assertIgnored(running, ev.undone('a'), /not being undone/);
  });
});

describe('failure stops the run', () => {
  for (const phase of ['capture', 'do', 'verify'] as const) {
    test(`step-failed in ${phase} → phase failed, no effects, later steps stay pending`, () => {
      // Given b in flight in the given phase (a done before it)
      const toPhase: ProcedureEvent[] = phase === 'capture' ? [] : phase === 'do' ? [ev.captured('b', 'b-before')] : [ev.captured('b', 'b-before'), ev.didIt('b')];
      const inFlight = drive(initialState(plain), ev.start(), ...completes(a), ...toPhase);
      const startedAt = (status(inFlight.state, 'b') as {startedAt: number}).startedAt;
      // When b fails
      const checks = phase === 'verify' ? [{what: 'binding', expected: 'new', observed: 'old', ok: false}] : undefined;
      const failure = ev.failed('b', phase, 'Access is denied.', checks);
      const {state, last} = drive(inFlight.state, failure);
      // Then the run stops there
      assert.deepEqual(last.effects, []);
      assert.equal(last.ignored, undefined);
      assert.equal(state.phase, 'failed');
      assert.equal(state.current, 1, 'the failed step stays current, for retry/skip');
      assert.deepEqual(kinds(state), {a: 'done', b: 'failed', c: 'pending'});
      assert.deepEqual(expectStatus(state, 'b', 'failed'), {
        kind: 'failed',
        startedAt,
        finishedAt: failure.at,
        phase,
        error: 'Access is denied.',
        ...(phase === 'capture' ? {} : {captured: 'b-before'}),
        ...(checks ? {checks} : {}),
      });
      // And events for other steps (or for b again) are ignored
      assertIgnored(state, ev.captured('c'), /c is not capturing/);
      assertIgnored(state, ev.failed('c', 'capture'), /c is not in flight/);
      assertIgnored(state, ev.failed('b', phase), /b is not in flight/);
      assertIgnored(state, ev.didIt('b'));
      assertIgnored(state, ev.verified('b'));
      assertIgnored(state, ev.confirmed('c'));
      assertIgnored(state, ev.pause(), /nothing is running/);
      assertIgnored(state, ev.resume(), /not paused/);
      assertIgnored(state, ev.start());
    });
  }

  test('a failed capture leaves no captured value on the failed step', () => {
    const {state} = drive(initialState(plain), ev.start(), ev.failed('a', 'capture'));
    const failed = expectStatus(state, 'a', 'failed');
    assert.equal('captured' in failed, false);
  });

  test('a failure of a destructive step after confirmation keeps its captured value', () => {
    const {state} = drive(
      initialState([deleteBinding]),
      ev.start(),
      ev.captured('delete-binding', {old: 'X'}, samplePrompt),
      ev.confirmed('delete-binding'),
      ev.failed('delete-binding', 'do'),
    );
    assert.deepEqual(expectStatus(state, 'delete-binding', 'failed').captured, {old: 'X'});
  });
});

describe('retry and skip', () => {
  test('retry after a capture failure re-captures the step', () => {
    const failed = drive(initialState(plain), ev.start(), ...completes(a), ev.failed('b', 'capture'));
    const retry = ev.retry();
    const {state, effects} = drive(failed.state, retry);
    assert.deepEqual(effects, [capture('b')]);
    assert.equal(state.phase, 'running');
    assert.equal(state.current, 1);
    assert.deepEqual(expectStatus(state, 'b', 'capturing'), {kind: 'capturing', startedAt: retry.at});
    // And the retried step can then go all the way
    const done = drive(state, ...completes(b), ...completes(c));
    assert.equal(done.state.phase, 'completed');
  });

  for (const phase of ['do', 'verify'] as const) {
    test(`retry after a ${phase} failure re-runs do with the ORIGINAL captured value`, () => {
      // Given b captured {thumbprint: 'ORIGINAL'} and then failed in `${phase}`
      const original = {thumbprint: 'ORIGINAL', bindings: ['0.0.0.0:443']};
      const toFailure = phase === 'do' ? [ev.captured('b', original)] : [ev.captured('b', original), ev.didIt('b')];
      const failed = drive(initialState(plain), ev.start(), ...completes(a), ...toFailure, ev.failed('b', phase));
      // When the user retries
      const retry = drive(failed.state, ev.retry());
      // Then do runs again (no new capture), with the first captured value
      assert.deepEqual(retry.effects, [doIt('b')]);
      assert.equal(retry.state.phase, 'running');
      assert.deepEqual(expectStatus(retry.state, 'b', 'running').captured, original);
      // And when the retry succeeds, the done step still holds the original capture (what rollback restores)
      const done = drive(retry.state, ev.didIt('b'), ev.verified('b'));
      assert.deepEqual(done.effects, [verify('b'), capture('c')]);
      assert.deepEqual(expectStatus(done.state, 'b', 'done').captured, original);
    });
  }

  test('retrying a confirmed destructive step does not ask again', () => {
    const failed = drive(
      initialState([deleteBinding]),
      ev.start(),
      ev.captured('delete-binding', 'orig', samplePrompt),
      ev.confirmed('delete-binding'),
      ev.failed('delete-binding', 'do'),
    );
    const {state, effects} = drive(failed.state, ev.retry());
    assert.deepEqual(effects, [doIt('delete-binding')]);
    assert.equal(expectStatus(state, 'delete-binding', 'running').captured, 'orig');
  });

  test('retry/skip when nothing failed are ignored', () => {
    const {state} = drive(initialState(plain), ev.start(), ev.captured('a'));
    assertIgnored(state, ev.retry(), /no failed step to retry/);
    assertIgnored(state, ev.skip(), /no failed step to skip/);
  });

  test('skip of a non-skippable step is ignored with a reason naming it', () => {
    const failed = drive(initialState(plain), ev.start(), ev.captured('a'), ev.failed('a', 'do'));
    const reason = assertIgnored(failed.state, ev.skip());
    assert.match(reason, /Step a/);
    assert.match(reason, /cannot be skipped/);
  });

  test('skip of a skippable step marks it skipped and continues with the next step', () => {
    // Given grant-key (skippable) failed in do
    const failed = drive(
      initialState(rotation),
      ev.start(),
      ...completes(readBinding),
      ...completes(deleteBinding),
      ...completes(addBinding),
      ev.captured('grant-key', {acl: 'before'}, samplePrompt),
      ev.confirmed('grant-key'),
      ev.failed('grant-key', 'do'),
    );
    // When skipped
    const skip = ev.skip();
    const {state, effects} = drive(failed.state, skip);
    // Then it is skipped (keeping what it captured) and restart-service captures
    assert.deepEqual(effects, [capture('restart-service')]);
    assert.equal(state.phase, 'running');
    assert.equal(state.current, 4);
    assert.deepEqual(expectStatus(state, 'grant-key', 'skipped'), {kind: 'skipped', at: skip.at, captured: {acl: 'before'}});
  });

  test('skip after a failed capture records no captured value', () => {
    const skippable = step('optional', {skippable: true});
    const {state} = drive(initialState([skippable, a]), ev.start(), ev.failed('optional', 'capture'), ev.skip());
    const skipped = expectStatus(state, 'optional', 'skipped');
    assert.equal('captured' in skipped, false);
    assert.deepEqual(state.current, 1);
  });

  test('skipping the last step completes the procedure', () => {
    const last = step('last', {skippable: true});
    const {state, last: t} = drive(initialState([a, last]), ev.start(), ...completes(a), ev.failed('last', 'capture'), ev.skip());
    assert.deepEqual(t.effects, []);
    assert.equal(state.phase, 'completed');
  });
});

describe('pause', () => {
  test('pause while a step is in flight: the step finishes, then the procedure pauses with no effect', () => {
    // Given a capturing
    const started = drive(initialState(plain), ev.start());
    // When pause is requested
    const requested = drive(started.state, ev.pause());
    // Then only the flag changes
    assert.deepEqual(requested.effects, []);
    assert.equal(requested.last.ignored, undefined);
    assert.equal(requested.state.pauseRequested, true);
    assert.equal(requested.state.phase, 'running');
    // And the in-flight step carries on to the end
    const carried = drive(requested.state, ev.captured('a'), ev.didIt('a'));
    assert.deepEqual(carried.effects, [doIt('a'), verify('a')]);
    // And once it is done the procedure pauses instead of capturing b
    const settled = drive(carried.state, ev.verified('a'));
    assert.deepEqual(settled.effects, []);
    assert.equal(settled.state.phase, 'paused');
    assert.equal(settled.state.pauseRequested, false);
    assert.equal(settled.state.current, null);
    assert.deepEqual(kinds(settled.state), {a: 'done', b: 'pending', c: 'pending'});
    // And resume picks up with b
    const resumed = drive(settled.state, ev.resume());
    assert.deepEqual(resumed.effects, [capture('b')]);
    assert.equal(resumed.state.phase, 'running');
  });

  test('pause while awaiting confirmation → paused at once, the step back to pending', () => {
    const waiting = drive(initialState(rotation), ev.start(), ...completes(readBinding), ev.captured('delete-binding', 1, samplePrompt));
    const {state, effects} = drive(waiting.state, ev.pause());
    assert.deepEqual(effects, []);
    assert.equal(state.phase, 'paused');
    assert.equal(state.current, null);
    expectStatus(state, 'delete-binding', 'pending');
    assertIgnored(state, ev.confirmed('delete-binding'));
    // Resume re-captures it
    assert.deepEqual(drive(state, ev.resume()).effects, [capture('delete-binding')]);
  });

  test('pause requested then the in-flight step fails → failed, the pause request dropped', () => {
    const {state} = drive(initialState(plain), ev.start(), ev.captured('a'), ev.pause(), ev.failed('a', 'do'));
    assert.equal(state.phase, 'failed');
    assert.equal(state.pauseRequested, false);
  });

  test('pause requested during the last step: the procedure completes (nothing is left to pause before)', () => {
    // Given the only step in flight and a pause requested
    const requested = drive(initialState([a]), ev.start(), ev.pause(), ev.captured('a'), ev.didIt('a'));
    // When it is done
    const {state, last} = drive(requested.state, ev.verified('a'));
    // Then the procedure is completed, not paused
    assert.deepEqual(last.effects, []);
    assert.equal(state.phase, 'completed');
    assert.equal(state.pauseRequested, false);
  });

  test("a pause requested during a destructive step's capture pauses at its prompt: no prompt, nothing runs", () => {
    // Given a pause requested while a destructive step captures
    const {state, last} = drive(initialState([deleteBinding, a]), ev.start(), ev.pause(), ev.captured('delete-binding', 1, samplePrompt));
    // Then the procedure is paused before asking, the step is pending again, and no pause is still "requested"
    assert.deepEqual(last.effects, []);
    assert.equal(state.phase, 'paused');
    assert.equal(state.pauseRequested, false);
    expectStatus(state, 'delete-binding', 'pending');
    // And resuming captures it again
    assert.deepEqual(drive(state, ev.resume()).effects, [capture('delete-binding')]);
  });

  test('pause when nothing runs, and resume when not paused, are ignored', () => {
    assertIgnored(initialState(plain), ev.pause(), /nothing is running/);
    const {state} = drive(initialState(plain), ev.start());
    assertIgnored(state, ev.resume(), /not paused/);
    const paused = drive(state, ev.pause(), ...completes(a)).state;
    assert.equal(paused.phase, 'paused');
    assertIgnored(paused, ev.pause(), /nothing is running/);
  });
});

describe('rollback', () => {
  // s0 plain, s1 undoLast, s2 no undo, s3 plain, s4 undoLast, s5 plain.
  const s0 = step('s0');
  const s1 = step('s1', {undoLast: true});
  const s2 = step('s2', {hasUndo: false});
  const s3 = step('s3');
  const s4 = step('s4', {undoLast: true});
  const s5 = step('s5');
  const six = [s0, s1, s2, s3, s4, s5];

  test('from completed: every undoable done step, in reverse, undoLast ones after the rest, in their original order (a master restarts before its workers)', () => {
    // Given all six steps done
    const completed = runFirst(six, 6);
    assert.equal(completed.state.phase, 'completed');
    assert.deepEqual(rollbackOrder(completed.state), [5, 3, 0, 1, 4]);
    // When rollback is requested
    const started = drive(completed.state, ev.rollback());
    // Then the first undo is for the last plain step
    assert.equal(started.state.phase, 'rolling-back');
    assert.deepEqual(started.effects, [undo('s5')]);
    assert.equal(started.state.current, 5);
    assert.deepEqual(started.state.undoQueue, [3, 0, 1, 4]);
    // And feeding undo-succeeded one after another yields exactly this order
    const {state, undone} = drainUndos(started);
    assert.deepEqual(undone, ['s5', 's3', 's0', 's1', 's4']);
    // And s2 (no undo) is left done; the rest are undone
    assert.equal(state.phase, 'rolled-back');
    assert.equal(state.current, null);
    assert.deepEqual(state.undoQueue, []);
    assert.deepEqual(kinds(state), {s0: 'undone', s1: 'undone', s2: 'done', s3: 'undone', s4: 'undone', s5: 'undone'});
    assert.equal(expectStatus(state, 's3', 'undone').report, 'restored s3');
  });

  test('the undoing step carries what was captured, for the runner to restore', () => {
    const completed = drive(initialState([a]), ev.start(), ...completes(a, {thumbprint: 'OLD'}));
    const rolling = drive(completed.state, ev.rollback());
    assert.deepEqual(rolling.effects, [undo('a')]);
    assert.deepEqual(expectStatus(rolling.state, 'a', 'undoing').captured, {thumbprint: 'OLD'});
    const undone = ev.undone('a', 'binding restored');
    const done = drive(rolling.state, undone);
    assert.deepEqual(expectStatus(done.state, 'a', 'undone'), {kind: 'undone', finishedAt: undone.at, report: 'binding restored'});
  });

  test('a failed step whose capture had succeeded is undone; one that failed in capture is not', () => {
    // Given a done, b failed in do (it may have changed something)
    const failedInDo = drive(initialState(plain), ev.start(), ...completes(a), ev.captured('b'), ev.failed('b', 'do'));
    const rolledDo = drainUndos(drive(failedInDo.state, ev.rollback()));
    // Then b is undone first, then a
    assert.deepEqual(rolledDo.undone, ['b', 'a']);
    assert.deepEqual(kinds(rolledDo.state), {a: 'undone', b: 'undone', c: 'pending'});

    // Given a done, b failed in capture (nothing changed)
    const failedInCapture = drive(initialState(plain), ev.start(), ...completes(a), ev.failed('b', 'capture'));
    const rolledCapture = drainUndos(drive(failedInCapture.state, ev.rollback()));
    // Then only a is undone, b stays failed
    assert.deepEqual(rolledCapture.undone, ['a']);
    assert.deepEqual(kinds(rolledCapture.state), {a: 'undone', b: 'failed', c: 'pending'});
  });

  test('a skipped step that had captured is undone; one that had not is left alone', () => {
    const sa = step('sa', {skippable: true});
    const sb = step('sb', {skippable: true});
    // Given sa failed in verify then skipped, sb failed in capture then skipped, c done
    const {state} = drive(
      initialState([sa, sb, c]),
      ev.start(),
      ev.captured('sa'),
      ev.didIt('sa'),
      ev.failed('sa', 'verify'),
      ev.skip(),
      ev.failed('sb', 'capture'),
      ev.skip(),
      ...completes(c),
    );
    assert.equal(state.phase, 'completed');
    // When rolled back
    const {undone, state: after} = drainUndos(drive(state, ev.rollback()));
    // Then c and sa are undone; sb stays skipped
    assert.deepEqual(undone, ['c', 'sa']);
    assert.deepEqual(kinds(after), {sa: 'undone', sb: 'skipped', c: 'undone'});
  });

  test('rollback requested during a capture waits for it; the captured step was not changed so is not undone', () => {
    // Given a done and b capturing
    const capturing = drive(initialState(plain), ev.start(), ...completes(a));
    // When rollback is requested
    const requested = drive(capturing.state, ev.rollback());
    // Then nothing happens yet
    assert.deepEqual(requested.effects, []);
    assert.equal(requested.last.ignored, undefined);
    assert.equal(requested.state.rollbackRequested, true);
    assert.equal(requested.state.phase, 'running');
    expectStatus(requested.state, 'b', 'capturing');
    // When the capture lands
    const landed = drive(requested.state, ev.captured('b'));
    // Then b is not run; rollback starts with a
    assert.equal(landed.state.phase, 'rolling-back');
    assert.equal(landed.state.rollbackRequested, false);
    assert.deepEqual(landed.effects, [undo('a')]);
    expectStatus(landed.state, 'b', 'pending');
    const {undone, state} = drainUndos(landed);
    assert.deepEqual(undone, ['a']);
    assert.equal(state.phase, 'rolled-back');
  });

  test('rollback requested during do waits for the step to settle, then undoes it first', () => {
    // Given b running
    const running = drive(initialState(plain), ev.start(), ...completes(a), ev.captured('b'));
    // When rollback is requested
    const requested = drive(running.state, ev.rollback());
    assert.deepEqual(requested.effects, []);
    assert.equal(requested.state.rollbackRequested, true);
    // Then do-succeeded still leads to verify, not to an undo
    const verifying = drive(requested.state, ev.didIt('b'));
    assert.deepEqual(verifying.effects, [verify('b')]);
    // And once verified, undo starts with b (it completed), then a; c never starts
    const settled = drive(verifying.state, ev.verified('b'));
    assert.deepEqual(settled.effects, [undo('b')]);
    const {undone, state} = drainUndos(settled);
    assert.deepEqual(undone, ['b', 'a']);
    assert.deepEqual(kinds(state), {a: 'undone', b: 'undone', c: 'pending'});
  });

  test('rollback requested during verify, then the verify fails: the step is undone too', () => {
    const verifying = drive(initialState(plain), ev.start(), ...completes(a), ev.captured('b'), ev.didIt('b'));
    const requested = drive(verifying.state, ev.rollback());
    assert.deepEqual(requested.effects, []);
    const failed = drive(requested.state, ev.failed('b', 'verify'));
    assert.equal(failed.state.phase, 'rolling-back');
    assert.deepEqual(failed.effects, [undo('b')]);
    assert.deepEqual(drainUndos(failed).undone, ['b', 'a']);
  });

  test('rollback requested during a capture that then fails: the step is not undone', () => {
    const capturing = drive(initialState(plain), ev.start(), ...completes(a));
    const failed = drive(capturing.state, ev.rollback(), ev.failed('b', 'capture'));
    assert.deepEqual(failed.effects, [undo('a')]);
    const {undone, state} = drainUndos(failed);
    assert.deepEqual(undone, ['a']);
    assert.deepEqual(kinds(state), {a: 'undone', b: 'failed', c: 'pending'});
  });

  test('rollback requested while awaiting confirmation: that step never runs', () => {
    // Given delete-binding waiting for confirmation after read-binding (no undo)… and a plain undoable step before it
    const first = step('backup');
    const waiting = drive(initialState([first, deleteBinding, a]), ev.start(), ...completes(first), ev.captured('delete-binding', 1, samplePrompt));
    // When rollback is requested
    const rolling = drive(waiting.state, ev.rollback());
    // Then the waiting step goes back to pending and is not undone, and no do is ever asked for it
    assert.equal(rolling.state.phase, 'rolling-back');
    assert.deepEqual(rolling.effects, [undo('backup')]);
    expectStatus(rolling.state, 'delete-binding', 'pending');
    assertIgnored(rolling.state, ev.confirmed('delete-binding'));
    const {state} = drainUndos(rolling);
    assert.deepEqual(kinds(state), {backup: 'undone', 'delete-binding': 'pending', a: 'pending'});
  });

  test('undo-failed does not stop the rollback; it ends rollback-failed (unfinished) with that step marked undo-failed', () => {
    // Given a, b, c done
    const completed = runFirst(plain, 3);
    // When rollback runs and b's undo fails
    const started = drive(completed.state, ev.rollback(), ev.undone('c'));
    assert.deepEqual(started.effects, [undo('c'), undo('b')]);
    const bFails = ev.undoFailed('b', 'The parameter is incorrect.');
    const after = drive(started.state, bFails);
    // Then the next undo still runs
    assert.deepEqual(after.effects, [undo('a')]);
    assert.equal(after.state.phase, 'rolling-back');
    assert.deepEqual(expectStatus(after.state, 'b', 'undo-failed'), {
      kind: 'undo-failed',
      finishedAt: bFails.at,
      error: 'The parameter is incorrect.',
      captured: capturedFor('b'),
    });
    // And the rollback ends incomplete: not terminal, so the session stays unfinished (listed, locked)
    const end = drive(after.state, ev.undone('a'));
    assert.deepEqual(end.effects, []);
    assert.equal(end.state.phase, 'rollback-failed');
    assert.equal(isTerminal(end.state), false);
    assert.deepEqual(kinds(end.state), {a: 'undone', b: 'undo-failed', c: 'undone'});
    // When the admin rolls back again, Then exactly the step not yet undone is retried, from its first capture
    const again = drive(end.state, ev.rollback());
    assert.deepEqual(again.effects, [undo('b')]);
    assert.deepEqual(expectStatus(again.state, 'b', 'undoing').captured, capturedFor('b'));
    const done = drive(again.state, ev.undone('b'));
    assert.equal(done.state.phase, 'rolled-back');
    assert.deepEqual(kinds(done.state), {a: 'undone', b: 'undone', c: 'undone'});
  });

  test('an incomplete rollback survives a crash: recovered keeps it rollback-failed, and quitting cannot abort it', () => {
    const completed = runFirst(plain, 3);
    const failed = drainUndos(drive(completed.state, ev.rollback()), ['a']).state;
    assert.equal(failed.phase, 'rollback-failed');
    assert.equal(drive(failed, ev.recovered()).state.phase, 'rollback-failed');
    assertIgnored(failed, ev.abort(), /stays unfinished/);
    assertIgnored(failed, ev.retry());
    assertIgnored(failed, ev.resume());
  });

  test('every undo failing still walks the whole queue', () => {
    const completed = runFirst(plain, 3);
    const {undone, state} = drainUndos(drive(completed.state, ev.rollback()), ['a', 'b', 'c']);
    assert.deepEqual(undone, ['c', 'b', 'a']);
    assert.equal(state.phase, 'rollback-failed');
    assert.deepEqual(kinds(state), {a: 'undo-failed', b: 'undo-failed', c: 'undo-failed'});
  });

  test('rollback with nothing to undo → rolled-back immediately, no effects', () => {
    // Failed at the first step's capture
    const failed = drive(initialState(plain), ev.start(), ev.failed('a', 'capture'));
    const rolled = drive(failed.state, ev.rollback());
    assert.deepEqual(rolled.effects, []);
    assert.equal(rolled.state.phase, 'rolled-back');
    assert.equal(rolled.state.current, null);
    // Only steps without undo done
    const noUndo = [step('x', {hasUndo: false}), step('y', {hasUndo: false})];
    const done = drive(runFirst(noUndo, 2).state, ev.rollback());
    assert.deepEqual(done.effects, []);
    assert.equal(done.state.phase, 'rolled-back');
    assert.deepEqual(kinds(done.state), {x: 'done', y: 'done'});
    // Before anything started
    const idle = drive(initialState(plain), ev.rollback());
    assert.deepEqual(idle.effects, []);
    assert.equal(idle.state.phase, 'rolled-back');
  });

  test('rollback from paused undoes what was done', () => {
    const paused = drive(initialState(plain), ev.start(), ev.pause(), ...completes(a));
    assert.equal(paused.state.phase, 'paused');
    const {undone, state} = drainUndos(drive(paused.state, ev.rollback()));
    assert.deepEqual(undone, ['a']);
    assert.equal(state.phase, 'rolled-back');
  });

  test('rollback wins over a pending pause', () => {
    const running = drive(initialState(plain), ev.start(), ...completes(a), ev.captured('b'), ev.pause(), ev.rollback());
    const settled = drive(running.state, ev.didIt('b'), ev.verified('b'));
    assert.equal(settled.state.phase, 'rolling-back');
    assert.equal(settled.state.pauseRequested, false);
    assert.deepEqual(drainUndos(settled).undone, ['b', 'a']);
  });

  test('a second rollback-requested is ignored once the rollback is under way or done', () => {
    const rolling = drive(runFirst(plain, 3).state, ev.rollback());
    assertIgnored(rolling.state, ev.rollback(), /already done or under way/);
    const {state} = drainUndos(rolling);
    assertIgnored(state, ev.rollback(), /already done or under way/);
  });

  test('a second rollback-requested while the first waits for an in-flight step is ignored', () => {
    const requested = drive(initialState(plain), ev.start(), ev.rollback());
    assert.equal(requested.state.rollbackRequested, true);
    assertIgnored(requested.state, ev.rollback());
  });

  test('undo events for a step that is not being undone are ignored', () => {
    const rolling = drive(runFirst(plain, 3).state, ev.rollback());
    assert.deepEqual(rolling.effects, [undo('c')]);
    assertIgnored(rolling.state, ev.undone('a'), /a is not being undone/);
    assertIgnored(rolling.state, ev.undoFailed('b'), /b is not being undone/);
    assertIgnored(rolling.state, ev.failed('c', 'do'));
    assertIgnored(rolling.state, ev.pause());
    assertIgnored(rolling.state, ev.retry());
    assertIgnored(rolling.state, ev.skip());
  });
});

describe('abort', () => {
  test('ignored while a step is in flight (capture, do, verify)', () => {
    const capturing = drive(initialState(plain), ev.start()).state;
    assertIgnored(capturing, ev.abort(), /in flight/);
    const running = drive(capturing, ev.captured('a')).state;
    assertIgnored(running, ev.abort(), /in flight/);
    const verifying = drive(running, ev.didIt('a')).state;
    assertIgnored(verifying, ev.abort(), /in flight/);
  });

  test('ignored while rolling back and after a terminal phase', () => {
    const rolling = drive(runFirst(plain, 3).state, ev.rollback());
    assertIgnored(rolling.state, ev.abort(), /nothing to abort/);
    assertIgnored(drainUndos(rolling).state, ev.abort(), /nothing to abort/);
  });

  test('refused once a step changed a node (done, or failed after its capture): the session stays unfinished', () => {
    const paused = drive(initialState(plain), ev.start(), ev.pause(), ...completes(a)).state;
    assert.equal(paused.phase, 'paused');
    assertIgnored(paused, ev.abort(), /stays unfinished/);
    const failedInDo = drive(initialState(plain), ev.start(), ev.captured('a'), ev.failed('a', 'do')).state;
    assertIgnored(failedInDo, ev.abort(), /stays unfinished/);
  });

  test('allowed when paused before anything changed', () => {
    const paused = drive(initialState([deleteBinding, a]), ev.start(), ev.captured('delete-binding', 1, samplePrompt), ev.declined('delete-binding')).state;
    assert.equal(paused.phase, 'paused');
    const {state, effects} = drive(paused, ev.abort());
    assert.deepEqual(effects, []);
    assert.equal(state.phase, 'aborted');
    assertIgnored(state, ev.resume());
    assertIgnored(state, ev.rollback());
  });

  test('allowed when the only failure was a read (nothing changed); the failed step keeps its record', () => {
    const failed = drive(initialState(plain), ev.start(), ev.failed('a', 'capture')).state;
    const {state, effects} = drive(failed, ev.abort());
    assert.deepEqual(effects, []);
    assert.equal(state.phase, 'aborted');
    assert.equal(state.current, null);
    expectStatus(state, 'a', 'failed');
    assertIgnored(state, ev.retry());
  });

  test('allowed while awaiting confirmation: the step goes back to pending and never runs', () => {
    const waiting = drive(initialState([deleteBinding]), ev.start(), ev.captured('delete-binding', 1, samplePrompt)).state;
    const {state, effects} = drive(waiting, ev.abort());
    assert.deepEqual(effects, []);
    assert.equal(state.phase, 'aborted');
    expectStatus(state, 'delete-binding', 'pending');
    assertIgnored(state, ev.confirmed('delete-binding'));
  });
});

describe('replay', () => {
  test('replay(steps, events) equals folding transition over the same events, at every prefix', () => {
    // A journal that exercises most transitions: confirm-by-kind, pause/resume, decline, failure, retry, skip,
    // rollback with an undo failure.
    const journal: ProcedureEvent[] = [
      ev.start(),
      ...completes(readBinding),
      ev.captured('delete-binding', {old: 'T1'}, samplePrompt),
      ev.pause(), // paused at the prompt
      ev.resume(),
      ev.captured('delete-binding', {old: 'T1'}, samplePrompt),
      ev.confirmed('delete-binding', 'kind'),
      ev.didIt('delete-binding'),
      ev.failed('delete-binding', 'verify', 'binding still old'),
      ev.retry(),
      ev.didIt('delete-binding'),
      ev.verified('delete-binding'),
      ev.captured('add-binding', {old: null}, samplePrompt), // same kind, but the retry was a new run: it asks again
      ev.confirmed('add-binding'),
      ev.pause(),
      ev.didIt('add-binding'),
      ev.verified('add-binding'), // → paused
      ev.resume(),
      ev.captured('grant-key', {acl: []}, samplePrompt),
      ev.declined('grant-key'),
      ev.resume(),
      ev.captured('grant-key', {acl: []}, samplePrompt),
      ev.confirmed('grant-key'),
      ev.failed('grant-key', 'do', 'no key access'),
      ev.skip(),
      ev.confirmed('nobody-asked'), // ignored
      ev.captured('restart-service'),
      ev.didIt('restart-service'),
      ev.verified('restart-service'),
      ev.rollback(),
      ev.undone('grant-key'),
      ev.undone('add-binding'),
      ev.undoFailed('delete-binding'),
      ev.undone('restart-service'),
    ];

    let folded = initialState(rotation);
    const ignoredAt: number[] = [];
    journal.forEach((event, i) => {
      const result = transition(folded, event);
      if (result.ignored !== undefined) ignoredAt.push(i);
      folded = result.state;
      assert.deepEqual(replay(rotation, journal.slice(0, i + 1)), folded, `after event ${i} (${event.type})`);
    });
    // The journal is what a real session would write: only the stray confirmation was ignored
    assert.deepEqual(
      ignoredAt.map((i) => journal[i]!.type),
      ['confirmed'],
    );
    assert.equal(folded.phase, 'rollback-failed');
    assert.deepEqual(kinds(folded), {
      'read-binding': 'done',
      'delete-binding': 'undo-failed',
      'add-binding': 'undone',
      'grant-key': 'undone',
      'restart-service': 'undone',
    });
    assert.deepEqual(replay(rotation, []), initialState(rotation));
  });

  test('replay honours autoConfirmAll', () => {
    const journal = [ev.start(), ev.captured('delete-binding', 1, samplePrompt)];
    assert.equal(replay([deleteBinding], journal, {autoConfirmAll: true}).steps[0]!.status.kind, 'running');
    assert.equal(replay([deleteBinding], journal).steps[0]!.status.kind, 'awaiting-confirmation');
  });
});

describe('property: rollback after a failure at any step, in any phase', () => {
  // Mixed rows: destructive ones (confirmed by the driver), undoLast ones, one without undo.
  const steps = [
    step('p0'),
    step('p1', {undoLast: true}),
    step('p2', {hasUndo: false}),
    step('p3', {destructive: true, kind: 'sslcert'}),
    step('p4', {undoLast: true, destructive: true, kind: 'service'}),
    step('p5'),
    step('p6', {hasUndo: false, undoLast: true}),
    step('p7', {undoLast: true}),
  ];

  /** The spec, written independently of the reducer: reverse order, then undoLast ones in their original order. */
  function expectedUndos(k: number, phase: StepPhase): string[] {
    const touched = steps.filter((info, i) => info.hasUndo && (i < k || (i === k && phase !== 'capture')));
    const reversed = [...touched].reverse();
    return [...reversed.filter((info) => !info.undoLast), ...touched.filter((info) => info.undoLast)].map((info) => info.id);
  }

  /** Events that bring step `info` into `phase` and make it fail there. */
  function failIn(info: StepInfo, phase: StepPhase, rollbackWhileInFlight: boolean): ProcedureEvent[] {
    const before: ProcedureEvent[] = [];
    if (phase !== 'capture') {
      before.push(ev.captured(info.id, capturedFor(info.id), info.destructive ? samplePrompt : null));
      if (info.destructive) before.push(ev.confirmed(info.id));
    }
    if (phase === 'verify') before.push(ev.didIt(info.id));
    return [...before, ...(rollbackWhileInFlight ? [ev.rollback()] : []), ev.failed(info.id, phase)];
  }

  for (const whileInFlight of [false, true]) {
    for (let k = 0; k < steps.length; k++) {
      for (const phase of ['capture', 'do', 'verify'] as const) {
        const failing = steps[k]!;
        const when = whileInFlight ? 'requested while it is in flight' : 'requested after the failure';
        test(`${failing.id} fails in ${phase}, rollback ${when}`, () => {
          // Given steps 0..k-1 done and step k failing in `phase`
          const run = drive(initialState(steps), ev.start(), ...steps.slice(0, k).flatMap((info) => completes(info)));
          const failed = drive(run.state, ...failIn(failing, phase, whileInFlight));
          assert.deepEqual(failed.ignored, []);
          // When rollback is requested (or was, while the step was in flight)
          const rolling = whileInFlight ? failed : drive(failed.state, ev.rollback());
          assert.deepEqual(rolling.ignored, []);
          // Then the undos are exactly the touched steps, in reverse, undoLast ones last
          const {undone, state} = drainUndos(rolling);
          const expected = expectedUndos(k, phase);
          assert.deepEqual(undone, expected);
          assert.equal(state.phase, 'rolled-back');
          // And nothing else moved: later steps pending, the rest as they were
          steps.forEach((info, i) => {
            const kind = status(state, info.id).kind;
            if (expected.includes(info.id)) assert.equal(kind, 'undone', info.id);
            else if (i < k) assert.equal(kind, 'done', info.id);
            else if (i === k) assert.equal(kind, 'failed', info.id);
            else assert.equal(kind, 'pending', info.id);
          });
        });
      }
    }
  }
});
