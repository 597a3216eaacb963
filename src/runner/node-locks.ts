// One certwalk at a time per node. The lock is a file on the node itself (C:\ProgramData\certwalk\node.lock), so two
// admins on two jump hosts see each other too; it names its holder so a refusal can say who, since when, and how to
// break it when that holder is gone.
import {randomBytes} from 'node:crypto';
import {hostname, userInfo} from 'node:os';
import {setTimeout as delay} from 'node:timers/promises';
import type {Fleet, Host} from '../hosts/host.ts';

export const NODE_LOCK_PATH = 'C:\\ProgramData\\certwalk\\node.lock';
const LOCK_CONCURRENCY = 16;
/** How long a lock file that names no holder is taken for one being written right now, before it is refused. */
const UNREADABLE_WAIT_MS = 5_000;

export interface LockHolder {
  readonly token: string;
  readonly pid: number;
  readonly user: string;
  readonly machine: string;
  readonly startedAt: string;
  readonly procedure: string;
  readonly session: string;
  /** The session's journal on `machine`: what resume and rollback of a stopped session need (older locks lack it). */
  readonly journal?: string;
}

export class NodeLockedError extends Error {
  constructor(
    readonly node: string,
    readonly holder: LockHolder,
    readonly stale: boolean,
  ) {
    const who = `${holder.procedure} (session ${holder.session}), process ${holder.pid} of ${holder.user} on ${holder.machine}, since ${holder.startedAt}`;
    const waysBack = holder.journal
      ? `Its journal is ${holder.journal}: continue it with certwalk resume ${holder.journal}, or undo it with certwalk rollback --journal ${holder.journal} --yes (on ${holder.machine}); `
      : 'Resume or roll back that session first (certwalk resume lists it); ';
    super(
      stale
        ? `${node} is locked by a certwalk that stopped without finishing: ${who}. ${waysBack}` +
            `if you have checked the node by hand, break the lock with: certwalk unlock ${node} --yes`
        : `${node} is being changed by another certwalk: ${who}. Wait for it to finish; if that certwalk is gone, break the lock with: certwalk unlock ${node} --yes`,
    );
  }
}

export function lockHolder(procedure: string, session: string, journal?: string): LockHolder {
  let user = process.env.USERNAME ?? process.env.USER ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry: keep the environment's name
  }
  return {
    token: randomBytes(8).toString('hex'),
    pid: process.pid,
    user,
    machine: hostname(),
    startedAt: new Date().toISOString(),
    procedure,
    session,
    ...(journal === undefined ? {} : {journal}),
  };
}

type LockFile = {readonly kind: 'free'} | {readonly kind: 'held'; readonly holder: LockHolder; readonly raw: Buffer} | {readonly kind: 'unreadable'; readonly reason: string};

async function readLockFile(host: Host): Promise<LockFile> {
  let raw: Buffer;
  try {
    raw = await host.readFile(NODE_LOCK_PATH);
  } catch (error) {
    // A remote host's errors carry no code: ask whether the file is there at all.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || !(await host.fileExists(NODE_LOCK_PATH))) return {kind: 'free'};
    return {kind: 'unreadable', reason: (error as Error).message};
  }
  try {
    const holder = JSON.parse(raw.toString('utf8')) as LockHolder;
    if (typeof holder?.token === 'string' && typeof holder.session === 'string') return {kind: 'held', holder, raw};
    return {kind: 'unreadable', reason: 'it is not a certwalk lock record'};
  } catch {
    return {kind: 'unreadable', reason: raw.length ? 'it is not JSON' : 'it is empty'};
  }
}

/**
 * The lock's holder, or null when the node is not locked. A lock file that names no holder (cut short by a crash in
 * the moment it was being written) is reported as held by an unknown certwalk, so `certwalk unlock` can break it.
 */
export async function readLock(host: Host): Promise<LockHolder | null> {
  const file = await readLockFile(host);
  if (file.kind === 'free') return null;
  if (file.kind === 'held') return file.holder;
  const unknown = `unknown (${NODE_LOCK_PATH} cannot be read: ${file.reason})`;
  return {token: '', pid: 0, user: 'unknown', machine: 'unknown', startedAt: 'unknown', procedure: unknown, session: 'unknown'};
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

/** A lock this call holds; `previous` is the session's own earlier record it replaced (resume, rollback). */
interface Taken {
  readonly host: Host;
  readonly previous: Buffer | null;
}

/**
 * Takes the lock of every node, or none. Each lock is an exclusive create of the lock file (two certwalks cannot both
 * create it). A node locked by another session is refused with its holder named, even when that holder's process is
 * gone: its session stopped half-way and must be resumed or rolled back first, or the lock broken on purpose. A
 * session continued from its journal (resume, rollback) takes back its own locks: replacing a record that names our
 * own session id races with nobody.
 */
export async function lockNodes(fleet: Fleet, nodes: readonly string[], holder: LockHolder): Promise<HeldLocks> {
  const record = Buffer.from(`${JSON.stringify(holder, null, 2)}\n`, 'utf8');
  const taken: Taken[] = [];
  const stillOurs = async (host: Host) => (await readLock(host).catch(() => null))?.token === holder.token;
  const release = async () => {
    for (const {host} of taken.splice(0)) {
      if (await stillOurs(host)) await host.removeFile(NODE_LOCK_PATH).catch(() => undefined);
    }
  };
  // Giving up half-way: a lock this call created goes; one it took over from its own session's earlier process gets
  // that record back, since the session is still unfinished on that node (a failed resume must not unlock it).
  const giveBack = async () => {
    for (const {host, previous} of taken.splice(0)) {
      if (!(await stillOurs(host))) continue;
      if (previous) await host.writeFile(NODE_LOCK_PATH, previous).catch(() => undefined);
      else await host.removeFile(NODE_LOCK_PATH).catch(() => undefined);
    }
  };
  const lockOne = async (node: string) => {
    const host = await fleet.host(node);
    const unreadableUntil = Date.now() + UNREADABLE_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      if (await host.createFileExclusive(NODE_LOCK_PATH, record)) {
        taken.push({host, previous: null});
        return;
      }
      const file = await readLockFile(host);
      if (file.kind === 'held') {
        if (file.holder.session !== holder.session) throw new NodeLockedError(node, file.holder, isStale(file.holder));
        try {
          await host.writeFile(NODE_LOCK_PATH, record);
        } catch (error) {
          // A write cut short (a remote one truncates first) must not leave the session's lock unreadable.
          await host.writeFile(NODE_LOCK_PATH, file.raw).catch(() => undefined);
          throw error;
        }
        taken.push({host, previous: file.raw});
        return;
      }
      // 'free': its holder released it between our create and our read; create again.
      if (file.kind === 'unreadable') {
        // Its creator is writing it right now (the create and the write are two steps), unless one crashed between.
        if (Date.now() > unreadableUntil) {
          throw new Error(`${NODE_LOCK_PATH} exists but names no holder (${file.reason}); if no certwalk is using ${node}, break it with: certwalk unlock ${node} --yes`);
        }
        await delay(Math.min(50, 2 + attempt * 2) * (0.5 + Math.random()));
      }
    }
  };
  // A few at a time: on real nodes each is a remoting call, and two hundred workers one by one take minutes.
  const queue = [...new Set(nodes)];
  // Every worker settles before a refusal gives back what was taken, so no lock is written after that.
  let refusal: unknown;
  await Promise.allSettled(
    Array.from({length: Math.min(LOCK_CONCURRENCY, queue.length)}, async () => {
      for (let node = queue.shift(); node !== undefined && refusal === undefined; node = queue.shift()) {
        await lockOne(node).catch((error: unknown) => {
          refusal ??= error instanceof NodeLockedError ? error : new Error(`could not lock ${node}: ${(error as Error).message}`, {cause: error});
        });
      }
    }),
  );
  if (refusal !== undefined) {
    await giveBack();
    throw refusal;
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
