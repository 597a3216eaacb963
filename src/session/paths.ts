// Where a new session's journal and transcript go, and the id that names both.
import {randomBytes} from 'node:crypto';
import {join} from 'node:path';
import {defaultTranscriptDir, sessionStamp, stateDir} from '../runner/paths.ts';

export interface SessionPaths {
  readonly sessionId: string;
  readonly journalPath: string;
  readonly transcriptPath: string;
}

export function sessionPaths(procedure: string, options: {journal?: string; transcriptDir?: string; now?: Date}): SessionPaths {
  const stamp = sessionStamp(options.now ?? new Date());
  const sessionId = `${stamp}-${procedure}-${randomBytes(3).toString('hex')}`;
  return {
    sessionId,
    journalPath: options.journal ?? join(stateDir(), 'journals', `${sessionId}.jsonl`),
    transcriptPath: join(options.transcriptDir ?? defaultTranscriptDir(), `${sessionId}.log`),
  };
}
