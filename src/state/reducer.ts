// The procedure state machine: (state, event) → (state, effects). Pure: time arrives inside events, and the
// effects say what the runner must do next. Keyboard and runner events are the only way state changes.
import type {Effect, Json, ProcedureEvent, ProcedureState, StepInfo, StepState, StepStatus, Transition} from './types.ts';

export function initialState(steps: readonly StepInfo[], options: {autoConfirmAll?: boolean} = {}): ProcedureState {
  return {
    phase: 'idle',
    steps: steps.map((info) => ({info, status: {kind: 'pending'}})),
    current: null,
    pauseRequested: false,
    rollbackRequested: false,
    undoQueue: [],
    autoConfirmAll: options.autoConfirmAll ?? false,
    autoConfirmKinds: [],
  };
}

/** Replays a journal's events; the result is the state the session was in when it wrote its last event. */
export function replay(steps: readonly StepInfo[], events: readonly ProcedureEvent[], options: {autoConfirmAll?: boolean} = {}): ProcedureState {
  let state = initialState(steps, options);
  for (const event of events) state = transition(state, event).state;
  return state;
}

export function isInFlight(status: StepStatus): boolean {
  return status.kind === 'capturing' || status.kind === 'running' || status.kind === 'verifying' || status.kind === 'undoing';
}

export function isTerminal(state: ProcedureState): boolean {
  return state.phase === 'completed' || state.phase === 'rolled-back' || state.phase === 'aborted';
}

/**
 * Steps rollback would undo, in the order it would undo them: newest first, then the `undoLast` steps (service
 * restarts) in their original order, so a master restarts on its restored files before its workers do.
 */
export function rollbackOrder(state: ProcedureState): number[] {
  const undoable = state.steps
    .map((step, index) => ({step, index}))
    .filter(({step}) => step.info.hasUndo && hasCaptured(step.status));
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
    default:
      return false;
  }
}

export function transition(state: ProcedureState, event: ProcedureEvent): Transition {
  switch (event.type) {
    case 'start':
      if (state.phase !== 'idle') return ignore(state, 'already started');
      return advance({...state, phase: 'running'}, event.at);

    case 'capture-succeeded': {
      const index = indexOf(state, event.stepId);
      const step = state.steps[index];
      if (!step || step.status.kind !== 'capturing') return ignore(state, `${event.stepId} is not capturing`);
      const startedAt = step.status.startedAt;
      if (state.rollbackRequested) return startRollback(setStatus(state, index, {kind: 'pending'}), event.at);
      const needsConfirmation =
        step.info.destructive && !state.autoConfirmAll && !state.autoConfirmKinds.includes(step.info.kind);
      // A pause asked for while the step was reading takes effect at its prompt: nothing destructive is pending.
      if (needsConfirmation && state.pauseRequested) {
        return {state: {...setStatus(state, index, {kind: 'pending'}), phase: 'paused', pauseRequested: false, current: null}, effects: []};
      }
      if (needsConfirmation) {
        const prompt = event.prompt ?? {
          title: step.info.title,
          commands: [],
          removes: [],
          restoreWith: [],
          references: [],
          warnings: [],
        };
        return {state: setStatus(state, index, {kind: 'awaiting-confirmation', startedAt, captured: event.captured, prompt}), effects: []};
      }
      return run(setStatus(state, index, {kind: 'running', startedAt, captured: event.captured}), step, 'do');
    }

    case 'confirmed': {
      const index = indexOf(state, event.stepId);
      const step = state.steps[index];
      if (!step || step.status.kind !== 'awaiting-confirmation') return ignore(state, 'nothing is waiting for confirmation');
      const kinds = event.scope === 'kind' ? [...state.autoConfirmKinds, step.info.kind] : state.autoConfirmKinds;
      // The step's clock restarts at the answer: time spent reading the prompt is not the step's duration.
      const next = setStatus({...state, autoConfirmKinds: kinds}, index, {
        kind: 'running',
        startedAt: event.at,
        captured: step.status.captured,
      });
      return run(next, step, 'do');
    }

    case 'declined': {
      const index = indexOf(state, event.stepId);
      const step = state.steps[index];
      if (!step || step.status.kind !== 'awaiting-confirmation') return ignore(state, 'nothing is waiting for confirmation');
      return {state: {...setStatus(state, index, {kind: 'pending'}), phase: 'paused', pauseRequested: false, current: null}, effects: []};
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
      const failed: StepStatus = {
        kind: 'failed',
        startedAt: status.startedAt,
        finishedAt: event.at,
        phase: event.phase,
        error: event.error,
        ...('captured' in status ? {captured: status.captured} : {}),
        ...(event.checks ? {checks: event.checks} : {}),
      };
      const next = {...setStatus(state, index, failed), phase: 'failed' as const, pauseRequested: false};
      if (state.rollbackRequested) return startRollback(next, event.at);
      return {state: next, effects: []};
    }

    case 'pause-requested': {
      if (state.phase !== 'running') return ignore(state, 'nothing is running');
      if (state.pauseRequested) return ignore(state, 'a pause is already requested');
      const current = state.current === null ? undefined : state.steps[state.current];
      if (current?.status.kind === 'awaiting-confirmation') {
        return {state: {...setStatus(state, state.current!, {kind: 'pending'}), phase: 'paused', current: null}, effects: []};
      }
      return {state: {...state, pauseRequested: true}, effects: []};
    }

    case 'resume-requested':
      if (state.phase !== 'paused') return ignore(state, 'not paused');
      return advance({...state, phase: 'running', pauseRequested: false}, event.at);

    case 'retry-requested': {
      if (state.phase !== 'failed' || state.current === null) return ignore(state, 'no failed step to retry');
      const index = state.current;
      const step = state.steps[index]!;
      if (step.status.kind !== 'failed') return ignore(state, 'no failed step to retry');
      const running = {...state, phase: 'running' as const};
      // A retry keeps the first capture: it is the only record of the state before the step touched anything.
      if (step.status.captured === undefined) {
        return {state: setStatus(running, index, {kind: 'capturing', startedAt: event.at}), effects: [{type: 'capture', stepId: step.info.id}]};
      }
      return run(setStatus(running, index, {kind: 'running', startedAt: event.at, captured: step.status.captured}), step, 'do');
    }

    case 'skip-requested': {
      if (state.phase !== 'failed' || state.current === null) return ignore(state, 'no failed step to skip');
      const index = state.current;
      const step = state.steps[index]!;
      if (step.status.kind !== 'failed') return ignore(state, 'no failed step to skip');
      if (!step.info.skippable) return ignore(state, `"${step.info.title}" cannot be skipped: later steps depend on it`);
      const captured = step.status.captured;
      const skipped: StepStatus = captured === undefined ? {kind: 'skipped', at: event.at} : {kind: 'skipped', at: event.at, captured};
      return advance({...setStatus(state, index, skipped), phase: 'running'}, event.at);
    }

    case 'rollback-requested': {
      if (state.phase === 'rolling-back' || state.phase === 'rolled-back' || state.phase === 'aborted') {
        return ignore(state, 'rollback already done or under way');
      }
      if (state.rollbackRequested) return ignore(state, 'rollback already requested');
      const current = state.current === null ? undefined : state.steps[state.current];
      if (current && isInFlight(current.status)) return {state: {...state, rollbackRequested: true}, effects: []};
      const settled =
        current?.status.kind === 'awaiting-confirmation' ? setStatus(state, state.current!, {kind: 'pending'}) : state;
      return startRollback(settled, event.at);
    }

    case 'undo-succeeded':
    case 'undo-failed': {
      const index = indexOf(state, event.stepId);
      const step = state.steps[index];
      if (!step || step.status.kind !== 'undoing' || state.phase !== 'rolling-back') return ignore(state, `${event.stepId} is not being undone`);
      const status: StepStatus =
        event.type === 'undo-succeeded'
          ? {kind: 'undone', finishedAt: event.at, report: event.report}
          : {kind: 'undo-failed', finishedAt: event.at, error: event.error, captured: step.status.captured};
      return nextUndo(setStatus(state, index, status), event.at);
    }

    case 'abort-requested': {
      if (isTerminal(state) || state.phase === 'rolling-back') return ignore(state, 'nothing to abort');
      const current = state.current === null ? undefined : state.steps[state.current];
      if (current && isInFlight(current.status)) return ignore(state, 'a step is in flight: wait for it or pause first');
      const settled = current?.status.kind === 'awaiting-confirmation' ? setStatus(state, state.current!, {kind: 'pending'}) : state;
      return {state: {...settled, phase: 'aborted', current: null}, effects: []};
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

/** After a step settles: honour a pending rollback or pause, else start the next pending step, else complete. */
function advance(state: ProcedureState, at: number): Transition {
  if (state.rollbackRequested) return startRollback(state, at);
  const index = state.steps.findIndex((step) => step.status.kind === 'pending');
  if (index === -1) return {state: {...state, phase: 'completed', pauseRequested: false, current: null}, effects: []};
  if (state.pauseRequested) return {state: {...state, phase: 'paused', pauseRequested: false, current: null}, effects: []};
  const step = state.steps[index]!;
  return {
    state: setStatus({...state, phase: 'running', current: index}, index, {kind: 'capturing', startedAt: at}),
    effects: [{type: 'capture', stepId: step.info.id}],
  };
}

function startRollback(state: ProcedureState, at: number): Transition {
  const queue = rollbackOrder(state);
  return nextUndo({...state, phase: 'rolling-back', rollbackRequested: false, pauseRequested: false, current: null, undoQueue: queue}, at);
}

function nextUndo(state: ProcedureState, at: number): Transition {
  const [index, ...rest] = state.undoQueue;
  if (index === undefined) return {state: {...state, phase: 'rolled-back', current: null, undoQueue: []}, effects: []};
  const step = state.steps[index]!;
  const captured = capturedOf(step.status);
  return {
    state: setStatus({...state, current: index, undoQueue: rest}, index, {kind: 'undoing', startedAt: at, captured}),
    effects: [{type: 'undo', stepId: step.info.id}],
  };
}

function capturedOf(status: StepStatus): Json {
  return 'captured' in status && status.captured !== undefined ? status.captured : null;
}
