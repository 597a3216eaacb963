// One certwalk at a time per node. The lock is a file on the node itself (C:\ProgramData\certwalk\node.lock), so two
// admins on two jump hosts see each other too; it names its holder so a refusal can say who, since when, and how to
// break it when that holder is gone.
import {randomBytes} from 'node:crypto';
import {hostname, userInfo} from 'node:os';
import type {Fleet, Host} from '../hosts/host.ts';

export const NODE_LOCK_PATH = 'C:\\ProgramData\\certwalk\\node.lock';
const LOCK_CONCURRENCY = 16;

export interface LockHolder {
  readonly token: string;
  readonly pid: number;
  readonly user: string;
  readonly machine: string;
  readonly startedAt: string;
  readonly procedure: string;
  readonly session: string;
}

export class NodeLockedError extends Error {
  constructor(
    readonly node: string,
    readonly holder: LockHolder,
    readonly stale: boolean,
  ) {
    const who = `${holder.procedure} (session ${holder.session}), process ${holder.pid} of ${holder.user} on ${holder.machine}, since ${holder.startedAt}`;
    super(
      stale
        ? `${node} is locked by a certwalk that stopped without finishing: ${who}. Resume or roll back that session first (certwalk resume lists it); ` +
            `if you have checked the node by hand, break the lock with: certwalk unlock ${node} --yes`
        : `${node} is being changed by another certwalk: ${who}. Wait for it to finish; if that certwalk is gone, break the lock with: certwalk unlock ${node} --yes`,
    );
  }
}

export function lockHolder(procedure: string, session: string): LockHolder {
  let user = process.env.USERNAME ?? process.env.USER ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry: keep the environment's name
  }
  return {token: randomBytes(8).toString('hex'), pid: process.pid, user, machine: hostname(), startedAt: new Date().toISOString(), procedure, session};
}

export async function readLock(host: Host): Promise<LockHolder | null> {
  if (!(await host.fileExists(NODE_LOCK_PATH))) return null;
  try {
    return JSON.parse((await host.readFile(NODE_LOCK_PATH)).toString('utf8')) as LockHolder;
  } catch {
    return null;
  }
}

/** A holder on this machine whose process has ended: certwalk was killed or the window closed. */
export function isStale(holder: LockHolder): boolean {
  if (holder.machine !== hostname()) return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export interface HeldLocks {
  release(): Promise<void>;
}

/**
 * Takes the lock of every node, or none. A node locked by another session is refused with its holder named, even
 * when that holder's process is gone: its session stopped half-way and must be resumed or rolled back first, or the
 * lock broken on purpose. A session continued from its journal (resume, rollback) takes back its own locks.
 */
export async function lockNodes(fleet: Fleet, nodes: readonly string[], holder: LockHolder): Promise<HeldLocks> {
  const taken: Host[] = [];
  const release = async () => {
    for (const host of taken.splice(0)) {
      const current = await readLock(host).catch(() => null);
      if (current?.token === holder.token) await host.removeFile(NODE_LOCK_PATH).catch(() => undefined);
    }
  };
  const lockOne = async (node: string) => {
    const host = await fleet.host(node);
    const current = await readLock(host);
    if (current && current.session !== holder.session) throw new NodeLockedError(node, current, isStale(current));
    await host.writeFile(NODE_LOCK_PATH, Buffer.from(`${JSON.stringify(holder, null, 2)}\n`, 'utf8'));
    taken.push(host);
    // Two certwalks racing for the same node: whoever's token is read back holds it.
    const check = await readLock(host);
    if (check?.token !== holder.token) throw new NodeLockedError(node, check ?? holder, false);
  };
  try {
    // A few at a time: on real nodes each is a remoting call, and two hundred workers one by one take minutes.
    const queue = [...new Set(nodes)];
    // Every worker settles before a refusal releases what was taken, so no lock is written after the release.
    let refusal: unknown;
    await Promise.allSettled(
      Array.from({length: Math.min(LOCK_CONCURRENCY, queue.length)}, async () => {
        for (let node = queue.shift(); node !== undefined && refusal === undefined; node = queue.shift()) {
          await lockOne(node).catch((error: unknown) => {
            refusal ??= error;
          });
        }
      }),
    );
    if (refusal !== undefined) throw refusal;
  } catch (error) {
    await release();
    throw error;
  }
  return {release};
}

/**
 * Every node of the fleet another certwalk holds, as the refusal a lock attempt would give: said next to refused
 * parameters, because a session stopped half-way (a binding deleted, not yet re-added) is often why they were refused.
 */
export async function heldLocks(fleet: Fleet): Promise<NodeLockedError[]> {
  const queue = (await fleet.nodes()).map((n) => n.name);
  const held: NodeLockedError[] = [];
  await Promise.all(
    Array.from({length: Math.min(LOCK_CONCURRENCY, queue.length)}, async () => {
      for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
        const holder = await readLock(await fleet.host(node)).catch(() => null);
        if (holder) held.push(new NodeLockedError(node, holder, isStale(holder)));
      }
    }),
  );
  return held.sort((a, b) => a.node.localeCompare(b.node));
}

/** `certwalk unlock NODE`: the lock's holder, and removing it. */
export async function breakLock(fleet: Fleet, node: string): Promise<LockHolder | null> {
  const host = await fleet.host(node);
  const current = await readLock(host);
  if (current) await host.removeFile(NODE_LOCK_PATH);
  return current;
}
