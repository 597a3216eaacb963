// Every undo is a compare-and-swap: it puts the captured value back only where the node still holds the value this
// session wrote. Anything else means someone changed the node since (often a later certwalk session): overwriting it
// would undo their work and leave their journal restoring a state that no longer exists. So the undo stops as a
// conflict, changes nothing, and says what it expected, what it found and, when the journals tell, who changed it.
import type {SessionOnNode, StepContext} from '../types.ts';

/** The sessions to name: those not rolled back since (a rolled-back one no longer holds anything on the node). */
export function laterSessions(ctx: StepContext, node: string): readonly SessionOnNode[] {
  try {
    return (ctx.sessionsOn?.(node) ?? []).filter((s) => !s.rolledBack);
  } catch {
    return []; // unreadable journals must not turn a conflict report into a different error
  }
}

export function describeSessions(sessions: readonly SessionOnNode[]): string {
  return sessions.map((s) => `session ${s.sessionId} (${s.procedure}, ${s.by}, from ${s.changedAt}; journal ${s.journal}, transcript ${s.transcript})`).join('; ');
}

/** What the admin does next, with whoever the journals name. */
function whoAndWhat(sessions: readonly SessionOnNode[], node: string): string {
  if (!sessions.length)
    return `No other certwalk journal shows a change on ${node} since this session: it was changed by hand or by another tool; check it before rolling back again.`;
  return `Changed since by ${describeSessions(sessions)}. Roll that back first (certwalk rollback --journal ${sessions.at(-1)!.journal} --yes), then roll this session back again.`;
}

export class UndoConflict extends Error {
  override readonly name = 'UndoConflict';
}

/**
 * The error an undo throws when the node no longer holds this session's value. `what` names the thing ("SSLCertThumbprint
 * in MasterSettings.config"), `expected` is this session's value, `found` what the node holds now.
 */
export function undoConflict(ctx: StepContext, node: string, what: string, expected: string, found: string): UndoConflict {
  return undoRefused(ctx, node, `conflict, not undone: ${what} on ${node} holds ${found}, but this session left ${expected} there; certwalk changed nothing.`);
}

/**
 * A refusal (`sentence` says what and why) followed by who changed the node since, as the journals tell (`sessions`
 * when the caller already picked the ones that matter).
 */
export function undoRefused(ctx: StepContext, node: string, sentence: string, sessions: readonly SessionOnNode[] = laterSessions(ctx, node)): UndoConflict {
  return new UndoConflict(`${sentence} ${whoAndWhat(sessions, node)}`);
}

/**
 * Later sessions on the node whose journals name `thumbprint`: they found it in place (it was their "current"
 * certificate) or would put it back on rollback, so removing it would break them.
 */
export function sessionsRelyingOn(ctx: StepContext, node: string, thumbprint: string): readonly SessionOnNode[] {
  return laterSessions(ctx, node).filter((s) => s.mentions(thumbprint));
}
