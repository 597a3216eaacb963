// `certwalk transcripts`: past sessions, newest first, read from the transcripts themselves.
import {listSessions} from '../runner/transcript.ts';
import type {Out} from './out.ts';

export function transcriptsCommand(dir: string, options: {json: boolean}, out: Out): number {
  const sessions = listSessions(dir);
  if (options.json) {
    out.log(JSON.stringify(sessions, null, 2));
    return 0;
  }
  if (!sessions.length) {
    out.log(`no transcripts in ${dir}`);
    return 0;
  }
  const rows = sessions.map((s) => [s.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), s.procedure + (s.continues ? ' (continued)' : ''), s.user, s.state, s.path]);
  const header = ['started (UTC)', 'procedure', 'user', 'final state', 'transcript'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) out.log(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
  return 0;
}
