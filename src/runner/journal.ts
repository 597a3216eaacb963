// The journal: one JSON record per line, appended and fsync'd before the effect it announces runs, so a closed
// RDP window at any moment leaves enough on disk to explain, resume or roll back the session. Records written
// together (an event and the effects it starts) share one fsync, made before any of those effects runs; the runner
// waits for it off the event loop (durable()), so the screen keeps answering keys while the disk syncs.
import {closeSync, existsSync, fsync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync} from 'node:fs';
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
  /** Records written, and how many of them are known to be on disk. */
  #written = 0;
  #durable = 0;
  /** Whether an fsync is running on libuv's thread pool. */
  #syncing = false;
  #waiters: {readonly upTo: number; readonly resolve: () => void; readonly reject: (error: Error) => void}[] = [];
  #closed = false;
  constructor(readonly path: string) {
    mkdirSync(dirname(path), {recursive: true, mode: 0o700});
    dropTornTail(path);
    this.#fd = openSync(path, 'a', 0o600);
  }

  /** Writes the record and waits until it is on disk. */
  append(record: JournalRecord): void {
    this.write(record);
    this.sync();
  }

  /**
   * Writes the record without waiting for the disk: for records written together before one sync (an event and the
   * effects it starts), and for command records, which announce nothing and reach the disk with the next sync.
   */
  write(record: JournalRecord): void {
    const data = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    for (let done = 0; done < data.length; ) done += writeSync(this.#fd, data, done);
    this.#written++;
    if (CRASH_AFTER && ++recordsWritten === CRASH_AFTER) {
      fsyncSync(this.#fd);
      process.kill(process.pid, 'SIGKILL');
    }
  }

  /** Everything written so far is on disk when this returns. */
  sync(): void {
    if (this.#durable === this.#written) return;
    fsyncSync(this.#fd);
    this.#settle(this.#written);
  }

  /**
   * Resolves once everything written so far is on disk, without blocking the event loop meanwhile: the fsync runs on
   * the thread pool, and records written while one runs share the next (group commit). A failed fsync rejects.
   */
  durable(): Promise<void> {
    const upTo = this.#written;
    if (this.#durable >= upTo) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({upTo, resolve, reject});
      this.#startSync();
    });
  }

  close(): void {
    this.sync();
    this.#closed = true;
    closeSync(this.#fd);
  }

  #startSync(): void {
    if (this.#syncing || this.#closed || !this.#waiters.length) return;
    this.#syncing = true;
    const upTo = this.#written;
    fsync(this.#fd, (error) => {
      this.#syncing = false;
      // Closed meanwhile: close() synced everything first and released every waiter.
      if (this.#closed) return;
      if (error) {
        for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
        return;
      }
      this.#settle(upTo);
      this.#startSync();
    });
  }

  #settle(upTo: number): void {
    this.#durable = Math.max(this.#durable, upTo);
    const ready = this.#waiters.filter((w) => w.upTo <= this.#durable);
    this.#waiters = this.#waiters.filter((w) => w.upTo > this.#durable);
    for (const waiter of ready) waiter.resolve();
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
