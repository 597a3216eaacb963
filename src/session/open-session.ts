// A session that runs: its runner (journal, transcript) with its node locks held and, in the app, its screen recorded.
import {castPathFor, type ScreenRecorder} from '../runner/cast.ts';
import type {ProcedureRunner} from '../runner/runner.ts';

export interface OpenSession {
  readonly runner: ProcedureRunner;
  /**
   * Writes the end record, ends the screen recording, and resolves once the locks of a session that ended are
   * released (one left unfinished keeps them: see RunnerOptions.onClose).
   */
  close(): Promise<void>;
}

export function openSession(runner: ProcedureRunner, screen: ScreenRecorder | undefined, title: string): OpenSession {
  // Masked by the runner's redactor: the screen shows no secret, but a recording never relies on that.
  screen?.begin(castPathFor(runner.transcriptPath), {title, redact: (text) => runner.redact(text)});
  return {
    runner,
    close() {
      runner.close();
      screen?.end();
      return runner.closed();
    },
  };
}
