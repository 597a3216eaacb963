// Paths, temporary folders and small process helpers shared by the figures.
import {spawn} from 'node:child_process';
import {cpSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const bin = join(root, 'bin', 'certwalk.js');
export const sandboxTool = join(root, 'dist', 'sandbox-tool.js');

const temps: string[] = [];

/** A temporary folder removed when the bench ends (unless BENCH_KEEP=1). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `certwalk-bench-${prefix}-`));
  temps.push(dir);
  return dir;
}

export function cleanUp(): void {
  if (process.env.BENCH_KEEP === '1') {
    if (temps.length) console.log(`(kept ${temps.join(' ')})`);
    return;
  }
  for (const dir of temps.splice(0)) rmSync(dir, {recursive: true, force: true});
}

/** The environment a certwalk process gets here: its own state directory, no CI variables, no debug output. */
export function certwalkEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {...process.env, CERTWALK_HOME: home, ...extra};
  for (const name of [
    'CI',
    'CONTINUOUS_INTEGRATION',
    'CERTWALK_SANDBOX_IN_PROCESS',
    'CERTWALK_SANDBOX_FAULT',
    'CERTWALK_SANDBOX_TOOL',
    'CERTWALK_CRASH_AFTER_RECORD',
    'CERTWALK_DEBUG',
  ])
    delete env[name];
  return env;
}

export interface Timed {
  readonly ms: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a process to its end; `ms` is the wall time from spawn to exit. */
export function timedRun(file: string, args: readonly string[], options: {env?: NodeJS.ProcessEnv; cwd?: string} = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, args, {cwd: options.cwd ?? root, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe']});
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ms: performance.now() - started, code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8')});
    });
  });
}

/** `certwalk sandbox init DIR --workers N` through the real binary: the template each run copies. */
export async function sandboxTemplate(workers: number): Promise<string> {
  const dir = join(tempDir(`template-${workers}`), 'sandbox');
  const r = await timedRun(process.execPath, [bin, 'sandbox', 'init', dir, '--workers', String(workers)], {env: certwalkEnv(tempDir('init-home'))});
  if (r.code !== 0) throw new Error(`sandbox init failed: ${r.stderr}${r.stdout}`);
  return dir;
}

/** A fresh copy of a template sandbox. */
export function sandboxCopy(template: string, prefix: string): string {
  const dir = join(tempDir(prefix), 'sandbox');
  cpSync(template, dir, {recursive: true});
  return dir;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
