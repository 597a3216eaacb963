// A procedure's version as a journal records it: a short hash of the steps it builds, so that a journal whose steps
// no longer match what its procedure builds from the recorded parameters (another procedure's id edited in, or a
// certwalk whose procedure changed since) is refused before anything is locked. Titles are left out: they follow the
// language, and a session started in French may be rolled back in English.
import {createHash} from 'node:crypto';
import type {StepInfo} from '../state/types.ts';

export function procedureVersion(steps: readonly StepInfo[]): string {
  const shape = steps.map((s) => [s.id, s.kind, s.node, s.lane ?? null, s.destructive, s.skippable, s.undoLast, s.hasUndo]);
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
}
