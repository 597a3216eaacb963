// Runs a procedure on a FakeFleet through the real ProcedureRunner (reducer, journal, transcript), as
// test/helpers/procedure.ts does on the sandbox: the fast layer checks a procedure's steps without a process per command.
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {findProcedure} from '../../src/procedures/index.ts';
import type {Prepared} from '../../src/procedures/types.ts';
import {ProcedureRunner} from '../../src/runner/runner.ts';
import type {ProcedureEvent, ProcedurePhase} from '../../src/state/types.ts';
import type {FakeFleet} from './fake-fleet.ts';
import {tempDir} from './temp.ts';
import {prepareContext} from '../../src/runner/step-files.ts';

// The runner seals a session's secrets and a deleted certificate's PFX under the state directory, and an undo reads
// the journals there for later sessions on its node: this file's runs get their own, not the user's (CERTWALK_HOME
// decides before any platform default, src/runner/paths.ts).
process.env.CERTWALK_HOME = tempDir('certwalk-fast-home-');

/** Runs the procedure's prepare on the fleet; a refusal fails the test with its errors. */
export async function prepareOn(fleet: FakeFleet, procedure: string, params: Readonly<Record<string, string>>): Promise<Prepared> {
  const result = await findProcedure(procedure).prepare(fleet, params, prepareContext());
  assert.ok(result.ok, `prepare refused: ${JSON.stringify(result.ok ? null : result.errors)}; unanswered: ${fleet.unanswered.join(' | ')}`);
  return result.value;
}

/** Every confirmation is given up front unless `autoConfirmAll: false` (a test then answers each prompt). */
export function runnerOn(
  fleet: FakeFleet,
  procedure: string,
  params: Readonly<Record<string, string>>,
  prepared: Prepared,
  options: {autoConfirmAll?: boolean; clock?: () => number} = {},
): ProcedureRunner {
  // The journals of every run of a file share a state folder: an undo looks there for later sessions on its node.
  const home = tempDir('certwalk-fast-');
  const id = `${procedure}-${Math.random().toString(36).slice(2, 8)}`;
  return new ProcedureRunner({
    definition: findProcedure(procedure),
    prepared,
    params,
    fleet,
    fleetId: 'fake-fleet',
    journalPath: join(home, 'journals', `${id}.jsonl`),
    transcriptPath: join(home, 'transcripts', `${id}.log`),
    sessionId: id,
    autoConfirmAll: options.autoConfirmAll ?? true,
    // A step that waits by the clock (a cluster's provisioning) sees time pass as the test decides.
    ...(options.clock ? {clock: options.clock} : {}),
  });
}

type WithoutTime<E> = E extends unknown ? Omit<E, 'at'> : never;

/** Dispatches an event and waits until nothing is in flight. */
export async function send(r: ProcedureRunner, event: WithoutTime<ProcedureEvent>): Promise<void> {
  r.dispatch({...event, at: r.now()} as ProcedureEvent);
  await r.idle();
}

/** The phase the procedure reached; on a mismatch the message shows every step's status and the unanswered commands. */
export function assertPhase(r: ProcedureRunner, fleet: FakeFleet, phase: ProcedurePhase): void {
  const steps = r.snapshot.state.steps.map((s) => `${s.info.id}: ${s.status.kind}${'error' in s.status ? ` (${s.status.error})` : ''}`);
  assert.equal(r.snapshot.state.phase, phase, `${steps.join('\n')}\nunanswered: ${fleet.unanswered.join('\n') || 'none'}`);
}

export function statusOf(r: ProcedureRunner, stepId: string) {
  const step = r.snapshot.state.steps.find((s) => s.info.id === stepId);
  assert.ok(step, `no step ${stepId}`);
  return step.status;
}

/** The order in which steps started their undo: subscribe before the rollback. */
export function undoOrder(r: ProcedureRunner): string[] {
  const order: string[] = [];
  r.subscribe(() => {
    for (const step of r.snapshot.state.steps) if (step.status.kind === 'undoing' && !order.includes(step.info.id)) order.push(step.info.id);
  });
  return order;
}

/** Commands as `node: program args…` lines against the expected list, where a RegExp stands for one long line. */
export function assertCommands(actual: readonly string[], expected: readonly (string | RegExp)[]): void {
  const shown = `\nactual:\n  ${actual.join('\n  ')}`;
  assert.equal(actual.length, expected.length, `${actual.length} commands, expected ${expected.length}${shown}`);
  expected.forEach((want, i) => {
    const ok = typeof want === 'string' ? actual[i] === want : want.test(actual[i]!);
    assert.ok(ok, `command ${i + 1}: expected ${String(want)}${shown}`);
  });
}

/**
 * A run stopped at `step`: failed in `phase` with a message matching `error`, every command answered, `last` the last
 * command that ran (exact text or pattern), and no later step started.
 */
export function assertStoppedAt(r: ProcedureRunner, fleet: FakeFleet, failure: {step: string; phase: string; error: RegExp; last: string | RegExp}): void {
  assertPhase(r, fleet, 'failed');
  const status = statusOf(r, failure.step);
  assert.equal(status.kind, 'failed');
  assert.equal(status.phase, failure.phase);
  assert.match(status.error, failure.error);
  assert.deepEqual(fleet.unanswered, []);
  const lastRan = fleet.commandLines().at(-1)!;
  assert.ok(typeof failure.last === 'string' ? lastRan === failure.last : failure.last.test(lastRan), `last command: ${lastRan}`);
  const steps = r.snapshot.state.steps;
  const after = steps.slice(steps.findIndex((s) => s.info.id === failure.step) + 1);
  assert.deepEqual(
    after.filter((s) => s.status.kind !== 'pending').map((s) => s.info.id),
    [],
  );
}
