// Where certwalk keeps its files: the platform's per-user state directory, never the current directory.
import {homedir} from 'node:os';
import {join} from 'node:path';

export function stateDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.CERTWALK_HOME) return env.CERTWALK_HOME;
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'certwalk');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'certwalk');
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'certwalk');
}

export function defaultSandboxDir(env?: NodeJS.ProcessEnv): string {
  return join(stateDir(env), 'sandbox');
}

export function defaultTranscriptDir(env?: NodeJS.ProcessEnv): string {
  return join(stateDir(env), 'transcripts');
}

/** `2026-11-23T10-55-01Z`: sorts by time and is a valid file name on Windows. */
export function sessionStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}
