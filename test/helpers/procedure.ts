// Runs a procedure on a fresh sandbox through the real runner (journal, transcript, sandbox tools as processes).
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {initSandbox, SandboxFleet, showSandbox} from '../../src/hosts/sandbox/index.ts';
import {findProcedure} from '../../src/procedures/index.ts';
import type {Prepared} from '../../src/procedures/types.ts';
import {ProcedureRunner} from '../../src/runner/runner.ts';
import {prepareContext} from '../../src/runner/step-files.ts';
import type {ProcedureEvent} from '../../src/state/types.ts';
import {tempDir} from './temp.ts';

export interface Lab {
  readonly dir: string;
  readonly home: string;
  readonly fleet: SandboxFleet;
  snapshot(): ReturnType<typeof showSandbox>;
}

export async function lab(workers = 1): Promise<Lab> {
  const root = tempDir('certwalk-lab-');
  const dir = join(root, 'sandbox');
  await initSandbox(dir, {workers});
  return {dir, home: join(root, 'home'), fleet: new SandboxFleet(dir), snapshot: () => showSandbox(dir)};
}

/** The sandbox's fleet id (initSandbox writes one), read at once: the runners the tests make record it. */
export function fleetIdOf(l: Lab): string {
  return (JSON.parse(readFileSync(join(l.dir, 'sandbox.json'), 'utf8')) as {fleetId: string}).fleetId;
}

export async function prepare(l: Lab, procedure: string, overrides: Record<string, string> = {}) {
  const definition = findProcedure(procedure);
  const form = await definition.form(l.fleet);
  const params = {...form.values, ...overrides};
  const result = await definition.prepare(l.fleet, params, prepareContext());
  return {definition, params, result};
}

export function runner(
  l: Lab,
  procedure: string,
  params: Record<string, string>,
  prepared: Prepared,
  autoConfirmAll = true,
  concurrency = 1,
  onLaneFailure: 'stop' | 'continue' = 'stop',
): ProcedureRunner {
  const id = `${procedure}-${Math.random().toString(36).slice(2, 8)}`;
  return new ProcedureRunner({
    definition: findProcedure(procedure),
    prepared,
    params,
    fleet: l.fleet,
    fleetId: fleetIdOf(l),
    journalPath: join(l.home, 'journals', `${id}.jsonl`),
    transcriptPath: join(l.home, 'transcripts', `${id}.log`),
    sessionId: id,
    autoConfirmAll,
    concurrency,
    onLaneFailure,
  });
}

/** Dispatches an event and waits until nothing is in flight. */
type WithoutTime<E> = E extends unknown ? Omit<E, 'at'> : never;

export async function send(r: ProcedureRunner, event: WithoutTime<ProcedureEvent>): Promise<void> {
  r.dispatch({...event, at: r.now()} as ProcedureEvent);
  await r.idle();
}
