// The single place certwalk starts a child process: execa with an argument array, never a shell. execa loads on the
// first command, not with the app: the first frame does not wait for it.
//
// Output is read here, once: execa does not buffer it (`buffer: false`). Buffered, execa kept its own copy of the
// whole output and, for a command that failed, built an error message holding it all again, escaped character by
// character: for a command printing 100k lines that was a quarter of a second of blocked event loop and tens of MB.
import {setPriority} from 'node:os';
import type {Readable} from 'node:stream';
import type {RunOptions, RunResult} from './host.ts';
import {outputDecoder, type OutputDecoder} from './output-decoder.ts';
import {OutputKeeper, type KeptOutput} from './output-keeper.ts';
import {isSecretEnvVar} from './secret-env.ts';

export interface ProcessOptions extends RunOptions {
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  /**
   * Scheduling priority of the child (-20 … 19; 10 is Windows' "below normal"), set right after it starts. For local
   * work that stands in for a remote server's (the sandbox's simulated commands): it must not starve certwalk itself.
   */
  readonly priority?: number;
  /**
   * The Windows code page the program writes its output in (`code-page.ts`): 850, 936, 949, … for a console program
   * on a localized node. Default 65001, UTF-8.
   */
  readonly codePage?: number;
}

export async function runProcess(file: string, args: readonly string[], options: ProcessOptions = {}): Promise<RunResult> {
  const {execa} = await import('execa');
  // Before the child starts: an unknown code page fails here, not after the program ran.
  const [stdoutDecoder, stderrDecoder] = [await outputDecoder(options.codePage), await outputDecoder(options.codePage)];
  const started = performance.now();
  const child = execa(file, [...args], {
    reject: false,
    shell: false,
    windowsHide: true,
    stripFinalNewline: false,
    cancelSignal: options.signal,
    forceKillAfterDelay: 2000,
    // certwalk's environment without its secret variables (secret-env.ts), then the caller's additions.
    env: childEnv(process.env, options.env),
    extendEnv: false,
    cwd: options.cwd,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    buffer: false,
  });
  if (options.priority !== undefined && child.pid !== undefined) {
    try {
      setPriority(child.pid, options.priority);
    } catch {
      // Gone already, or not allowed: it runs at certwalk's own priority.
    }
  }
  const whole = options.keepWholeOutput ?? false;
  const [stdout, stderr, result] = await Promise.all([
    collect(child.stdout, stdoutDecoder, 'stdout', options.onLine, whole),
    collect(child.stderr, stderrDecoder, 'stderr', options.onLine, whole),
    child,
  ]);
  const exitCode = result.exitCode ?? (result.isCanceled ? 130 : -1);
  const spawnError = result.failed && result.exitCode === undefined && !result.isCanceled ? `${result.shortMessage}\n` : '';
  const dropped = stdout.dropped + stderr.dropped;
  return {exitCode, stdout: stdout.text, stderr: stderr.text + spawnError, durationMs: Math.round(performance.now() - started), ...(dropped ? {droppedChars: dropped} : {})};
}

/**
 * What a child process gets: `base` (certwalk's own environment) less the variables that carry secrets, whatever
 * their case, plus `extra`. A child needs PATH, SystemRoot and the like; it never needs certwalk's passwords, which
 * reach a tool on its standard input when it needs one.
 */
export function childEnv(base: NodeJS.ProcessEnv, extra: Readonly<Record<string, string | undefined>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({...base, ...extra})) {
    if (value !== undefined && !isSecretEnvVar(name)) env[name] = value;
  }
  return env;
}

/** One output stream (decoded across chunk boundaries), each line handed to `onLine` as it arrives. */
function collect(stream: Readable | null, decoder: OutputDecoder, name: 'stdout' | 'stderr', onLine: RunOptions['onLine'], whole: boolean): Promise<KeptOutput> {
  if (!stream) return Promise.resolve({text: '', dropped: 0});
  const kept = whole ? new OutputKeeper(Infinity, 0) : new OutputKeeper();
  // The unfinished last line, waiting for its newline.
  let pending = '';
  const take = (text: string) => {
    if (!text) return;
    kept.add(text);
    if (!onLine) return;
    const cut = text.lastIndexOf('\n');
    if (cut < 0) {
      pending += text;
      return;
    }
    const lines = (pending + text.slice(0, cut)).split('\n');
    pending = text.slice(cut + 1);
    for (const line of lines) onLine(line.endsWith('\r') ? line.slice(0, -1) : line, name);
  };
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      take(decoder.end());
      if (onLine && pending) onLine(pending.endsWith('\r') ? pending.slice(0, -1) : pending, name);
      resolve(kept.result());
    };
    stream.on('data', (chunk: Buffer | string) => take(typeof chunk === 'string' ? chunk : decoder.write(chunk)));
    stream.on('end', finish);
    stream.on('close', finish);
    // A stream that fails (the process killed) ends with what it had; execa reports the exit.
    stream.on('error', finish);
  });
}
