// Sessions certwalk did not finish: a closed RDP window, a crash, a failed unattended run. Found from the journals in
// the state directory (and those elsewhere it points at: session-index.ts), replayed through the reducer, and
// described so the admin can resume, roll back or leave them.
import {hostname} from 'node:os';
import {isInFlight, isTerminal, replay, rollbackOrder, transition} from '../state/reducer.ts';
import type {ProcedureState} from '../state/types.ts';
import {readJournal, type ReadJournal} from './journal.ts';
import {indexedJournals, journalsDir} from './session-index.ts';

export {journalsDir};

export interface UnfinishedSession {
  readonly journal: string;
  readonly read: ReadJournal;
  /** The state as the admin will find it: steps that were in flight already marked interrupted. */
  readonly state: ProcedureState;
  /** No end record: the process stopped without closing the session (crash, killed, window closed). */
  readonly crashed: boolean;
  /** Another certwalk process on this machine still has it open. */
  readonly inUseBy: number | null;
  /** Steps whose result is unknown: certwalk must re-read the node to decide. */
  readonly uncertain: readonly string[];
  readonly done: number;
  /** Forward is possible: no rollback of the whole procedure had started. */
  readonly canResume: boolean;
  readonly undoCount: number;
}

/** Whether a replayed state was cut off mid-flight: it needs a `recovered` event before anything else. */
export function needsRecovery(state: ProcedureState): boolean {
  if (isTerminal(state) || state.phase === 'idle') return false;
  return state.phase === 'running' || state.phase === 'rolling-back' || state.steps.some((s) => isInFlight(s.status) || s.status.kind === 'awaiting-confirmation');
}

export function describeSession(journal: string, read: ReadJournal): UnfinishedSession {
  const {header, events, records} = read;
  const scheduling = {autoConfirmAll: header.autoConfirmAll, concurrency: header.concurrency ?? 1, onLaneFailure: header.onLaneFailure ?? 'stop'};
  const replayed = replay(header.steps, events, scheduling);
  const state = needsRecovery(replayed) ? transition(replayed, {type: 'recovered', at: Date.now()}).state : replayed;
  const crashed = !records.some((r) => r.kind === 'end');
  const uncertain = state.steps.flatMap((s) =>
    s.status.kind === 'failed' && s.status.interrupted
      ? [`[${s.info.node}] ${s.info.title} (${s.status.phase === 'capture' ? 'was only reading' : 'result unknown: read back first'})`]
      : [],
  );
  return {
    journal,
    read,
    state,
    crashed,
    inUseBy: crashed && header.machine === hostname() && header.pid !== process.pid && alive(header.pid) ? header.pid : null,
    uncertain,
    done: state.steps.filter((s) => s.status.kind === 'done').length,
    canResume: !events.some((e) => e.type === 'rollback-requested'),
    undoCount: rollbackOrder(state).length,
  };
}

/**
 * Every session the journals folder knows of (its journals, and those written elsewhere it points at) that has not
 * ended (completed, rolled back or left as is), newest first.
 */
export function unfinishedSessions(dir: string = journalsDir()): UnfinishedSession[] {
  const found: UnfinishedSession[] = [];
  for (const path of indexedJournals(dir)) {
    try {
      const session = describeSession(path, readJournal(path));
      if (!isTerminal(session.state)) found.push(session);
    } catch {
      // A file that is not a journal, one from another version, or one whose hash chain is broken is not offered.
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
