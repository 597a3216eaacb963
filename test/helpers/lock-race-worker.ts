// One side of the node-lock race (test/runner/node-locks-race.test.ts): a certwalk-like process that locks nodes of a
// sandbox when told to, in its own process like a second admin's certwalk. Driven by lines on stdin so that both
// sides start each trial within microseconds of each other (a start signal, not a timer):
//   lock N     → lockNodes(NODES), answers `N held` or `N refused` (`N error MESSAGE` for anything else)
//   release N  → releases what trial N took, answers `N released`
// It first prints `ready TOKEN` (the token its lock records carry).
// Usage: node --import tsx lock-race-worker.ts SANDBOX_DIR SESSION NODE…
import {createInterface} from 'node:readline';
import {SandboxFleet} from '../../src/hosts/sandbox/index.ts';
import {lockHolder, lockNodes, NodeLockedError, type HeldLocks} from '../../src/runner/node-locks.ts';

const [dir, session, ...nodes] = process.argv.slice(2);
if (!dir || !session || !nodes.length) throw new Error('usage: lock-race-worker.ts SANDBOX_DIR SESSION NODE…');
const fleet = new SandboxFleet(dir);
const holder = lockHolder('race', session);
let held: HeldLocks | null = null;

process.stdout.write(`ready ${holder.token}\n`);
for await (const line of createInterface({input: process.stdin})) {
  const [verb, trial] = line.split(' ');
  if (verb === 'lock') {
    try {
      held = await lockNodes(fleet, nodes, holder);
      process.stdout.write(`${trial} held\n`);
    } catch (error) {
      process.stdout.write(error instanceof NodeLockedError ? `${trial} refused\n` : `${trial} error ${(error as Error).message.replace(/\s+/g, ' ')}\n`);
    }
  } else if (verb === 'release') {
    await held?.release();
    held = null;
    process.stdout.write(`${trial} released\n`);
  }
}
