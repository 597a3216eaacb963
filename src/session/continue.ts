// Continuing a session from its journal (resume, rollback, the Recovery screen): the journal is trusted first, then
// the session's node locks are taken back, then its runner replays the recorded events.
import type {Fleet} from '../hosts/host.ts';
import {findProcedure} from '../procedures/index.ts';
import type {Secrets} from '../procedures/types.ts';
import type {ScreenRecorder} from '../runner/cast.ts';
import {trustJournal} from '../runner/journal-trust.ts';
import type {ReadJournal} from '../runner/journal.ts';
import {needsRecovery} from '../runner/recovery.ts';
import {ProcedureRunner} from '../runner/runner.ts';
import {openSecrets} from '../runner/sealed-secrets.ts';
import {lockSession} from './locks.ts';
import {openSession, type OpenSession} from './open-session.ts';
import {sessionPaths} from './paths.ts';

declare const trusted: unique symbol;

/** A journal trustSession accepted: only such a journal is continued. */
export interface TrustedJournal {
  readonly journal: string;
  readonly read: ReadJournal;
  readonly [trusted]: true;
}

/**
 * Refuses (JournalRefused, one message naming the file and line) a journal that was tampered with, belongs to
 * another fleet or procedure version, or records no event; before any lock is taken or command run.
 */
export async function trustSession(fleet: Fleet, journal: string, read: ReadJournal): Promise<TrustedJournal> {
  await trustJournal(journal, read, fleet);
  return {journal, read} as TrustedJournal;
}

/** The session's sealed secrets (a certificate it still has to import), or why they cannot be opened. */
export function sessionSecrets(read: ReadJournal): {ok: true; secrets: Secrets} | {ok: false; reason: string} {
  const {sealedSecrets, sessionId} = read.header;
  return sealedSecrets ? openSecrets(sessionId, sealedSecrets) : {ok: true, secrets: {}};
}

export interface ContinueOptions {
  readonly autoConfirmAll: boolean;
  /** Needed only to run steps that import what the session made (resume); a rollback does without. */
  readonly secrets?: Secrets;
  readonly transcriptDir?: string;
  readonly screen?: ScreenRecorder;
}

/**
 * Locks the session's nodes again (throws NodeLockedError when another session holds one) and reopens it. Steps
 * that were in flight when it stopped are marked interrupted first, so neither a resume nor an undo forgets them.
 */
export async function continueSession(fleet: Fleet, trustedJournal: TrustedJournal, options: ContinueOptions): Promise<OpenSession> {
  const {journal, read} = trustedJournal;
  const {header} = read;
  const locks = await lockSession(
    fleet,
    header.procedure,
    header.sessionId,
    journal,
    header.steps.map((step) => step.node),
  );
  // Not released should this throw: the session is still unfinished on its nodes, and release() would free them.
  const runner = runnerFromJournal({...options, journal, read, fleet, onClose: locks.release});
  if (needsRecovery(runner.snapshot.state)) runner.dispatch({type: 'recovered', at: runner.now()});
  return openSession(runner, options.screen, `certwalk ${header.procedure} ${header.sessionId} (continued)`);
}

/**
 * The runner of a recorded session: steps rebuilt from the resolved parameters it recorded, its events replayed.
 * Exported for tests that continue a journal without locks; sessions go through continueSession.
 */
export function runnerFromJournal(options: {
  journal: string;
  read: ReadJournal;
  fleet: Fleet;
  autoConfirmAll: boolean;
  secrets?: Secrets;
  transcriptDir?: string;
  onClose?: () => Promise<void>;
}): ProcedureRunner {
  const {journal, read, fleet} = options;
  const {header, events} = read;
  const paths = sessionPaths(header.procedure, {journal, ...(options.transcriptDir ? {transcriptDir: options.transcriptDir} : {})});
  return new ProcedureRunner({
    definition: findProcedure(header.procedure),
    prepared: {resolved: header.resolved, secrets: options.secrets ?? {}},
    params: header.params,
    fleet,
    fleetId: header.fleet.id,
    journalPath: journal,
    transcriptPath: paths.transcriptPath,
    sessionId: header.sessionId,
    // Replaying a --yes session without --yes would stop at its first confirmation and no longer match its events.
    autoConfirmAll: options.autoConfirmAll || header.autoConfirmAll,
    concurrency: header.concurrency ?? 1,
    onLaneFailure: header.onLaneFailure ?? 'stop',
    previousEvents: events,
    previousSteps: header.steps,
    writeHeader: false,
    ...(options.onClose ? {onClose: options.onClose} : {}),
    ...(header.sealedSecrets ? {sealedSecrets: header.sealedSecrets} : {}),
  });
}
