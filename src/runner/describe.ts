// Renders journal material as transcript text: one readable line per event.
import {autoConfirmation, changeRows} from '../state/reducer.ts';
import type {ProcedureEvent, ProcedureState, StepStatus} from '../state/types.ts';
import type {SessionHeader} from './journal.ts';

export function describeHeader(header: SessionHeader, mode: 'new' | 'continued'): string {
  const params = Object.entries(header.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return (
    [
      `certwalk transcript (${mode === 'new' ? 'new session' : 'continuing an earlier session'})`,
      `session    ${header.sessionId}`,
      `started    ${header.startedAt}`,
      `who        ${header.user} on ${header.machine} (pid ${header.pid})`,
      `procedure  ${header.procedure}: ${header.title}`,
      `target     ${header.fleet.kind} ${header.fleet.location}`,
      `parameters ${params || '(defaults)'}`,
      `confirm    ${header.autoConfirmAll ? 'every destructive step pre-confirmed with --yes' : 'each destructive step asks'}`,
      `steps      ${header.steps.map((s, i) => `${i + 1}. [${s.node}] ${s.title}`).join('\n           ')}`,
      '',
    ].join('\n') + '\n'
  );
}

export function describeEvent(event: ProcedureEvent, after: ProcedureState, user: string): string {
  const step = 'stepId' in event ? after.steps.find((s) => s.info.id === event.stepId) : undefined;
  const number = step ? `${after.steps.indexOf(step) + 1}/${after.steps.length}` : '';
  const name = step ? `step ${number} [${step.info.node}] ${step.info.title}` : '';
  switch (event.type) {
    case 'start':
      return 'procedure started';
    case 'capture-succeeded': {
      if (!event.prompt) return `${name}: captured current state`;
      const asked = step?.status.kind === 'awaiting-confirmation';
      const why = step ? autoConfirmation(after, after.steps.indexOf(step)) : null;
      const answer = asked
        ? 'asking for confirmation'
        : why === 'window'
          ? `CONFIRMED by ${user} with the first step of its window ("${step!.info.window}": that answer covered every step up to the window's end)`
          : `CONFIRMED by ${why === 'flag' ? `--yes (${user})` : `${user} (an earlier "yes to all of this kind")`}`;
      return [
        `${name}: captured current state; ${answer}`,
        ...event.prompt.commands.map((c) => `  will run: ${c}`),
        ...event.prompt.removes.map((r) => `  removes: ${r}`),
        ...event.prompt.references.map((r) => `  still pointing at it: ${r}`),
        ...event.prompt.warnings.map((w) => `  warning: ${w}`),
        ...event.prompt.restoreWith.map((r) => `  kept to restore: ${r}`),
      ].join('\n');
    }
    case 'confirmed':
      return `${name}: CONFIRMED by ${event.scope === 'flag' ? `--yes (${user})` : user}${event.scope === 'kind' ? ' (and every remaining step of this kind)' : ''}`;
    case 'declined':
      return `${name}: declined by ${user}; procedure paused, nothing changed by this step`;
    case 'do-succeeded':
      return `${name}: done, reading back`;
    case 'verify-succeeded':
      return [
        `${name}: VERIFIED`,
        ...event.checks.map((c) => `  check ${c.what}: expected ${c.expected}, observed ${c.observed}`),
        ...event.changes.map((c) => `  [${c.node}] ${c.label}: before ${c.before ?? '(none)'} -> after ${c.after ?? '(none)'}`),
      ].join('\n');
    case 'step-failed':
      return `${name}: FAILED during ${event.phase}: ${event.error}`;
    case 'pause-requested':
      return `pause requested by ${user}`;
    case 'resume-requested':
      return `resumed by ${user}`;
    case 'retry-requested':
      return `retry requested by ${user}`;
    case 'skip-requested':
      return `skip requested by ${user}`;
    case 'rollback-requested':
      return `ROLLBACK requested by ${user}`;
    case 'lane-rollback-requested':
      return `ROLLBACK of ${event.lane} only requested by ${user} (the other nodes keep what was done)`;
    case 'undo-succeeded':
      return `${name}: undone: ${event.report}`;
    case 'undo-failed':
      return `${name}: UNDO FAILED: ${event.error}`;
    case 'recovered':
      return `journal re-opened by ${user} after certwalk stopped without closing it; steps that were in flight are marked interrupted`;
    case 'abort-requested':
      return `left as is by ${user}`;
  }
}

/** The last entry: the procedure's final phase, where every step ended, and every before/after value. */
export function describeEnd(state: ProcedureState, unfinished: {readonly journal: string; readonly locked: boolean} | null = null): string {
  const counts = new Map<string, number>();
  for (const step of state.steps) counts.set(step.status.kind, (counts.get(step.status.kind) ?? 0) + 1);
  const rows = changeRows(state);
  return [
    `session closed: procedure ${state.phase}`,
    `  final state: ${[...counts].map(([kind, n]) => `${n} ${kind}`).join(', ')}`,
    ...state.steps.map((step, i) => `  ${i + 1}. [${step.info.node}] ${step.info.title}: ${describeStatus(step.status)}`),
    ...(rows.length ? ['  before -> after', ...rows.map((c) => `  [${c.node}] ${c.label}: ${c.before ?? '(none)'} -> ${c.after ?? '(none)'}`)] : []),
    ...(unfinished === null
      ? []
      : [
          unfinished.locked
            ? '  left UNFINISHED: its nodes stay locked to this session; finish it with one of'
            : '  left UNFINISHED: its rollback stopped at conflicts only (nothing was changed by them), so its nodes are freed for the sessions named there; once those are rolled back, finish it with',
          ...(unfinished.locked ? [`    certwalk resume ${unfinished.journal}`] : []),
          `    certwalk rollback --journal ${unfinished.journal} --yes`,
        ]),
  ].join('\n');
}

function describeStatus(status: StepStatus): string {
  switch (status.kind) {
    case 'pending':
      return 'not run';
    case 'done':
      return `done and read back (${seconds(status.finishedAt - status.startedAt)})`;
    case 'failed':
      return `FAILED during ${status.phase}${status.interrupted ? ' (interrupted)' : ''}: ${status.error}`;
    case 'skipped':
      return 'skipped';
    case 'undone':
      return `undone: ${status.report}`;
    case 'undo-failed':
      return `UNDO FAILED: ${status.error}`;
    case 'awaiting-confirmation':
      return 'was waiting for a confirmation (not given)';
    case 'capturing':
    case 'running':
    case 'verifying':
    case 'undoing':
      return `still in flight (${status.kind}): its result was not recorded`;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
