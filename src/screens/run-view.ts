// The Run screen as lines: step list, before/after panel, output pane or a modal. Pure, so it is tested without a
// terminal and always fits the given height.
import type {RunnerSnapshot} from '../runner/runner.ts';
import {byAttention, countConditions, laneProgress, nodeProgress, type NodeCondition, type NodeProgress} from '../state/progress.ts';
import {changeRows, rollbackOrder} from '../state/reducer.ts';
import type {Change, ProcedureState, StepState, StepStatus} from '../state/types.ts';
import {fit, pad, seconds, thumb} from './format.ts';
import {line, wrap, type Line} from './lines.tsx';

export type RunMode = 'main' | 'rollback-confirm' | 'node-rollback-confirm' | 'quit-confirm';

/** The node list: one row per node, failed first; a node opened shows its own steps. */
export interface NodeListView {
  /** The selected node's name (kept across re-sorting), or null for the first row. */
  readonly selected: string | null;
  /** The node whose steps are shown instead of the list, or null. */
  readonly open: string | null;
}

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
  /** Present when the node list is shown instead of the step list. */
  readonly nodes?: NodeListView | null;
  /** The node the node-rollback-confirm box is about. */
  readonly laneToRollBack?: string | null;
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
      return status.interrupted ? 'INTERRUPTED' : `FAILED (${status.phase})`;
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

function stepWindow(state: ProcedureState, height: number, top: number | null, width: number, now: number, only?: readonly number[]): StepWindow {
  const indices = only ?? state.steps.map((_, i) => i);
  const total = indices.length;
  const maxTop = Math.max(0, total - Math.max(0, height));
  if (height <= 0) return {lines: [], note: '', maxTop, first: 0};
  const nodeWidth = Math.min(12, Math.max(...indices.map((i) => state.steps[i]!.info.node.length), 4));
  const focusStep = state.current ?? Math.max(0, state.steps.findIndex((s) => s.status.kind === 'pending'));
  const focus = Math.max(0, indices.indexOf(focusStep));
  const follow = Math.min(Math.max(0, focus - Math.floor(height / 3)), maxTop);
  const first = top === null ? follow : Math.min(Math.max(0, top), maxTop);
  const lines = indices.slice(first, first + height).map((i) => stepLine(state.steps[i]!, i, width, now, nodeWidth));
  const below = total - first - lines.length;
  const note = [first ? `↑${first} above` : '', below > 0 ? `↓${below} below` : ''].filter(Boolean).join(' · ');
  return {lines, note, maxTop, first};
}

const NODE_ICON: Record<NodeCondition, string> = {
  'undo-failed': '✘',
  failed: '✘',
  asking: '?',
  undoing: '↶',
  running: '▶',
  stopped: '‖',
  waiting: '·',
  undone: '↺',
  done: '✔',
};

const NODE_COLOR: Partial<Record<NodeCondition, string>> = {
  'undo-failed': 'red',
  failed: 'red',
  asking: 'yellow',
  undoing: 'magenta',
  running: 'cyan',
  stopped: 'yellow',
  undone: 'magenta',
  done: 'green',
};

function nodeLine(node: NodeProgress, state: ProcedureState, width: number, now: number, nameWidth: number, selected: boolean): Line {
  const step = state.steps[node.focus]!;
  const progress = `${node.done}/${node.steps.length}`.padStart(5);
  const status = node.condition === 'stopped' ? 'stopped' : node.condition === 'waiting' ? '' : statusText(step.status, now);
  const head = `${selected ? '›' : ' '}${NODE_ICON[node.condition]} ${pad(node.name, nameWidth)} ${progress} `;
  // A failed node shows why, not just which step: with two hundred nodes nobody opens each one.
  const what = step.status.kind === 'failed' ? step.status.error : step.status.kind === 'undo-failed' ? `undo: ${step.status.error}` : step.info.title;
  const whatWidth = Math.max(8, width - head.length - status.length - 1);
  return line(`${head}${pad(what, whatWidth)} ${status}`, {
    color: NODE_COLOR[node.condition],
    dim: node.condition === 'waiting',
    bold: node.condition === 'failed' || node.condition === 'asking' || node.condition === 'undo-failed',
    inverse: selected,
  });
}

interface NodeWindow {
  readonly lines: Line[];
  readonly note: string;
  /** Node names in list order, so keys move the selection through what is shown. */
  readonly order: readonly string[];
}

function nodeWindow(state: ProcedureState, view: NodeListView, height: number, width: number, now: number): NodeWindow {
  const nodes = byAttention(nodeProgress(state));
  const order = nodes.map((n) => n.name);
  if (height <= 0) return {lines: [], note: '', order};
  const index = Math.max(0, view.selected === null ? 0 : order.indexOf(view.selected));
  const maxTop = Math.max(0, nodes.length - height);
  const first = Math.min(Math.max(0, index - Math.floor(height / 3)), maxTop);
  const nameWidth = Math.min(16, Math.max(4, ...nodes.map((n) => n.name.length)));
  const lines = nodes.slice(first, first + height).map((n, i) => nodeLine(n, state, width, now, nameWidth, first + i === index));
  const below = nodes.length - first - lines.length;
  const note = [`node ${index + 1}/${nodes.length}`, first ? `↑${first} above` : '', below > 0 ? `↓${below} below` : ''].filter(Boolean).join(' · ');
  return {lines, note, order};
}

/** The list region: the node list, one node's steps, or every step. */
function listRegion(input: RunViewInput, height: number, width: number): {lines: Line[]; note: string; steps: StepWindow | null; order: readonly string[]} {
  const {state} = input.snapshot;
  const view = input.nodes;
  const summary = laneSummary(state, width);
  if (!view) {
    const steps = stepWindow(state, height - summary.length, input.stepTop, width, input.now);
    return {lines: [...summary, ...steps.lines], note: steps.note, steps, order: []};
  }
  if (view.open !== null) {
    const node = nodeProgress(state).find((n) => n.name === view.open);
    const heading = line(`${view.open}: ${node ? `${node.done}/${node.steps.length} steps done` : 'no such node'} · Esc back to the node list`, {bold: true});
    const steps = stepWindow(state, height - 1, input.stepTop, width, input.now, node?.steps ?? []);
    return {lines: [heading, ...steps.lines], note: steps.note, steps, order: []};
  }
  const nodes = nodeWindow(state, view, height - summary.length, width, input.now);
  return {lines: [...summary, ...nodes.lines], note: nodes.note, steps: null, order: nodes.order};
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
  const lanes = laneProgress(state);
  if (lanes.length < 2) return [];
  const counts = countConditions(lanes);
  const n = (...conditions: NodeCondition[]) => conditions.reduce((sum, c) => sum + (counts.get(c) ?? 0), 0);
  const failed = lanes.filter((l) => l.condition === 'failed' || l.condition === 'undo-failed').map((l) => l.name);
  const parts = [`nodes ${lanes.length}:`, `✘ ${failed.length} failed`, `▶ ${n('running', 'asking', 'undoing')} running`, `✔ ${n('done')} done`, `· ${n('waiting', 'stopped')} waiting`];
  if (n('undone')) parts.push(`↺ ${n('undone')} undone`);
  const text = `${parts.join('  ')}${failed.length ? `  · failed: ${failed.join(', ')}` : ''}`;
  return [line(fit(text, width), {color: failed.length ? 'red' : undefined, bold: failed.length > 0})];
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

function nodeRollbackModal(state: ProcedureState, node: string | null): Line[] {
  const order = node === null ? [] : rollbackOrder(state, node);
  const out: Line[] = [line(`Roll back ${node ?? '(no node selected)'} only: the other nodes keep their changes`, {bold: true, color: 'magenta', inverse: true})];
  if (!order.length) out.push(line('  nothing to undo on this node', {dim: true}));
  order.forEach((index, n) => {
    const s = state.steps[index]!;
    out.push(line(`  ${String(n + 1).padStart(2)}. undo [${s.info.node}] ${s.info.title}`));
  });
  out.push(line('Afterwards the node is back to not started: p runs it again, r rolls back everything.', {dim: true}));
  out.push(line(order.length ? 'y roll back this node · n/Esc cancel' : 'n/Esc close', {bold: true}));
  return out;
}

function failurePanel(state: ProcedureState, width: number): Line[] {
  const step = state.current === null ? undefined : state.steps[state.current];
  if (!step || step.status.kind !== 'failed') return [];
  const what = step.status.interrupted ? 'INTERRUPTED (certwalk stopped) during' : 'FAILED during';
  const out: Line[] = wrap(`✘ ${what} ${step.status.phase} · [${step.info.node}] ${step.info.title}`, width, {bold: true, color: 'red'}, '  ');
  const failedChecks = (step.status.checks ?? []).filter((c) => !c.ok);
  if (failedChecks.length) {
    for (const c of failedChecks) out.push(...wrap(`  ✘ ${c.what}: expected ${c.expected}, observed ${c.observed}`, width, {color: 'red'}, '    '));
  } else {
    out.push(...wrap(`  ${step.status.error}`, width, {color: 'red'}, '  '));
  }
  const others = state.steps.filter((s) => s !== step && s.status.kind === 'failed').length;
  if (others) out.push(line(`${others} other step(s) failed too (g: the node list shows each node's reason)`, {color: 'red'}));
  out.push(line('Nothing after this step runs until you choose.', {dim: true}));
  const laned = step.info.lane !== undefined;
  const retry = step.status.interrupted ? 'e resume (reads it back first)' : 'e retry';
  out.push(line(`${retry}${step.info.skippable ? ' · s skip' : ''} · r roll back${laned ? ' · x this node only' : ''} · q quit, leaving it as is`, {bold: true}));
  return out;
}

function footer(state: ProcedureState, mode: RunMode, hint: string | null, nodes: NodeListView | null | undefined): Line {
  if (hint) return line(`(${hint})`, {color: 'yellow'});
  if (nodes && mode === 'main' && state.phase !== 'rolling-back') {
    const current = state.current === null ? undefined : state.steps[state.current];
    if (current?.status.kind !== 'awaiting-confirmation') {
      const move = nodes.open !== null ? 'Esc node list' : state.phase === 'completed' ? 'Enter home · ↑↓ node' : '↑↓/Enter node';
      const byPhase: Partial<Record<ProcedureState['phase'], string>> = {
        running: 'p pause · r roll back',
        paused: 'x undo node · p resume · r undo all',
        failed: 'x undo node · e retry · r undo all',
        completed: 'x undo node · r undo all',
      };
      const keys = byPhase[state.phase];
      if (keys) return line(`${move} · g steps · ${keys} · ? help`, {dim: state.phase !== 'paused', color: state.phase === 'paused' ? 'yellow' : undefined});
    }
  }
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
  /** The node list's order (failed first), for moving the selection; empty when no list is shown. */
  readonly nodeOrder: readonly string[];
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
  const {snapshot, mode, rows} = input;
  const {state} = snapshot;
  const budget = Math.max(8, rows - 1);
  const title = line(`certwalk · ${input.title}`, {bold: true});
  const phase = phaseLabel(state);
  const top: Line[] = [{...title, text: `${pad(title.text, width - phase.length - 1)} ${phase}`}];
  const bottom = footer(state, mode, snapshot.hint, input.nodes);

  const current = state.current === null ? undefined : state.steps[state.current];
  let modal: Line[] = [];
  if (mode === 'rollback-confirm') modal = rollbackModal(state, width);
  else if (mode === 'node-rollback-confirm') modal = nodeRollbackModal(state, input.laneToRollBack ?? null);
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
    const list = listRegion(input, stepsHeight, width);
    const lines = [...top, ...list.lines, rule(list.note, width), ...shown, ...(changesHeight ? changesPanel(changes, changesHeight, width) : [])];
    return {lines: [...lines.slice(0, budget - 1), bottom], nodeOrder: list.order, modalMaxTop, stepMaxTop: list.steps?.maxTop ?? 0, stepFirst: list.steps?.first ?? 0};
  }

  const checked = readBack(state, width);
  const outputHeight = Math.min(Math.max(3, Math.floor(body / 4)), 12);
  const changes = changeRows(state);
  const changesHeight = Math.min(changes.length + 1, Math.max(2, Math.floor(body / 4)));
  const stepsHeight = Math.max(3, body - outputHeight - changesHeight - checked.length - 1);
  const list = listRegion(input, stepsHeight, width);
  const lines = [
    ...top,
    ...list.lines,
    rule(list.note, width),
    ...changesPanel(changes, changesHeight, width),
    ...checked,
    ...outputPane(snapshot, outputHeight, width),
  ];
  return {lines: [...lines.slice(0, budget - 1), bottom], nodeOrder: list.order, modalMaxTop: 0, stepMaxTop: list.steps?.maxTop ?? 0, stepFirst: list.steps?.first ?? 0};
}
