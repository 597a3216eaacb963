// A new session from a checked draft: paths, node locks, then the runner, whose transcript starts with the reads the
// draft made. The app and `certwalk run` both start sessions here, so their journals and transcripts have one shape.
import type {ProcedureDefinition} from '../procedures/types.ts';
import type {ScreenRecorder} from '../runner/cast.ts';
import {ProcedureRunner} from '../runner/runner.ts';
import {recordJournalLocation} from '../runner/session-index.ts';
import type {Draft, Planned} from './draft.ts';
import {lockSession} from './locks.ts';
import {openSession, type OpenSession} from './open-session.ts';
import {sessionPaths} from './paths.ts';
import {readsSection} from './recording-fleet.ts';

export interface StartOptions {
  readonly draft: Draft;
  readonly planned: Planned;
  /** The draft's procedure unless narrowed (`run --check-only` runs only the steps that are not done by hand). */
  readonly definition?: ProcedureDefinition;
  /** --yes: recorded as the answer to every confirmation. */
  readonly autoConfirmAll: boolean;
  readonly concurrency?: number;
  readonly onLaneFailure?: 'stop' | 'continue';
  /** `run --journal FILE`; by default the state directory's journals folder. */
  readonly journal?: string;
  readonly transcriptDir?: string;
  /** The app records its screen next to the transcript. */
  readonly screen?: ScreenRecorder;
}

/** Throws NodeLockedError (nothing written, nothing locked) when another session holds one of the nodes. */
export async function startSession(options: StartOptions): Promise<OpenSession> {
  const {draft, planned} = options;
  const definition = options.definition ?? draft.definition;
  const paths = sessionPaths(definition.id, {
    ...(options.journal ? {journal: options.journal} : {}),
    ...(options.transcriptDir ? {transcriptDir: options.transcriptDir} : {}),
  });
  const fleetId = await draft.fleet.identity();
  const nodes = definition.steps(planned.prepared.resolved, planned.prepared.secrets).map((step) => step.node);
  const locks = await lockSession(draft.fleet, definition.id, paths.sessionId, paths.journalPath, nodes);
  let runner: ProcedureRunner;
  try {
    // Before the journal's first record: `certwalk resume` lists a session journalled outside the state directory too.
    recordJournalLocation(paths.sessionId, paths.journalPath);
    runner = new ProcedureRunner({
      definition,
      prepared: planned.prepared,
      params: planned.params,
      fleet: draft.fleet,
      fleetId,
      journalPath: paths.journalPath,
      transcriptPath: paths.transcriptPath,
      sessionId: paths.sessionId,
      autoConfirmAll: options.autoConfirmAll,
      concurrency: options.concurrency ?? 1,
      onLaneFailure: options.onLaneFailure ?? 'stop',
      onClose: locks.release,
      prologue: readsSection(draft.reads.reads(), Date.now()),
    });
  } catch (error) {
    await locks.release();
    throw error;
  }
  return openSession(runner, options.screen, `certwalk ${definition.id} ${paths.sessionId}`);
}
