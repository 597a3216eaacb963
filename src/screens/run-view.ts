// The Run screen as lines: step list, before/after panel, output pane or a modal. Pure, so it is tested without a
// terminal and always fits the given height.
import type {RunnerSnapshot} from '../runner/runner.ts';
import {byAttention, countConditions, laneProgress, nodeProgress, type NodeCondition, type NodeProgress} from '../state/progress.ts';
import {changedSomething, changeRows, isInFlight, openWindows, rollbackOrder, type OpenWindow} from '../state/reducer.ts';
import type {Change, ProcedureState, StepState, StepStatus} from '../state/types.ts';
import {cells, fit, pad, seconds, thumb} from './format.ts';
import {line, wrap, type Line} from './lines.tsx';
import {DEFAULT_UI, type Ui} from './ui.ts';

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
  /** Language and glyphs (English and Unicode when absent). */
  readonly ui?: Ui;
}

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

function statusText(status: StepStatus, now: number, {t}: Ui): string {
  const time = (startedAt: number) => seconds(Math.max(0, now - startedAt));
  switch (status.kind) {
    case 'pending':
      return '';
    case 'capturing':
      return t('status.reading', {time: time(status.startedAt)});
    case 'awaiting-confirmation':
      return t('status.confirm');
    case 'running':
      return t('status.running', {time: time(status.startedAt)});
    case 'verifying':
      return t('status.checking', {time: time(status.startedAt)});
    case 'done':
      return seconds(status.finishedAt - status.startedAt);
    case 'failed':
      return status.interrupted ? t('status.interrupted') : t('status.failed', {phase: t(`stepPhase.${status.phase}`)});
    case 'skipped':
      return t('status.skipped');
    case 'undoing':
      return t('status.undoing', {time: time(status.startedAt)});
    case 'undone':
      return t('status.undone');
    case 'undo-failed':
      return t('status.undoFailed');
  }
}

export function phaseLabel(state: ProcedureState, {t}: Ui = DEFAULT_UI): string {
  const done = state.steps.filter((s) => s.status.kind === 'done').length;
  // A pause waits for the running step to end: saying so at once tells the admin the p was taken.
  const phase = state.phase === 'running' && state.pauseRequested ? t('phase.pausing') : t(`phase.${state.phase}`);
  return t('run.phase', {phase, done, total: state.steps.length});
}

function stepLine(step: StepState, index: number, width: number, now: number, nodeWidth: number, ui: Ui): Line {
  const {g, text} = ui;
  const status = statusText(step.status, now, ui);
  const head = `${g.step[step.status.kind]} ${String(index + 1).padStart(2)} ${pad(text(step.info.node), nodeWidth, g.ellipsis)} `;
  const titleWidth = Math.max(10, width - cells(head) - cells(status) - 1);
  return line(`${head}${pad(text(step.info.title), titleWidth, g.ellipsis)} ${status}`, {
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

function stepWindow(state: ProcedureState, height: number, top: number | null, width: number, now: number, ui: Ui, only?: readonly number[]): StepWindow {
  const indices = only ?? state.steps.map((_, i) => i);
  const total = indices.length;
  const maxTop = Math.max(0, total - Math.max(0, height));
  if (height <= 0) return {lines: [], note: '', maxTop, first: 0};
  const nodeWidth = Math.min(12, Math.max(...indices.map((i) => cells(ui.text(state.steps[i]!.info.node))), 4));
  const focusStep =
    state.current ??
    Math.max(
      0,
      state.steps.findIndex((s) => s.status.kind === 'pending'),
    );
  const focus = Math.max(0, indices.indexOf(focusStep));
  const follow = Math.min(Math.max(0, focus - Math.floor(height / 3)), maxTop);
  const first = top === null ? follow : Math.min(Math.max(0, top), maxTop);
  const lines = indices.slice(first, first + height).map((i) => stepLine(state.steps[i]!, i, width, now, nodeWidth, ui));
  const below = total - first - lines.length;
  const note = joined(ui, [first ? ui.t('run.above', {arrow: ui.g.above, count: first}) : '', below > 0 ? ui.t('run.below', {arrow: ui.g.below, count: below}) : '']);
  return {lines, note, maxTop, first};
}

/** The non-empty parts joined by the separator (` · `). */
function joined({g}: Ui, parts: readonly string[]): string {
  return parts.filter(Boolean).join(` ${g.separator} `);
}

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

function nodeLine(node: NodeProgress, state: ProcedureState, width: number, now: number, nameWidth: number, selected: boolean, ui: Ui): Line {
  const {g, t, text} = ui;
  const step = state.steps[node.focus]!;
  const progress = `${node.done}/${node.steps.length}`.padStart(5);
  const status = node.condition === 'stopped' ? t('status.stopped') : node.condition === 'waiting' ? '' : statusText(step.status, now, ui);
  const head = `${selected ? g.cursor : ' '}${g.node[node.condition]} ${pad(text(node.name), nameWidth, g.ellipsis)} ${progress} `;
  // A failed node shows why, not just which step: with two hundred nodes nobody opens each one.
  const what =
    step.status.kind === 'failed' ? text(step.status.error) : step.status.kind === 'undo-failed' ? t('run.undoError', {error: step.status.error}) : text(step.info.title);
  const whatWidth = Math.max(8, width - cells(head) - cells(status) - 1);
  return line(`${head}${pad(what, whatWidth, g.ellipsis)} ${status}`, {
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

function nodeWindow(state: ProcedureState, view: NodeListView, height: number, width: number, now: number, ui: Ui): NodeWindow {
  const nodes = byAttention(nodeProgress(state));
  const order = nodes.map((n) => n.name);
  if (height <= 0) return {lines: [], note: '', order};
  const index = Math.max(0, view.selected === null ? 0 : order.indexOf(view.selected));
  const maxTop = Math.max(0, nodes.length - height);
  const first = Math.min(Math.max(0, index - Math.floor(height / 3)), maxTop);
  const nameWidth = Math.min(16, Math.max(4, ...nodes.map((n) => cells(ui.text(n.name)))));
  const lines = nodes.slice(first, first + height).map((n, i) => nodeLine(n, state, width, now, nameWidth, first + i === index, ui));
  const below = nodes.length - first - lines.length;
  const note = joined(ui, [
    ui.t('run.nodePosition', {index: index + 1, total: nodes.length}),
    first ? ui.t('run.above', {arrow: ui.g.above, count: first}) : '',
    below > 0 ? ui.t('run.below', {arrow: ui.g.below, count: below}) : '',
  ]);
  return {lines, note, order};
}

/** The list region: the node list, one node's steps, or every step. */
function listRegion(input: RunViewInput, ui: Ui, height: number, width: number): {lines: Line[]; note: string; steps: StepWindow | null; order: readonly string[]} {
  const {state} = input.snapshot;
  const view = input.nodes;
  const summary = laneSummary(state, width, ui);
  if (!view) {
    const steps = stepWindow(state, height - summary.length, input.stepTop, width, input.now, ui);
    return {lines: [...summary, ...steps.lines], note: steps.note, steps, order: []};
  }
  if (view.open !== null) {
    const node = nodeProgress(state).find((n) => n.name === view.open);
    const heading = line(node ? ui.t('run.nodeHeading', {node: view.open, done: node.done, total: node.steps.length}) : ui.t('run.noSuchNode', {node: view.open}), {bold: true});
    const steps = stepWindow(state, height - 1, input.stepTop, width, input.now, ui, node?.steps ?? []);
    return {lines: [heading, ...steps.lines], note: steps.note, steps, order: []};
  }
  const nodes = nodeWindow(state, view, height - summary.length, width, input.now, ui);
  return {lines: [...summary, ...nodes.lines], note: nodes.note, steps: null, order: nodes.order};
}

/** The rule under the step list carries its scroll position, so no step's status is ever covered. */
function rule(note: string, width: number, {g}: Ui): Line {
  if (!note) return line(g.rule.repeat(width), {dim: true});
  const label = ` ${note} `;
  return line(`${g.rule.repeat(3)}${label}${g.rule.repeat(Math.max(0, width - 3 - cells(label)))}`, {dim: true});
}

/**
 * Before and after side by side: node, what, before → after, each column starting at the same cell on every row
 * (headers included, in any language).
 */
function changesPanel(changes: readonly Change[], height: number, width: number, ui: Ui): Line[] {
  if (height < 2) return [];
  const {g, t, text} = ui;
  const arrow = ` ${g.arrow} `;
  const nodeWidth = Math.min(10, Math.max(4, cells(t('changes.node')), ...changes.map((c) => cells(text(c.node)))));
  const available = width - nodeWidth - 2 - cells(arrow);
  const labelWant = Math.min(48, Math.max(12, ...changes.map((c) => cells(text(c.label)))));
  // Thumbprints first: whole when there is room (40), never under 12 so head…tail still tells two apart.
  const valueWidth = Math.min(40, Math.max(available >= 60 ? 16 : 12, Math.floor((available - labelWant) / 2)));
  const labelWidth = Math.min(labelWant, Math.max(8, available - 2 * valueWidth));
  const value = (v: string | null) => thumb(v === null ? null : text(v), valueWidth, g.ellipsis, t('changes.noValue'));
  const header = line(
    `${pad(t('changes.node'), nodeWidth, g.ellipsis)} ${pad(t('changes.what'), labelWidth, g.ellipsis)} ${pad(t('changes.before'), valueWidth, g.ellipsis)}${' '.repeat(cells(arrow))}${t('changes.after')}`,
    {bold: true},
  );
  if (!changes.length) return [header, line(`  ${t('changes.none')}`, {dim: true})];
  const row = (c: Change) =>
    line(`${pad(text(c.node), nodeWidth, g.ellipsis)} ${pad(text(c.label), labelWidth, g.ellipsis)} ${pad(value(c.before), valueWidth, g.ellipsis)}${arrow}${value(c.after)}`);
  const room = height - 1;
  if (changes.length <= room) return [header, ...changes.map(row)];
  // Newest changes matter most while a run is in progress. Only the rows shown are laid out: a fleet run holds
  // hundreds of changes, and the screen is drawn again for every step that starts or ends.
  const hidden = changes.length - room + 1;
  return [header, line(`  ${t('changes.earlier', {ellipsis: g.ellipsis, count: hidden})}`, {dim: true}), ...changes.slice(hidden).map(row)];
}

/** One line per fan-out: how many nodes are done, running, failed, waiting; failed nodes named first. */
export function laneSummary(state: ProcedureState, width: number, ui: Ui = DEFAULT_UI): Line[] {
  const {g, t} = ui;
  const lanes = laneProgress(state);
  if (lanes.length < 2) return [];
  const counts = countConditions(lanes);
  const n = (...conditions: NodeCondition[]) => conditions.reduce((sum, c) => sum + (counts.get(c) ?? 0), 0);
  const failed = lanes.filter((l) => l.condition === 'failed' || l.condition === 'undo-failed').map((l) => ui.text(l.name));
  const parts = [
    t('lanes.nodes', {count: lanes.length}),
    t('lanes.failed', {icon: g.node.failed, count: failed.length}),
    t('lanes.running', {icon: g.node.running, count: n('running', 'asking', 'undoing')}),
    t('lanes.done', {icon: g.node.done, count: n('done')}),
    t('lanes.waiting', {icon: g.node.waiting, count: n('waiting', 'stopped')}),
  ];
  if (n('undone')) parts.push(t('lanes.undone', {icon: g.node.undone, count: n('undone')}));
  const text = `${parts.join('  ')}${failed.length ? `  ${t('lanes.failedNames', {separator: g.separator, names: failed.join(', ')})}` : ''}`;
  return [line(fit(text, width, g.ellipsis), {color: failed.length ? 'red' : undefined, bold: failed.length > 0})];
}

/** The most recent read-back: expected against observed, so green means the node confirmed it. */
function readBack(state: ProcedureState, width: number, ui: Ui): Line[] {
  let latest: StepState | undefined;
  for (const step of state.steps) {
    if (step.status.kind !== 'done') continue;
    if (!latest || (latest.status.kind === 'done' && step.status.finishedAt >= latest.status.finishedAt)) latest = step;
  }
  if (!latest || latest.status.kind !== 'done' || !latest.status.checks.length) return [];
  const {g, t, text} = ui;
  const checks = latest.status.checks;
  const shown = checks.slice(0, 3).map((c) => {
    const observed = thumb(text(c.observed), 44, g.ellipsis);
    return c.observed === c.expected ? t('readBack.expected', {what: c.what, observed}) : t('readBack.unexpected', {what: c.what, observed, expected: c.expected});
  });
  const more = checks.length > 3 ? t('readBack.more', {count: checks.length - 3}) : '';
  return wrap(t('readBack.line', {icon: g.ok, node: latest.info.node, checks: shown.join(` ${g.separator} `), more}), width, {color: 'green'}, '  ').slice(0, 2);
}

function outputPane(snapshot: RunnerSnapshot, height: number, {t, text}: Ui): Line[] {
  if (height < 1) return [];
  const {output} = snapshot;
  const heading = line(output.command ? t('output.command', {node: output.node ?? '', command: output.command}) : t('output.title'), {bold: true, dim: !output.command});
  const lines = output.lines.slice(-(height - 1)).map((l) => line(`  ${text(l)}`, {dim: true}));
  return [heading, ...lines];
}

function confirmModal(step: StepState, state: ProcedureState, width: number, ui: Ui): Line[] {
  if (step.status.kind !== 'awaiting-confirmation') return [];
  const {t, text} = ui;
  const p = step.status.prompt;
  const remaining = state.steps.filter((s) => s !== step && s.info.kind === step.info.kind && (s.status.kind === 'pending' || s.status.kind === 'awaiting-confirmation')).length;
  const out: Line[] = [line(t('confirm.title', {node: step.info.node, title: p.title}), {bold: true, color: 'yellow', inverse: true})];
  const section = (title: string, items: readonly string[], color?: string) => {
    if (!items.length) return;
    out.push(line(title, {bold: true}));
    for (const item of items) out.push(...wrap(`  ${text(item)}`, width, color ? {color} : {}, '    '));
  };
  section(t('confirm.commands'), p.commands);
  section(t('confirm.removes'), p.removes, 'red');
  section(t('confirm.references'), p.references);
  section(
    t('confirm.warnings'),
    p.warnings.map((w) => `! ${w}`),
    'yellow',
  );
  section(t('confirm.restore'), p.restoreWith, 'green');
  return out.concat(line(remaining ? t('confirm.answerKind', {count: remaining}) : t('confirm.answer'), {bold: true}));
}

function undoItems(state: ProcedureState, order: readonly number[], {t}: Ui): Line[] {
  return order.map((index, n) => {
    const s = state.steps[index]!;
    return line(`  ${t('rollback.item', {n: String(n + 1).padStart(2), node: s.info.node, title: s.info.title})}`);
  });
}

function rollbackModal(state: ProcedureState, width: number, ui: Ui): Line[] {
  const {t} = ui;
  const order = rollbackOrder(state);
  const out: Line[] = [line(t('rollback.title'), {bold: true, color: 'magenta', inverse: true})];
  if (!order.length) out.push(line(`  ${t('rollback.nothing')}`, {dim: true}));
  out.push(...undoItems(state, order, ui));
  out.push(...wrap(t('rollback.note'), width, {dim: true}));
  out.push(line(t('rollback.answer'), {bold: true}));
  return out;
}

/** A node inside its dangerous window: what ran and what has not (or that its first step failed part-way). */
export function windowLine(state: ProcedureState, w: OpenWindow, {t, text}: Ui): string {
  const {ran} = w;
  if (ran === null) return t('quit.windowFailed', {node: w.node, step: text(state.steps[w.next]!.info.title)});
  return t('quit.window', {node: w.node, done: text(state.steps[ran]!.info.title), next: text(state.steps[w.next]!.info.title)});
}

/** Quitting a session that changed nodes: what is half-done, and the two commands that finish it either way. */
export function quitModal(state: ProcedureState, journalPath: string, width: number, ui: Ui): Line[] {
  const {g, t, text} = ui;
  const flying = state.steps.filter((s) => isInFlight(s.status));
  if (!flying.length && !changedSomething(state)) return [];
  const out: Line[] = wrap(t('quit.title', {icon: g.bad}), width, {bold: true, color: 'yellow'});
  for (const w of openWindows(state)) out.push(...wrap(`  ${windowLine(state, w, ui)}`, width, {color: 'yellow'}, '    '));
  for (const s of flying) out.push(...wrap(`  ${t('quit.inFlight', {node: s.info.node, title: text(s.info.title)})}`, width, {color: 'yellow'}, '    '));
  const done = state.steps.filter((s) => s.status.kind === 'done').length;
  out.push(line(`  ${t('quit.done', {done, total: state.steps.length})}`, {dim: true}));
  out.push(...wrap(t('quit.stays'), width, {}));
  out.push(...wrap(`  certwalk resume ${text(journalPath)}`, width, {bold: true}, '    '));
  out.push(...wrap(`  certwalk rollback --journal ${text(journalPath)} --yes`, width, {bold: true}, '    '));
  out.push(line(t('footer.quitUnfinished'), {bold: true, color: 'yellow'}));
  return out;
}

function nodeRollbackModal(state: ProcedureState, node: string | null, width: number, ui: Ui): Line[] {
  const {t} = ui;
  const order = node === null ? [] : rollbackOrder(state, node);
  const out: Line[] = [line(t('nodeRollback.title', {node: node ?? t('nodeRollback.noNode')}), {bold: true, color: 'magenta', inverse: true})];
  if (!order.length) out.push(line(`  ${t('nodeRollback.nothing')}`, {dim: true}));
  out.push(...undoItems(state, order, ui));
  out.push(...wrap(t('nodeRollback.note'), width, {dim: true}));
  out.push(line(order.length ? t('nodeRollback.answer') : t('nodeRollback.close'), {bold: true}));
  return out;
}

function failurePanel(state: ProcedureState, width: number, ui: Ui): Line[] {
  const {g, t, text} = ui;
  const step = state.current === null ? undefined : state.steps[state.current];
  if (!step || step.status.kind !== 'failed') return [];
  const heading = {icon: g.bad, phase: t(`stepPhase.${step.status.phase}`), node: step.info.node, title: step.info.title};
  const out: Line[] = wrap(step.status.interrupted ? t('failure.interrupted', heading) : t('failure.title', heading), width, {bold: true, color: 'red'}, '  ');
  const failedChecks = (step.status.checks ?? []).filter((c) => !c.ok);
  if (failedChecks.length) {
    for (const c of failedChecks)
      out.push(...wrap(`  ${t('failure.check', {icon: g.bad, what: c.what, expected: c.expected, observed: c.observed})}`, width, {color: 'red'}, '    '));
  } else {
    out.push(...wrap(`  ${text(step.status.error)}`, width, {color: 'red'}, '  '));
  }
  const others = state.steps.filter((s) => s !== step && s.status.kind === 'failed').length;
  if (others) out.push(...wrap(t('failure.others', {count: others}), width, {color: 'red'}, '  '));
  out.push(line(t('failure.waits'), {dim: true}));
  const laned = step.info.lane !== undefined;
  const choices = [
    step.status.interrupted ? t('failure.resume') : t('failure.retry'),
    step.info.skippable ? t('failure.skip') : '',
    t('failure.rollback'),
    laned ? t('failure.nodeOnly') : '',
    t('failure.quit'),
  ];
  out.push(line(joined(ui, choices), {bold: true}));
  return out;
}

function footer(state: ProcedureState, mode: RunMode, hint: string | null, nodes: NodeListView | null | undefined, {t}: Ui): Line {
  if (hint) return line(t('footer.hint', {hint}), {color: 'yellow'});
  if (nodes && mode === 'main' && state.phase !== 'rolling-back') {
    const current = state.current === null ? undefined : state.steps[state.current];
    if (current?.status.kind !== 'awaiting-confirmation') {
      const move = nodes.open !== null ? t('footer.nodes.back') : state.phase === 'completed' ? t('footer.nodes.home') : t('footer.nodes.move');
      const byPhase = {running: 'footer.nodes.running', paused: 'footer.nodes.paused', failed: 'footer.nodes.failed', completed: 'footer.nodes.completed'} as const;
      const phase = state.phase;
      if (phase === 'running' || phase === 'paused' || phase === 'failed' || phase === 'completed') {
        return line(t(byPhase[phase], {move}), {dim: phase !== 'paused', color: phase === 'paused' ? 'yellow' : undefined});
      }
    }
  }
  // With something half-done, the quit box above holds the question; the footer only says where to look.
  if (mode === 'quit-confirm') {
    const unfinished = changedSomething(state) || state.steps.some((s) => isInFlight(s.status));
    return unfinished ? line(t('footer.answerAbove'), {dim: true}) : line(t('footer.quit'), {bold: true, color: 'yellow'});
  }
  const current = state.current === null ? undefined : state.steps[state.current];
  if (current?.status.kind === 'awaiting-confirmation' && mode === 'main') return line(t('footer.confirm'), {dim: true});
  switch (state.phase) {
    case 'idle':
    case 'running':
      return state.pauseRequested ? line(t('footer.pausing'), {color: 'yellow'}) : line(t('footer.running'), {dim: true});
    case 'paused':
      return line(t('footer.paused'), {color: 'yellow'});
    case 'failed':
      return line(current?.info.skippable ? t('footer.failedSkip') : t('footer.failed'), {dim: true});
    case 'rolling-back':
      return line(t('footer.rollingBack'), {color: 'magenta'});
    case 'rollback-failed':
      return line(t('footer.rollbackFailed'), {color: 'red'});
    case 'completed':
      return line(t('footer.completed'), {dim: true});
    default:
      return line(t('footer.ended'), {dim: true});
  }
}

function summary(input: RunViewInput, width: number, ui: Ui): Line[] {
  const {g, t, text} = ui;
  const {state} = input.snapshot;
  const undone = state.steps.filter((s) => s.status.kind === 'undone').length;
  const undoFailed = state.steps.filter((s) => s.status.kind === 'undo-failed');
  const out: Line[] = [];
  if (state.phase === 'completed') out.push(...wrap(t('done.completed', {icon: g.ok, count: state.steps.length}), width, {bold: true, color: 'green'}, '  '));
  if (state.phase === 'rolled-back') out.push(...wrap(t('done.rolledBack', {icon: g.undone, count: undone}), width, {bold: true, color: 'magenta'}, '  '));
  if (state.phase === 'rollback-failed') {
    out.push(...wrap(t('done.undoFailures', {icon: g.bad, count: undoFailed.length}), width, {bold: true, color: 'red'}, '  '));
    for (const s of undoFailed)
      if (s.status.kind === 'undo-failed') out.push(...wrap(text(`  [${s.info.node}] ${s.info.title}: ${s.status.error}`), width, {color: 'red'}, '    '));
  }
  if (state.phase === 'aborted') out.push(...wrap(t('done.leftAsIs'), width, {bold: true, color: 'yellow'}, '  '));
  out.push(...wrap(t('done.transcript'), width, {}, '  '));
  out.push(...wrap(`  ${text(input.transcriptPath)}`, width, {}, '  '));
  out.push(...wrap(t('done.journal'), width, {dim: true}, '  '));
  out.push(...wrap(`  ${text(input.journalPath)}`, width, {dim: true}, '  '));
  return out;
}

/**
 * Which lines of a box taller than its `height` are shown from scroll position `top`. The answer line (the box's
 * last) stays visible whatever the position; above it, a marker counts the lines still below what is shown. At the
 * end there is nothing below, so the marker's row shows the box's last line instead of saying "0 more".
 */
export function modalWindow(length: number, height: number, top: number): {start: number; shown: number; below: number; maxTop: number} {
  const room = height - 2; // rows for the box's lines, with the marker and the answer line
  const content = length - 1; // every line but the answer
  const maxTop = Math.max(0, content - (room + 1));
  const start = Math.min(Math.max(0, top), maxTop);
  if (content - start <= room + 1) return {start, shown: content - start, below: 0, maxTop};
  return {start, shown: room, below: content - start - room, maxTop};
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
  const ui = input.ui ?? DEFAULT_UI;
  const width = Math.max(20, input.columns - 1);
  const view = layoutRun(input, ui, width);
  // Everything is ASCII already on an ASCII console; this is the last guard, before the last cut to the width.
  return {...view, lines: view.lines.map((l) => ({...l, text: fit(ui.text(l.text), width, ui.g.ellipsis)}))};
}

function layoutRun(input: RunViewInput, ui: Ui, width: number): RunView {
  const {snapshot, mode, rows} = input;
  const {state} = snapshot;
  const budget = Math.max(8, rows - 1);
  const title = line(ui.t('run.title', {title: input.title}), {bold: true});
  const phase = phaseLabel(state, ui);
  const top: Line[] = [{...title, text: `${pad(title.text, width - cells(phase) - 1, ui.g.ellipsis)} ${phase}`}];
  // A hint is prose the admin must read whole (what to do instead): it wraps; the key footers stay one line.
  const foot = footer(state, mode, snapshot.hint, input.nodes, ui);
  const bottom = snapshot.hint ? wrap(foot.text, width, {color: foot.color}, ' ').slice(0, 3) : [foot];

  const current = state.current === null ? undefined : state.steps[state.current];
  let modal: Line[] = [];
  if (mode === 'quit-confirm') modal = quitModal(state, input.journalPath, width, ui);
  else if (mode === 'rollback-confirm') modal = rollbackModal(state, width, ui);
  else if (mode === 'node-rollback-confirm') modal = nodeRollbackModal(state, input.laneToRollBack ?? null, width, ui);
  else if (current?.status.kind === 'awaiting-confirmation') modal = confirmModal(current, state, width, ui);
  else if (state.phase === 'failed') modal = failurePanel(state, width, ui);
  const ended = state.phase === 'completed' || state.phase === 'rolled-back' || state.phase === 'aborted' || state.phase === 'rollback-failed';
  if (!modal.length && ended) modal = summary(input, width, ui);

  const body = budget - 1 - bottom.length;
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
      const scroll = modalWindow(modal.length, modalHeight, input.modalTop);
      modalMaxTop = scroll.maxTop;
      const more = scroll.below ? [line(`  ${ui.t('modal.more', {count: scroll.below})}`, {dim: true})] : [];
      shown = [...modal.slice(scroll.start, scroll.start + scroll.shown), ...more, modal[modal.length - 1]!];
    }
    const list = listRegion(input, ui, stepsHeight, width);
    const lines = [...top, ...list.lines, rule(list.note, width, ui), ...shown, ...(changesHeight ? changesPanel(changes, changesHeight, width, ui) : [])];
    return {
      lines: [...lines.slice(0, budget - bottom.length), ...bottom],
      nodeOrder: list.order,
      modalMaxTop,
      stepMaxTop: list.steps?.maxTop ?? 0,
      stepFirst: list.steps?.first ?? 0,
    };
  }

  const checked = readBack(state, width, ui);
  const outputHeight = Math.min(Math.max(3, Math.floor(body / 4)), 12);
  const changes = changeRows(state);
  const changesHeight = Math.min(changes.length + 1, Math.max(2, Math.floor(body / 4)));
  const stepsHeight = Math.max(3, body - outputHeight - changesHeight - checked.length - 1);
  const list = listRegion(input, ui, stepsHeight, width);
  const lines = [...top, ...list.lines, rule(list.note, width, ui), ...changesPanel(changes, changesHeight, width, ui), ...checked, ...outputPane(snapshot, outputHeight, ui)];
  return {
    lines: [...lines.slice(0, budget - bottom.length), ...bottom],
    nodeOrder: list.order,
    modalMaxTop: 0,
    stepMaxTop: list.steps?.maxTop ?? 0,
    stepFirst: list.steps?.first ?? 0,
  };
}
