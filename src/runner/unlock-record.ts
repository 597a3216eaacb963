// `certwalk unlock NODE --yes` overrides a lock on purpose: who broke which session's lock, and when, is written
// where an auditor looks — the state directory's unlocks.log, and the transcript of the session that held it when
// that session's journal is on this machine.
import {appendFileSync, existsSync, mkdirSync} from 'node:fs';
import {hostname, userInfo} from 'node:os';
import {join} from 'node:path';
import {readJournal} from './journal.ts';
import type {LockHolder} from './node-locks.ts';
import {stateDir} from './paths.ts';

/** Records the broken lock; returns the files written. Never throws: the lock is already broken. */
export function recordUnlock(node: string, holder: LockHolder, at: Date = new Date()): string[] {
  let user = process.env.USERNAME ?? process.env.USER ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry: keep the environment's name
  }
  const line =
    `${at.toISOString()} lock on ${node} BROKEN by ${user} on ${hostname()} with certwalk unlock --yes: ` +
    `it was held by ${holder.procedure} (session ${holder.session}, process ${holder.pid} of ${holder.user} on ${holder.machine}, since ${holder.startedAt})` +
    `${holder.journal ? `, journal ${holder.journal}` : ''}\n`;
  const written: string[] = [];
  const append = (path: string) => {
    try {
      appendFileSync(path, line, {mode: 0o600});
      written.push(path);
    } catch {
      // an unwritable file does not undo the unlock
    }
  };
  try {
    mkdirSync(stateDir(), {recursive: true, mode: 0o700});
  } catch {
    // reported by the append below not happening
  }
  append(join(stateDir(), 'unlocks.log'));
  if (holder.journal && holder.machine === hostname() && existsSync(holder.journal)) {
    try {
      const transcript = readJournal(holder.journal).header.transcript;
      if (transcript && existsSync(transcript)) append(transcript);
    } catch {
      // a journal certwalk cannot read has no transcript to name
    }
  }
  return written;
}
