// The human-readable record of a session, for the admin and the auditor: who, when, what was confirmed,
// every command with its exit code, output and duration, before/after values. Secrets are masked on the way in.
import {closeSync, existsSync, fchmodSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {castPathFor} from './cast.ts';
import type {Redactor} from './redactor.ts';

const DATE_LINE = '──── date';
// Lines are written in batches: a command printing 100k lines made 100k write calls (most of a second). The buffer
// is written out when it reaches FLUSH_BYTES, FLUSH_MS after its first line, before every journal record (the
// runner calls flush()), and on close, so at each journal point the transcript on disk is complete.
const FLUSH_BYTES = 64 * 1024;
const FLUSH_MS = 100;

export class TranscriptWriter {
  readonly #fd: number;
  #day: string | null = null;
  #second = NaN;
  #stamp = '';
  #pending: string[] = [];
  #pendingLength = 0;
  #timer: NodeJS.Timeout | null = null;
  constructor(
    readonly path: string,
    private readonly redactor: Redactor,
  ) {
    mkdirSync(dirname(path), {recursive: true, mode: 0o700});
    this.#fd = openSync(path, 'a', 0o600);
    // openSync's mode only applies to a new file, and only through the umask: a transcript is the user's alone.
    fchmodSync(this.#fd, 0o600);
  }

  /** Lines carry the time of day (UTC); a date line comes first and again whenever the day changes. */
  line(text: string, at?: Date): void {
    const ms = at ? at.getTime() : Date.now();
    // A command's output arrives thousands of lines a second: the time stamp is worked out once per second.
    if (Math.floor(ms / 1000) !== this.#second) {
      this.#second = Math.floor(ms / 1000);
      const iso = new Date(ms).toISOString();
      this.#stamp = iso.slice(11, 19);
      const day = iso.slice(0, 10);
      if (day !== this.#day) {
        this.#day = day;
        this.#write(`${DATE_LINE} ${day} (times are UTC)\n`);
      }
    }
    const stamp = this.#stamp;
    const body = this.redactor.redact(text);
    const lines = body.includes('\n')
      ? body
          .split('\n')
          .map((l, i) => (i === 0 ? `${stamp}  ${l}` : `          ${l}`))
          .join('\n')
      : `${stamp}  ${body}`;
    this.#write(`${lines}\n`);
  }

  raw(text: string): void {
    this.#write(this.redactor.redact(text));
  }

  /** Writes out what is buffered. */
  flush(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (!this.#pending.length) return;
    const data = Buffer.from(this.#pending.join(''), 'utf8');
    this.#pending = [];
    this.#pendingLength = 0;
    for (let done = 0; done < data.length;) done += writeSync(this.#fd, data, done);
  }

  close(): void {
    this.flush();
    closeSync(this.#fd);
  }

  #write(text: string): void {
    this.#pending.push(text);
    this.#pendingLength += text.length;
    if (this.#pendingLength >= FLUSH_BYTES) this.flush();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => this.flush(), FLUSH_MS);
      // A pending flush never keeps the process alive; close() flushes.
      this.#timer.unref();
    }
  }
}

/** The transcript's lines, for the in-app viewer. */
export function readTranscript(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n');
  } catch (error) {
    return [`(cannot read ${path}: ${(error as Error).message})`];
  }
}

/** One past session as its transcript tells it: what `certwalk transcripts` and the Home screen's list show. */
export interface SessionSummary {
  readonly path: string;
  /** The screen recording next to it (interactive sessions), when there is one. */
  readonly castPath: string | null;
  readonly sessionId: string;
  readonly startedAt: string;
  readonly user: string;
  readonly machine: string;
  readonly procedure: string;
  readonly title: string;
  /** A rollback (or resume) of an earlier session writes a transcript of its own that continues it. */
  readonly continues: boolean;
  /** The procedure's phase when the session closed, or `unfinished` when it never closed (running, or a crash). */
  readonly state: string;
}

const FIELD = /^(session|started|who|procedure)\s+(.*)$/;

/** Reads the header lines describeHeader wrote and the last `session closed` line; null for another kind of file. */
export function summarizeTranscript(path: string): SessionSummary | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n');
  const first = /^certwalk transcript \((new session|continuing an earlier session)\)$/.exec(lines[0] ?? '');
  if (!first) return null;
  const fields = new Map<string, string>();
  for (const line of lines.slice(1)) {
    if (line === '') break;
    const m = FIELD.exec(line);
    if (m) fields.set(m[1]!, m[2]!);
  }
  const who = /^(.*) on (.*) \(pid \d+\)$/.exec(fields.get('who') ?? '');
  const procedure = /^([^:]+): (.*)$/.exec(fields.get('procedure') ?? '');
  const closed = [...text.matchAll(/^\d\d:\d\d:\d\d {2}session closed: procedure (\S+)/gm)].at(-1);
  const castPath = castPathFor(path);
  return {
    path,
    castPath: existsSync(castPath) ? castPath : null,
    sessionId: fields.get('session') ?? '',
    startedAt: fields.get('started') ?? '',
    user: who?.[1] ?? '',
    machine: who?.[2] ?? '',
    procedure: procedure?.[1] ?? '',
    title: procedure?.[2] ?? '',
    continues: first[1] !== 'new session',
    state: closed?.[1] ?? 'unfinished',
  };
}

/** Every transcript in `dir`, newest first; a missing folder is an empty list. */
export function listSessions(dir: string): SessionSummary[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .filter((name) => name.endsWith('.log'))
    .flatMap((name) => summarizeTranscript(join(dir, name)) ?? [])
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.path.localeCompare(a.path));
}
