// What the screen showed during a session, as an asciicast v2 file (`asciinema play FILE` replays it): a JSON
// header line, then one `[seconds, "o", text]` line per write to the terminal and `[seconds, "r", "WxH"]` per resize.
// Secrets never appear on screen, but the text still goes through the session's redactor on its way to disk.
import {closeSync, fchmodSync, mkdirSync, openSync, writeSync} from 'node:fs';
import {dirname} from 'node:path';
import {TerminalNewlines} from './terminal-newlines.ts';

export interface CastHeader {
  readonly version: 2;
  readonly width: number;
  readonly height: number;
  /** Unix time in seconds of the first event. */
  readonly timestamp: number;
  readonly title?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export type CastEvent = readonly [seconds: number, kind: 'o' | 'r' | 'i' | 'm', data: string];

export interface CastOptions {
  readonly width: number;
  readonly height: number;
  readonly title?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly redact?: (text: string) => string;
  readonly clock?: () => number;
}

export class CastWriter {
  readonly #fd: number;
  readonly #start: number;
  readonly #clock: () => number;
  readonly #redact: (text: string) => string;
  readonly #newlines = new TerminalNewlines();
  #closed = false;
  #last = 0;

  constructor(
    readonly path: string,
    options: CastOptions,
  ) {
    this.#clock = options.clock ?? Date.now;
    this.#redact = options.redact ?? ((text) => text);
    this.#start = this.#clock();
    mkdirSync(dirname(path), {recursive: true, mode: 0o700});
    this.#fd = openSync(path, 'w', 0o600);
    // openSync's mode only applies to a new file, and only through the umask.
    fchmodSync(this.#fd, 0o600);
    const header: CastHeader = {
      version: 2,
      width: options.width,
      height: options.height,
      timestamp: Math.floor(this.#start / 1000),
      ...(options.title ? {title: options.title} : {}),
      ...(options.env ? {env: options.env} : {}),
    };
    writeSync(this.#fd, `${JSON.stringify(header)}\n`);
  }

  /** Text written to the terminal, escape sequences included; bare LFs are recorded as the CR LF the terminal showed. */
  output(text: string): void {
    if (text) this.#event('o', this.#newlines.translate(this.#redact(text)));
  }

  resize(width: number, height: number): void {
    this.#event('r', `${width}x${height}`);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }

  #event(kind: 'o' | 'r', data: string): void {
    if (this.#closed) return;
    // Seconds since the header's timestamp, to the millisecond; a clock stepping back never makes time run backwards.
    this.#last = Math.max(this.#last, Math.round(this.#clock() - this.#start) / 1000);
    writeSync(this.#fd, `${JSON.stringify([this.#last, kind, data])}\n`);
  }
}

/** What the app tells whoever records the terminal: a session's recording starts, and ends. */
export interface ScreenRecorder {
  begin(castPath: string, options: {readonly title: string; readonly redact: (text: string) => string}): void;
  end(): void;
}

/** The cast sits next to the transcript, with the same name. */
export function castPathFor(transcriptPath: string): string {
  return transcriptPath.replace(/\.log$/, '') + '.cast';
}

export interface ParsedCast {
  readonly header: CastHeader;
  readonly events: readonly CastEvent[];
}

/** Reads a cast and checks it is asciicast v2; throws naming the first line that is not. */
export function parseCast(text: string): ParsedCast {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const [first, ...rest] = lines;
  if (first === undefined) throw new Error('empty cast: no header line');
  const header = JSON.parse(first) as CastHeader;
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new Error('line 1: the header is not a JSON object');
  if (header.version !== 2) throw new Error(`line 1: version ${String(header.version)}, not 2`);
  for (const field of ['width', 'height'] as const) {
    if (!Number.isInteger(header[field]) || header[field] <= 0) throw new Error(`line 1: ${field} is not a positive integer`);
  }
  if (header.timestamp !== undefined && !Number.isInteger(header.timestamp)) throw new Error('line 1: timestamp is not an integer');
  let previous = 0;
  const events = rest.map((line, i): CastEvent => {
    const where = `line ${i + 2}`;
    const event = JSON.parse(line) as unknown;
    if (!Array.isArray(event) || event.length !== 3) throw new Error(`${where}: an event is [time, code, data]`);
    const [time, code, data] = event as [unknown, unknown, unknown];
    if (typeof time !== 'number' || time < previous) throw new Error(`${where}: time ${String(time)} is not a number at or after ${previous}`);
    if (code !== 'o' && code !== 'r' && code !== 'i' && code !== 'm') throw new Error(`${where}: unknown event code ${String(code)}`);
    if (typeof data !== 'string') throw new Error(`${where}: data is not a string`);
    if (code === 'r' && !/^\d+x\d+$/.test(data)) throw new Error(`${where}: a resize is "WxH", not "${data}"`);
    previous = time;
    return [time, code, data];
  });
  return {header, events};
}
