// The non-interactive twins of the TUI: `plan`, `run --yes`, `rollback --yes`. Same engine, same journal and
// transcript; progress goes to stdout one line per event.
import type {Fleet} from '../hosts/host.ts';
import {findProcedure} from '../procedures/index.ts';
import type {Prepared, ProcedureDefinition, StepDefinition} from '../procedures/types.ts';
import type {ReadJournal} from '../runner/journal.ts';
import type {ProcedureRunner} from '../runner/runner.ts';
import type {ProcedureState, StepState} from '../state/types.ts';
import {byAttention, laneProgress} from '../state/progress.ts';
import {changeRows, isTerminal, openWindows, releasesLocks, rollbackOrder} from '../state/reducer.ts';
import {promptSecret} from './prompt-secret.ts';
import {recordedOut} from './cast-out.ts';
import {closest} from './suggest.ts';
import {describeSession, unfinishedSessions, type UnfinishedSession} from '../runner/recovery.ts';
import {heldLocks, NodeLockedError, type LockHolder} from '../runner/node-locks.ts';
import {JournalRefused, readJournal} from '../runner/journal.ts';
import {hostname} from 'node:os';
import {resolve as resolvePath} from 'node:path';
import type {Out} from './out.ts';
import {continueSession, openDraft, sessionSecrets, startSession, trustSession, type Draft, type OpenSession, type Planned, type TrustedJournal} from '../session/index.ts';

/** The draft's parameters: its form's defaults, the values given, the secrets asked for; checked by prepare. */
export async function resolveParams(draft: Draft, overrides: Record<string, string>, out: Out): Promise<Planned | null> {
  const {definition, form} = draft;
  const known = new Set(form.specs.map((s) => s.key));
  const canonical = new Map(form.specs.flatMap((s) => (s.aliases ?? []).map((alias) => [alias, s.key] as const)));
  const unknown = Object.keys(overrides).filter((k) => !known.has(k) && !canonical.has(k));
  if (unknown.length) {
    out.error(`certwalk: ${unknownParams(unknown, [...known], definition.id)}`);
    return null;
  }
  const given: Record<string, string> = {};
  for (const [key, value] of Object.entries(overrides)) {
    const name = canonical.get(key) ?? key;
    if (name in given && given[name] !== value) {
      out.error(`certwalk: ${key} is another name for ${name}, which is given twice with different values`);
      return null;
    }
    given[name] = value;
  }
  for (const spec of form.specs.filter((s) => s.secret)) {
    if (spec.key in given) {
      out.error(
        `certwalk: ${spec.key} is a secret: it is never given on a command line (other processes can read it there); ${spec.env ? `set ${spec.env} or ` : ''}answer the prompt`,
      );
      return null;
    }
    const fromEnv = spec.env ? process.env[spec.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') given[spec.key] = fromEnv;
    else if (process.stdin.isTTY) given[spec.key] = await promptSecret(`${spec.label}: `);
  }
  const planned = await draft.prepare({...form.values, ...given});
  if (!planned.ok) {
    out.error(`${definition.id}: the parameters were refused; nothing was changed:`);
    for (const [key, message] of Object.entries(planned.errors)) out.error(`  ${key}: ${message}`);
    for (const lock of await heldLocks(draft.fleet)) out.error(`note: ${lock.message}`);
    return null;
  }
  return planned.value;
}

/**
 * `unknown parameter keybits for ssis-master (did you mean keyBits?); known: …`: the closest known key, compared
 * case-insensitively, since a parameter's case is easy to get wrong and the procedure would never see the value.
 */
export function unknownParams(unknown: readonly string[], known: readonly string[], procedure: string): string {
  const named = unknown.map((key) => {
    const guess = closest(key, known);
    return guess ? `${key} (did you mean ${guess}?)` : key;
  });
  return `unknown parameter${unknown.length > 1 ? 's' : ''} ${named.join(', ')} for ${procedure}; known: ${known.join(', ')}`;
}

export function formatPlan(steps: readonly StepDefinition[]): string[] {
  const lines: string[] = [];
  steps.forEach((step, i) => {
    const flags = [step.destructive ? 'asks to confirm' : '', step.hasUndo ? '' : 'no undo'].filter(Boolean).join(', ');
    lines.push(`${String(i + 1).padStart(2)}. [${step.node}] ${step.title}${flags ? `  (${flags})` : ''}`);
    for (const cmd of step.plan()) lines.push(`      ${cmd.preview === false ? '~' : '$'} ${cmd.text}`);
  });
  lines.push('', '$ = the exact command that runs;  ~ = an edit certwalk makes itself (not a command)');
  return lines;
}

export async function planCommand(definition: ProcedureDefinition, fleet: Fleet, overrides: Record<string, string>, out: Out): Promise<number> {
  const draft = await openDraft(fleet, definition);
  const resolved = await resolveParams(draft, overrides, out);
  if (!resolved) return 2;
  const {steps} = resolved;
  out.log(`${definition.title}`);
  const secretKeys = new Set(draft.form.specs.filter((s) => s.secret).map((s) => s.key));
  out.log(
    `parameters: ${Object.entries(resolved.params)
      .map(([k, v]) => `${k}=${secretKeys.has(k) && v ? '********' : v}`)
      .join(' ')}`,
  );
  for (const line of definition.describe(resolved.prepared.resolved)) out.log(line);
  if (resolved.params.certificate === 'new') out.log('(a new certificate is made each time parameters are checked: `run` makes its own)');
  out.log('');
  for (const line of formatPlan(steps)) out.log(line);
  return 0;
}

export async function runCommandLine(
  definition: ProcedureDefinition,
  fleet: Fleet,
  overrides: Record<string, string>,
  options: {yes: boolean; checkOnly?: boolean; concurrency: number; onLaneFailure: 'stop' | 'continue'; journal?: string; transcriptDir?: string},
  out: Out,
): Promise<number> {
  if (!options.yes && !options.checkOnly) {
    out.error('certwalk run changes servers without asking: add --yes to confirm every destructive step up front, or run `certwalk` for the interactive walk-through');
    return 2;
  }
  const draft = await openDraft(fleet, definition);
  const resolved = await resolveParams(draft, overrides, out);
  if (!resolved) return 2;
  const chosen = unattendedSteps(definition, resolved.prepared, options.checkOnly ?? false, out);
  if (!chosen) return 2;
  definition = chosen;
  const session = await orSayLocked(
    // --yes is recorded as the answer to every confirmation; a --check-only run has none to answer.
    startSession({
      draft,
      planned: resolved,
      definition,
      autoConfirmAll: options.yes,
      concurrency: options.concurrency,
      onLaneFailure: options.onLaneFailure,
      ...(options.journal ? {journal: options.journal} : {}),
      ...(options.transcriptDir ? {transcriptDir: options.transcriptDir} : {}),
    }),
    out,
  );
  if (!session) return 2;
  const {runner} = session;
  const recorded = recordedOut(out, runner, `certwalk run ${definition.id} ${runner.header.sessionId}`);
  try {
    recorded.log(`${definition.title} on ${fleet.description}`);
    for (const line of definition.describe(resolved.prepared.resolved)) recorded.log(line);
    recorded.log(`journal    ${runner.journalPath}`);
    recorded.log(`transcript ${runner.transcriptPath}`);
    const state = await drive(runner, {type: 'start', at: runner.now()}, recorded);
    if (options.checkOnly && state.phase !== 'completed') return await finishCheck(runner, state, recorded);
    return await finish(runner, state, recorded, 'Nothing after the failed step ran. ');
  } finally {
    recorded.close();
  }
}

/**
 * What `run` may do unattended. Items a person does by hand (`manual` steps: an MMC, a wizard) are never ticked by
 * --yes: a procedure with any is refused, and --check-only runs only its other steps, which must change nothing.
 * The definition to run, or null after saying why not.
 */
function unattendedSteps(definition: ProcedureDefinition, prepared: Prepared, checkOnly: boolean, out: Out): ProcedureDefinition | null {
  const steps = definition.steps(prepared.resolved, prepared.secrets);
  const manual = steps.filter((s) => s.manual);
  const automatic = steps.filter((s) => !s.manual);
  if (!checkOnly) {
    if (!manual.length) return definition;
    out.error(`${definition.id}: ${manual.length} of its steps are work a person does by hand (the first: ${manual[0]!.title}); --yes cannot stand for them, nothing was run.`);
    out.error(`  Answer them one by one, in the app: \`certwalk\` → ${definition.id}.`);
    if (automatic.length) out.error(`  Its read-only check runs unattended on its own: certwalk run ${definition.id} --check-only with the same --param values.`);
    else out.error(`  Nothing else in it runs unattended with these parameters (\`certwalk plan ${definition.id}\` shows whether one adds a read-only check).`);
    return null;
  }
  if (!manual.length) {
    out.error(`--check-only is for procedures with steps done by hand; ${definition.id} has none: run it with --yes`);
    return null;
  }
  const changing = automatic.filter((s) => s.destructive || s.hasUndo);
  if (changing.length) {
    out.error(`--check-only runs read-only steps only; ${definition.id} has steps that change things: ${changing.map((s) => s.title).join('; ')}`);
    return null;
  }
  if (!automatic.length) {
    out.error(`${definition.id} has nothing to check unattended with these parameters (see \`certwalk plan ${definition.id}\`: a parameter may add the check)`);
    return null;
  }
  return {...definition, steps: (resolved, secrets) => definition.steps(resolved, secrets).filter((s) => !s.manual)};
}

/** Closes the session (releasing its node locks) and prints how it ended; the exit code. */
async function finish(runner: ProcedureRunner, state: ProcedureState, out: Out, stoppedNote = ''): Promise<number> {
  runner.close();
  await runner.closed();
  printChanges(state, out);
  printNodes(state, out);
  if (state.phase === 'completed') {
    out.log(`completed: ${state.steps.length} steps verified`);
    return 0;
  }
  out.error(`stopped: ${state.phase}. ${stoppedNote}To undo what ran: certwalk rollback --journal ${runner.journalPath} --yes`);
  return 1;
}

/**
 * A --check-only run that did not pass: its steps changed nothing, so the session ends "left as is" (aborted) rather
 * than waiting in the journals to be resumed or rolled back (neither rebuilds a check-only session's steps).
 */
async function finishCheck(runner: ProcedureRunner, state: ProcedureState, out: Out): Promise<number> {
  if (!isTerminal(state)) await drive(runner, {type: 'abort-requested', at: runner.now()}, out);
  runner.close();
  await runner.closed();
  printChanges(state, out);
  out.error(`check failed (${state.phase}); it changed nothing, so there is nothing to roll back`);
  return 1;
}

export async function rollbackCommandLine(fleet: Fleet, options: {journal: string; read: ReadJournal; yes: boolean; transcriptDir?: string}, out: Out): Promise<number> {
  const {header} = options.read;
  const journal = await trusted(fleet, options, out);
  if (!journal) return 2;
  // A session cut off mid-step comes back with its steps in flight "interrupted", so their undo is not forgotten.
  const session = await orSayLocked(continueSession(fleet, journal, {autoConfirmAll: true, ...(options.transcriptDir ? {transcriptDir: options.transcriptDir} : {})}), out);
  if (!session) return 2;
  const {runner} = session;
  const before = runner.snapshot.state;
  const order = rollbackOrder(before);
  // Only a rollback that runs is a session worth a recording; without --yes it only lists what it would undo.
  const recorded = options.yes ? recordedOut(out, runner, `certwalk rollback ${header.procedure} ${header.sessionId}`) : null;
  const say = recorded ?? out;
  try {
    say.log(`rollback of ${runner.header.title} (session ${runner.header.sessionId}, ${before.phase})`);
    if (!order.length) say.log('nothing to undo: no step had changed anything');
    for (const index of order) say.log(`  will undo: [${before.steps[index]!.info.node}] ${before.steps[index]!.info.title}`);
    if (!options.yes) {
      runner.close();
      await runner.closed();
      say.error('add --yes to undo these steps');
      return 2;
    }
    say.log(`transcript ${runner.transcriptPath}`);
    const state = await drive(runner, {type: 'rollback-requested', at: runner.now()}, say);
    runner.close();
    await runner.closed();
    const failures = state.steps.filter((s) => s.status.kind === 'undo-failed');
    if (state.phase === 'rolled-back' && !failures.length) {
      say.log('rolled back: every completed step was undone');
      return 0;
    }
    for (const f of failures) if (f.status.kind === 'undo-failed') say.error(`  undo failed: [${f.info.node}] ${f.info.title}: ${f.status.error}`);
    say.error(
      `rollback ended ${state.phase} with ${failures.length} undo failure(s): the session stays unfinished${releasesLocks(state) ? ' (only conflicts: nothing was changed by them, and its nodes are free for the sessions named above to be rolled back first)' : ' and its nodes locked to it'}; ` +
        `once the cause is fixed, certwalk rollback --journal ${options.journal} --yes retries exactly the steps not yet undone (transcript ${runner.transcriptPath})`,
    );
    return 1;
  } finally {
    recorded?.close();
  }
}

/** The journal if it may be acted on (journal-trust.ts), else null after saying why not. Before any lock or command. */
async function trusted(fleet: Fleet, options: {journal: string; read: ReadJournal}, out: Out): Promise<TrustedJournal | null> {
  try {
    return await trustSession(fleet, options.journal, options.read);
  } catch (error) {
    if (!(error instanceof JournalRefused)) throw error;
    out.error(`certwalk: ${error.message}`);
    return null;
  }
}

/** The session once its node locks are held, or null after saying who holds one. */
async function orSayLocked(opening: Promise<OpenSession>, out: Out): Promise<OpenSession | null> {
  try {
    return await opening;
  } catch (error) {
    if (!(error instanceof NodeLockedError)) throw error;
    out.error(`certwalk: ${error.message}`);
    return null;
  }
}

/** `certwalk resume` without a journal: the sessions that did not finish, with what to do about each. */
export function listUnfinished(out: Out, locks: readonly {node: string; holder: LockHolder}[] = []): number {
  const sessions = unfinishedSessions();
  // Sessions the fleet's locks name that the state directory does not know: read from the journal the lock names
  // when it is on this machine, else named with where it is.
  const known = new Set(sessions.map((s) => resolvePath(s.journal)));
  const elsewhere = new Map<string, {holder: LockHolder; nodes: string[]}>();
  for (const {node, holder} of locks) {
    const journal = holder.journal ? resolvePath(holder.journal) : null;
    if (journal && known.has(journal)) continue;
    if (journal && holder.machine === hostname()) {
      try {
        const session = describeSession(journal, readJournal(journal));
        known.add(journal);
        if (!isTerminal(session.state)) sessions.push(session);
        continue;
      } catch {
        // unreadable here: named below with its holder
      }
    }
    const entry = elsewhere.get(holder.session) ?? {holder, nodes: []};
    entry.nodes.push(node);
    elsewhere.set(holder.session, entry);
  }
  if (!sessions.length && !elsewhere.size) {
    out.log('no unfinished session: every journal in the state directory ended (completed, rolled back or left as is)');
    return 0;
  }
  for (const s of sessions) {
    for (const line of describeUnfinished(s)) out.log(line);
    out.log('');
  }
  for (const {holder, nodes} of elsewhere.values()) {
    out.log(`session ${holder.session} (${holder.procedure}) holds ${nodes.sort().join(', ')}: started ${holder.startedAt} by ${holder.user} on ${holder.machine}`);
    out.log(
      `  ${holder.journal ? `its journal: ${holder.journal}${holder.machine === hostname() ? ' (not readable here)' : ` on ${holder.machine}: resume or roll it back there`}` : 'its lock names no journal (an older certwalk)'}`,
    );
    out.log('');
  }
  return 0;
}

export function describeUnfinished(s: UnfinishedSession): string[] {
  const {header} = s.read;
  return [
    `${s.journal}`,
    `  ${header.procedure} on ${header.fleet.kind} ${header.fleet.location}, started ${header.startedAt} by ${header.user} on ${header.machine}`,
    `  ${s.crashed ? 'certwalk stopped without closing it' : `ended ${s.state.phase}`}; ${s.done}/${s.state.steps.length} steps done${s.inUseBy ? `; STILL OPEN in process ${s.inUseBy}` : ''}`,
    ...s.uncertain.map((u) => `  uncertain: ${u}`),
    ...openWindows(s.state).map(({node, ran, next}) => {
      const title = (i: number) => s.state.steps[i]!.info.title;
      return ran === null ? `  HALF-CHANGED (maybe): ${node}: "${title(next)}" failed during its change` : `  HALF-CHANGED: ${node}: "${title(ran)}" ran, "${title(next)}" has not`;
    }),
    ...s.state.steps.flatMap((st) => (st.status.kind === 'undo-failed' ? [`  undo failed: [${st.info.node}] ${st.info.title}: ${st.status.error}`] : [])),
    // A journal with only its header: resume and rollback refuse it (journal-trust.ts), so neither is offered.
    s.read.events.length
      ? `  ${s.canResume ? `certwalk resume ${s.journal} --yes  ·  ` : ''}certwalk rollback --journal ${s.journal} --yes (${s.undoCount} step(s) to undo)`
      : `  the journal records no step: certwalk cannot know what ran, so it neither resumes nor rolls it back; check the nodes (transcript ${header.transcript})`,
  ];
}

/**
 * `certwalk resume JOURNAL` on a session that ended (completed, rolled back, left as is) and was closed: says so,
 * true. Its key for sealed secrets is gone by then, which is not the reason to give. A session whose last step was
 * recorded but that certwalk did not close (killed just then) is resumed: the resume closes it.
 */
export function refuseEndedSession(journal: string, read: ReadJournal, out: Out): boolean {
  const {state, crashed} = describeSession(journal, read);
  if (crashed || !isTerminal(state)) return false;
  const how = state.phase === 'completed' ? 'completed' : state.phase === 'rolled-back' ? 'rolled back' : 'left as is (aborted)';
  out.error(
    `session ${read.header.sessionId} (${read.header.procedure}) has already ended: ${how}. There is nothing to resume${state.phase === 'completed' ? '' : '; start a new one with certwalk run or the app'}.`,
  );
  return true;
}

/** `certwalk resume JOURNAL --yes`: continues an unfinished session where it stopped, re-reading what is uncertain. */
export async function resumeCommandLine(fleet: Fleet, options: {journal: string; read: ReadJournal; yes: boolean; transcriptDir?: string}, out: Out): Promise<number> {
  const journal = await trusted(fleet, options, out);
  if (!journal) return 2;
  if (refuseEndedSession(options.journal, options.read, out)) return 2;
  const session = describeSession(options.journal, options.read);
  for (const line of describeUnfinished(session)) out.log(line);
  if (session.inUseBy) {
    out.error(`process ${session.inUseBy} on this machine still has this session open: stop it first (certwalk never runs one session twice)`);
    return 2;
  }
  if (!session.canResume) {
    out.error('a rollback of this session had started: it can only be rolled back (certwalk rollback --journal FILE --yes)');
    return 2;
  }
  const byHand = manualStepsLeft(options.read, session);
  if (byHand.length) {
    out.error(`${byHand.length} step(s) still to do are work a person does by hand (the first: ${byHand[0]}); resume --yes cannot tick them.`);
    out.error('  Open the app (`certwalk`): it offers this session, and you answer each item there.');
    return 2;
  }
  if (!options.yes) {
    out.error('add --yes to resume: every remaining destructive step runs without asking, as with run --yes');
    return 2;
  }
  const {header} = options.read;
  let secrets = {};
  // An ended session (killed before it was closed) runs nothing more: its secrets are not needed.
  if (!isTerminal(session.state)) {
    const opened = sessionSecrets(options.read);
    if (!opened.ok) {
      out.error(`cannot resume: ${opened.reason}. The new certificate's private key was only there; roll back instead`);
      return 1;
    }
    secrets = opened.secrets;
  }
  const continued = await orSayLocked(
    continueSession(fleet, journal, {autoConfirmAll: true, secrets, ...(options.transcriptDir ? {transcriptDir: options.transcriptDir} : {})}),
    out,
  );
  if (!continued) return 2;
  const {runner} = continued;
  const recorded = recordedOut(out, runner, `certwalk resume ${header.procedure} ${header.sessionId}`);
  try {
    recorded.log(`transcript ${runner.transcriptPath}`);
    const {phase} = runner.snapshot.state;
    // Killed before its first step: start it; failed (or interrupted): retry; paused: resume.
    const first =
      phase === 'idle'
        ? ({type: 'start', at: runner.now()} as const)
        : phase === 'failed'
          ? ({type: 'retry-requested', at: runner.now()} as const)
          : ({type: 'resume-requested', at: runner.now()} as const);
    const state = phase === 'completed' ? runner.snapshot.state : await drive(runner, first, recorded);
    return await finish(runner, state, recorded);
  } finally {
    recorded.close();
  }
}

/** Titles of the session's manual steps that are not done yet (by the step flags of the procedure's current code). */
function manualStepsLeft(read: ReadJournal, session: UnfinishedSession): string[] {
  const definition = findProcedure(read.header.procedure);
  let manualIds: Set<string>;
  try {
    manualIds = new Set(
      definition
        .steps(read.header.resolved, {})
        .filter((s) => s.manual)
        .map((s) => s.id),
    );
  } catch {
    // Steps that cannot be built without the session's secrets are not a checklist's.
    return [];
  }
  return session.state.steps.filter((s) => manualIds.has(s.info.id) && s.status.kind !== 'done' && s.status.kind !== 'skipped').map((s) => s.info.title);
}

async function drive(runner: ProcedureRunner, first: Parameters<ProcedureRunner['dispatch']>[0], out: Out): Promise<ProcedureState> {
  let previous = runner.snapshot.state;
  const unsubscribe = runner.subscribe(() => {
    const {state} = runner.snapshot;
    if (state === previous) return;
    state.steps.forEach((step, i) => {
      if (step.status !== previous.steps[i]?.status) reportStep(step, i, state.steps.length, out);
    });
    previous = state;
  });
  runner.dispatch(first);
  await runner.idle();
  unsubscribe();
  return runner.snapshot.state;
}

function reportStep(step: StepState, index: number, total: number, out: Out): void {
  const name = `[${index + 1}/${total}] ${step.info.node}: ${step.info.title}`;
  const s = step.status;
  switch (s.kind) {
    case 'capturing':
      out.log(`… ${name}`);
      return;
    case 'done':
      out.log(`✔ ${name} (${((s.finishedAt - s.startedAt) / 1000).toFixed(1)} s)`);
      return;
    case 'failed':
      out.error(`✘ ${name}: failed during ${s.phase}: ${s.error}`);
      return;
    case 'undone':
      out.log(`↶ ${name}: ${s.report}`);
      return;
    case 'undo-failed':
      out.error(`✘ ${name}: undo failed: ${s.error}`);
      return;
    default:
      return;
  }
}

/** With several nodes at once, a line of counts and each failed node with its reason. */
function printNodes(state: ProcedureState, out: Out): void {
  const lanes = laneProgress(state);
  if (lanes.length < 2) return;
  const failed = byAttention(lanes).filter((l) => l.condition === 'failed' || l.condition === 'undo-failed');
  const done = lanes.filter((l) => l.condition === 'done').length;
  const other = lanes.length - done - failed.length;
  out.log('');
  out.log(`nodes: ${done} done, ${failed.length} failed${failed.length ? ` (${failed.map((l) => l.name).join(', ')})` : ''}${other ? `, ${other} not finished` : ''}`);
  for (const lane of failed) {
    const step = state.steps[lane.focus]!;
    if (step.status.kind === 'failed') out.error(`  ✘ ${lane.name}: [${step.info.node}] ${step.info.title}: ${step.status.error}`);
  }
}

function printChanges(state: ProcedureState, out: Out): void {
  const rows = changeRows(state);
  if (!rows.length) return;
  out.log('');
  out.log('before → after');
  for (const row of rows) out.log(`  ${row.node.padEnd(10)} ${row.label.padEnd(40)} ${row.before ?? '(none)'} → ${row.after ?? '(none)'}`);
}
