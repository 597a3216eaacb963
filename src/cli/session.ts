// A procedure session's paths, runner and node locks: shared by the TUI and the unattended commands.
import {randomBytes} from 'node:crypto';
import {join, resolve} from 'node:path';
import type {Fleet} from '../hosts/host.ts';
import {findProcedure} from '../procedures/index.ts';
import type {Prepared, ProcedureDefinition, Secrets} from '../procedures/types.ts';
import type {ReadJournal} from '../runner/journal.ts';
import {defaultTranscriptDir, sessionStamp, stateDir} from '../runner/paths.ts';
import {ProcedureRunner} from '../runner/runner.ts';
import {lockHolder, lockNodes, type HeldLocks} from '../runner/node-locks.ts';
import {recordJournalLocation} from '../runner/session-index.ts';

export interface SessionPaths {
  readonly sessionId: string;
  readonly journalPath: string;
  readonly transcriptPath: string;
}

export function sessionPaths(procedure: string, options: {journal?: string; transcriptDir?: string; now?: Date}): SessionPaths {
  const stamp = sessionStamp(options.now ?? new Date());
  const sessionId = `${stamp}-${procedure}-${randomBytes(3).toString('hex')}`;
  return {
    sessionId,
    journalPath: options.journal ?? join(stateDir(), 'journals', `${sessionId}.jsonl`),
    transcriptPath: join(options.transcriptDir ?? defaultTranscriptDir(), `${sessionId}.log`),
  };
}

export function newRunner(options: {
  definition: ProcedureDefinition;
  prepared: Prepared;
  params: Readonly<Record<string, string>>;
  fleet: Fleet;
  /** await fleet.identity(): recorded in the journal's header. */
  fleetId: string;
  paths: SessionPaths;
  autoConfirmAll: boolean;
  concurrency?: number;
  onLaneFailure?: 'stop' | 'continue';
  onClose?: () => Promise<void>;
}): ProcedureRunner {
  // Before the journal's first record: `certwalk resume` lists a session journalled outside the state directory too.
  recordJournalLocation(options.paths.sessionId, options.paths.journalPath);
  return new ProcedureRunner({
    ...(options.onClose ? {onClose: options.onClose} : {}),
    concurrency: options.concurrency ?? 1,
    onLaneFailure: options.onLaneFailure ?? 'stop',
    definition: options.definition,
    prepared: options.prepared,
    params: options.params,
    fleet: options.fleet,
    fleetId: options.fleetId,
    journalPath: options.paths.journalPath,
    transcriptPath: options.paths.transcriptPath,
    sessionId: options.paths.sessionId,
    autoConfirmAll: options.autoConfirmAll,
  });
}

/**
 * Re-opens a journal to continue it (rollback, resume): steps are rebuilt from the resolved parameters it recorded,
 * with its sealed secrets when `secrets` is given (a resume may still have a certificate to import). The caller has
 * run trustJournal on it first, before taking its locks (the fleet is then the one the header names).
 */
export function runnerFromJournal(options: {
  journal: string;
  read: ReadJournal;
  fleet: Fleet;
  transcriptDir?: string;
  autoConfirmAll: boolean;
  secrets?: Secrets;
  onClose?: () => Promise<void>;
}): ProcedureRunner {
  const {header, events} = options.read;
  const paths = sessionPaths(header.procedure, {journal: options.journal, ...(options.transcriptDir ? {transcriptDir: options.transcriptDir} : {})});
  return new ProcedureRunner({
    definition: findProcedure(header.procedure),
    prepared: {resolved: header.resolved, secrets: options.secrets ?? {}},
    params: header.params,
    fleet: options.fleet,
    fleetId: header.fleet.id,
    journalPath: options.journal,
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

/**
 * The node locks a session needs: every node its steps touch, held under the session's id. The journal is recorded
 * (absolute: the refusal another certwalk prints must work from any folder) so a refusal can say how to continue it.
 */
export function lockSession(fleet: Fleet, procedure: string, sessionId: string, journal: string, nodes: readonly string[]): Promise<HeldLocks> {
  return lockNodes(fleet, nodes, lockHolder(procedure, sessionId, resolve(journal)));
}
