// Fan-out blocks: consecutive steps with a lane run lane by lane, up to `concurrency` lanes at once.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {initialState, transition} from '../../src/state/reducer.ts';
import type {Effect, ProcedureEvent, ProcedureState, StepInfo} from '../../src/state/types.ts';

let clock = 0;
const at = () => ++clock;

function info(id: string, lane?: string, extra: Partial<StepInfo> = {}): StepInfo {
  return {
    id,
    title: id,
    node: lane ?? 'master',
    kind: id.split('.')[1] ?? id,
    destructive: false,
    skippable: false,
    undoLast: false,
    hasUndo: true,
    ...(lane ? {lane} : {}),
    ...extra,
  };
}

// master step, then three workers with two steps each, then a final master step.
const STEPS = [info('m.prep'), ...['w1', 'w2', 'w3'].flatMap((w) => [info(`${w}.trust`, w), info(`${w}.settings`, w)]), info('m.done')];

class Driver {
  state: ProcedureState;
  effects: Effect[] = [];
  constructor(steps: StepInfo[], concurrency: number, onLaneFailure: 'stop' | 'continue' = 'stop') {
    this.state = initialState(steps, {autoConfirmAll: true, concurrency, onLaneFailure});
  }
  send(event: Omit<ProcedureEvent, 'at'>): Effect[] {
    const result = transition(this.state, {...event, at: at()} as ProcedureEvent);
    assert.equal(result.ignored, undefined, `${event.type} ignored: ${result.ignored}`);
    this.state = result.state;
    this.effects = [...result.effects];
    return this.effects;
  }
  /** Answers one effect the way the runner would on success. */
  complete(effect: Effect): Effect[] {
    if (effect.type === 'capture') return this.send({type: 'capture-succeeded', stepId: effect.stepId, captured: {}, prompt: null} as never);
    if (effect.type === 'do') return this.send({type: 'do-succeeded', stepId: effect.stepId} as never);
    if (effect.type === 'verify') return this.send({type: 'verify-succeeded', stepId: effect.stepId, checks: [], changes: []} as never);
    return this.send({type: 'undo-succeeded', stepId: effect.stepId, report: 'ok'} as never);
  }
  /**
   * Completes undo effects wave by wave: each wave is the undos running at once (sorted), in the order they started.
   */
  undoWaves(first: Effect[]): string[][] {
    const waves: string[][] = [];
    let wave = first;
    while (wave.length) {
      waves.push(wave.map((e) => e.stepId).sort());
      const released: Effect[] = [];
      for (const effect of wave) released.push(...this.complete(effect));
      wave = released;
    }
    return waves;
  }
  /** Runs a step through capture, do and verify; returns the effects the verify released. */
  finish(stepId: string): Effect[] {
    this.complete({type: 'capture', stepId});
    this.complete({type: 'do', stepId});
    return this.complete({type: 'verify', stepId});
  }
  kinds(): Record<string, string> {
    return Object.fromEntries(this.state.steps.map((s) => [s.info.id, s.status.kind]));
  }
}

const captures = (effects: Effect[]) => effects.filter((e) => e.type === 'capture').map((e) => e.stepId);

describe('fan-out lanes', () => {
  test('with concurrency 2, two lanes start together, each lane runs in order, the third waits for a free slot', () => {
    const d = new Driver(STEPS, 2);
    assert.deepEqual(captures(d.send({type: 'start'})), ['m.prep']);
    // When the step before the block is done, Then the first two lanes start at once
    assert.deepEqual(captures(d.finish('m.prep')), ['w1.trust', 'w2.trust']);
    assert.equal(d.kinds()['w3.trust'], 'pending');
    // When w1's first step is done, Then w1 goes on with its own next step (its slot stays with it)
    assert.deepEqual(captures(d.finish('w1.trust')), ['w1.settings']);
    // When w1 is finished, Then w3 takes the free slot
    assert.deepEqual(captures(d.finish('w1.settings')), ['w3.trust']);
    d.finish('w2.trust');
    d.finish('w2.settings');
    d.finish('w3.trust');
    // The step after the block waits for every lane
    assert.deepEqual(captures(d.finish('w3.settings')), ['m.done']);
    d.finish('m.done');
    assert.equal(d.state.phase, 'completed');
  });

  test('concurrency 1 runs a block exactly in order', () => {
    const d = new Driver(STEPS, 1);
    const order: string[] = [];
    let next = d.send({type: 'start'});
    while (next.length) {
      const [effect] = next;
      order.push(effect!.stepId);
      next = d.finish(effect!.stepId);
    }
    assert.deepEqual(
      order,
      STEPS.map((s) => s.id),
    );
  });

  test('a failed lane stops new lanes; running ones finish; then the procedure is failed and rollback undoes what ran', () => {
    const d = new Driver(STEPS, 2);
    d.send({type: 'start'});
    d.finish('m.prep');
    // Given w1 fails in do while w2 is still running
    d.complete({type: 'capture', stepId: 'w1.trust'});
    d.send({type: 'step-failed', stepId: 'w1.trust', phase: 'do', error: 'boom'} as never);
    assert.equal(d.state.phase, 'failed');
    assert.equal(
      d.state.current,
      STEPS.findIndex((s) => s.id === 'w1.trust'),
    );
    // When w2's step completes, Then w2 does not go on and w3 does not start
    assert.deepEqual(d.finish('w2.trust'), []);
    assert.equal(d.kinds()['w2.settings'], 'pending');
    assert.equal(d.kinds()['w3.trust'], 'pending');
    // Retry waits for nothing in flight and re-runs the failed step with its capture
    assert.deepEqual(d.send({type: 'retry-requested'}), [{type: 'do', stepId: 'w1.trust'}]);
    d.send({type: 'step-failed', stepId: 'w1.trust', phase: 'do', error: 'boom again'} as never);
    // When rollback is requested, Then it undoes w2.trust and w1.trust (captured before failing) side by side, then m.prep
    assert.deepEqual(d.undoWaves(d.send({type: 'rollback-requested'})), [['w1.trust', 'w2.trust'], ['m.prep']]);
    assert.equal(d.state.phase, 'rolled-back');
  });

  test('rollback requested while lanes run waits for every step in flight', () => {
    const d = new Driver(STEPS, 3);
    d.send({type: 'start'});
    d.finish('m.prep');
    // Given three lanes reading (capturing) and w1 already changing something
    d.complete({type: 'capture', stepId: 'w1.trust'});
    // When rollback is requested, Then nothing is undone while steps are in flight
    assert.deepEqual(d.send({type: 'rollback-requested'}), []);
    // A capture that comes back now is dropped (nothing changed), w1's change finishes
    assert.deepEqual(d.complete({type: 'capture', stepId: 'w2.trust'}), []);
    assert.equal(d.kinds()['w2.trust'], 'pending');
    assert.deepEqual(d.complete({type: 'do', stepId: 'w1.trust'}), [{type: 'verify', stepId: 'w1.trust'}]);
    assert.deepEqual(d.complete({type: 'verify', stepId: 'w1.trust'}), [], 'w3 is still reading');
    // When the last step in flight settles, Then the rollback starts, newest change first
    assert.deepEqual(d.complete({type: 'capture', stepId: 'w3.trust'}), [{type: 'undo', stepId: 'w1.trust'}]);
    assert.equal(d.state.phase, 'rolling-back');
    assert.deepEqual(d.complete({type: 'undo', stepId: 'w1.trust'}), [{type: 'undo', stepId: 'm.prep'}]);
  });

  test('a destructive step waiting in one lane does not block the other lanes; "yes to all" answers every waiting one', () => {
    const steps = [info('w1.settings', 'w1', {destructive: true, kind: 'overwrite'}), info('w2.settings', 'w2', {destructive: true, kind: 'overwrite'}), info('w3.trust', 'w3')];
    const d = new Driver(steps, 3);
    d.state = {...d.state, autoConfirmAll: false};
    assert.deepEqual(captures(d.send({type: 'start'})), ['w1.settings', 'w2.settings', 'w3.trust']);
    d.complete({type: 'capture', stepId: 'w1.settings'});
    d.complete({type: 'capture', stepId: 'w2.settings'});
    assert.equal(d.kinds()['w1.settings'], 'awaiting-confirmation');
    assert.equal(d.kinds()['w2.settings'], 'awaiting-confirmation');
    // The other lane goes on
    assert.deepEqual(d.finish('w3.trust'), []);
    assert.equal(d.kinds()['w3.trust'], 'done');
    // When the user answers "a" on the first, Then both waiting steps run
    const effects = d.send({type: 'confirmed', stepId: 'w1.settings', scope: 'kind'} as never);
    assert.deepEqual(effects, [
      {type: 'do', stepId: 'w1.settings'},
      {type: 'do', stepId: 'w2.settings'},
    ]);
  });

  test('with "continue", the other lanes go on after a failure; the procedure fails once they are done', () => {
    const d = new Driver(STEPS, 2, 'continue');
    d.send({type: 'start'});
    d.finish('m.prep');
    // Given w1 fails while w2 runs
    d.complete({type: 'capture', stepId: 'w1.trust'});
    assert.deepEqual(captures(d.send({type: 'step-failed', stepId: 'w1.trust', phase: 'do', error: 'boom'} as never)), ['w3.trust']);
    // Then the procedure is still running and w3 took w1's slot
    assert.equal(d.state.phase, 'running');
    d.finish('w2.trust');
    d.finish('w2.settings');
    d.finish('w3.trust');
    // When the last other lane is done, Then the procedure is failed, w1's rest and the step after the block pending
    assert.deepEqual(d.finish('w3.settings'), []);
    assert.equal(d.state.phase, 'failed');
    assert.equal(d.kinds()['w1.settings'], 'pending');
    assert.equal(d.kinds()['m.done'], 'pending');
    assert.equal(
      d.state.current,
      STEPS.findIndex((s) => s.id === 'w1.trust'),
    );
    // And a retry that succeeds finishes w1 and goes on after the block
    d.send({type: 'retry-requested'});
    d.complete({type: 'do', stepId: 'w1.trust'});
    assert.deepEqual(captures(d.complete({type: 'verify', stepId: 'w1.trust'})), ['w1.settings']);
    assert.deepEqual(captures(d.finish('w1.settings')), ['m.done']);
  });

  test('with "continue", a failure in the last lane step still ends failed, never completed', () => {
    const steps = [info('w1.a', 'w1'), info('w2.a', 'w2')];
    const d = new Driver(steps, 2, 'continue');
    d.send({type: 'start'});
    d.finish('w1.a');
    d.complete({type: 'capture', stepId: 'w2.a'});
    d.send({type: 'step-failed', stepId: 'w2.a', phase: 'do', error: 'boom'} as never);
    assert.equal(d.state.phase, 'failed');
  });

  test('pause lets the running steps finish and starts nothing new', () => {
    const d = new Driver(STEPS, 2);
    d.send({type: 'start'});
    d.finish('m.prep');
    d.send({type: 'pause-requested'});
    assert.deepEqual(d.finish('w1.trust'), []);
    assert.equal(d.state.phase, 'running');
    assert.deepEqual(d.finish('w2.trust'), []);
    assert.equal(d.state.phase, 'paused');
    assert.deepEqual(captures(d.send({type: 'resume-requested'})), ['w1.settings', 'w2.settings']);
  });

  test('rollback undoes the lanes side by side (concurrency bounds it, each lane newest first), restarts after, then the steps before the block', () => {
    // Given three workers, each with settings then a restart (undoLast), after a master step
    const steps = [info('m.prep'), ...['w1', 'w2', 'w3'].flatMap((w) => [info(`${w}.settings`, w), info(`${w}.restart`, w, {undoLast: true})])];
    const d = new Driver(steps, 2);
    d.send({type: 'start'});
    d.finish('m.prep');
    for (const w of ['w1', 'w2', 'w3']) {
      d.finish(`${w}.settings`);
      d.finish(`${w}.restart`);
    }
    assert.equal(d.state.phase, 'completed');
    // When rollback is requested
    const first = d.send({type: 'rollback-requested'});
    // Then two lanes' settings are undone at once (concurrency 2), never two steps of one lane
    assert.deepEqual(
      first.map((e) => e.stepId),
      ['w3.settings', 'w2.settings'],
    );
    // And the third lane takes the first free slot
    assert.deepEqual(
      d.complete(first[0]!).map((e) => e.stepId),
      ['w1.settings'],
    );
    assert.deepEqual(d.complete(first[1]!), []);
    // And the step before the block is undone alone once every lane is done; the restarts (undoLast) come after
    // everything else, side by side, in their original order
    assert.deepEqual(
      d.complete({type: 'undo', stepId: 'w1.settings'}).map((e) => e.stepId),
      ['m.prep'],
    );
    const restarts = d.complete({type: 'undo', stepId: 'm.prep'});
    assert.deepEqual(
      restarts.map((e) => e.stepId),
      ['w1.restart', 'w2.restart'],
    );
    assert.deepEqual(
      d.complete(restarts[0]!).map((e) => e.stepId),
      ['w3.restart'],
    );
    assert.deepEqual(d.complete(restarts[1]!), []);
    d.complete({type: 'undo', stepId: 'w3.restart'});
    assert.equal(d.state.phase, 'rolled-back');
  });

  test('with "continue", a failed lane holds the step after the block: the procedure fails instead of going on', () => {
    const d = new Driver(STEPS, 3, 'continue');
    d.send({type: 'start'});
    d.finish('m.prep');
    d.complete({type: 'capture', stepId: 'w2.trust'});
    d.send({type: 'step-failed', stepId: 'w2.trust', phase: 'do', error: 'boom'} as never);
    d.finish('w1.trust');
    d.finish('w1.settings');
    d.finish('w3.trust');
    assert.deepEqual(d.finish('w3.settings'), []);
    assert.equal(d.kinds()['m.done'], 'pending');
    assert.equal(d.state.phase, 'failed');
  });

  test('one node rolled back on its own: only its steps are undone, in order; it goes back to not started and resume runs it again', () => {
    // Given w2 failed under "continue" while w1 and w3 completed
    const d = new Driver(STEPS, 3, 'continue');
    d.send({type: 'start'});
    d.finish('m.prep');
    d.finish('w1.trust');
    d.finish('w1.settings');
    d.finish('w2.trust');
    d.complete({type: 'capture', stepId: 'w2.settings'});
    d.send({type: 'step-failed', stepId: 'w2.settings', phase: 'do', error: 'boom'} as never);
    d.finish('w3.trust');
    d.finish('w3.settings');
    assert.equal(d.state.phase, 'failed');
    // When w2 alone is rolled back
    const undos = d.undoWaves(d.send({type: 'lane-rollback-requested', lane: 'w2'} as never));
    // Then its failed-after-capture step and its done step are undone, newest first, and nothing else
    assert.deepEqual(undos, [['w2.settings'], ['w2.trust']]);
    assert.equal(d.kinds()['w1.settings'], 'done');
    assert.equal(d.kinds()['w3.trust'], 'done');
    // And w2 is back to not started, the procedure paused; resume runs w2 again and then the step after the block
    assert.equal(d.kinds()['w2.trust'], 'pending');
    assert.equal(d.state.phase, 'paused');
    assert.deepEqual(captures(d.send({type: 'resume-requested'})), ['w2.trust']);
    d.finish('w2.trust');
    assert.deepEqual(captures(d.finish('w2.settings')), ['m.done']);
  });

  test('a node rollback is refused while steps run, for a node that is not a lane, and with nothing to undo', () => {
    const d = new Driver(STEPS, 2);
    d.send({type: 'start'});
    const refused = (event: Omit<ProcedureEvent, 'at'>) => transition(d.state, {...event, at: at()} as ProcedureEvent).ignored;
    assert.match(refused({type: 'lane-rollback-requested', lane: 'w1'} as never) ?? '', /only while the procedure is stopped/);
    d.finish('m.prep');
    d.complete({type: 'capture', stepId: 'w1.trust'});
    d.send({type: 'step-failed', stepId: 'w1.trust', phase: 'do', error: 'boom'} as never);
    assert.match(refused({type: 'lane-rollback-requested', lane: 'w2'} as never) ?? '', /still running/);
    d.finish('w2.trust');
    assert.match(refused({type: 'lane-rollback-requested', lane: 'master'} as never) ?? '', /not a node of a fan-out/);
    assert.match(refused({type: 'lane-rollback-requested', lane: 'w3'} as never) ?? '', /nothing to undo on w3/);
  });

  test('an undo that fails during a node rollback leaves the node as it is and the rollback incomplete', () => {
    const d = new Driver(STEPS, 2);
    d.send({type: 'start'});
    d.finish('m.prep');
    d.send({type: 'pause-requested'});
    d.finish('w1.trust');
    d.finish('w2.trust');
    assert.equal(d.state.phase, 'paused');
    const [undo] = d.send({type: 'lane-rollback-requested', lane: 'w1'} as never);
    d.send({type: 'undo-failed', stepId: undo!.stepId, error: 'access denied'} as never);
    assert.equal(d.kinds()['w1.trust'], 'undo-failed');
    assert.equal(d.state.phase, 'rollback-failed');
    assert.equal(d.state.rollbackLane, null);
  });
});
