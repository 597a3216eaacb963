// A lock file created with O_EXCL ('wx'): portable, needs no daemon, and works between unrelated processes (each
// simulated command is its own process). A holder that crashed leaves the file behind, so an old lock is broken after
// STALE_MS; no sandbox operation holds a lock for more than a few milliseconds.
import {randomBytes} from 'node:crypto';
import {open, readFile, rm, stat} from 'node:fs/promises';

const STALE_MS = 10_000;
const GIVE_UP_MS = 60_000;

export async function withLock<T>(lockPath: string, work: () => Promise<T>): Promise<T> {
  const token = `${process.pid} ${randomBytes(6).toString('hex')}`;
  await acquire(lockPath, token);
  try {
    return await work();
  } finally {
    await release(lockPath, token);
  }
}

async function acquire(lockPath: string, token: string): Promise<void> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(token);
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    await breakIfStale(lockPath);
    if (Date.now() - started > GIVE_UP_MS) {
      throw new Error(`could not lock ${lockPath} within ${GIVE_UP_MS / 1000} s; delete the file if no certwalk is running`);
    }
    // Randomised back-off so that twenty waiting processes do not retry in lockstep.
    await sleep(Math.min(50, 2 + attempt * 2) * (0.5 + Math.random()));
  }
}

async function breakIfStale(lockPath: string): Promise<void> {
  try {
    const {mtimeMs} = await stat(lockPath);
    if (Date.now() - mtimeMs < STALE_MS) return;
    // Two waiters may both judge the lock stale; the second rm then finds nothing (force) or removes a lock the first
    // just took. A holder of 10 s is already a crash, so that narrow race is accepted rather than built around.
    await rm(lockPath, {force: true});
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

async function release(lockPath: string, token: string): Promise<void> {
  // Remove only our own lock: if ours was broken as stale, the file now belongs to someone else.
  const current = await readFile(lockPath, 'utf8').catch(() => undefined);
  if (current === token) await rm(lockPath, {force: true});
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
