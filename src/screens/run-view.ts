// The Run screen as lines: step list, before/after panel, output pane or a modal. Pure, so it is tested without a
// terminal and always fits the given height.
import type {RunnerSnapshot} from '../runner/runner.ts';
import {changeRows, rollbackOrder} from '../state/reducer.ts';
import type {Change, ProcedureState, StepState, StepStatus} from '../state/types.ts';
import {fit, pad, seconds, thumb} from './format.ts';
import {line, wrap, type Line} from './lines.tsx';

export type RunMode = 'main' | 'rollback-confirm' | 'quit-confirm';

export interface RunViewInput {
  readonly title: string;
  readonly snapshot: RunnerSnapshot;
  readonly mode: RunMode;
  readonly columns: number;
  readonly rows: number;
  readonly now: number;
  /** Manual scroll of the step list; null follows the current step. */
  readonly stepTop: number | null;
  readonly modalTop: number;
  readonly transcriptPath: string;
  readonly journalPath: string;
}

const ICON: Record<StepStatus['kind'], string> = {
  pending: '·',
  capturing: '▶',
  'awaiting-confirmation': '?',
  running: '▶',
  verifying: '▶',
  done: '✔',
  failed: '✘',
  skipped: '↷',
  undoing: '↶',
  undone: '↺',
  'undo-failed': '✘',
};

const COLOR: Partial<Record<StepStatus['kind'], string>> = {
  capturing: 'cyan',
  'awaiting-confirmation': 'yellow',
  running: 'cyan',
  verifying: 'cyan',
  done: 'green',
  failed: 'red',
  undoing: 'magenta',
  undone: 'magenta',
  'undo-failed': 'red',
};

function statusText(status: StepStatus, now: number): string {
  switch (status.kind) {
    case 'pending':
      return '';
    case 'capturing':
      return `reading ${seconds(Math.max(0, now - status.startedAt))}`;
    case 'awaiting-confirmation':
      return 'confirm?';
    case 'running':
      return `running ${seconds(Math.max(0, now - status.startedAt))}`;
    case 'verifying':
      return `checking ${seconds(Math.max(0, now - status.startedAt))}`;
    case 'done':
      return seconds(status.finishedAt - status.startedAt);
    case 'failed':
      return `FAILED (${status.phase})`;
    case 'skipped':
      return 'skipped';
    case 'undoing':
      return `undoing ${seconds(Math.max(0, now - status.startedAt))}`;
    case 'undone':
      return 'undone';
    case 'undo-failed':
      return 'UNDO FAILED';
  }
}

export function phaseLabel(state: ProcedureState): string {
  const done = state.steps.filter((s) => s.status.kind === 'done').length;
  const label = state.phase.toUpperCase().replace('-', ' ');
  return `${label} ${done}/${state.steps.length}`;
}

function stepLine(step: StepState, index: number, width: number, now: number, nodeWidth: number): Line {
  const status = statusText(step.status, now);
  const head = `${ICON[step.status.kind]} ${String(index + 1).padStart(2)} ${pad(step.info.node, nodeWidth)} `;
  const titleWidth = Math.max(10, width - head.length - status.length - 1);
  return line(`${head}${pad(step.info.title, titleWidth)} ${status}`, {
    color: COLOR[step.status.kind],
    dim: step.status.kind === 'pending',
    bold: step.status.kind === 'failed' || step.status.kind === 'awaiting-confirmation',
  });
}

interface StepWindow {
  readonly lines: Line[];
  /** `↑3 above · ↓5 below`, or '' when every step is visible. */
  readonly note: string;
  readonly maxTop: number;
  readonly first: number;
}

function stepWindow(state: ProcedureState, height: number, top: number | null, width: number, now: number): StepWindow {
  const total = state.steps.length;
  const maxTop = Math.max(0, total - Math.max(0, height));
  if (height <= 0) return {lines: [], note: '', maxTop, first: 0};
  const nodeWidth = Math.min(12, Math.max(...state.steps.map((s) => s.info.node.length), 4));
  const focus = state.current ?? Math.max(0, state.steps.findIndex((s) => s.status.kind === 'pending'));
  const follow = Math.min(Math.max(0, focus - Math.floor(height / 3)), maxTop);
  const first = top === null ? follow : Math.min(Math.max(0, top), maxTop);
  const lines = state.steps.slice(first, first + height).map((s, i) => stepLine(s, first + i, width, now, nodeWidth));
  const below = total - first - lines.length;
  const note = [first ? `↑${first} above` : '', below > 0 ? `↓${below} below` : ''].filter(Boolean).join(' · ');
  return {lines, note, maxTop, first};
}

/** The rule under the step list carries its scroll position, so no step's status is ever covered. */
function rule(note: string, width: number): Line {
  if (!note) return line('─'.repeat(width), {dim: true});
  const label = ` ${note} `;
  return line(`${'─'.repeat(3)}${label}${'─'.repeat(Math.max(0, width - 3 - label.length))}`, {dim: true});
}

function changesPanel(changes: readonly Change[], height: number, width: number): Line[] {
  if (height < 2) return [];
  const nodeWidth = Math.min(10, Math.max(4, ...changes.map((c) => c.node.length)));
  const available = width - nodeWidth - 5;
  const labelWant = Math.min(48, Math.max(12, ...changes.map((c) => c.label.length)));
  // Thumbprints first: whole when there is room (40), never under 12 so head…tail still tells two apart.
  const valueWidth = Math.min(40, Math.max(available >= 60 ? 16 : 12, Math.floor((available - labelWant) / 2)));
  const labelWidth = Math.min(labelWant, Math.max(8, available - 2 * valueWidth));
  const header = line(`${pad('node', nodeWidth)} ${pad('what', labelWidth)} ${pad('before', valueWidth)}   after`, {bold: true});
  if (!changes.length) return [header, line('  nothing changed yet', {dim: true})];
  const rows = changes.map((c) =>
    line(`${pad(c.node, nodeWidth)} ${pad(c.label, labelWidth)} ${pad(thumb(c.before, valueWidth), valueWidth)} → ${thumb(c.after, valueWidth)}`),
  );
  const room = height - 1;
  if (rows.length <= room) return [header, ...rows];
  // Newest changes matter most while a run is in progress.
  return [header, line(`  … ${rows.length - room + 1} earlier change(s) in the transcript`, {dim: true}), ...rows.slice(rows.length - room + 1)];
}

/** One line per fan-out: how many nodes are done, running, failed, waiting; failed nodes named first. */
export function laneSummary(state: ProcedureState, width: number): Line[] {
  const lanes = new Map<string, StepStatus['kind'][]>();
  for (const step of state.steps) {
    if (step.info.lane === undefined) continue;
    lanes.set(step.info.lane, [...(lanes.get(step.info.lane) ?? []), step.status.kind]);
  }
  if (lanes.size < 2) return [];
  const counts = {done: 0, running: 0, failed: 0, waiting: 0, undone: 0};
  const failed: string[] = [];
  for (const [lane, kinds] of lanes) {
    if (kinds.some((k) => k === 'failed' || k === 'undo-failed')) {
      counts.failed++;
      failed.push(lane);
    } else if (kinds.some((k) => k === 'capturing' || k === 'running' || k === 'verifying' || k === 'undoing' || k === 'awaiting-confirmation')) counts.running++;
    else if (kinds.every((k) => k === 'done' || k === 'skipped')) counts.done++;
    else if (kinds.some((k) => k === 'undone')) counts.undone++;
    else counts.waiting++;
  }
  const parts = [`nodes ${lanes.size}:`, `✘ ${counts.failed} failed`, `▶ ${counts.running} running`, `✔ ${counts.done} done`, `· ${counts.waiting} waiting`];
  if (counts.undone) parts.push(`↺ ${counts.undone} undone`);
  const text = `${parts.join('  ')}${failed.length ? `  · failed: ${failed.join(', ')}` : ''}`;
  return [line(fit(text, width), {color: counts.failed ? 'red' : undefined, bold: counts.failed > 0})];
}

/** The most recent read-back: expected against observed, so green means the node confirmed it. */
function readBack(state: ProcedureState, width: number): Line[] {
  let latest: StepState | undefined;
  for (const step of state.steps) {
    if (step.status.kind !== 'done') continue;
    if (!latest || (latest.status.kind === 'done' && step.status.finishedAt >= latest.status.finishedAt)) latest = step;
  }
  if (!latest || latest.status.kind !== 'done' || !latest.status.checks.length) return [];
  const checks = latest.status.checks;
  const shown = checks.slice(0, 3).map((c) => `${c.what} ${thumb(c.observed, 44)}${c.observed === c.expected ? ' = expected' : ` (expected ${c.expected})`}`);
  const more = checks.length > 3 ? ` · ${checks.length - 3} more checks ok` : '';
  return wrap(`✔ read back [${latest.info.node}] ${shown.join(' · ')}${more}`, width, {color: 'green'}, '  ').slice(0, 2);
}

function outputPane(snapshot: RunnerSnapshot, height: number, width: number): Line[] {
  if (height < 1) return [];
  const {output} = snapshot;
  const heading = line(output.command ? `Output · [${output.node}] ${output.command}` : 'Output', {bold: true, dim: !output.command});
  const lines = output.lines.slice(-(height - 1)).map((l) => line(`  ${l}`, {dim: true}));
  return [heading, ...lines];
}

function confirmModal(step: StepState, state: ProcedureState, width: number): Line[] {
  if (step.status.kind !== 'awaiting-confirmation') return [];
  const p = step.status.prompt;
  const remaining = state.steps.filter(
    (s) => s !== step && s.info.kind === step.info.kind && (s.status.kind === 'pending' || s.status.kind === 'awaiting-confirmation'),
  ).length;
  const out: Line[] = [line(`Confirm [${step.info.node}]: ${p.title}`, {bold: true, color: 'yellow', inverse: true})];
  const section = (title: string, items: readonly string[], color?: string) => {
    if (!items.length) return;
    out.push(line(title, {bold: true}));
    for (const item of items) out.push(...wrap(`  ${item}`, width, color ? {color} : {}, '    '));
  };
  section('Will run:', p.commands);
  section('Removes:', p.removes, 'red');
  section('Still pointing at it:', p.references);
  section('Warnings:', p.warnings.map((w) => `! ${w}`), 'yellow');
  section('Kept to restore it:', p.restoreWith, 'green');
  return out.concat(
    line(remaining ? `y yes · n/Esc no (default) · a yes to this + ${remaining} like it` : 'y yes · n/Esc no (default: nothing runs)', {bold: true}),
  );
}

function rollbackModal(state: ProcedureState, width: number): Line[] {
  const order = rollbackOrder(state);
  const out: Line[] = [line('Roll back: undo every step that changed something, newest first', {bold: true, color: 'magenta', inverse: true})];
  if (!order.length) out.push(line('  nothing has changed yet: rolling back just ends the procedure', {dim: true}));
  order.forEach((index, n) => {
    const s = state.steps[index]!;
    out.push(line(`  ${String(n + 1).padStart(2)}. undo [${s.info.node}] ${s.info.title}`));
  });
  out.push(line('Each undo re-reads the node first and uses only what was captured before the step ran.', {dim: true}));
  out.push(line('y start the rollback · n/Esc cancel', {bold: true}));
  return out;
}

function failurePanel(state: ProcedureState, width: number): Line[] {
  const step = state.current === null ? undefined : state.steps[state.current];
  if (!step || step.status.kind !== 'failed') return [];
  const out: Line[] = wrap(`✘ FAILED during ${step.status.phase} · [${step.info.node}] ${step.info.title}`, width, {bold: true, color: 'red'}, '  ');
  const failedChecks = (step.status.checks ?? []).filter((c) => !c.ok);
  if (failedChecks.length) {
    for (const c of failedChecks) out.push(...wrap(`  ✘ ${c.what}: expected ${c.expected}, observed ${c.observed}`, width, {color: 'red'}, '    '));
  } else {
    out.push(...wrap(`  ${step.status.error}`, width, {color: 'red'}, '  '));
  }
  out.push(line('Nothing after this step runs until you choose.', {dim: true}));
  out.push(line(`e retry${step.info.skippable ? ' · s skip' : ''} · r roll back · q quit, leaving it as is`, {bold: true}));
  return out;
}

function footer(state: ProcedureState, mode: RunMode, hint: string | null): Line {
  if (hint) return line(`(${hint})`, {color: 'yellow'});
  if (mode === 'quit-confirm') return line('Quit, leaving it as is? y quit · n stay  (the journal keeps what rollback needs)', {bold: true, color: 'yellow'});
  const current = state.current === null ? undefined : state.steps[state.current];
  if (current?.status.kind === 'awaiting-confirmation' && mode === 'main') return line('answer above · ↑↓ scroll the box · r roll back instead · t transcript · ? help', {dim: true});
  switch (state.phase) {
    case 'idle':
    case 'running':
      return line('p pause · r roll back · t transcript · ↑↓ scroll steps · ? help · q quit', {dim: true});
    case 'paused':
      return line('PAUSED · p resume · r roll back · t transcript · q quit', {color: 'yellow'});
    case 'failed':
      return line(`e retry${current?.info.skippable ? ' · s skip' : ''} · r roll back · t transcript · q quit`, {dim: true});
    case 'rolling-back':
      return line('rolling back… t transcript · ? help', {color: 'magenta'});
    case 'completed':
      return line('Enter home · r roll back · t transcript · q quit', {dim: true});
    default:
      return line('Enter home · t transcript · q quit', {dim: true});
  }
}

function summary(input: RunViewInput, width: number): Line[] {
  const {state} = input.snapshot;
  const undone = state.steps.filter((s) => s.status.kind === 'undone').length;
  const undoFailed = state.steps.filter((s) => s.status.kind === 'undo-failed');
  const out: Line[] = [];
  if (state.phase === 'completed') out.push(line(`✔ Completed: all ${state.steps.length} steps done and read back`, {bold: true, color: 'green'}));
  if (state.phase === 'rolled-back') {
    out.push(
      undoFailed.length
        ? line(`✘ Rolled back with ${undoFailed.length} undo failure(s): check these by hand`, {bold: true, color: 'red'})
        : line(`↺ Rolled back: ${undone} step(s) undone, newest first, each re-read before and after`, {bold: true, color: 'magenta'}),
    );
    for (const s of undoFailed) if (s.status.kind === 'undo-failed') out.push(...wrap(`  [${s.info.node}] ${s.info.title}: ${s.status.error}`, width, {color: 'red'}, '    '));
  }
  if (state.phase === 'aborted') out.push(line('Left as is: roll back later with `certwalk rollback --journal FILE --yes`', {bold: true, color: 'yellow'}));
  out.push(line('Transcript (what ran, who confirmed, every command and its output):'));
  out.push(...wrap(`  ${input.transcriptPath}`, width, {}, '  '));
  out.push(line('Journal (for `certwalk rollback --journal FILE --yes`):', {dim: true}));
  out.push(...wrap(`  ${input.journalPath}`, width, {dim: true}, '  '));
  return out;
}

export interface RunView {
  readonly lines: Line[];
  /** How far the modal and the step list can scroll, so keys past the end do nothing. */
  readonly modalMaxTop: number;
  readonly stepMaxTop: number;
  /** The first step shown, so manual scrolling starts from what is on screen. */
  readonly stepFirst: number;
}

export function runLines(input: RunViewInput): Line[] {
  return runView(input).lines;
}

export function runView(input: RunViewInput): RunView {
  const width = Math.max(20, input.columns - 1);
  const view = layoutRun(input, width);
  return {...view, lines: view.lines.map((l) => ({...l, text: fit(l.text, width)}))};
}

function layoutRun(input: RunViewInput, width: number): RunView {
  const {snapshot, mode, rows, now} = input;
  const {state} = snapshot;
  const budget = Math.max(8, rows - 1);
  const title = line(`certwalk · ${input.title}`, {bold: true});
  const phase = phaseLabel(state);
  const top: Line[] = [{...title, text: `${pad(title.text, width - phase.length - 1)} ${phase}`}];
  const bottom = footer(state, mode, snapshot.hint);

  const current = state.current === null ? undefined : state.steps[state.current];
  let modal: Line[] = [];
  if (mode === 'rollback-confirm') modal = rollbackModal(state, width);
  else if (current?.status.kind === 'awaiting-confirmation') modal = confirmModal(current, state, width);
  else if (state.phase === 'failed') modal = failurePanel(state, width);
  const ended = state.phase === 'completed' || state.phase === 'rolled-back' || state.phase === 'aborted';
  if (!modal.length && ended) modal = summary(input, width);

  const body = budget - 2;
  if (modal.length) {
    const changes = changeRows(state);
    // When the procedure has ended the before/after table is the point of the screen; otherwise the modal is.
    // The step list gets whatever room is left, at least three lines.
    const wantChanges = ended && mode === 'main' ? changes.length + 1 : 0;
    const stepsHeight = Math.min(state.steps.length, Math.max(3, body - 1 - modal.length - wantChanges));
    const changesHeight = Math.min(wantChanges, Math.max(0, body - stepsHeight - modal.length - 1));
    const modalHeight = body - stepsHeight - changesHeight - 1;
    let shown = modal;
    let modalMaxTop = 0;
    if (modal.length > modalHeight && modalHeight >= 3) {
      // The answer line stays visible whatever the scroll position; the rest scrolls above a marker.
      const room = modalHeight - 2;
      modalMaxTop = modal.length - 1 - room;
      const start = Math.min(Math.max(0, input.modalTop), modalMaxTop);
      shown = [...modal.slice(start, start + room), line(`  ↑↓ scroll: ${modalMaxTop} more line(s) in this box`, {dim: true}), modal[modal.length - 1]!];
    }
    const lanes = laneSummary(state, width);
    const steps = stepWindow(state, stepsHeight - lanes.length, input.stepTop, width, now);
    const lines = [...top, ...lanes, ...steps.lines, rule(steps.note, width), ...shown, ...(changesHeight ? changesPanel(changes, changesHeight, width) : [])];
    return {lines: [...lines.slice(0, budget - 1), bottom], modalMaxTop, stepMaxTop: steps.maxTop, stepFirst: steps.first};
  }

  const checked = readBack(state, width);
  const outputHeight = Math.min(Math.max(3, Math.floor(body / 4)), 12);
  const changes = changeRows(state);
  const changesHeight = Math.min(changes.length + 1, Math.max(2, Math.floor(body / 4)));
  const lanes = laneSummary(state, width);
  const stepsHeight = Math.max(3, body - outputHeight - changesHeight - checked.length - lanes.length - 1);
  const steps = stepWindow(state, stepsHeight, input.stepTop, width, now);
  const lines = [
    ...top,
    ...lanes,
    ...steps.lines,
    rule(steps.note, width),
    ...changesPanel(changes, changesHeight, width),
    ...checked,
    ...outputPane(snapshot, outputHeight, width),
  ];
  return {lines: [...lines.slice(0, budget - 1), bottom], modalMaxTop: 0, stepMaxTop: steps.maxTop, stepFirst: steps.first};
}
