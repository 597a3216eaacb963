// A procedure's version as a journal records it: a short hash of the steps it builds (their ids and nodes), so that a
// journal whose steps no longer match what its procedure builds from the recorded parameters (another procedure's id
// edited in, or a certwalk whose procedure changed since) is refused before anything is locked. Only ids and nodes:
// a rollback rebuilds the steps without the session's secrets, and a step's kind and title may follow them (the new
// certificate added with or without its private key) or the language; ids and nodes are what replaying the events
// and taking the locks rely on.
import {createHash} from 'node:crypto';
import type {StepInfo} from '../state/types.ts';

export function procedureVersion(steps: readonly StepInfo[]): string {
  const shape = steps.map((s) => [s.id, s.node]);
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
}
