// The single place certwalk starts a child process: execa with an argument array, never a shell.
import {execa} from 'execa';
import type {RunOptions, RunResult} from './host.ts';

export interface ProcessOptions extends RunOptions {
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
}

export async function runProcess(file: string, args: readonly string[], options: ProcessOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const child = execa(file, [...args], {
    reject: false,
    shell: false,
    windowsHide: true,
    stripFinalNewline: false,
    cancelSignal: options.signal,
    forceKillAfterDelay: 2000,
    env: options.env,
    extendEnv: true,
    cwd: options.cwd,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    encoding: 'utf8',
  });
  if (options.onLine) {
    const onLine = options.onLine;
    const forward = (stream: 'stdout' | 'stderr') => {
      let pending = '';
      child[stream]?.on('data', (chunk: Buffer | string) => {
        pending += chunk.toString();
        const lines = pending.split(/\r?\n/);
        pending = lines.pop() ?? '';
        for (const line of lines) onLine(line, stream);
      });
      child[stream]?.on('end', () => {
        if (pending) onLine(pending, stream);
        pending = '';
      });
    };
    forward('stdout');
    forward('stderr');
  }
  const result = await child;
  const stdout = typeof result.stdout === 'string' ? result.stdout : '';
  const stderr = typeof result.stderr === 'string' ? result.stderr : '';
  const exitCode = result.exitCode ?? (result.isCanceled ? 130 : -1);
  const spawnError = result.failed && result.exitCode === undefined && !result.isCanceled ? `${result.shortMessage}\n` : '';
  return {exitCode, stdout, stderr: stderr + spawnError, durationMs: Math.round(performance.now() - started)};
}
