// The procedure state machine: (state, event) → (state, effects). Pure: time arrives inside events, and the
// effects say what the runner must do next. Keyboard and runner events are the only way state changes.
import type {Change, Effect, Json, ProcedureEvent, ProcedureState, StepInfo, StepState, StepStatus, Transition} from './types.ts';

export interface StateOptions {
  readonly autoConfirmAll?: boolean;
  /** How many lanes of a fan-out block run at once (steps with a `lane`); 1 runs everything in order. */
  readonly concurrency?: number;
  /** When a lane fails: stop starting lanes (default), or let the other lanes go on and stop once they are done. */
  readonly onLaneFailure?: 'stop' | 'continue';
}

export function initialState(steps: readonly StepInfo[], options: StateOptions = {}): ProcedureState {
  return {
    phase: 'idle',
    steps: steps.map((info) => ({info, status: {kind: 'pending'}})),
    current: null,
    pauseRequested: false,
    rollbackRequested: false,
    undoQueue: [],
    rollbackLane: null,
    autoConfirmAll: options.autoConfirmAll ?? false,
    autoConfirmKinds: [],
    concurrency: Math.max(1, Math.floor(options.concurrency ?? 1)),
    onLaneFailure: options.onLaneFailure ?? 'stop',
  };
}

/** Replays a journal's events; the result is the state the session was in when it wrote its last event. */
export function replay(steps: readonly StepInfo[], events: readonly ProcedureEvent[], options: StateOptions = {}): ProcedureState {
  let state = initialState(steps, options);
  for (const event of events) state = transition(state, event).state;
  return state;
}

/** The before/after rows of every step done so far, in step order. */
export function changeRows(state: ProcedureState): Change[] {
  return state.steps.flatMap((s) => (s.status.kind === 'done' ? s.status.changes : []));
}

export function isInFlight(status: StepStatus): boolean {
  return status.kind === 'capturing' || status.kind === 'running' || status.kind === 'verifying' || status.kind === 'undoing';
}

export function isTerminal(state: ProcedureState): boolean {
  return state.phase === 'completed' || state.phase === 'rolled-back' || state.phase === 'aborted';
}

/**
 * Steps rollback would undo, in the order it would undo them: newest first, then the `undoLast` steps (service
 * restarts) in their original order, so a master restarts on its restored files before its workers do. Within a
 * fan-out block the lanes are undone side by side (see undoStages), each lane in this order. With `lane`, only that
 * lane's steps.
 */
export function rollbackOrder(state: ProcedureState, lane?: string): number[] {
  const undoable = state.steps
    .map((step, index) => ({step, index}))
    .filter(({step}) => step.info.hasUndo && hasCaptured(step.status) && (lane === undefined || step.info.lane === lane));
  const plain = undoable.filter(({step}) => !step.info.undoLast).reverse();
  const last = undoable.filter(({step}) => step.info.undoLast);
  return [...plain, ...last].map(({index}) => index);
}

function hasCaptured(status: StepStatus): boolean {
  switch (status.kind) {
    case 'done':
      return true;
    case 'failed':
    case 'skipped':
      return status.captured !== undefined;
    // An undo that failed changed nothing certwalk knows of: rolling back again retries it from the same capture.
    case 'undo-failed':
      return true;
    default:
      return false;
  }
}

export function transition(state: ProcedureState, event: ProcedureEvent): Transition {
  const result = apply(state, event);
  if (result.ignored || result.state === state) return result;
  return {...result, state: {...result.state, current: focus(result.state)}};
}

/**
 * The step the user must look at: one waiting for an answer, else the failed one, else the first one in flight.
 * Derived, because with several lanes running there is no single "current" step to keep in step by hand.
 */
function focus(state: ProcedureState): number | null {
  const first = (test: (status: StepStatus) => boolean) => {
    const index = state.steps.findIndex((s) => test(s.status));
    return index === -1 ? null : index;
  };
  return first((s) => s.kind === 'awaiting-confirmation') ?? (state.phase === 'failed' ? first((s) => s.kind === 'failed') : null) ?? first(isInFlight);
}

/** Indices of steps in flight or waiting for an answer: the slots a fan-out block fills up to `concurrency`. */
function busy(state: ProcedureState): number[] {
  return state.steps.flatMap((s, i) => (isInFlight(s.status) || s.status.kind === 'awaiting-confirmation' ? [i] : []));
}

function anyInFlight(state: ProcedureState): boolean {
  return state.steps.some((s) => isInFlight(s.status));
}

function apply(state: ProcedureState, event: ProcedureEvent): Transition {
  switch (event.type) {
    case 'start':
      if (state.phase !== 'idle') return ignore(state, 'already started');
      return advance({...state, phase: 'running'}, event.at);

    case 'capture-succeeded': {
      const index = indexOf(state, event.stepId);
      const step = state.steps[index];
      if (!step || step.status.kind !== 'capturing') return ignore(state, `${event.stepId} is not capturing`);
      const startedAt = step.status.startedAt;
      if (state.rollbackRequested) return advance(setStatus(state, index, {kind: 'pending'}), event.at);
      const needsConfirmation = step.info.destructive && autoConfirmation(state, index) === null;
      // A pause asked for while the step was reading takes effect at its prompt: nothing destructive is pending.
      if (needsConfirmation && state.pauseRequested) return advance(setStatus(state, index, {kind: 'pending'}), event.at);
      if (needsConfirmation) {
        const asked = event.prompt ?? {
          title: step.info.title,
          commands: [],
          removes: [],
          restoreWith: [],
          references: [],
          warnings: [],
        };
        const window = windowOf(state, index);
        const covers = window && window[0] === index ? window.slice(1).map((i) => state.steps[i]!.info.title) : [];
        // The answer covers the whole window: say so where the answer is given.
        const prompt = covers.length
          ? {
              ...asked,
              warnings: [
                ...asked.warnings,
                `yes also runs, without stopping, the steps that make ${step.info.node} whole again (a failure elsewhere, a pause or a rollback request waits for them): ${covers.join('; ')}`,
              ],
            }
          : asked;
        return {state: setStatus(state, index, {kind: 'awaiting-confirmation', startedAt, captured: event.captured, prompt}), effects: []};
      }
      return run(setStatus(state, index, {kind: 'running', startedAt, captured: event.captured}), step, 'do');
    }

    case 'confirmed': {
      const index = indexOf(state, event.stepId);
      const step = state.steps[index];
      if (!step || step.status.kind !== 'awaiting-confirmation') return ignore(state, 'nothing is waiting for confirmation');
      const scope = confirmScope(state, index);
      const kinds = event.scope === 'kind' ? [...state.autoConfirmKinds, scope] : state.autoConfirmKinds;
      // "Yes to every step of this kind" also answers the ones of that kind already waiting in other lanes of the block.
      const answered = state.steps.flatMap((s, i) =>
        i === index || (event.scope === 'kind' && s.status.kind === 'awaiting-confirmation' && confirmScope(state, i) === scope) ? [i] : [],
      );
      let next: ProcedureState = {...state, autoConfirmKinds: kinds};
      for (const i of answered) {
        const waiting = next.steps[i]!.status as Extract<StepStatus, {kind: 'awaiting-confirmation'}>;
        // The step's clock restarts at the answer: time spent reading the prompt is not the step's duration.
        next = setStatus(next, i, {kind: 'running', startedAt: event.at, captured: waiting.captured});
      }
      return {state: next, effects: answered.map((i) => ({type: 'do' as const, stepId: state.steps[i]!.info.id}))};
    }

    case 'declined': {
      const index = indexOf(state, event.stepId);
      const step = state.steps[index];
      if (!step || step.status.kind !== 'awaiting-confirmation') return ignore(state, 'nothing is waiting for confirmation');
      // No pauses the procedure: other lanes finish what they are doing, nothing new starts.
      return advance({...setStatus(state, index, {kind: 'pending'}), pauseRequested: true}, event.at);
    }

    case 'do-succeeded': {
      const index = indexOf(state, event.stepId);
      const step = state.steps[index];
      if (!step || step.status.kind !== 'running') return ignore(state, `${event.stepId} is not running`);
      const next = setStatus(state, index, {kind: 'verifying', startedAt: step.status.startedAt, captured: step.status.captured});
      return run(next, step, 'verify');
    }

    case 'verify-succeeded': {
      const index = indexOf(state, event.stepId);
      const step = state.steps[index];
      if (!step || step.status.kind !== 'verifying') return ignore(state, `${event.stepId} is not verifying`);
      const done = setStatus(state, index, {
        kind: 'done',
        startedAt: step.status.startedAt,
        finishedAt: event.at,
        captured: step.status.captured,
        checks: event.checks,
        changes: event.changes,
      });
      return advance(done, event.at);
    }

    case 'step-failed': {
      const index = indexOf(state, event.stepId);
      const step = state.steps[index];
      if (!step || !['capturing', 'running', 'verifying'].includes(step.status.kind)) {
        return ignore(state, `${event.stepId} is not in flight`);
      }
      const status = step.status as Extract<StepStatus, {kind: 'capturing' | 'running' | 'verifying'}>;
      // The read-back of a resumed step found the change missing: it never happened, so make it now.
      if (status.kind === 'verifying' && status.recheck) return run(setStatus(state, index, {kind: 'running', startedAt: status.startedAt, captured: status.captured}), step, 'do');
      const failed: StepStatus = {
        kind: 'failed',
        startedAt: status.startedAt,
        finishedAt: event.at,
        phase: event.phase,
        error: event.error,
        ...('captured' in status ? {captured: status.captured} : {}),
        ...(event.checks ? {checks: event.checks} : {}),
      };
      // With "continue" the other lanes go on and the procedure fails once they are done; otherwise the other lanes
      // finish the step they are on and nothing new starts until the user chooses.
      if (step.info.lane !== undefined && state.onLaneFailure === 'continue') return advance(setStatus(state, index, failed), event.at);
      const next = {...setStatus(state, index, failed), phase: 'failed' as const, pauseRequested: false};
      return advance(next, event.at);
    }

    case 'pause-requested': {
      if (state.phase !== 'running') return ignore(state, 'nothing is running');
      if (state.pauseRequested) return ignore(state, 'a pause is already requested');
      return advance({...withdrawQuestions(state), pauseRequested: true}, event.at);
    }

    case 'resume-requested':
      if (state.phase !== 'paused') return ignore(state, 'not paused');
      return advance({...state, phase: 'running', pauseRequested: false, autoConfirmKinds: []}, event.at);

    case 'retry-requested': {
      const failed = state.steps.flatMap((s, i) => (s.status.kind === 'failed' ? [i] : []));
      if (state.phase !== 'failed' || !failed.length) return ignore(state, 'no failed step to retry');
      if (anyInFlight(state)) return ignore(state, 'other steps are still running: wait for them');
      // A retry is a new run of the block: "yes to all" given before it asks again.
      let next: ProcedureState = {...state, phase: 'running', autoConfirmKinds: []};
      const effects: Effect[] = [];
      for (const index of failed) {
        const status = next.steps[index]!.status as Extract<StepStatus, {kind: 'failed'}>;
        const id = next.steps[index]!.info.id;
        // A retry keeps the first capture: it is the only record of the state before the step touched anything.
        if (status.captured === undefined) {
          next = setStatus(next, index, {kind: 'capturing', startedAt: event.at});
          effects.push({type: 'capture', stepId: id});
        } else if (status.interrupted && status.phase !== 'capture') {
          // Whether the change happened is unknown: read it back first, and make it only if it is not there.
          next = setStatus(next, index, {kind: 'verifying', startedAt: event.at, captured: status.captured, recheck: true});
          effects.push({type: 'verify', stepId: id});
        } else {
          next = setStatus(next, index, {kind: 'running', startedAt: event.at, captured: status.captured});
          effects.push({type: 'do', stepId: id});
        }
      }
      return {state: next, effects};
    }

    case 'skip-requested': {
      const failed = state.steps.flatMap((s, i) => (s.status.kind === 'failed' ? [i] : []));
      if (state.phase !== 'failed' || !failed.length) return ignore(state, 'no failed step to skip');
      if (anyInFlight(state)) return ignore(state, 'other steps are still running: wait for them');
      const blocked = failed.map((i) => state.steps[i]!).find((s) => !s.info.skippable);
      if (blocked) return ignore(state, `"${blocked.info.title}" cannot be skipped: later steps depend on it`);
      let next: ProcedureState = {...state, phase: 'running', autoConfirmKinds: []};
      for (const index of failed) {
        const captured = (next.steps[index]!.status as Extract<StepStatus, {kind: 'failed'}>).captured;
        next = setStatus(next, index, captured === undefined ? {kind: 'skipped', at: event.at} : {kind: 'skipped', at: event.at, captured});
      }
      return advance(next, event.at);
    }

    case 'rollback-requested': {
      if (state.phase === 'rolling-back' || state.phase === 'rolled-back' || state.phase === 'aborted') {
        return ignore(state, 'rollback already done or under way');
      }
      if (state.rollbackRequested) return ignore(state, 'rollback already requested');
      return advance({...withdrawQuestions(state), rollbackRequested: true}, event.at);
    }

    case 'lane-rollback-requested': {
      if (state.phase !== 'failed' && state.phase !== 'paused' && state.phase !== 'completed' && state.phase !== 'rollback-failed') {
        return ignore(state, 'a node can be rolled back on its own only while the procedure is stopped (failed, paused or completed)');
      }
      if (anyInFlight(state)) return ignore(state, 'other steps are still running: wait for them');
      if (!state.steps.some((s) => s.info.lane === event.lane)) return ignore(state, `${event.lane} is not a node of a fan-out`);
      const queue = rollbackOrder(state, event.lane);
      if (!queue.length) return ignore(state, `nothing to undo on ${event.lane}`);
      const next: ProcedureState = {...withdrawQuestions(state), phase: 'rolling-back', rollbackLane: event.lane, pauseRequested: false, undoQueue: queue, autoConfirmKinds: []};
      return nextUndo(next, event.at);
    }

    case 'undo-succeeded':
    case 'undo-failed': {
      const index = indexOf(state, event.stepId);
      const step = state.steps[index];
      if (!step || step.status.kind !== 'undoing' || state.phase !== 'rolling-back') return ignore(state, `${event.stepId} is not being undone`);
      const status: StepStatus =
        event.type === 'undo-succeeded'
          ? {kind: 'undone', finishedAt: event.at, report: event.report}
          : {kind: 'undo-failed', finishedAt: event.at, error: event.error, captured: step.status.captured, ...(event.conflict ? {conflict: true} : {})};
      return nextUndo(setStatus(state, index, status), event.at);
    }

    case 'recovered': {
      if (isTerminal(state) || state.phase === 'idle') return ignore(state, 'nothing to recover: the procedure had not started or has ended');
      // A resumed session is a new run: nothing confirmed "for all" before the stop carries over.
      let next: ProcedureState = {...state, pauseRequested: false, rollbackRequested: false, undoQueue: [], rollbackLane: null, autoConfirmKinds: []};
      let interrupted = false;
      state.steps.forEach((step, index) => {
        const status = step.status;
        if (status.kind === 'awaiting-confirmation') next = setStatus(next, index, {kind: 'pending'});
        if (!isInFlight(status)) return;
        const flying = status as Extract<StepStatus, {kind: 'capturing' | 'running' | 'verifying' | 'undoing'}>;
        interrupted = true;
        const phase = status.kind === 'capturing' ? 'capture' : status.kind === 'verifying' ? 'verify' : 'do';
        const captured = 'captured' in status ? {captured: status.captured} : {};
        const error =
          status.kind === 'undoing'
            ? 'interrupted while it was being undone: certwalk stopped before recording the result; roll back again (each undo re-reads the node first)'
            : `interrupted during ${phase === 'capture' ? 'its read of the current state (nothing was changed)' : phase === 'do' ? 'the change' : 'the read-back'}: certwalk stopped before recording the result; resuming reads the node back first`;
        next = setStatus(next, index, {kind: 'failed', startedAt: flying.startedAt, finishedAt: event.at, phase, error, interrupted: true, ...captured});
      });
      const pending = next.steps.some((s) => s.status.kind === 'pending');
      const phase =
        state.phase === 'rollback-failed' && !interrupted
          ? 'rollback-failed'
          : interrupted || state.phase === 'failed' || state.phase === 'rolling-back'
            ? 'failed'
            : pending
              ? 'paused'
              : 'completed';
      return {state: {...next, phase}, effects: []};
    }

    case 'abort-requested': {
      if (isTerminal(state) || state.phase === 'rolling-back') return ignore(state, 'nothing to abort');
      if (anyInFlight(state)) return ignore(state, 'a step is in flight: wait for it or pause first');
      // Leaving a session "as is" ends it for good (no recovery, locks released): only when it changed nothing.
      if (changedSomething(state)) return ignore(state, 'steps have changed nodes: the session stays unfinished until it is resumed or rolled back');
      return {state: {...withdrawQuestions(state), phase: 'aborted'}, effects: []};
    }
  }
}

function ignore(state: ProcedureState, reason: string): Transition {
  return {state, effects: [], ignored: reason};
}

function indexOf(state: ProcedureState, stepId: string): number {
  return state.steps.findIndex((step) => step.info.id === stepId);
}

function setStatus(state: ProcedureState, index: number, status: StepStatus): ProcedureState {
  const steps = state.steps.map((step, i): StepState => (i === index ? {info: step.info, status} : step));
  return {...state, steps};
}

function run(state: ProcedureState, step: StepState, type: 'do' | 'verify'): Transition {
  return {state, effects: [{type, stepId: step.info.id}]};
}

/** Questions nobody answered go back to pending: their steps will capture again when the procedure resumes. */
function withdrawQuestions(state: ProcedureState): ProcedureState {
  let next = state;
  state.steps.forEach((s, i) => {
    if (s.status.kind === 'awaiting-confirmation') next = setStatus(next, i, {kind: 'pending'});
  });
  return next;
}

/**
 * After anything settles: a requested rollback starts once nothing is in flight; a failure or a pause lets the
 * steps in flight finish and starts nothing new; otherwise free slots take the next steps, and with nothing left
 * the procedure is complete.
 */
function advance(state: ProcedureState, at: number): Transition {
  const inFlight = anyInFlight(state);
  if (state.rollbackRequested) return inFlight ? {state, effects: []} : startRollback(state, at);
  // A failure or a pause elsewhere stops nothing inside a dangerous window: those lanes go on to its end.
  const closing = windowContinuations(state);
  if (state.phase === 'failed') return closing.length ? startSteps(state, closing, at, 'failed') : {state, effects: []};
  const pending = state.steps.some((s) => s.status.kind === 'pending');
  const failedSteps = state.steps.some((s) => s.status.kind === 'failed');
  if (!pending && !busy(state).length) {
    return {state: {...state, phase: failedSteps ? 'failed' : 'completed', pauseRequested: false}, effects: []};
  }
  if (state.pauseRequested) {
    if (closing.length) return startSteps(state, closing, at, 'running');
    return inFlight ? {state, effects: []} : {state: {...withdrawQuestions(state), phase: 'paused', pauseRequested: false}, effects: []};
  }
  const chosen = startable(state, closing);
  // Lanes that failed under "continue" hold the rest of the block: once nothing else can run, the procedure fails.
  if (!chosen.length && !busy(state).length && failedSteps) return {state: {...state, phase: 'failed', pauseRequested: false}, effects: []};
  return startSteps(state, chosen, at, 'running');
}

function startSteps(state: ProcedureState, chosen: readonly number[], at: number, phase: 'running' | 'failed'): Transition {
  let next = state;
  const effects: Effect[] = [];
  for (const index of chosen) {
    next = setStatus(next, index, {kind: 'capturing', startedAt: at});
    effects.push({type: 'capture', stepId: state.steps[index]!.info.id});
  }
  return {state: {...next, phase}, effects};
}

/**
 * Steps that may start now. A step without a lane runs alone, in order. A run of consecutive steps with lanes is a
 * fan-out block: each lane (node) runs its steps in order, and up to `concurrency` lanes run at once.
 */
function startable(state: ProcedureState, closing: readonly number[]): number[] {
  const {steps} = state;
  const first = steps.findIndex((s) => s.status.kind === 'pending');
  if (first === -1) return [];
  const taken = busy(state);
  // A step after a fan-out block waits for every lane: one that failed (under "continue") holds it.
  if (steps[first]!.info.lane === undefined) return taken.length || steps.slice(0, first).some((s) => s.status.kind === 'failed') ? [] : [first];
  let start = first;
  while (start > 0 && steps[start - 1]!.info.lane !== undefined) start--;
  let end = first;
  while (end < steps.length && steps[end]!.info.lane !== undefined) end++;
  if (taken.some((i) => i < start || i >= end)) return [];
  const busyLanes = new Set(taken.map((i) => steps[i]!.info.lane));
  const seen = new Set<string>();
  // A lane inside its dangerous window keeps its slot: its next step goes before any lane that has not started.
  const chosen: number[] = closing.filter((i) => i >= start && i < end);
  for (const i of chosen) seen.add(steps[i]!.info.lane!);
  for (let i = start; i < end && taken.length + chosen.length < state.concurrency; i++) {
    const {info, status} = steps[i]!;
    const lane = info.lane!;
    if (seen.has(lane) || status.kind === 'done' || status.kind === 'skipped') continue;
    // The lane's first unfinished step decides: pending and the lane idle, it starts; otherwise the lane waits.
    seen.add(lane);
    if (status.kind === 'pending' && !busyLanes.has(lane)) chosen.push(i);
  }
  return chosen;
}

function startRollback(state: ProcedureState, at: number): Transition {
  const queue = rollbackOrder(state);
  return nextUndo({...state, phase: 'rolling-back', rollbackRequested: false, pauseRequested: false, undoQueue: queue, rollbackLane: null}, at);
}

/**
 * Which undos may run together, per step: a step without a lane alone; the laned steps of one fan-out block side by
 * side, one step per lane at a time, up to `concurrency` lanes (the undoLast ones of a block after all its other
 * steps). One pass over the steps: with hundreds of workers this runs after every undo.
 */
function undoStages(state: ProcedureState): string[] {
  let blockStart = -1;
  return state.steps.map(({info}, index) => {
    if (info.lane === undefined) {
      blockStart = -1;
      return `step ${index}`;
    }
    if (blockStart === -1) blockStart = index;
    return `block ${blockStart}${info.undoLast ? ' last' : ''}`;
  });
}

/** Starts the undos that may run now (the queue's first stage), or ends the rollback once nothing is left. */
function nextUndo(state: ProcedureState, at: number): Transition {
  const undoing = state.steps.flatMap((s, i) => (s.status.kind === 'undoing' ? [i] : []));
  const [head] = state.undoQueue;
  if (head === undefined) return undoing.length ? {state, effects: []} : finishRollback(state);
  const stages = undoStages(state);
  const stage = stages[head]!;
  if (undoing.some((i) => stages[i] !== stage)) return {state, effects: []};
  const solo = state.steps[head]!.info.lane === undefined;
  const busyLanes = new Set(undoing.map((i) => state.steps[i]!.info.lane));
  const seen = new Set<string>();
  const chosen: number[] = [];
  for (const index of state.undoQueue) {
    if (stages[index] !== stage) break;
    if (solo) {
      if (!undoing.length) chosen.push(index);
      break;
    }
    if (undoing.length + chosen.length >= state.concurrency) break;
    const lane = state.steps[index]!.info.lane!;
    // A lane's undos keep their order: only the first one still queued may start, and only when the lane is idle.
    if (seen.has(lane)) continue;
    seen.add(lane);
    if (!busyLanes.has(lane)) chosen.push(index);
  }
  const started = new Set(chosen);
  let next: ProcedureState = {...state, undoQueue: state.undoQueue.filter((i) => !started.has(i))};
  for (const index of chosen) next = setStatus(next, index, {kind: 'undoing', startedAt: at, captured: capturedOf(state.steps[index]!.status)});
  return {state: next, effects: chosen.map((i) => ({type: 'undo' as const, stepId: state.steps[i]!.info.id}))};
}

/**
 * The whole procedure ends rolled back. A node rolled back on its own goes back to "not started" when every undo
 * succeeded (resume runs it again), and the procedure waits: failed if another step still is, else paused.
 */
function finishRollback(state: ProcedureState): Transition {
  const lane = state.rollbackLane;
  if (lane === null) {
    // Rolled back means every undo succeeded; otherwise the session stays open for another try.
    const clean = !state.steps.some((s) => s.status.kind === 'undo-failed');
    return {state: {...state, phase: clean ? 'rolled-back' : 'rollback-failed', undoQueue: []}, effects: []};
  }
  const laneSteps = state.steps.map((s, i) => ({s, i})).filter(({s}) => s.info.lane === lane);
  const clean = !laneSteps.some(({s}) => s.status.kind === 'undo-failed');
  let next: ProcedureState = {...state, undoQueue: [], rollbackLane: null};
  if (clean) for (const {i} of laneSteps) next = setStatus(next, i, {kind: 'pending'});
  const failed = next.steps.some((s) => s.status.kind === 'failed');
  return {state: {...next, phase: !clean ? 'rollback-failed' : failed ? 'failed' : 'paused'}, effects: []};
}

function capturedOf(status: StepStatus): Json {
  return 'captured' in status && status.captured !== undefined ? status.captured : null;
}

/**
 * Why a destructive step would run without asking, or null when it must ask: `--yes`, an earlier "yes to all of this
 * kind" in the same run of the same block, or a dangerous window its lane has entered (the window's first step asked).
 */
export function autoConfirmation(state: ProcedureState, index: number): 'flag' | 'kind' | 'window' | null {
  if (state.autoConfirmAll) return 'flag';
  if (state.autoConfirmKinds.includes(confirmScope(state, index))) return 'kind';
  const window = windowOf(state, index);
  if (window && window[0] !== index && entered(state.steps[window[0]!]!.status)) return 'window';
  return null;
}

/**
 * "Yes to all of this kind" holds within one block: the fan-out block a laned step belongs to, or the run of steps
 * outside any lane it belongs to.
 */
export function confirmScope(state: ProcedureState, index: number): string {
  const laned = state.steps[index]!.info.lane !== undefined;
  let start = index;
  while (start > 0 && (state.steps[start - 1]!.info.lane !== undefined) === laned) start--;
  return `${start}:${state.steps[index]!.info.kind}`;
}

/** The indices of the dangerous window a step belongs to (same lane, same window name), in order; null if none. */
function windowOf(state: ProcedureState, index: number): number[] | null {
  const {window, lane} = state.steps[index]!.info;
  if (window === undefined) return null;
  return state.steps.flatMap((s, i) => (s.info.window === window && s.info.lane === lane ? [i] : []));
}

/** The window's first change has started (or ran): from here the node may be broken until the window's end. */
function entered(status: StepStatus): boolean {
  switch (status.kind) {
    case 'running':
    case 'verifying':
    case 'done':
      return true;
    case 'failed':
      return status.phase !== 'capture';
    case 'skipped':
      return status.captured !== undefined;
    default:
      return false;
  }
}

export interface OpenWindow {
  readonly lane: string | null;
  readonly node: string;
  readonly name: string;
  /** The steps of the window, in order; `next` is the first one not finished, `ran` the one before it (null: `next`
   * is the window's first step, whose change failed or was cut off part-way). */
  readonly steps: readonly number[];
  readonly next: number;
  readonly ran: number | null;
}

/**
 * Dangerous windows entered and not yet finished or undone: nodes left between two states. One pass over the steps:
 * the reducer asks after every event, and a fleet has hundreds of lanes with a window each.
 */
export function openWindows(state: ProcedureState): OpenWindow[] {
  const windows = new Map<string, number[]>();
  state.steps.forEach(({info}, index) => {
    if (info.window === undefined) return;
    const key = `${info.lane ?? ''}\u0000${info.window}`;
    const members = windows.get(key);
    if (members) members.push(index);
    else windows.set(key, [index]);
  });
  const open: OpenWindow[] = [];
  for (const members of windows.values()) {
    const statuses = members.map((i) => state.steps[i]!.status);
    if (!entered(statuses[0]!)) continue;
    if (statuses.some((s) => s.kind === 'undoing' || s.kind === 'undone' || s.kind === 'undo-failed')) continue;
    const at = statuses.findIndex((s) => s.kind !== 'done' && s.kind !== 'skipped');
    if (at === -1) continue;
    const {info} = state.steps[members[0]!]!;
    open.push({lane: info.lane ?? null, node: info.node, name: info.window!, steps: members, next: members[at]!, ran: at === 0 ? null : members[at - 1]!});
  }
  return open;
}

/** The next step of every open window whose lane is idle and has not failed: it starts whatever else is stopping. */
function windowContinuations(state: ProcedureState): number[] {
  if (state.phase === 'rolling-back' || state.rollbackRequested) return [];
  const open = openWindows(state);
  if (!open.length) return [];
  // Lanes (the steps outside any lane count as one) with a step failed, in flight or asking: they do not go on.
  const held = new Set<string | null>();
  for (const {info, status} of state.steps) {
    if (status.kind === 'failed' || isInFlight(status) || status.kind === 'awaiting-confirmation') held.add(info.lane ?? null);
  }
  return open.flatMap((w) => (!held.has(w.lane) && state.steps[w.next]!.status.kind === 'pending' ? [w.next] : []));
}

/** Whether any step changed (or may have changed) a node: such a session cannot simply be left as is. */
export function changedSomething(state: ProcedureState): boolean {
  return state.steps.some(
    ({info, status}) => (info.hasUndo || info.destructive) && (status.kind === 'done' || status.kind === 'undo-failed' || (status.kind !== 'undone' && hasCaptured(status))),
  );
}

/**
 * Whether closing the session frees its nodes: it ended, or its rollback stopped only at conflicts. A conflict means
 * a later session changed the node since and the undo changed nothing: the nodes are as that later session left them,
 * and it must be able to lock them to be rolled back first; this session's rollback can be retried afterwards.
 */
export function releasesLocks(state: ProcedureState): boolean {
  if (isTerminal(state)) return true;
  if (state.phase !== 'rollback-failed') return false;
  return state.steps.every((s) => s.status.kind !== 'undo-failed' || s.status.conflict === true);
}
