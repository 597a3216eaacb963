// Two certwalks started together on the same nodes: two separate processes, told to lock in the same instant, 200
// times. One may hold the nodes, never both, and the lock files always name the one that holds them (all or none).
// A lock taken by read, write and read back let both hold `master` in about half of such trials.
import assert from 'node:assert/strict';
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {once} from 'node:events';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';
import {test} from 'node:test';
import {SandboxFleet} from '../../src/hosts/sandbox/index.ts';
import {readLock} from '../../src/runner/node-locks.ts';
import {bareSandbox} from '../helpers/bare-sandbox.ts';

const TRIALS = 200;
const NODES = ['master', 'worker1'];
const root = fileURLToPath(new URL('../..', import.meta.url));
const worker = fileURLToPath(new URL('../helpers/lock-race-worker.ts', import.meta.url));

/** A worker process and its answers, one line at a time. */
function startWorker(dir: string, session: string) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', worker, dir, session, ...NODES], {cwd: root, stdio: 'pipe'});
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const lines = createInterface({input: child.stdout})[Symbol.asyncIterator]();
  return {
    child,
    send: (line: string) => child.stdin.write(`${line}\n`),
    next: async () => {
      const {value, done} = await lines.next();
      if (done) throw new Error(`the lock worker ${session} ended: ${stderr}`);
      return value as string;
    },
  };
}

test(`two processes locking the same nodes at once: never both hold them, over ${TRIALS} trials`, async () => {
  const base = mkdtempSync(join(tmpdir(), 'certwalk-lock-race-'));
  const workers: ReturnType<typeof startWorker>[] = [];
  try {
    const dir = join(base, 'sandbox');
    await bareSandbox(dir, NODES);
    const fleet = new SandboxFleet(dir);
    const hosts = await Promise.all(NODES.map((node) => fleet.host(node)));
    workers.push(startWorker(dir, 'session-A'), startWorker(dir, 'session-B'));
    const tokens = await Promise.all(workers.map(async (w) => (await w.next()).replace(/^ready /, '')));

    const bothHeld: number[] = [];
    let oneHeld = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      for (const w of workers) w.send(`lock ${trial}`);
      const answers = await Promise.all(workers.map((w) => w.next()));
      for (const answer of answers) assert.match(answer, new RegExp(`^${trial} (held|refused)$`), `trial ${trial}`);
      const holders = tokens.filter((_, i) => answers[i] === `${trial} held`);
      if (holders.length > 1) bothHeld.push(trial);
      if (holders.length === 1) {
        oneHeld++;
        // All or none: the one that holds has every node, the other left none of its own behind.
        for (const host of hosts) assert.equal((await readLock(host))?.token, holders[0], `trial ${trial}: ${host.node.name}`);
      }
      for (const w of workers) w.send(`release ${trial}`);
      for (const w of workers) assert.equal(await w.next(), `${trial} released`);
      for (const host of hosts) assert.equal(await readLock(host), null, `trial ${trial}: ${host.node.name} still locked after both released`);
    }
    assert.deepEqual(bothHeld, [], `both processes held the nodes in ${bothHeld.length} of ${TRIALS} trials`);
    // Locking both nodes at once, each may take one and both give up; that every trial ended so would be a lock that never locks.
    assert.ok(oneHeld > 0, 'no trial locked the nodes at all');
  } finally {
    for (const w of workers) {
      w.child.stdin.end();
      if (w.child.exitCode === null) await once(w.child, 'exit');
    }
    rmSync(base, {recursive: true, force: true});
  }
});
