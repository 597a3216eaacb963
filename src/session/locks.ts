// The node locks a session holds: every node its steps touch, under the session's id.
import {resolve} from 'node:path';
import type {Fleet} from '../hosts/host.ts';
import {lockHolder, lockNodes, type HeldLocks} from '../runner/node-locks.ts';

/**
 * The journal is recorded absolute: the refusal another certwalk prints must work from any folder, and it says how
 * to continue this session.
 */
export function lockSession(fleet: Fleet, procedure: string, sessionId: string, journal: string, nodes: readonly string[]): Promise<HeldLocks> {
  return lockNodes(fleet, nodes, lockHolder(procedure, sessionId, resolve(journal)));
}
