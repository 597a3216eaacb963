// `certwalk run PROCEDURE --yes` through the real binary against bench/replay.mjs doing the same commands, each on a
// fresh copy of the same sandbox template; runs alternate which goes first.
import {readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {bin, certwalkEnv, delay, root, sandboxCopy, sandboxTool, tempDir, timedRun} from './env.ts';
import {countCommands, record, replayPlan} from './record.ts';
import {stats, type Stats} from './stats.ts';
import type {JournalRecord} from '../../src/runner/journal.ts';

export interface VersusResult {
  readonly certwalk: Stats;
  readonly replay: Stats;
  /** certwalk's time before its first step (process start, form, prepare with the certificates, node locks). */
  readonly certwalkBefore: Stats;
  readonly replayPrepare: Stats;
  readonly steps: number;
  readonly commands: {prepare: number; run: number};
  readonly notes: string[];
}

export async function versusReplay(options: {
  template: string;
  procedure: string;
  params: Record<string, string>;
  concurrency: number;
  runs: number;
  log: (line: string) => void;
}): Promise<VersusResult> {
  const {template, procedure, params, concurrency, runs, log} = options;
  const paramArgs = Object.entries(params).flatMap(([k, v]) => ['--param', `${k}=${v}`]);
  log(`  recording one run of ${procedure} (untimed, in this process)…`);
  const recordDir = sandboxCopy(template, 'record');
  const recording = await record({procedure, dir: recordDir, home: tempDir('record-home'), params, concurrency});
  rmSync(dirname(recordDir), {recursive: true, force: true});
  const commands = countCommands(recording);
  const plan = replayPlan(recording, concurrency, sandboxTool);
  const planFile = join(tempDir('replay-plan'), 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  log(`  ${recording.steps} steps; ${commands.prepare} commands before the first step (at most ${recording.prepareConcurrency} at once), ${commands.run} in the steps`);

  const ours: number[] = [];
  const before: number[] = [];
  const theirs: number[] = [];
  const theirPrepare: number[] = [];
  const notes: string[] = [];
  const runCertwalk = async (i: number) => {
    const dir = sandboxCopy(template, 'run');
    const home = tempDir('run-home');
    const args = [bin, 'run', procedure, '--yes', '--sandbox', dir, '--concurrency', String(concurrency), ...paramArgs];
    const r = await timedRun(process.execPath, args, {env: certwalkEnv(home), cwd: root});
    if (r.code !== 0 || !/^completed: /m.test(r.stdout)) throw new Error(`certwalk run failed (exit ${r.code}):\n${(r.stdout + r.stderr).slice(-3000)}`);
    const journalDir = join(home, 'journals');
    const [journal] = readdirSync(journalDir);
    const records = readFileSync(join(journalDir, journal!), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as JournalRecord);
    const spawnedAt = Date.now() - r.ms;
    const firstStep = records[0]!.at - spawnedAt;
    ours.push(r.ms);
    before.push(firstStep);
    log(`  run ${i + 1}/${runs} certwalk run --yes  ${(r.ms / 1000).toFixed(2)} s (first step at ${(firstStep / 1000).toFixed(2)} s)`);
    rmSync(dirname(dir), {recursive: true, force: true});
    rmSync(home, {recursive: true, force: true});
  };
  const runReplay = async (i: number) => {
    const dir = sandboxCopy(template, 'replay');
    const r = await timedRun(process.execPath, [join(root, 'bench', 'replay.mjs'), planFile, dir]);
    if (r.code !== 0) throw new Error(`replay failed (exit ${r.code}): ${r.stderr}`);
    const out = JSON.parse(r.stdout) as {commands: number; phaseMs: number[]; mismatches: number; first: string[]};
    if (out.mismatches) notes.push(`replay run ${i + 1}: ${out.mismatches} command(s) exited differently than recorded, e.g. ${out.first[0]}`);
    theirs.push(r.ms);
    theirPrepare.push(out.phaseMs[0] ?? 0);
    log(
      `  run ${i + 1}/${runs} plain replay       ${(r.ms / 1000).toFixed(2)} s (${out.commands} commands, prepare's ${(out.phaseMs[0]! / 1000).toFixed(2)} s, ${out.mismatches} mismatches)`,
    );
    rmSync(dirname(dir), {recursive: true, force: true});
  };
  for (let i = 0; i < runs; i++) {
    if (i % 2) {
      await runReplay(i);
      await runCertwalk(i);
    } else {
      await runCertwalk(i);
      await runReplay(i);
    }
    await delay(200);
  }
  return {certwalk: stats(ours), replay: stats(theirs), certwalkBefore: stats(before), replayPrepare: stats(theirPrepare), steps: recording.steps, commands, notes};
}
