// Dangerous windows: a lane that has deleted its old certificate finishes (or undoes) everything up to its restart,
// whatever another lane's failure, a pause or a rollback request does meanwhile; and "yes to all of this kind" holds for
// one run of one block only.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {initialState, openWindows, transition} from '../../src/state/reducer.ts';
import type {Effect, ProcedureEvent, ProcedureState, StepInfo} from '../../src/state/types.ts';

let clock = 0;
const at = () => ++clock;

function info(id: string, extra: Partial<StepInfo> = {}): StepInfo {
  return {id, title: id, node: id.split('.')[0]!, kind: id.split('.')[1]!, destructive: false, skippable: false, undoLast: false, hasUndo: true, ...extra};
}

/** The ssis-worker shape: per worker an import, then the window delete → grant → settings → restart. */
function workerSteps(count: number): StepInfo[] {
  const lanes = Array.from({length: count}, (_, i) => `w${i + 1}`);
  return [
    info('m.prep'),
    ...lanes.flatMap((w) => [
      info(`${w}.import`, {lane: w}),
      info(`${w}.delete`, {lane: w, destructive: true, window: 'old-cert-gone'}),
      info(`${w}.grant`, {lane: w, window: 'old-cert-gone'}),
      info(`${w}.settings`, {lane: w, destructive: true, window: 'old-cert-gone'}),
      info(`${w}.restart`, {lane: w, undoLast: true, window: 'old-cert-gone'}),
    ]),
  ];
}

const WINDOW = ['delete', 'grant', 'settings', 'restart'];

/** A runner in miniature: effects complete first in, first out; every question is answered yes for that step. */
class Sim {
  state: ProcedureState;
  queue: Effect[] = [];
  /** Steps that asked for a confirmation, in order. */
  asked: string[] = [];
  constructor(steps: StepInfo[], concurrency: number) {
    this.state = initialState(steps, {concurrency});
  }
  send(event: Omit<ProcedureEvent, 'at'>): void {
    const result = transition(this.state, {...event, at: at()} as ProcedureEvent);
    assert.equal(result.ignored, undefined, `${event.type} ignored: ${result.ignored}`);
    this.state = result.state;
    this.queue.push(...result.effects);
    for (const step of this.state.steps) {
      if (step.status.kind === 'awaiting-confirmation') {
        this.asked.push(step.info.id);
        this.send({type: 'confirmed', stepId: step.info.id, scope: 'step'} as never);
      }
    }
  }
  complete(effect: Effect): void {
    if (effect.type === 'capture') this.send({type: 'capture-succeeded', stepId: effect.stepId, captured: {}, prompt: null} as never);
    else if (effect.type === 'do') this.send({type: 'do-succeeded', stepId: effect.stepId} as never);
    else if (effect.type === 'verify') this.send({type: 'verify-succeeded', stepId: effect.stepId, checks: [], changes: []} as never);
    else this.send({type: 'undo-succeeded', stepId: effect.stepId, report: 'ok'} as never);
  }
  status(id: string): string {
    return this.state.steps.find((s) => s.info.id === id)!.status.kind;
  }
  inFlightOtherThan(lane: string): string | undefined {
    return this.state.steps.find((s) => s.info.lane !== undefined && s.info.lane !== lane && ['capturing', 'running', 'verifying'].includes(s.status.kind))?.info.id;
  }
}

type Interruption = 'another lane fails' | 'pause' | 'rollback';

/**
 * Runs the procedure; just before w1's `point`-th effect inside its window completes, the interruption happens.
 * Returns the simulation once nothing is left to do, and whether the interruption could be made at that point.
 */
function interruptAt(concurrency: number, lanes: number, point: number, interruption: Interruption): {sim: Sim; made: boolean} {
  const sim = new Sim(workerSteps(lanes), concurrency);
  sim.send({type: 'start'});
  let seen = 0;
  let made = false;
  for (let effect = sim.queue.shift(); effect; effect = sim.queue.shift()) {
    const inWindow = WINDOW.some((k) => effect!.stepId === `w1.${k}`) && effect.type !== 'undo' && !(effect.stepId === 'w1.delete' && effect.type === 'capture');
    if (inWindow && ++seen === point && !made) {
      if (interruption === 'another lane fails') {
        const victim = sim.inFlightOtherThan('w1');
        if (victim) {
          sim.queue = sim.queue.filter((e) => e.stepId !== victim);
          sim.send({type: 'step-failed', stepId: victim, phase: 'do', error: 'certutil: access denied'} as never);
          made = true;
        }
      } else {
        sim.send({type: interruption === 'pause' ? 'pause-requested' : 'rollback-requested'} as never);
        made = true;
      }
    }
    sim.complete(effect);
  }
  return {sim, made};
}

// The effects of w1's window once its delete was confirmed: delete do, verify; then capture, do, verify of the others.
const WINDOW_POINTS = 2 + 3 * (WINDOW.length - 1);

describe('dangerous windows', () => {
  for (const concurrency of [1, 2, 16]) {
    const interruptions: Interruption[] = concurrency === 1 ? ['pause', 'rollback'] : ['another lane fails', 'pause', 'rollback'];
    for (const interruption of interruptions) {
      test(`concurrency ${concurrency}: ${interruption} at every point of w1's window: w1 finishes it or is undone, never stops inside`, () => {
        let made = 0;
        for (let point = 1; point <= WINDOW_POINTS; point++) {
          const {sim, made: happened} = interruptAt(concurrency, 16, point, interruption);
          if (happened) made++;
          const where = `interrupted at point ${point}`;
          // Nothing is left between two states: no window open on a lane that did not fail on its own
          const failedLanes = new Set(sim.state.steps.filter((s) => s.status.kind === 'failed').map((s) => s.info.lane));
          assert.deepEqual(
            openWindows(sim.state).filter((w) => !failedLanes.has(w.lane ?? undefined)),
            [],
            where,
          );
          assert.equal(
            sim.state.steps.some((s) => ['capturing', 'running', 'verifying', 'undoing'].includes(s.status.kind)),
            false,
            where,
          );
          if (interruption === 'rollback') {
            assert.equal(sim.state.phase, 'rolled-back', where);
            for (const k of WINDOW) assert.ok(['undone', 'pending'].includes(sim.status(`w1.${k}`)), `${where}: w1.${k} ${sim.status(`w1.${k}`)}`);
          } else {
            // (a pause with every lane inside its window ends with nothing left to pause: completed)
            const everythingDone = sim.state.steps.every((s) => s.status.kind === 'done');
            assert.equal(sim.state.phase, interruption === 'pause' ? (everythingDone ? 'completed' : 'paused') : 'failed', where);
            for (const k of WINDOW) assert.equal(sim.status(`w1.${k}`), 'done', `${where}: w1.${k}`);
            // Every other lane that entered its window finished it too; none started one after the interruption
            for (let i = 2; i <= 16; i++) {
              const statuses = WINDOW.map((k) => sim.status(`w${i}.${k}`));
              if (statuses[0] === 'done' && !failedLanes.has(`w${i}`)) assert.deepEqual(statuses, ['done', 'done', 'done', 'done'], `${where}: w${i}`);
            }
          }
          // Inside a window nothing asks: the delete's confirmation covered it
          assert.deepEqual(
            sim.asked.filter((id) => /\.(grant|settings|restart)$/.test(id)),
            [],
            where,
          );
        }
        // At concurrency 2 and more another lane is in flight at every point of w1's window
        assert.equal(made, WINDOW_POINTS);
      });
    }
  }

  test("the window's own failure stops it there (retry or roll back), and the Confirm box of its first step names what follows", () => {
    const state0 = transition(initialState(workerSteps(1)), {type: 'start', at: at()});
    let state = state0.state;
    for (const id of ['m.prep', 'w1.import']) {
      state = transition(state, {type: 'capture-succeeded', at: at(), stepId: id, captured: {}, prompt: null}).state;
      state = transition(state, {type: 'do-succeeded', at: at(), stepId: id}).state;
      state = transition(state, {type: 'verify-succeeded', at: at(), stepId: id, checks: [], changes: []}).state;
    }
    const prompt = {title: 'Delete', commands: ['certutil -delstore My OLD'], removes: ['OLD'], restoreWith: [], references: [], warnings: []};
    state = transition(state, {type: 'capture-succeeded', at: at(), stepId: 'w1.delete', captured: {}, prompt}).state;
    const asking = state.steps.find((s) => s.info.id === 'w1.delete')!.status;
    assert.equal(asking.kind, 'awaiting-confirmation');
    assert.match(asking.kind === 'awaiting-confirmation' ? asking.prompt.warnings.join('\n') : '', /without stopping.*w1\.grant; w1\.settings; w1\.restart/);
    state = transition(state, {type: 'confirmed', at: at(), stepId: 'w1.delete', scope: 'step'}).state;
    state = transition(state, {type: 'do-succeeded', at: at(), stepId: 'w1.delete'}).state;
    state = transition(state, {type: 'verify-succeeded', at: at(), stepId: 'w1.delete', checks: [], changes: []}).state;
    state = transition(state, {type: 'capture-succeeded', at: at(), stepId: 'w1.grant', captured: {}, prompt: null}).state;
    state = transition(state, {type: 'step-failed', at: at(), stepId: 'w1.grant', phase: 'do', error: 'winhttpcertcfg: access denied'}).state;
    assert.equal(state.phase, 'failed');
    const [open] = openWindows(state);
    assert.equal(open?.node, 'w1');
    assert.equal(state.steps[open!.next]!.info.id, 'w1.grant');
  });
});

describe('"yes to all of this kind" is scoped to one run of one block', () => {
  /** Runs the steps to w1's delete prompt and answers it "yes to all". */
  function yesToAll(): {state: ProcedureState; pending: Effect[]} {
    let state = transition(initialState(workerSteps(2), {concurrency: 1}), {type: 'start', at: at()}).state;
    let effects: Effect[] = [];
    const step = (event: ProcedureEvent) => {
      const result = transition(state, event);
      assert.equal(result.ignored, undefined, `${event.type} ignored: ${result.ignored}`);
      state = result.state;
      effects = [...result.effects];
    };
    for (const id of ['m.prep', 'w1.import']) {
      step({type: 'capture-succeeded', at: at(), stepId: id, captured: {}, prompt: null});
      step({type: 'do-succeeded', at: at(), stepId: id});
      step({type: 'verify-succeeded', at: at(), stepId: id, checks: [], changes: []});
    }
    step({type: 'capture-succeeded', at: at(), stepId: 'w1.delete', captured: {}, prompt: null});
    step({type: 'confirmed', at: at(), stepId: 'w1.delete', scope: 'kind'});
    return {state, pending: effects};
  }
  const asks = (state: ProcedureState, id: string) => {
    const result = transition(state, {type: 'capture-succeeded', at: at(), stepId: id, captured: {}, prompt: null});
    return result.state.steps.find((s) => s.info.id === id)!.status.kind === 'awaiting-confirmation';
  };
  const capturing = (state: ProcedureState, id: string): ProcedureState => {
    const index = state.steps.findIndex((s) => s.info.id === id);
    return {...state, steps: state.steps.map((s, i) => (i === index ? {info: s.info, status: {kind: 'capturing', startedAt: at()}} : s))};
  };

  test("within the same run of the block, another lane's step of that kind runs without asking", () => {
    const {state} = yesToAll();
    assert.equal(asks(capturing(state, 'w2.delete'), 'w2.delete'), false);
  });

  for (const [name, event] of [
    ['a resume after a pause', {type: 'resume-requested'}],
    ['a retry', {type: 'retry-requested'}],
    ['a per-node rollback', {type: 'lane-rollback-requested', lane: 'w1'}],
    ['a resumed journal (recovered)', {type: 'recovered'}],
  ] as const) {
    test(`${name} asks again`, () => {
      const {state} = yesToAll();
      const phase = event.type === 'resume-requested' ? 'paused' : event.type === 'retry-requested' ? 'failed' : event.type === 'recovered' ? 'failed' : 'paused';
      // Stopped with nothing in flight, as each of those events requires
      const stopped: ProcedureState = {
        ...state,
        phase,
        steps: state.steps.map((s) =>
          s.info.id === 'w1.delete' ? {info: s.info, status: {kind: 'failed', startedAt: 1, finishedAt: 2, phase: 'do', error: 'x', captured: {}}} : s,
        ),
      };
      const after = transition(stopped, {...event, at: at()} as ProcedureEvent);
      assert.equal(after.ignored, undefined, after.ignored);
      assert.deepEqual(after.state.autoConfirmKinds, []);
      assert.equal(asks(capturing(after.state, 'w2.delete'), 'w2.delete'), true);
    });
  }

  test('a step of the same kind in another block asks', () => {
    const steps = [info('a.sslcert', {destructive: true}), info('w1.sslcert', {lane: 'w1', destructive: true}), info('b.sslcert', {destructive: true})];
    let state = transition(initialState(steps), {type: 'start', at: at()}).state;
    state = transition(state, {type: 'capture-succeeded', at: at(), stepId: 'a.sslcert', captured: {}, prompt: null}).state;
    state = transition(state, {type: 'confirmed', at: at(), stepId: 'a.sslcert', scope: 'kind'}).state;
    state = transition(state, {type: 'do-succeeded', at: at(), stepId: 'a.sslcert'}).state;
    state = transition(state, {type: 'verify-succeeded', at: at(), stepId: 'a.sslcert', checks: [], changes: []}).state;
    assert.equal(asks(state, 'w1.sslcert'), true);
  });
});
