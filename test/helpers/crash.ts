// Crash tests: run `certwalk run … --yes` through the real binary, SIGKILL it right after its Nth journal record
// (CERTWALK_CRASH_AFTER_RECORD), then resume or roll back from the journal, for every N. The simulated commands run
// inside certwalk's process (CERTWALK_SANDBOX_IN_PROCESS): a sweep runs the procedure hundreds of times, and a
// process per simulated command would make it take an hour. The journal, the runner and the recovery are the same.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {showSandbox} from '../../src/hosts/sandbox/show.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'certwalk.js');

export interface CrashWorld {
  readonly base: string;
  readonly dir: string;
  readonly home: string;
  readonly journal: string;
}

export function certwalk(world: CrashWorld, args: readonly string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: {...process.env, CERTWALK_HOME: world.home, NO_COLOR: '1', CERTWALK_SANDBOX_IN_PROCESS: '1', ...env},
    input: '',
  });
  return {code: result.status, signal: result.signal, out: `${result.stdout}${result.stderr}`, stdout: result.stdout};
}

/** A sandbox made once and copied for every crash point (making certificates is the slow part of init). */
export function template(workers: number): string {
  const base = mkdtempSync(join(tmpdir(), 'certwalk-crash-template-'));
  const world = {base, dir: join(base, 'sandbox'), home: join(base, 'home'), journal: ''};
  const init = certwalk(world, ['sandbox', 'init', world.dir, '--workers', String(workers)]);
  assert.equal(init.code, 0, init.out);
  return world.dir;
}

export function freshWorld(templateDir: string): CrashWorld {
  const base = mkdtempSync(join(tmpdir(), 'certwalk-crash-'));
  const world = {base, dir: join(base, 'sandbox'), home: join(base, 'home'), journal: join(base, 'home', 'run.jsonl')};
  cpSync(templateDir, world.dir, {recursive: true});
  mkdirSync(world.home, {recursive: true});
  return world;
}

/** The sandbox as `certwalk sandbox show --json` prints it (read here: a process per snapshot costs as much). */
export async function snapshot(world: CrashWorld): Promise<string> {
  return JSON.stringify(await showSandbox(world.dir), null, 2);
}

export function journalRecords(world: CrashWorld): number {
  return readFileSync(world.journal, 'utf8')
    .split('\n')
    .filter((l) => l.trim()).length;
}

/** Keeps the crashed world (sandbox, state directory, journal) so the second branch starts from the same crash. */
export function saveWorld(world: CrashWorld): string {
  const saved = `${world.base}-saved`;
  cpSync(world.base, saved, {recursive: true});
  return saved;
}

export function restoreWorld(world: CrashWorld, saved: string): void {
  rmSync(world.base, {recursive: true, force: true});
  cpSync(saved, world.base, {recursive: true});
}

/** PFX = SEQUENCE { INTEGER 3, … }: the DER header of a PKCS#12 file, whatever its name. */
function looksLikePfx(bytes: Buffer): boolean {
  if (bytes[0] !== 0x30) return false;
  const lengthBytes = bytes[1]! & 0x80 ? bytes[1]! & 0x7f : 0;
  const at = 2 + lengthBytes;
  return bytes[at] === 0x02 && bytes[at + 1] === 0x01 && bytes[at + 2] === 0x03;
}

/**
 * Files holding key material in any node's temp folders (a folder named Temp, any depth, any case): a .pfx/.p12, a
 * PKCS#12 under another name, or a PEM private key. Certificates on their way into a store hold no key: allowed.
 */
export function keyMaterialInTemp(dir: string): string[] {
  const found: string[] = [];
  const walk = (path: string, inTemp: boolean) => {
    for (const entry of readdirSync(path, {withFileTypes: true})) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full, inTemp || entry.name.toLowerCase() === 'temp');
      else if (inTemp) {
        const bytes = readFileSync(full);
        if (/\.(pfx|p12)$/i.test(entry.name) || looksLikePfx(bytes) || bytes.includes('PRIVATE KEY')) found.push(full.slice(dir.length + 1));
      }
    }
  };
  walk(join(dir, 'nodes'), false);
  return found;
}

export interface CrashPlan {
  readonly procedure: string;
  readonly workers: number;
  readonly params: readonly string[];
  /** Checks a sandbox snapshot (JSON text) after a resumed run completed: the rotation is whole and consistent. */
  readonly completed: (snapshotJson: string, before: string) => void;
}

/**
 * For every journal point N of a complete run: kill the run right after record N, then (a) resume: it completes and
 * the result is consistent, and a rollback after it restores the exact state from before; (b) from the same crash,
 * roll back: the exact state from before. At N = 1 (only the header) both are refused and change nothing. Returns how many points the full run has and how many were tried.
 */
export async function crashAtEveryPoint(plan: CrashPlan): Promise<{points: number; tried: number}> {
  const templateDir = template(plan.workers);
  // The template, the reference run and a failed point's worlds are removed too, whatever the outcome.
  const made: string[] = [dirname(templateDir)];
  try {
    return await sweep(plan, templateDir, made);
  } finally {
    for (const dir of made) rmSync(dir, {recursive: true, force: true});
  }
}

async function sweep(plan: CrashPlan, templateDir: string, made: string[]): Promise<{points: number; tried: number}> {
  const reference = freshWorld(templateDir);
  made.push(reference.base);
  const before = await snapshot(reference);
  const run = ['run', plan.procedure, '--sandbox', reference.dir, '--yes', '--journal', reference.journal, ...plan.params.flatMap((p) => ['--param', p])];
  const full = certwalk(reference, run);
  assert.equal(full.code, 0, full.out);
  const points = journalRecords(reference);
  let tried = 0;
  // The last record is the session's end: a crash after it is no crash.
  // Every point by default; CERTWALK_CRASH_STRIDE=7 tries every 7th for a quick look while changing this code.
  const stride = Number(process.env.CERTWALK_CRASH_STRIDE ?? 1);
  for (let n = 1; n < points; n += stride) {
    const world = freshWorld(templateDir);
    made.push(world.base, `${world.base}-saved`);
    const crashed = certwalk(world, ['run', plan.procedure, '--sandbox', world.dir, '--yes', '--journal', world.journal, ...plan.params.flatMap((p) => ['--param', p])], {
      CERTWALK_CRASH_AFTER_RECORD: String(n),
    });
    assert.equal(crashed.signal, 'SIGKILL', `point ${n}: the run was not killed:\n${crashed.out}`);
    assert.equal(journalRecords(world), n, `point ${n}: the journal holds ${journalRecords(world)} records`);
    if (n === 1) {
      // Killed with only the header on disk: the journal records no step, so certwalk cannot know what ran (a journal
      // cut back to its header looks the same); resume and rollback both refuse and change nothing.
      const crashedState = await snapshot(world);
      for (const args of [
        ['resume', world.journal, '--yes'],
        ['rollback', '--journal', world.journal, '--yes'],
      ]) {
        const refused = certwalk(world, [...args, '--sandbox', world.dir]);
        assert.equal(refused.code, 2, `point 1: ${args[0]} of a header-only journal was not refused:\n${refused.out}`);
        assert.match(refused.out, /it records no step/);
        assert.equal(await snapshot(world), crashedState, `point 1: the refused ${args[0]} changed the sandbox`);
      }
      rmSync(world.base, {recursive: true, force: true});
      tried++;
      continue;
    }
    const saved = saveWorld(world);

    const resumed = certwalk(world, ['resume', world.journal, '--yes', '--sandbox', world.dir]);
    assert.equal(resumed.code, 0, `point ${n}: resume did not complete:\n${resumed.out}`);
    plan.completed(await snapshot(world), before);
    assert.deepEqual(keyMaterialInTemp(world.dir), [], `point ${n}: key material left in a temp folder after the resume`);
    const undone = certwalk(world, ['rollback', '--journal', world.journal, '--yes', '--sandbox', world.dir]);
    assert.equal(undone.code, 0, `point ${n}: rollback after resume failed:\n${undone.out}`);
    assert.equal(await snapshot(world), before, `point ${n}: rollback after resume did not restore the state`);
    assert.deepEqual(keyMaterialInTemp(world.dir), [], `point ${n}: key material left in a temp folder after the rollback that followed the resume`);

    restoreWorld(world, saved);
    const rolled = certwalk(world, ['rollback', '--journal', world.journal, '--yes', '--sandbox', world.dir]);
    assert.equal(rolled.code, 0, `point ${n}: rollback from the crash failed:\n${rolled.out}`);
    assert.equal(await snapshot(world), before, `point ${n}: rollback from the crash did not restore the state`);
    assert.deepEqual(keyMaterialInTemp(world.dir), [], `point ${n}: key material left in a temp folder after the rollback from the crash`);
    rmSync(world.base, {recursive: true, force: true});
    rmSync(saved, {recursive: true, force: true});
    tried++;
  }
  return {points, tried};
}
