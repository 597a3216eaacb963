// Where each node stands: the steps grouped by node (a fan-out lane, or the node of a step outside any fan-out),
// each group reduced to one condition. The Run screen's node list and the unattended summary read this; with
// hundreds of workers the steps are too many to read one by one.
import type {ProcedureState, StepStatus} from './types.ts';

export type NodeCondition = 'undo-failed' | 'failed' | 'asking' | 'undoing' | 'running' | 'stopped' | 'waiting' | 'done' | 'undone';

export interface NodeProgress {
  /** The lane, or the node of steps outside every fan-out. */
  readonly name: string;
  /** A fan-out lane: it can be rolled back on its own. */
  readonly laned: boolean;
  /** Indices of its steps, in procedure order. */
  readonly steps: readonly number[];
  readonly done: number;
  readonly condition: NodeCondition;
  /** The step that explains the condition (the failed one, the one running, the next one to run). */
  readonly focus: number;
}

/** What needs the admin first: failures, questions, work in flight, then the rest. */
export const ATTENTION_ORDER: readonly NodeCondition[] = ['undo-failed', 'failed', 'asking', 'undoing', 'running', 'stopped', 'waiting', 'undone', 'done'];

const IN_FLIGHT: readonly StepStatus['kind'][] = ['capturing', 'running', 'verifying'];

/** One entry per node, in the order the nodes first appear in the procedure. */
export function nodeProgress(state: ProcedureState): NodeProgress[] {
  const groups = new Map<string, {laned: boolean; steps: number[]}>();
  state.steps.forEach((step, index) => {
    const name = step.info.lane ?? step.info.node;
    const key = `${step.info.lane === undefined ? 'node' : 'lane'}:${name}`;
    const group = groups.get(key) ?? {laned: step.info.lane !== undefined, steps: []};
    group.steps.push(index);
    groups.set(key, group);
  });
  return [...groups.entries()].map(([key, {laned, steps}]) => {
    const kinds = steps.map((i) => state.steps[i]!.status.kind);
    const {condition, focus} = judge(kinds, steps);
    return {name: key.slice(key.indexOf(':') + 1), laned, steps, done: kinds.filter((k) => k === 'done').length, condition, focus};
  });
}

function judge(kinds: readonly StepStatus['kind'][], steps: readonly number[]): {condition: NodeCondition; focus: number} {
  const at = (test: (k: StepStatus['kind']) => boolean) => steps[kinds.findIndex(test)];
  const rules: [NodeCondition, (k: StepStatus['kind']) => boolean][] = [
    ['undo-failed', (k) => k === 'undo-failed'],
    ['failed', (k) => k === 'failed'],
    ['asking', (k) => k === 'awaiting-confirmation'],
    ['undoing', (k) => k === 'undoing'],
    ['running', (k) => IN_FLIGHT.includes(k)],
  ];
  for (const [condition, test] of rules) {
    const focus = at(test);
    if (focus !== undefined) return {condition, focus};
  }
  if (kinds.every((k) => k === 'done' || k === 'skipped')) return {condition: 'done', focus: steps.at(-1)!};
  if (kinds.some((k) => k === 'undone')) return {condition: 'undone', focus: at((k) => k === 'undone')!};
  const next = at((k) => k === 'pending')!;
  return {condition: kinds.some((k) => k === 'done' || k === 'skipped') ? 'stopped' : 'waiting', focus: next};
}

/** Failures first, then questions, work in flight, nodes stopped half-way, waiting, undone, done; stable within each. */
export function byAttention(nodes: readonly NodeProgress[]): NodeProgress[] {
  return nodes
    .map((node, order) => ({node, order, rank: ATTENTION_ORDER.indexOf(node.condition)}))
    .sort((a, b) => a.rank - b.rank || a.order - b.order)
    .map(({node}) => node);
}

export function countConditions(nodes: readonly NodeProgress[]): Map<NodeCondition, number> {
  const counts = new Map<NodeCondition, number>();
  for (const n of nodes) counts.set(n.condition, (counts.get(n.condition) ?? 0) + 1);
  return counts;
}

/** The fan-out lanes only (what the node list and the per-node rollback are about). */
export function laneProgress(state: ProcedureState): NodeProgress[] {
  return nodeProgress(state).filter((n) => n.laned);
}
