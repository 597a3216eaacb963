// The human-readable record of a session, for the admin and the auditor: who, when, what was confirmed,
// every command with its exit code, output and duration, before/after values. Secrets are masked on the way in.
import {closeSync, mkdirSync, openSync, readFileSync, writeSync} from 'node:fs';
import {dirname} from 'node:path';
import type {Redactor} from './redactor.ts';

export class TranscriptWriter {
  readonly #fd: number;
  constructor(
    readonly path: string,
    private readonly redactor: Redactor,
  ) {
    mkdirSync(dirname(path), {recursive: true, mode: 0o700});
    this.#fd = openSync(path, 'a', 0o600);
  }

  line(text: string, at: Date = new Date()): void {
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
