// The procedure's state as plain data: what the reducer reads and writes, what the journal replays.
// Nothing here knows about terminals, hosts or files.

export type Json = null | boolean | number | string | readonly Json[] | {readonly [key: string]: Json};

/** What the reducer needs to know of a step; the step's code lives in src/procedures. */
export interface StepInfo {
  readonly id: string;
  readonly title: string;
  /** The node the step changes (for fan-out display and locks). */
  readonly node: string;
  /** Steps of one kind can be confirmed together ("yes to all worker settings"). */
  readonly kind: string;
  readonly destructive: boolean;
  /** Safe to skip after a failure: nothing later depends on it. */
  readonly skippable: boolean;
  /** Undone after every other step (a service restart must come after the files it reads are restored). */
  readonly undoLast: boolean;
  readonly hasUndo: boolean;
  /**
   * Set on steps that may run beside other nodes' steps: consecutive steps with a lane form a fan-out block, each
   * lane (usually the node) runs its steps in order, and up to `concurrency` lanes run at once.
   */
  readonly lane?: string;
  /**
   * A dangerous window: the steps of one lane (or of the steps outside any lane) that carry the same window name,
   * from the first one's change to the last one's read-back, leave the node broken in between (old certificate
   * deleted and the settings still naming it; binding deleted and not yet re-added). Once the first one's change has
   * started, the rest run to the end whatever other lanes, pauses or rollback requests do, and they do not ask again:
   * the first step's confirmation covers them.
   */
  readonly window?: string;
}

export interface ConfirmPrompt {
  readonly title: string;
  /** Exactly what will run, as an admin would type it. */
  readonly commands: readonly string[];
  readonly removes: readonly string[];
  /** What certwalk captured and will use to put it back. */
  readonly restoreWith: readonly string[];
  /** Everything on the node that still points at what is being removed. */
  readonly references: readonly string[];
  readonly warnings: readonly string[];
}

/** One read-back check: a step is green only when every check's observed value matches. */
export interface Check {
  readonly what: string;
  readonly expected: string;
  readonly observed: string;
  readonly ok: boolean;
}

/** A row of the before/after panel. */
export interface Change {
  readonly node: string;
  readonly label: string;
  readonly before: string | null;
  readonly after: string | null;
}

export type StepPhase = 'capture' | 'do' | 'verify';

export type StepStatus =
  | {readonly kind: 'pending'}
  | {readonly kind: 'capturing'; readonly startedAt: number}
  | {readonly kind: 'awaiting-confirmation'; readonly startedAt: number; readonly captured: Json; readonly prompt: ConfirmPrompt}
  | {readonly kind: 'running'; readonly startedAt: number; readonly captured: Json}
  | {
      readonly kind: 'verifying';
      readonly startedAt: number;
      readonly captured: Json;
      /** A resumed step whose change may or may not have happened: a failed read-back runs the change, not a failure. */
      readonly recheck?: boolean;
    }
  | {
      readonly kind: 'done';
      readonly startedAt: number;
      readonly finishedAt: number;
      readonly captured: Json;
      readonly checks: readonly Check[];
      readonly changes: readonly Change[];
    }
  | {
      readonly kind: 'failed';
      readonly startedAt: number;
      readonly finishedAt: number;
      readonly phase: StepPhase;
      readonly error: string;
      /** Present when capture had succeeded: the step may have changed something, so rollback undoes it too. */
      readonly captured?: Json;
      readonly checks?: readonly Check[];
      /** certwalk stopped (crash, closed window) while the step was in flight: its result was never recorded. */
      readonly interrupted?: boolean;
    }
  | {readonly kind: 'skipped'; readonly at: number; readonly captured?: Json}
  | {readonly kind: 'undoing'; readonly startedAt: number; readonly captured: Json}
  | {readonly kind: 'undone'; readonly finishedAt: number; readonly report: string}
  | {
      readonly kind: 'undo-failed';
      readonly finishedAt: number;
      readonly error: string;
      readonly captured: Json;
      /** The node no longer held this session's value (someone changed it since): the undo changed nothing. */
      readonly conflict?: boolean;
    };

export type ProcedurePhase =
  | 'idle'
  | 'running'
  | 'paused'
  | 'failed'
  | 'rolling-back'
  | 'rolled-back'
  /** A rollback ended with undos that failed: the session stays unfinished; rolling back again retries them. */
  | 'rollback-failed'
  | 'completed'
  | 'aborted';

export interface StepState {
  readonly info: StepInfo;
  readonly status: StepStatus;
}

export interface ProcedureState {
  readonly phase: ProcedurePhase;
  readonly steps: readonly StepState[];
  /** The step the user must look at (waiting for an answer, failed, or the first in flight); derived each transition. */
  readonly current: number | null;
  readonly pauseRequested: boolean;
  readonly rollbackRequested: boolean;
  /** Steps still to undo (not started yet), in rollback order. */
  readonly undoQueue: readonly number[];
  /** The lane (node) a per-node rollback is undoing, or null when the rollback covers the whole procedure. */
  readonly rollbackLane: string | null;
  /** `--yes`: destructive steps run without asking (each confirmation is still journaled). */
  readonly autoConfirmAll: boolean;
  /**
   * Kinds the user confirmed "for all remaining steps of this kind", each scoped to one run of one block
   * (`block:kind`, see confirmScope): a retry, a resume, a per-node rollback or another block asks again.
   */
  readonly autoConfirmKinds: readonly string[];
  /** How many lanes of a fan-out block run at once. */
  readonly concurrency: number;
  /** What a lane's failure does to the other lanes: stop starting them, or let them go on. */
  readonly onLaneFailure: 'stop' | 'continue';
}

export type ProcedureEvent =
  | {readonly type: 'start'; readonly at: number}
  | {readonly type: 'capture-succeeded'; readonly at: number; readonly stepId: string; readonly captured: Json; readonly prompt: ConfirmPrompt | null}
  | {readonly type: 'confirmed'; readonly at: number; readonly stepId: string; readonly scope: 'step' | 'kind' | 'flag'}
  | {readonly type: 'declined'; readonly at: number; readonly stepId: string}
  | {readonly type: 'do-succeeded'; readonly at: number; readonly stepId: string}
  | {
      readonly type: 'verify-succeeded';
      readonly at: number;
      readonly stepId: string;
      readonly checks: readonly Check[];
      readonly changes: readonly Change[];
    }
  | {
      readonly type: 'step-failed';
      readonly at: number;
      readonly stepId: string;
      readonly phase: StepPhase;
      readonly error: string;
      readonly checks?: readonly Check[];
    }
  | {readonly type: 'pause-requested'; readonly at: number}
  | {readonly type: 'resume-requested'; readonly at: number}
  | {readonly type: 'retry-requested'; readonly at: number}
  | {readonly type: 'skip-requested'; readonly at: number}
  | {readonly type: 'rollback-requested'; readonly at: number}
  /** Undo one lane's (node's) steps only; the other nodes keep what was done. */
  | {readonly type: 'lane-rollback-requested'; readonly at: number; readonly lane: string}
  | {readonly type: 'undo-succeeded'; readonly at: number; readonly stepId: string; readonly report: string}
  | {readonly type: 'undo-failed'; readonly at: number; readonly stepId: string; readonly error: string; readonly conflict?: boolean}
  | {readonly type: 'abort-requested'; readonly at: number}
  /**
   * A journal re-opened after certwalk stopped without closing it: steps that were in flight become failed
   * ("interrupted"), unanswered questions are withdrawn, and the procedure waits for the admin's choice.
   */
  | {readonly type: 'recovered'; readonly at: number};

export type Effect = {readonly type: 'capture' | 'do' | 'verify' | 'undo'; readonly stepId: string};

export interface Transition {
  readonly state: ProcedureState;
  readonly effects: readonly Effect[];
  /** Why an event changed nothing (a key pressed at the wrong time); shown as a hint, never an error. */
  readonly ignored?: string;
}
