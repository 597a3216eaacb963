// The journal: one JSON record per line, appended and fsync'd before the effect it announces runs, so a closed
// RDP window at any moment leaves enough on disk to explain, resume or roll back the session.
import {closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync} from 'node:fs';
import {dirname} from 'node:path';
import type {Effect, Json, ProcedureEvent, StepInfo} from '../state/types.ts';
import type {SealedSecrets} from './sealed-secrets.ts';

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
  /** The steps' secrets, encrypted, for a resume after a crash; the key file is removed when the session ends. */
  readonly sealedSecrets?: SealedSecrets;
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

// Test hook for the crash tests: SIGKILL this process right after the Nth record is on disk, to stop it at every
// point a real crash could (the record written, the effect it announces not yet run).
const CRASH_AFTER = Number(process.env.CERTWALK_CRASH_AFTER_RECORD ?? 0);
let recordsWritten = 0;

export class JournalWriter {
  readonly #fd: number;
  constructor(readonly path: string) {
    mkdirSync(dirname(path), {recursive: true, mode: 0o700});
    dropTornTail(path);
    this.#fd = openSync(path, 'a', 0o600);
  }

  append(record: JournalRecord): void {
    writeSync(this.#fd, `${JSON.stringify(record)}\n`);
    fsyncSync(this.#fd);
    if (CRASH_AFTER && ++recordsWritten === CRASH_AFTER) process.kill(process.pid, 'SIGKILL');
  }

  close(): void {
    closeSync(this.#fd);
  }
}

/** A journal continued after a crash must not keep a half-written last line: records appended after it would follow it. */
function dropTornTail(path: string): void {
  if (!existsSync(path)) return;
  const text = readFileSync(path);
  if (!text.length || text[text.length - 1] === 0x0a) return;
  truncateSync(path, text.lastIndexOf(0x0a) + 1);
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
