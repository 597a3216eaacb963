// Executes the reducer's effects against the fleet and feeds the results back as events. Every event and effect
// is journaled (fsync'd) before it takes effect; every command goes to the transcript.
import {hostname, userInfo} from 'node:os';
import type {Fleet, Host, RunOptions, RunResult} from '../hosts/host.ts';
import {encodedScript, formatCommand} from '../ops/command.ts';
import type {Prepared, ProcedureDefinition, StepContext, StepDefinition} from '../procedures/types.ts';
import {stepInfo} from '../procedures/types.ts';
import {initialState, isInFlight, isTerminal, releasesLocks, replay, transition} from '../state/reducer.ts';
import type {Effect, Json, ProcedureEvent, ProcedureState, StepInfo} from '../state/types.ts';
import {JOURNAL_VERSION, JournalWriter, type JournalRecord, type SessionHeader} from './journal.ts';
import {procedureVersion} from './procedure-version.ts';
import {Redactor} from './redactor.ts';
import {TranscriptWriter} from './transcript.ts';
import {discardSecrets, sealSecrets, type SealedSecrets} from './sealed-secrets.ts';
import {describeEnd, describeEvent, describeHeader} from './describe.ts';
import {sessionsOnNode} from './sessions-on-node.ts';
import {stateFiles, stateSealing} from './step-files.ts';

export interface OutputPane {
  /** The command running now (or last run), as displayed. */
  readonly command: string | null;
  readonly node: string | null;
  /** A bounded tail: the whole output is in the transcript, not in memory. */
  readonly lines: readonly string[];
}

export interface RunnerSnapshot {
  readonly state: ProcedureState;
  readonly output: OutputPane;
  /** Why the last key did nothing. */
  readonly hint: string | null;
  readonly busy: boolean;
}

export interface RunnerOptions {
  readonly definition: ProcedureDefinition;
  readonly prepared: Prepared;
  readonly params: Readonly<Record<string, string>>;
  readonly fleet: Fleet;
  readonly journalPath: string;
  readonly transcriptPath: string;
  readonly sessionId: string;
  readonly autoConfirmAll?: boolean;
  /** Lanes of a fan-out block run at once (worker nodes); 1 runs every step in order. */
  readonly concurrency?: number;
  /** What a failed worker does to the others: stop starting them (default), or let them go on. */
  readonly onLaneFailure?: 'stop' | 'continue';
  /** fleet.identity(), asked by the caller (it is async, the header is written here at once). */
  readonly fleetId: string;
  /** Events of an earlier session to continue from (rollback or resume from a journal). */
  readonly previousEvents?: readonly ProcedureEvent[];
  /** The steps that session recorded: continuing is refused, before any file is opened, when they differ. */
  readonly previousSteps?: readonly StepInfo[];
  /** Whether to write a header record: false when continuing an existing journal. */
  readonly writeHeader?: boolean;
  /** A continued session's sealed secrets (from its header): discarded when the session ends. */
  readonly sealedSecrets?: SealedSecrets;
  /**
   * Run once when a session that has ended closes (releasing the node locks); `closed()` waits for it. A session
   * closed unfinished (quit, a failed rollback) does not run it: its nodes stay locked to it until it is resumed or
   * rolled back, or the lock is broken on purpose with `certwalk unlock`.
   */
  readonly onClose?: () => Promise<void>;
  /** Lines written under the transcript's header, before any event: what the session read before it started. */
  readonly prologue?: readonly {readonly at: number; readonly text: string}[];
  readonly outputTail?: number;
  readonly clock?: () => number;
}

const OUTPUT_TAIL = 200;
const OUTPUT_EVERY_MS = 100;

/**
 * Sessions open in this process. A closed terminal (RDP window, ssh) often ends the process through a write error on
 * stdout before any signal handler runs: on the way out every open session still writes its end record, unfinished.
 */
const openRunners = new Set<ProcedureRunner>();
let exitHooked = false;
function closeOnExit(runner: ProcedureRunner): void {
  openRunners.add(runner);
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    for (const open of [...openRunners]) open.close();
  });
}

/** An effect journaled and waiting for the disk, with the capture it will run on. */
interface Announced {
  readonly step: StepDefinition;
  readonly effect: Effect;
  readonly captured: Json;
}

const EFFECT_WORDS: Record<Effect['type'], string> = {
  capture: 'reading the current state',
  do: 'making the change',
  verify: 'reading it back',
  undo: 'undoing',
};

export class ProcedureRunner {
  readonly steps: readonly StepDefinition[];
  readonly header: SessionHeader;
  readonly #byId: Map<string, StepDefinition>;
  readonly #indexOf: Map<string, number>;
  readonly #journal: JournalWriter;
  readonly #transcript: TranscriptWriter;
  readonly #redactor = new Redactor();
  readonly #listeners = new Set<() => void>();
  readonly #clock: () => number;
  readonly #tail: number;
  #snapshot: RunnerSnapshot;
  /** Effects started and not yet reported back: several at once in a fan-out block. */
  #running = 0;
  #outputTimer: NodeJS.Timeout | null = null;
  #output: {command: string | null; node: string | null; lines: string[]} = {command: null, node: null, lines: []};
  #idleWaiters: (() => void)[] = [];
  #closed = false;
  #onClosed: Promise<void> = Promise.resolve();

  constructor(private readonly options: RunnerOptions) {
    this.#clock = options.clock ?? Date.now;
    this.#tail = options.outputTail ?? OUTPUT_TAIL;
    for (const value of Object.values(options.prepared.secrets)) this.#redactor.add(value);
    this.steps = options.definition.steps(options.prepared.resolved, options.prepared.secrets);
    this.#byId = new Map(this.steps.map((step) => [step.id, step]));
    this.#indexOf = new Map(this.steps.map((step, i) => [step.id, i]));
    const infos = this.steps.map(stepInfo);
    if (options.previousSteps && options.previousSteps.map((s) => s.id).join(',') !== infos.map((s) => s.id).join(',')) {
      throw new Error(`${options.journalPath} was written by a different version of ${options.definition.id}: its steps do not match`);
    }
    const autoConfirmAll = options.autoConfirmAll ?? false;
    const concurrency = options.concurrency ?? 1;
    const onLaneFailure = options.onLaneFailure ?? 'stop';
    const scheduling = {autoConfirmAll, concurrency, onLaneFailure};
    const state = options.previousEvents ? replay(infos, options.previousEvents, scheduling) : initialState(infos, scheduling);
    this.#snapshot = {state, output: this.#output, hint: null, busy: false};
    this.header = {
      version: JOURNAL_VERSION,
      sessionId: options.sessionId,
      procedure: options.definition.id,
      procedureVersion: procedureVersion(infos),
      title: options.definition.title,
      // A secret typed as a parameter (a PFX password) never reaches the journal header or the transcript.
      params: Object.fromEntries(Object.entries(options.params).map(([k, v]) => [k, v !== '' && Object.values(options.prepared.secrets).includes(v) ? '********' : v])),
      resolved: options.prepared.resolved,
      steps: infos,
      fleet: {kind: options.fleet.kind, location: options.fleet.location, id: options.fleetId},
      user: safeUser(),
      machine: hostname(),
      pid: process.pid,
      startedAt: new Date(this.#clock()).toISOString(),
      autoConfirmAll,
      concurrency,
      onLaneFailure,
      transcript: options.transcriptPath,
    };
    const sealed = options.sealedSecrets ?? (options.writeHeader === false ? undefined : sealSecrets(options.sessionId, options.prepared.secrets));
    if (sealed) this.header = {...this.header, sealedSecrets: sealed};
    this.#journal = new JournalWriter(options.journalPath);
    this.#transcript = new TranscriptWriter(options.transcriptPath, this.#redactor);
    if (options.writeHeader !== false) this.#journal.append({kind: 'header', at: this.#clock(), header: this.header});
    this.#transcript.raw(describeHeader(this.header, options.previousEvents ? 'continued' : 'new'));
    for (const {at, text} of options.prologue ?? []) this.#transcript.line(text, new Date(at));
    closeOnExit(this);
    // The transcript's header is on disk with the journal's: a session that dies at once still has both.
    this.#transcript.flush();
  }

  get snapshot(): RunnerSnapshot {
    return this.#snapshot;
  }

  get journalPath(): string {
    return this.options.journalPath;
  }

  get transcriptPath(): string {
    return this.options.transcriptPath;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): RunnerSnapshot => this.#snapshot;

  /** Keyboard and runner events both come through here; the reducer decides. */
  dispatch(event: ProcedureEvent): void {
    if (this.#closed) return;
    const result = transition(this.#snapshot.state, event);
    if (result.ignored) {
      this.#publish({hint: result.ignored});
      return;
    }
    this.#record({kind: 'event', at: event.at, event});
    this.#transcript.line(describeEvent(event, result.state, this.header.user), new Date(event.at));
    this.#publish({state: result.state, hint: null});
    // The event and the effects it starts are written, then made durable with one fsync (on the thread pool: the
    // screen keeps answering meanwhile) before any of those effects runs. An fsync that fails throws, as before.
    const announced = result.effects.map((effect) => this.#announce(effect));
    const durable = this.#journal.durable();
    if (!announced.length) {
      void durable;
      this.#settle();
      return;
    }
    this.#running += announced.length;
    this.#publish({});
    void durable.then(() => {
      for (const effect of announced) this.#start(effect);
    });
  }

  /** Masks this session's secrets in text shown or recorded outside the runner (the screen recording). */
  redact(text: string): string {
    return this.#redactor.redact(text);
  }

  /** The runner's clock, so keyboard events carry the same time base as runner events. */
  now(): number {
    return this.#clock();
  }

  /** Resolves once nothing is in flight (the procedure waits on the user, or has ended). */
  idle(): Promise<void> {
    if (!this.#running && !this.#isWorking()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Resolves once close() has run its onClose (the node locks are released). */
  closed(): Promise<void> {
    return this.#onClosed;
  }

  /** Writes the end record and closes the files. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    openRunners.delete(this);
    const ended = releasesLocks(this.#snapshot.state);
    this.#onClosed = ((ended ? this.options.onClose?.() : undefined) ?? Promise.resolve()).catch(() => undefined);
    if (this.#outputTimer) clearTimeout(this.#outputTimer);
    const at = this.#clock();
    this.#transcript.flush();
    this.#journal.append({kind: 'end', at, phase: this.#snapshot.state.phase});
    // Once the procedure has ended nothing will make its certificates again: their secrets go.
    if (isTerminal(this.#snapshot.state)) discardSecrets(this.header.sealedSecrets);
    this.#transcript.line(describeEnd(this.#snapshot.state, isTerminal(this.#snapshot.state) ? null : {journal: this.options.journalPath, locked: !ended}), new Date(at));
    this.#journal.close();
    this.#transcript.close();
  }

  #isWorking(): boolean {
    const {state} = this.#snapshot;
    return state.steps.some((step) => isInFlight(step.status));
  }

  #settle(): void {
    if (this.#running || this.#isWorking()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #publish(patch: Partial<RunnerSnapshot>): void {
    this.#snapshot = {...this.#snapshot, ...patch, busy: this.#running > 0};
    for (const listener of this.#listeners) listener();
  }

  /**
   * A journal record, written (not yet synced: see dispatch) after the transcript's buffered lines, so at every
   * journal point the transcript on disk has everything that came before it.
   */
  #record(record: JournalRecord): void {
    this.#transcript.flush();
    this.#journal.write(record);
  }

  /**
   * Journals an effect (the caller waits for the disk before it starts), with what the step captured as the state
   * stands now: the effect runs on that, whatever else happens while the journal syncs.
   */
  #announce(effect: Effect): Announced {
    const step = this.#byId.get(effect.stepId);
    if (!step) throw new Error(`no step ${effect.stepId}`);
    this.#record({kind: 'effect', at: this.#clock(), effect});
    this.#transcript.line(`▶ step ${this.#indexOf.get(step.id)! + 1}/${this.steps.length} [${step.node}] ${step.title}: ${EFFECT_WORDS[effect.type]}`);
    const status = this.#snapshot.state.steps[this.#indexOf.get(step.id)!]!.status;
    const captured: Json = 'captured' in status && status.captured !== undefined ? status.captured : null;
    return {step, effect, captured};
  }

  /** Runs an announced effect (already counted in #running) and feeds its result back. */
  #start({step, effect, captured}: Announced): void {
    // A session closed while its journal synced starts nothing more: the effect record stands as announced and not
    // run, which a resume reads back first, as after a crash.
    if (this.#closed) {
      this.#running--;
      return;
    }
    void this.#perform(step, effect, captured).then((event) => {
      this.#running--;
      this.dispatch(event);
    });
  }

  async #perform(step: StepDefinition, effect: Effect, captured: Json): Promise<ProcedureEvent> {
    const ctx = this.#context(step);
    const stepId = step.id;
    try {
      switch (effect.type) {
        case 'capture': {
          const result = await step.capture(ctx);
          return {type: 'capture-succeeded', at: this.#clock(), stepId, captured: result.captured, prompt: result.prompt ?? null};
        }
        case 'do':
          await step.do(ctx, captured);
          return {type: 'do-succeeded', at: this.#clock(), stepId};
        case 'verify': {
          const result = await step.verify(ctx, captured);
          const failed = result.checks.filter((check) => !check.ok);
          if (failed.length) {
            const error = failed.map((c) => `${c.what}: expected ${c.expected}, observed ${c.observed}`).join('; ');
            return {type: 'step-failed', at: this.#clock(), stepId, phase: 'verify', error, checks: result.checks};
          }
          return {type: 'verify-succeeded', at: this.#clock(), stepId, checks: result.checks, changes: result.changes};
        }
        case 'undo': {
          const report = await step.undo(ctx, captured);
          return {type: 'undo-succeeded', at: this.#clock(), stepId, report};
        }
      }
    } catch (error) {
      const message = this.#redactor.redact(error instanceof Error ? error.message : String(error));
      // A conflict (steps/undo-guard.ts) changed nothing: said apart, because it frees the nodes for the later session.
      if (effect.type === 'undo') return {type: 'undo-failed', at: this.#clock(), stepId, error: message, ...((error as Error)?.name === 'UndoConflict' ? {conflict: true} : {})};
      return {type: 'step-failed', at: this.#clock(), stepId, phase: effect.type, error: message};
    }
  }

  #context(step: StepDefinition): StepContext {
    return {
      host: async (node) => this.#recordingHost(await this.options.fleet.host(node), step.id),
      capturedOf: (stepId) => {
        const status = this.#snapshot.state.steps.find((s) => s.info.id === stepId)?.status;
        return status && 'captured' in status ? status.captured : undefined;
      },
      note: (text) => {
        this.#transcript.line(`  ${text}`);
        this.#pushLines([text]);
      },
      secret: (value) => this.#redactor.add(value),
      now: () => new Date(this.#clock()),
      sessionsOn: (node) => sessionsOnNode(node, this.options.journalPath),
      files: stateFiles(),
      sealing: stateSealing(),
    };
  }

  #recordingHost(host: Host, stepId: string): Host {
    const run = async (command: string, args: readonly string[], options?: RunOptions): Promise<RunResult> => {
      const shown = this.#redactor.redact(formatCommand({command, args}));
      const node = host.node.name;
      this.#output = {command: shown, node, lines: []};
      this.#scheduleOutput();
      this.#transcript.line(`  $ [${node}] ${shown}`);
      const script = encodedScript({command, args});
      if (script !== null) for (const line of script.split(/\r?\n/)) this.#transcript.line(`    > ${this.#redactor.redact(line)}`);
      const result = await host.run(command, args, {
        ...options,
        onLine: (line, stream) => {
          this.#transcript.line(`    ${stream === 'stderr' ? '!' : '|'} ${line}`);
          this.#pushLines([line]);
          options?.onLine?.(line, stream);
        },
      });
      // A command record announces no effect: it reaches the disk with the next record's fsync.
      this.#record({
        kind: 'command',
        at: this.#clock(),
        command: {node, command: shown, exitCode: result.exitCode, durationMs: result.durationMs, stepId},
      });
      this.#transcript.line(`    exit ${result.exitCode} in ${result.durationMs} ms`);
      return result;
    };
    return {
      node: host.node,
      kind: host.kind,
      tempDir: host.tempDir,
      run,
      readFile: (path) => host.readFile(path),
      writeFile: (path, data) => host.writeFile(path, data),
      createFileExclusive: (path, data) => host.createFileExclusive(path, data),
      removeFile: (path) => host.removeFile(path),
      fileExists: (path) => host.fileExists(path),
    };
  }

  #pushLines(lines: readonly string[]): void {
    // Appended in place (this array is never published: publishing copies the tail), trimmed back to the tail once it
    // holds twice as many: a line costs the same whether the command prints ten lines or a million.
    const kept = this.#output.lines;
    for (const l of lines) kept.push(this.#redactor.redact(l));
    if (kept.length >= 2 * this.#tail) kept.splice(0, kept.length - this.#tail);
    this.#scheduleOutput();
  }

  /**
   * Output can arrive thousands of lines a second, and sixteen workers start a command several times a second: the
   * output pane is published at most every OUTPUT_EVERY_MS (each publish redraws the screen), state changes at once.
   */
  #scheduleOutput(): void {
    this.#outputTimer ??= setTimeout(() => {
      this.#outputTimer = null;
      this.#publish({output: {command: this.#output.command, node: this.#output.node, lines: this.#output.lines.slice(-this.#tail)}});
    }, OUTPUT_EVERY_MS);
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USERNAME ?? process.env.USER ?? 'unknown';
  }
}
