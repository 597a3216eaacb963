// What a journal must show before certwalk acts on it (rollback, resume, the Recovery screen), checked before any
// node lock is taken or any command runs: readJournal has checked its format version and hash chain; here, that it was
// written for the procedure its header names (that procedure builds the same steps from the recorded parameters), on
// the fleet given, and that it records at least one event. Each refusal says what is wrong and where (JournalRefused).
import type {Fleet} from '../hosts/host.ts';
import {findProcedure} from '../procedures/index.ts';
import {stepInfo} from '../procedures/types.ts';
import type {StepInfo} from '../state/types.ts';
import {JournalRefused, type ReadJournal} from './journal.ts';
import {procedureVersion} from './procedure-version.ts';

export async function trustJournal(path: string, read: ReadJournal, fleet: Fleet): Promise<void> {
  checkProcedure(path, read);
  const {header} = read;
  const given = await fleet.identity();
  if (header.fleet.id !== given) {
    throw new JournalRefused(
      path,
      1,
      `it belongs to another fleet: it was written on fleet ${header.fleet.id} (${header.fleet.kind} ${header.fleet.location}), and the fleet given is ${given} (${fleet.description})`,
    );
  }
  if (!read.events.length) {
    const nodes = [...new Set(header.steps.map((s) => s.node))];
    throw new JournalRefused(
      path,
      null,
      `it records no step, only the session's header: certwalk cannot know what ran on ${nodes.join(', ') || 'the nodes'}, so it will neither resume nor roll back. ` +
        `Check the nodes (transcript ${header.transcript}); if the session's locks remain, break them with certwalk unlock NODE --yes once checked`,
    );
  }
}

/**
 * The procedure the header names must exist and build, from the recorded parameters, the steps the header recorded
 * (compared as procedureVersion): another procedure's id edited in would otherwise rebuild steps from parameters
 * that do not fit them, and fail half-way through a rollback.
 */
export function checkProcedure(path: string, read: ReadJournal): void {
  const {header} = read;
  let rebuilt: StepInfo[];
  try {
    rebuilt = findProcedure(header.procedure).steps(header.resolved, {}).map(stepInfo);
  } catch (error) {
    throw new JournalRefused(
      path,
      1,
      `it was not written for ${header.procedure}, which its header names: that procedure cannot be built from the recorded parameters (${(error as Error).message})`,
    );
  }
  const version = procedureVersion(rebuilt);
  if (header.procedureVersion !== version || procedureVersion(header.steps) !== version) {
    throw new JournalRefused(
      path,
      1,
      `it was not written for the procedure its header names: the header says ${header.procedure} version ${String(header.procedureVersion)} with steps of version ${procedureVersion(header.steps)}, and ${header.procedure} builds version ${version} from the recorded parameters`,
    );
  }
}
