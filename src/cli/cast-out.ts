// `run --yes`, `rollback` and `resume` print lines, not a screen; they are recorded all the same, as the terminal
// showed them, in an asciicast next to the session's transcript: every session replays with `asciinema play`.
import {CastWriter, castPathFor} from '../runner/cast.ts';
import type {ProcedureRunner} from '../runner/runner.ts';
import type {Out} from './out.ts';

export interface RecordedOut extends Out {
  close(): void;
}

export function recordedOut(out: Out, runner: ProcedureRunner, title: string): RecordedOut {
  const cast = new CastWriter(castPathFor(runner.transcriptPath), {
    width: process.stdout.columns || 120,
    height: process.stdout.rows || 40,
    title,
    redact: (text) => runner.redact(text),
  });
  // One line as printed: the cast records its LFs as the CR LF a terminal shows (cast.ts).
  const record = (line: string) => cast.output(`${line}\n`);
  return {
    log(line) {
      out.log(line);
      record(line);
    },
    error(line) {
      out.error(line);
      record(line);
    },
    close: () => cast.close(),
  };
}
