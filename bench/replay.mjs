// The plain script a certwalk run is timed against: the same simulated commands (exact argv) and the same file
// writes, on a fresh copy of the same sandbox, with nothing else. Usage: node bench/replay.mjs PLAN.json SANDBOX_DIR
// (PLAN from bench/lib/record.ts: phases in order; in each, sequences run N at a time, each sequence in order).
// Prints {"commands": N, "phaseMs": [...], "mismatches": M} where a mismatch is an exit code other than the recorded one.
import {spawn} from 'node:child_process';
import {setPriority} from 'node:os';
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';

const [planFile, dir] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planFile, 'utf8'));
let commands = 0;
const mismatches = [];

function run(op) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [plan.tool, ...op.run], {
      env: {...process.env, CERTWALK_SANDBOX_DIR: dir, CERTWALK_SANDBOX_NODE: op.node},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // At the priority certwalk gives a simulated command (plan.priority), right after it starts, as certwalk does.
    try {
      setPriority(child.pid, plan.priority);
    } catch {
      // gone already
    }
    // Read the output as certwalk does (it parses every command's output), then drop it.
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (s) => (output += s));
    child.stderr.setEncoding('utf8').on('data', (s) => (output += s));
    child.on('error', reject);
    child.on('close', (code) => {
      commands++;
      if (code !== op.exit) mismatches.push(`[${op.node}] ${op.run.join(' ')}: exit ${code}, recorded ${op.exit}: ${output.slice(0, 200)}`);
      resolve();
    });
  });
}

async function sequence(ops) {
  for (const op of ops) {
    if (op.run) await run(op);
    else if (op.write !== undefined) {
      mkdirSync(dirname(join(dir, op.write)), {recursive: true});
      writeFileSync(join(dir, op.write), Buffer.from(op.data, 'base64'));
    } else if (op.remove !== undefined) rmSync(join(dir, op.remove), {force: true});
  }
}

const phaseMs = [];
for (const phase of plan.phases) {
  const started = performance.now();
  const queue = [...phase.sequences];
  await Promise.all(
    Array.from({length: Math.min(phase.concurrency, queue.length)}, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await sequence(next);
    }),
  );
  phaseMs.push(Math.round(performance.now() - started));
}
console.log(JSON.stringify({commands, phaseMs, mismatches: mismatches.length, first: mismatches.slice(0, 3)}));
