// The journal: one JSON record per line, appended and fsync'd before the effect it announces runs, so a closed
// RDP window at any moment leaves enough on disk to explain, resume or roll back the session. Records written
// together (an event and the effects it starts) share one fsync, made before any of those effects runs; the runner
// waits for it off the event loop (durable()), so the screen keeps answering keys while the disk syncs.
//
// Version 2 chains the records: every record after the header carries `prev`, the SHA-256 of the previous line's
// bytes, and every line ends with `sum`, the SHA-256 of the line without it (the last line has no successor to
// vouch for it, and a header-only journal has none at all). A rollback or resume acts on what the journal says ran,
// so a journal edited by hand (a captured appid, a procedure id, a line removed in the middle) must be refused before
// anything is locked or run, not half-applied. This catches edits, not forgeries (anyone can recompute the hashes):
// it is not a signature. Removing whole lines from the end cannot be told from a crash there.
import {createHash} from 'node:crypto';
import {closeSync, existsSync, fsync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync} from 'node:fs';
import {dirname} from 'node:path';
import type {Effect, Json, ProcedureEvent, StepInfo} from '../state/types.ts';
import type {SealedSecrets} from './sealed-secrets.ts';

/** The journal format this certwalk writes and the only one it reads: readJournal refuses older, newer or none. */
export const JOURNAL_VERSION = 2;

export interface SessionHeader {
  readonly version: typeof JOURNAL_VERSION;
  readonly sessionId: string;
  readonly procedure: string;
  /** procedureVersion(steps): a journal rebuilt into other steps than it recorded is refused before anything runs. */
  readonly procedureVersion: string;
  readonly title: string;
  /** The parameters as the user gave them (display strings). */
  readonly params: Readonly<Record<string, string>>;
  /** The validated parameters the steps were built from; enough to rebuild the steps for a rollback. */
  readonly resolved: Json;
  readonly steps: readonly StepInfo[];
  /** `id` is Fleet.identity(): a rollback or resume on another fleet is refused even when the location matches. */
  readonly fleet: {readonly kind: string; readonly location: string; readonly id: string};
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

/** A record as it is on disk: every record after the header names the hash of the line before it; every one its own. */
export type ChainedRecord = JournalRecord & {readonly prev?: string; readonly sum?: string};

/** Why a journal is not acted on: which file, which line (1-based; null when it is about the whole file), what is wrong. */
export class JournalRefused extends Error {
  constructor(
    readonly path: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(`refusing the journal ${path}${line === null ? '' : ` (line ${line})`}: ${reason}; nothing was locked or changed`);
  }
}

export function lineHash(line: Uint8Array | string): string {
  return createHash('sha256').update(line).digest('hex');
}

/** `{…,"sum":"<sha256 of {…}>"}`: the sum is appended to the serialized record, so checking it needs no re-serializing. */
function sealed(json: string): string {
  return `${json.slice(0, -1)},"sum":"${lineHash(json)}"}`;
}

const SUM = /,"sum":"([0-9a-f]{64})"\}$/;

/** Whether a line's `sum` matches the rest of it. */
function sumMatches(line: string): boolean {
  const match = SUM.exec(line);
  return match !== null && lineHash(`${line.slice(0, match.index)}}`) === match[1];
}

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
  /** The hash of the last line written (or found, when continuing a journal): the next record's `prev`. */
  #prev: string | null;
  constructor(readonly path: string) {
    mkdirSync(dirname(path), {recursive: true, mode: 0o700});
    dropTornTail(path);
    this.#prev = lastLineHash(path);
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
    if (record.kind !== 'header' && this.#prev === null) throw new Error(`${this.path}: a ${record.kind} record needs the header before it`);
    const line = Buffer.from(sealed(JSON.stringify(record.kind === 'header' ? record : {...record, prev: this.#prev})), 'utf8');
    this.#prev = lineHash(line);
    const data = Buffer.concat([line, Buffer.from('\n')]);
    for (let done = 0; done < data.length;) done += writeSync(this.#fd, data, done);
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

/** The hash of the file's last complete line, or null for a new (or empty) journal. */
function lastLineHash(path: string): string | null {
  if (!existsSync(path)) return null;
  const lines = splitLines(readFileSync(path)).complete;
  return lines.length ? lineHash(lines[lines.length - 1]!) : null;
}

/** The lines ended by a newline, and what follows the last newline (a line a crash cut short), if anything. */
function splitLines(bytes: Buffer): {complete: Buffer[]; torn: Buffer | null} {
  const complete: Buffer[] = [];
  let start = 0;
  for (let end = bytes.indexOf(0x0a); end !== -1; end = bytes.indexOf(0x0a, start)) {
    complete.push(bytes.subarray(start, end));
    start = end + 1;
  }
  return {complete, torn: start < bytes.length ? bytes.subarray(start) : null};
}

/**
 * Checked before the line's checksum: another format may seal its lines differently, and "written by a newer
 * certwalk" tells the admin what to do where "this record was edited" would mislead.
 */
function checkFormatVersion(path: string, found: unknown): void {
  if (found === JOURNAL_VERSION) return;
  const reads = `this certwalk reads version ${JOURNAL_VERSION} only`;
  if (found === undefined) {
    throw new JournalRefused(path, 1, `its header records no format version, and ${reads}; finish or roll it back with the certwalk that wrote it`);
  }
  if (typeof found !== 'number' || !Number.isInteger(found) || found < 1) {
    throw new JournalRefused(path, 1, `its header records the format version ${JSON.stringify(found)}, which no certwalk writes (${reads})`);
  }
  if (found > JOURNAL_VERSION) {
    throw new JournalRefused(path, 1, `it is a version ${found} journal, written by a newer certwalk, and ${reads}; finish or roll it back with that certwalk or a newer one`);
  }
  const why = found === 1 ? ' without the hash chain this version checks' : '';
  throw new JournalRefused(path, 1, `it is a version ${found} journal, written by an older certwalk${why}, and ${reads}; finish or roll it back with the certwalk that wrote it`);
}

export interface ReadJournal {
  readonly header: SessionHeader;
  readonly events: ProcedureEvent[];
  readonly records: JournalRecord[];
  /** A last line cut short by a crash; everything before it is intact. */
  readonly tornTail: boolean;
}

/**
 * Reads a journal and checks its hash chain. A last line without its newline is what a crash leaves (the writer waits
 * for a whole line on disk before the effect it announces runs): it is dropped, as JournalWriter drops it before
 * appending. Anything else that does not verify throws JournalRefused naming the line.
 */
export function readJournal(path: string): ReadJournal {
  const {complete, torn} = splitLines(readFileSync(path));
  const records: ChainedRecord[] = [];
  complete.forEach((bytes, i) => {
    const line = i + 1;
    const text = bytes.toString('utf8');
    let record: ChainedRecord;
    try {
      record = JSON.parse(text) as ChainedRecord;
    } catch (error) {
      throw new JournalRefused(path, line, `line ${line} is not valid JSON (${(error as Error).message})`);
    }
    if (i === 0) {
      if (record?.kind !== 'header') throw new JournalRefused(path, 1, 'this is not a certwalk journal: it has no header record');
      checkFormatVersion(path, (record.header as {version?: unknown} | undefined)?.version);
    }
    if (!sumMatches(text)) throw new JournalRefused(path, line, 'this record was edited: its checksum (sum) does not match its content');
    if (i > 0 && record.prev !== lineHash(complete[i - 1]!)) {
      throw new JournalRefused(path, line, `the hash chain is broken: this record does not follow line ${line - 1} (a record was removed, reordered or edited)`);
    }
    if (i > 0 && record.kind === 'header') throw new JournalRefused(path, line, 'a second header record');
    records.push(record);
  });
  const first = records[0];
  if (!first || first.kind !== 'header') throw new JournalRefused(path, null, 'this is not a certwalk journal: it has no header record');
  const events = records.flatMap((record) => (record.kind === 'event' ? [record.event] : []));
  return {header: first.header, events, records, tornTail: torn !== null};
}
