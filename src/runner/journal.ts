// The journal: one JSON record per line, appended and fsync'd before the effect it announces runs, so a closed
// RDP window at any moment leaves enough on disk to explain, resume or roll back the session.
import {closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync} from 'node:fs';
import {dirname} from 'node:path';
import type {Effect, Json, ProcedureEvent, StepInfo} from '../state/types.ts';

export interface SessionHeader {
  readonly version: 1;
  readonly sessionId: string;
  readonly procedure: string;
  readonly title: string;
  /** The parameters as the user gave them (display strings). */
  readonly params: Readonly<Record<string, string>>;
  /** The validated parameters the steps were built from; enough to rebuild the steps for a rollback. */
  readonly resolved: Json;
  readonly steps: readonly StepInfo[];
  readonly fleet: {readonly kind: string; readonly location: string};
  readonly user: string;
  readonly machine: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly autoConfirmAll: boolean;
  /** Replaying the events needs the same scheduling: which lanes started together depends on it. */
  readonly concurrency?: number;
  readonly onLaneFailure?: 'stop' | 'continue';
  readonly transcript: string;
}

export interface CommandRecord {
  readonly node: string;
  /** As displayed, secrets masked. */
  readonly command: string;
  readonly exitCode: number;
  readonly durationMs: number;
  readonly stepId: string | null;
}

export type JournalRecord =
  | {readonly kind: 'header'; readonly at: number; readonly header: SessionHeader}
  | {readonly kind: 'event'; readonly at: number; readonly event: ProcedureEvent}
  | {readonly kind: 'effect'; readonly at: number; readonly effect: Effect}
  | {readonly kind: 'command'; readonly at: number; readonly command: CommandRecord}
  | {readonly kind: 'end'; readonly at: number; readonly phase: string};

export class JournalWriter {
  readonly #fd: number;
  constructor(readonly path: string) {
    mkdirSync(dirname(path), {recursive: true, mode: 0o700});
    this.#fd = openSync(path, 'a', 0o600);
  }

  append(record: JournalRecord): void {
    writeSync(this.#fd, `${JSON.stringify(record)}\n`);
    fsyncSync(this.#fd);
  }

  close(): void {
    closeSync(this.#fd);
  }
}

export interface ReadJournal {
  readonly header: SessionHeader;
  readonly events: ProcedureEvent[];
  readonly records: JournalRecord[];
  /** A last line cut short by a crash; everything before it is intact. */
  readonly tornTail: boolean;
}

export function readJournal(path: string): ReadJournal {
  const lines = readFileSync(path, 'utf8').split('\n');
  const records: JournalRecord[] = [];
  let tornTail = false;
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch (error) {
      if (i >= lines.length - 2) tornTail = true;
      else throw new Error(`${path}: line ${i + 1} is not valid JSON (${(error as Error).message})`);
    }
  });
  const first = records[0];
  if (!first || first.kind !== 'header') throw new Error(`${path} is not a certwalk journal: it has no header record`);
  const events = records.flatMap((record) => (record.kind === 'event' ? [record.event] : []));
  return {header: first.header, events, records, tornTail};
}
