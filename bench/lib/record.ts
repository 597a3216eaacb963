// What a certwalk run does to the sandbox, recorded so a plain script can do the same: every simulated command with
// its exact argv (the PFX password included: the journal masks it) and exit code, and every file certwalk writes or
// removes on a node itself (the PFX it hands to certutil, WorkerSettings.config), in order, tagged with the lane
// (worker) whose step issued it. The run is `certwalk run PROCEDURE --yes`'s own code (runCommandLine) on a fresh
// copy of the sandbox, in this process, with the sandbox fleet wrapped and its tools run in process; it is not timed.
import {AsyncLocalStorage} from 'node:async_hooks';
import {relative} from 'node:path';
import type {Fleet, Host, NodeInfo, RunOptions} from '../../src/hosts/host.ts';
import {SandboxFleet, SIMULATED_COMMAND_PRIORITY} from '../../src/hosts/sandbox/sandbox-fleet.ts';
import {sandboxPaths} from '../../src/hosts/sandbox/state.ts';
import {windowsPathToSandbox} from '../../src/hosts/sandbox/windows-path.ts';
import {NODE_LOCK_PATH} from '../../src/runner/node-locks.ts';
import {findProcedure} from '../../src/procedures/index.ts';
import type {ProcedureDefinition, StepDefinition} from '../../src/procedures/types.ts';
import {runCommandLine} from '../../src/cli/unattended.ts';

/** One thing done to a node: a command, or a file written or removed (paths relative to the sandbox directory). */
export type Op =
  | {readonly node: string; readonly run: readonly string[]; readonly exit: number}
  | {readonly node: string; readonly write: string; readonly data: string}
  | {readonly node: string; readonly remove: string};

interface Recorded {
  readonly op: Op;
  /** The step's lane (or node) whose code did it; null before the run started (form and prepare). */
  readonly lane: string | null;
}

export interface Recording {
  /** Form and prepare (reading defaults, validating, each worker's service account): before any step. */
  readonly prepare: readonly Recorded[];
  /** The most commands prepare had running at once. */
  readonly prepareConcurrency: number;
  readonly run: readonly Recorded[];
  readonly steps: number;
  readonly exitCode: number;
}

/** The plan bench/replay.mjs carries out: phases one after the other, each a set of sequences run N at a time. */
export interface ReplayPlan {
  readonly tool: string;
  /** certwalk starts each simulated command at this priority (SIMULATED_COMMAND_PRIORITY): the replay does too. */
  readonly priority: number;
  readonly phases: readonly {readonly name: string; readonly concurrency: number; readonly sequences: readonly (readonly Op[])[]}[];
}

class RecordingFleet implements Fleet {
  readonly kind = 'sandbox' as const;
  readonly description: string;
  readonly location: string;
  readonly ops: {prepare: Recorded[]; run: Recorded[]} = {prepare: [], run: []};
  prepareInFlight = 0;
  prepareMax = 0;
  readonly #inner: SandboxFleet;

  constructor(
    readonly dir: string,
    readonly lane: AsyncLocalStorage<string>,
  ) {
    // The simulated tools in this process (the same code dist/sandbox-tool.js runs): the recording is not timed, and
    // two hundred workers' seven thousand commands then take a minute or two instead of a quarter of an hour.
    this.#inner = new SandboxFleet(dir, {inProcess: true});
    this.description = this.#inner.description;
    this.location = this.#inner.location;
  }

  identity(): Promise<string> {
    return this.#inner.identity();
  }

  nodes(): Promise<readonly NodeInfo[]> {
    return this.#inner.nodes();
  }

  async host(nodeName: string): Promise<Host> {
    const inner = await this.#inner.host(nodeName);
    const nodeDir = sandboxPaths.nodeDir(this.dir, nodeName);
    const local = (path: string) => relative(this.dir, windowsPathToSandbox(nodeDir, path));
    const push = (op: Op) => {
      const lane = this.lane.getStore() ?? null;
      (lane === null ? this.ops.prepare : this.ops.run).push({op, lane});
    };
    const lockFile = (path: string) => path.toLowerCase() === NODE_LOCK_PATH.toLowerCase();
    return {
      node: inner.node,
      kind: inner.kind,
      tempDir: inner.tempDir,
      run: async (command: string, args: readonly string[], options?: RunOptions) => {
        if (options?.input !== undefined) throw new Error(`${command}: a command with standard input cannot be replayed (the bench's procedures have none)`);
        const before = this.lane.getStore() === undefined;
        if (before) this.prepareMax = Math.max(this.prepareMax, ++this.prepareInFlight);
        try {
          const result = await inner.run(command, args, options);
          push({node: nodeName, run: [command, ...args], exit: result.exitCode});
          return result;
        } finally {
          if (before) this.prepareInFlight--;
        }
      },
      readFile: (path) => inner.readFile(path),
      fileExists: (path) => inner.fileExists(path),
      // Written before the command that reads it runs: recorded first.
      writeFile: async (path, data) => {
        if (!lockFile(path)) push({node: nodeName, write: local(path), data: data.toString('base64')});
        await inner.writeFile(path, data);
      },
      createFileExclusive: async (path, data) => {
        const created = await inner.createFileExclusive(path, data);
        if (created && !lockFile(path)) push({node: nodeName, write: local(path), data: data.toString('base64')});
        return created;
      },
      removeFile: async (path) => {
        await inner.removeFile(path);
        if (!lockFile(path)) push({node: nodeName, remove: local(path)});
      },
    };
  }
}

/** The same procedure, its steps' code run with their lane (the worker) in `lane`. */
function tagged(definition: ProcedureDefinition, lane: AsyncLocalStorage<string>): ProcedureDefinition {
  const wrap = (step: StepDefinition): StepDefinition => {
    const name = step.lane ?? step.node;
    return {
      ...step,
      capture: (ctx) => lane.run(name, () => step.capture(ctx)),
      do: (ctx, captured) => lane.run(name, () => step.do(ctx, captured)),
      verify: (ctx, captured) => lane.run(name, () => step.verify(ctx, captured)),
      undo: (ctx, captured) => lane.run(name, () => step.undo(ctx, captured)),
    };
  };
  return {...definition, steps: (resolved, secrets) => definition.steps(resolved, secrets).map(wrap)};
}

/** Runs `certwalk run PROCEDURE --yes` (its code, in this process) on `dir` and records what it did. */
export async function record(options: {procedure: string; dir: string; home: string; params: Record<string, string>; concurrency: number}): Promise<Recording> {
  const lane = new AsyncLocalStorage<string>();
  const fleet = new RecordingFleet(options.dir, lane);
  const definition = tagged(findProcedure(options.procedure), lane);
  const previousHome = process.env.CERTWALK_HOME;
  process.env.CERTWALK_HOME = options.home;
  let steps = 0;
  const counting: ProcedureDefinition = {
    ...definition,
    steps: (resolved, secrets) => {
      const made = definition.steps(resolved, secrets);
      steps = made.length;
      return made;
    },
  };
  const lines: string[] = [];
  try {
    const exitCode = await runCommandLine(
      counting,
      fleet,
      options.params,
      {yes: true, concurrency: options.concurrency, onLaneFailure: 'stop'},
      {log: (l) => lines.push(l), error: (l) => lines.push(l)},
    );
    if (exitCode !== 0) throw new Error(`the recording run of ${options.procedure} failed (exit ${exitCode}):\n${lines.slice(-20).join('\n')}`);
    return {prepare: fleet.ops.prepare, prepareConcurrency: Math.max(1, fleet.prepareMax), run: fleet.ops.run, steps, exitCode};
  } finally {
    if (previousHome === undefined) delete process.env.CERTWALK_HOME;
    else process.env.CERTWALK_HOME = previousHome;
  }
}

/**
 * The replay of a recording: prepare's commands grouped by node at the concurrency prepare had, then the steps'
 * commands, one sequence in order (concurrency 1) or one sequence per lane run `concurrency` at a time.
 */
export function replayPlan(recording: Recording, concurrency: number, tool: string): ReplayPlan {
  const byKey = (items: readonly Recorded[], key: (r: Recorded) => string) => {
    const groups = new Map<string, Op[]>();
    for (const r of items) {
      const k = key(r);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k)!.push(r.op);
    }
    return [...groups.values()];
  };
  const prepare = recording.prepareConcurrency === 1 ? [recording.prepare.map((r) => r.op)] : byKey(recording.prepare, (r) => r.op.node);
  const run = concurrency === 1 ? [recording.run.map((r) => r.op)] : byKey(recording.run, (r) => r.lane ?? r.op.node);
  return {
    tool,
    priority: SIMULATED_COMMAND_PRIORITY,
    phases: [
      {name: 'prepare', concurrency: recording.prepareConcurrency, sequences: prepare.filter((s) => s.length)},
      {name: 'steps', concurrency, sequences: run.filter((s) => s.length)},
    ],
  };
}

export function countCommands(recording: Recording): {prepare: number; run: number} {
  const n = (items: readonly Recorded[]) => items.filter((r) => 'run' in r.op).length;
  return {prepare: n(recording.prepare), run: n(recording.run)};
}
