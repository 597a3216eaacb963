// The human-readable record of a session, for the admin and the auditor: who, when, what was confirmed,
// every command with its exit code, output and duration, before/after values. Secrets are masked on the way in.
import {closeSync, existsSync, fchmodSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {castPathFor} from './cast.ts';
import type {Redactor} from './redactor.ts';

const DATE_LINE = '──── date';

export class TranscriptWriter {
  readonly #fd: number;
  #day: string | null = null;
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
  line(text: string, at: Date = new Date()): void {
    const day = at.toISOString().slice(0, 10);
    if (day !== this.#day) {
      this.#day = day;
      writeSync(this.#fd, `${DATE_LINE} ${day} (times are UTC)\n`);
    }
    const stamp = at.toISOString().slice(11, 19);
    const body = this.redactor.redact(text);
    const lines = body.split('\n').map((l, i) => (i === 0 ? `${stamp}  ${l}` : `          ${l}`));
    writeSync(this.#fd, `${lines.join('\n')}\n`);
  }

  raw(text: string): void {
    writeSync(this.#fd, this.redactor.redact(text));
  }

  close(): void {
    closeSync(this.#fd);
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
