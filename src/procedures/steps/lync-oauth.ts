// Steps around the global OAuthTokenIssuer certificate of a Lync Server 2013 pool: a change through one Front End
// (import, assign, roll, remove previous), and a wait that shows per Front End whether the change has arrived.
// Capture keeps the configuration before the change; undo puts it back with the only tools the cmdlets give:
// Set-CsCertificate without -Roll (the captured current one, at once; drops any staged roll, keeps the previous one),
// then Set-CsCertificate -Roll -EffectiveDate for a staged roll the change dropped (only while its date is ahead).
// No cmdlet sets a previous certificate, so an undo that would need one refuses as a conflict, changing nothing,
// and a change that can get there (a roll, at its date) says so before it runs. Like a change, an undo is done only
// when every Front End holds the restored configuration. Like every undo it is a compare-and-swap (undo-guard.ts):
// it sets anything only while the configuration is exactly what this session left, because the configuration is
// global and a later session (or a person) may have assigned or staged another certificate since, which a blind
// Set-CsCertificate would silently take back.
import type {Host} from '../../hosts/host.ts';
import {assignOAuth, isoSeconds, readOAuthState, readReplicationStatus, removeOAuthAssignment, rollOAuth, type OAuthState, type PsCommand} from '../../ops/lync.ts';
import type {Change, Check} from '../../state/types.ts';
import {defineStep, type Step} from '../define.ts';
import type {PlannedCommand, SessionOnNode, StepContext, StepDefinition} from '../types.ts';
import {laterSessions, undoRefused} from './undo-guard.ts';
import {sameThumbprint, shortThumb} from './util.ts';

/** The token issuer configuration as captured: JSON-safe, thumbprints uppercase, dates ISO. */
export interface OAuthSnapshot {
  readonly current: string | null;
  readonly currentNotAfter: string | null;
  readonly previous: string | null;
  readonly previousNotAfter: string | null;
  readonly staged: string | null;
  readonly stagedDate: string | null;
}

export function snapshotOf(state: OAuthState): OAuthSnapshot {
  return {
    current: state.current?.thumbprint ?? null,
    currentNotAfter: state.current?.notAfter?.toISOString() ?? null,
    previous: state.previousThumbprint,
    previousNotAfter: state.previousNotAfter?.toISOString() ?? null,
    staged: state.staged?.thumbprint ?? null,
    stagedDate: state.staged?.effectiveDate?.toISOString() ?? null,
  };
}

/** What a change should leave behind, checked on the read-back configuration. */
export interface OAuthExpectation {
  /** e.g. `current = 1A2B…` */
  readonly describe: string;
  holds(snapshot: OAuthSnapshot): boolean;
  /**
   * The whole configuration the change leaves when it ran on `before` (as the cmdlets define it): the undo restores
   * only from there, so a later change on top of it is never overwritten.
   */
  leaves(before: OAuthSnapshot): OAuthSnapshot;
}

/** Set-CsCertificate without -Roll, Import-CsCertificate: current at once, any staged roll dropped, previous kept. */
export function expectCurrent(thumbprint: string): OAuthExpectation {
  return {
    describe: `current ${thumbprint}`,
    holds: (s) => sameThumbprint(s.current, thumbprint),
    leaves: (before) => ({...before, current: thumbprint.toUpperCase(), currentNotAfter: null, staged: null, stagedDate: null}),
  };
}

/** Staged for its date, or (once the date has passed) current with the old one as previous. */
export function expectStaged(thumbprint: string, effectiveDate: string): OAuthExpectation {
  return {
    describe: `${thumbprint} staged for ${effectiveDate}`,
    holds: (s) =>
      (sameThumbprint(s.staged, thumbprint) && s.stagedDate !== null && Date.parse(s.stagedDate) === Date.parse(effectiveDate)) || sameThumbprint(s.current, thumbprint),
    leaves: (before) => ({...before, staged: thumbprint.toUpperCase(), stagedDate: new Date(effectiveDate).toISOString()}),
  };
}

export function expectNoPrevious(): OAuthExpectation {
  return {describe: 'no previous certificate', holds: (s) => s.previous === null, leaves: (before) => ({...before, previous: null, previousNotAfter: null})};
}

/** `s` as Get-CsCertificate shows it at `at`: a staged roll whose date has passed is current, the old one previous. */
export function asOf(s: OAuthSnapshot, at: Date): OAuthSnapshot {
  if (!s.staged || s.stagedDate === null || Date.parse(s.stagedDate) > at.getTime()) return s;
  return {current: s.staged, currentNotAfter: null, previous: s.current, previousNotAfter: s.currentNotAfter, staged: null, stagedDate: null};
}

export function oauthRows(node: string, before: OAuthSnapshot, after: OAuthSnapshot): Change[] {
  const at = (s: OAuthSnapshot) => (s.stagedDate ? s.stagedDate.replace(/\.\d{3}Z$/, 'Z') : null);
  return [
    {node, label: 'OAuthTokenIssuer current', before: before.current, after: after.current},
    {node, label: 'OAuthTokenIssuer previous', before: before.previous, after: after.previous},
    {node, label: 'OAuthTokenIssuer staged roll', before: before.staged, after: after.staged},
    {node, label: 'staged roll effective at', before: at(before), after: at(after)},
  ];
}

/** The script lines as the Plan screen shows them (the command itself carries them base64-encoded). */
export function planScript(node: string, cmd: PsCommand): PlannedCommand[] {
  return cmd.script.split('\n').map((line) => ({node, text: `PS> ${line}`}));
}

export function describeSnapshot(s: OAuthSnapshot): string {
  if (!s.current && !s.staged) return 'no OAuthTokenIssuer certificate';
  const parts = [`current ${s.current ?? '(none)'}${s.currentNotAfter ? ` (expires ${s.currentNotAfter.slice(0, 16)}Z)` : ''}`];
  if (s.previous) parts.push(`previous ${s.previous}`);
  if (s.staged) parts.push(`staged ${s.staged} from ${s.stagedDate}`);
  return parts.join('; ');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads the configuration until `expectation` holds or `timeoutSeconds` pass; returns the last read. */
async function readUntil(host: Host, ctx: StepContext, expectation: OAuthExpectation, timeoutSeconds: number): Promise<OAuthSnapshot> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const snapshot = snapshotOf(await readOAuthState(host, ctx.now()));
    if (expectation.holds(snapshot) || Date.now() >= deadline) return snapshot;
    await sleep(Math.min(1000, Math.max(0, deadline - Date.now())));
  }
}

export interface OAuthChangeOptions {
  readonly id: string;
  readonly node: string;
  readonly title: string;
  readonly kind: string;
  readonly change: PsCommand;
  /** Runs the change (with its secrets registered first). */
  act(ctx: StepContext, host: Host): Promise<void>;
  readonly expectation: OAuthExpectation;
  /** How long the read-back waits for this Front End's own view to show the change (and an undo for every FE's). */
  readonly timeoutSeconds: number;
  /** Every Front End of the pool: an undo is done when each holds the restored configuration. */
  readonly frontEnds: readonly {readonly name: string; readonly fqdn: string}[];
  /** What the change removes; what it does to a staged roll comes first (stagedRollRemoved). */
  readonly removes: (before: OAuthSnapshot) => string[];
  readonly warnings?: readonly string[] | ((before: OAuthSnapshot) => string[]);
  /** Lines for the plan that are not commands (why, what it means). */
  readonly notes?: readonly string[];
  /** false: the change cannot be taken back with the cmdlets (Remove-CsCertificate -Previous). */
  readonly undoable?: boolean;
}

/**
 * The Removes line for a staged roll the change drops (import, assign: a certificate made current at once) or
 * replaces (another roll); [] when none is staged. It goes first so the Confirm box shows it without scrolling.
 */
export function stagedRollRemoved(before: OAuthSnapshot, how: 'dropped' | 'replaced'): string[] {
  if (!before.staged) return [];
  const when = before.stagedDate ? isoSeconds(new Date(before.stagedDate)) : '(no date)';
  // Short enough for one line of an 80-column Confirm box: `staged roll A980B640…83F0 at 2027-01-01T13:00:00Z: dropped`.
  return [`staged roll ${shortThumb(before.staged)} at ${when}: ${how}`];
}

/** The commands an undo runs to get back to `before`, with what each can and cannot restore. */
export function restorePlan(before: OAuthSnapshot): string[] {
  const lines: string[] = [`captured before: ${describeSnapshot(before)}`];
  if (before.current) {
    lines.push(`Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint ${before.current} (current again at once; the previous one is left as it is)`);
  } else {
    lines.push('Remove-CsCertificate -Identity global -Type OAuthTokenIssuer (nothing was assigned before)');
  }
  if (before.staged && before.stagedDate) {
    lines.push(
      `Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint ${before.staged} -EffectiveDate ${isoSeconds(new Date(before.stagedDate))} -Roll ` +
        '(the staged roll again, only while that date is ahead: after it the undo refuses as a conflict and changes nothing)',
    );
  }
  lines.push('no cmdlet sets a previous certificate: if the previous one has changed by then, the undo refuses as a conflict and changes nothing');
  // Said before the change so the admin knows a rollback will not take back someone else's later assignment.
  lines.push(
    'only while the configuration is still what this change left: if another certificate was assigned or staged since, the undo refuses as a conflict and changes nothing',
  );
  return lines;
}

export function oauthChangeStep(options: OAuthChangeOptions): Step<OAuthSnapshot> {
  const {id, node, change, expectation} = options;
  const undoable = options.undoable ?? true;
  return defineStep<OAuthSnapshot>({
    id,
    title: options.title,
    node,
    kind: options.kind,
    destructive: true,
    skippable: false,
    undoLast: false,
    hasUndo: undoable,
    plan: () => [...planScript(node, change), ...(options.notes ?? []).map((text) => ({node, text, preview: false}))],
    async capture(ctx) {
      const host = await ctx.host(node);
      const before = snapshotOf(await readOAuthState(host, ctx.now()));
      const warnings = typeof options.warnings === 'function' ? options.warnings(before) : (options.warnings ?? []);
      return {
        captured: before,
        prompt: {
          title: options.title,
          commands: change.script.split('\n'),
          removes: options.removes(before),
          restoreWith: undoable ? restorePlan(before) : ['nothing: this cannot be undone with the Lync cmdlets'],
          references: ['every Front End of the pool receives the global certificate by CMS replication (the next step shows when)'],
          warnings: [...warnings, ...(expectation.holds(before) ? ['the configuration already looks like this'] : [])],
        },
      };
    },
    async do(ctx) {
      const host = await ctx.host(node);
      await options.act(ctx, host);
    },
    async verify(ctx, before) {
      const host = await ctx.host(node);
      const after = await readUntil(host, ctx, expectation, options.timeoutSeconds);
      const checks: Check[] = [{what: `OAuthTokenIssuer on ${node}`, expected: expectation.describe, observed: describeSnapshot(after), ok: expectation.holds(after)}];
      return {checks, changes: oauthRows(node, before, after)};
    },
    async undo(ctx, before) {
      const host = await ctx.host(node);
      const report = await restore(host, ctx, before, expectation.leaves(before), options.frontEnds);
      const laggards = await waitForPool(ctx, options.frontEnds, before, options.timeoutSeconds);
      if (laggards.length) {
        throw new Error(
          `${report}; but after ${options.timeoutSeconds} s ${laggards.map((l) => l.name).join(', ')} had not received it: ` +
            `${laggards.map((l) => `${l.name} (${l.fqdn}) holds ${l.holds}`).join('; ')} (retry waits again)`,
        );
      }
      return `${report}; every Front End has it (${options.frontEnds.map((f) => f.name).join(', ')})`;
    },
  });
}

/** Why putting `before` back now would not be an undo (a conflict); null when it can be restored exactly. */
export function restoreConflict(now: OAuthSnapshot, before: OAuthSnapshot, at: Date): string | null {
  if (before.current && !sameThumbprint(now.current, before.current) && sameThumbprint(now.previous, before.current) && !sameOrNull(now.previous, before.previous)) {
    // A roll that already took effect: tokens are being issued with the new certificate and the old one is the
    // fallback; setting the old one back now is a new decision for the admin, not an undo.
    return `the roll already took effect (current ${now.current}, previous ${now.previous}); roll back to ${before.current} with a new roll, or assign it, deliberately`;
  }
  if (!sameOrNull(now.previous, before.previous)) {
    return `the previous certificate is now ${now.previous ?? '(none)'}, was ${before.previous ?? '(none)'}: no Lync cmdlet sets a previous certificate, so the configuration cannot be put back exactly`;
  }
  if (before.staged && before.stagedDate && Date.parse(before.stagedDate) <= at.getTime()) {
    return `the staged roll to ${before.staged} was due at ${before.stagedDate}, which has passed: Set-CsCertificate -Roll needs a date ahead, so stage it again deliberately (lync-roll) with a new date`;
  }
  return null;
}

/**
 * The sessions whose journals show a change on any Front End of the pool since this one: the configuration is
 * global, so a later session may have run its cmdlets on another Front End than this session's.
 */
function laterPoolSessions(ctx: StepContext, frontEnds: OAuthChangeOptions['frontEnds']): readonly SessionOnNode[] {
  const byId = new Map<string, SessionOnNode>();
  for (const fe of frontEnds) for (const s of laterSessions(ctx, fe.name)) if (!byId.has(s.sessionId)) byId.set(s.sessionId, s);
  return [...byId.values()].sort((a, b) => Date.parse(a.changedAt) - Date.parse(b.changedAt));
}

/** A configuration for a conflict message: no expiry dates (what was left is known by thumbprint only). */
function describeConfig(s: OAuthSnapshot): string {
  return describeSnapshot({...s, currentNotAfter: null});
}

/**
 * Sets `before` back on the CMS through `host` and checks it there, only while the CMS holds `left` (what this
 * session's change left); throws, changing nothing, on a conflict.
 */
async function restore(host: Host, ctx: StepContext, before: OAuthSnapshot, left: OAuthSnapshot, frontEnds: OAuthChangeOptions['frontEnds']): Promise<string> {
  const at = ctx.now();
  const now = snapshotOf(await readOAuthState(host, at));
  // A retried rollback (or a change that never took) finds the original: nothing to set, and that is success.
  if (sameSnapshot(now, before)) return `already restored: the OAuthTokenIssuer configuration is as captured (${describeSnapshot(before)})`;
  // This session's own roll taking effect at its date is still what it left; the check below refuses that case
  // with its own reason (no cmdlet sets the previous certificate back).
  const ours = asOf(left, at);
  if (!sameSnapshot(now, ours)) {
    const pool = frontEnds.length > 1 ? `the Lync pool (${frontEnds.map((f) => f.name).join(', ')})` : host.node.name;
    throw undoRefused(
      ctx,
      pool,
      `conflict, not undone: the global OAuthTokenIssuer configuration (Get-CsCertificate on ${host.node.name}) holds ${describeConfig(now)}, ` +
        `but this session left ${describeConfig(ours)} there; certwalk changed nothing.`,
      laterPoolSessions(ctx, frontEnds),
    );
  }
  const conflict = restoreConflict(now, before, at);
  if (conflict) throw new Error(`conflict, nothing changed: ${conflict}`);
  const done: string[] = [];
  if (!before.current) {
    await removeOAuthAssignment(host);
    done.push('removed the OAuthTokenIssuer assignment (there was none before)');
  } else if (!sameThumbprint(now.current, before.current) || (now.staged && !before.staged)) {
    await assignOAuth(host, before.current);
    done.push(`set ${shortThumb(before.current)} back as the current OAuthTokenIssuer`);
  }
  if (before.staged && before.stagedDate) {
    // -Roll replaces whatever is staged now, so a roll over a roll needs only this line.
    await rollOAuth(host, before.staged, new Date(before.stagedDate));
    done.push(`staged the roll to ${shortThumb(before.staged)} at ${isoSeconds(new Date(before.stagedDate))} again`);
  }
  const after = snapshotOf(await readOAuthState(host, ctx.now()));
  if (!sameSnapshot(after, before)) throw new Error(`${done.join('; ')}, but ${host.node.name} now shows ${describeSnapshot(after)}, not the captured ${describeSnapshot(before)}`);
  return `${done.join('; ')} (${describeSnapshot(after)})`;
}

interface Laggard {
  readonly name: string;
  readonly fqdn: string;
  readonly holds: string;
}

/** Polls every Front End until each holds `expected` or the timeout passes; returns the ones that do not. */
async function waitForPool(ctx: StepContext, frontEnds: OAuthChangeOptions['frontEnds'], expected: OAuthSnapshot, timeoutSeconds: number): Promise<Laggard[]> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const reported = new Set<string>();
  for (;;) {
    const views = await Promise.all(
      frontEnds.map(async (fe) => {
        try {
          const view = snapshotOf(await readOAuthState(await ctx.host(fe.name), ctx.now()));
          return {...fe, ok: sameSnapshot(view, expected), holds: describeSnapshot(view)};
        } catch (error) {
          return {...fe, ok: false, holds: `nothing readable (${(error as Error).message})`};
        }
      }),
    );
    for (const v of views.filter((v) => v.ok && !reported.has(v.name))) {
      reported.add(v.name);
      ctx.note(`${v.name} (${v.fqdn}): has the restored configuration, ${isoSeconds(ctx.now())}`);
    }
    const behind = views.filter((v) => !v.ok);
    if (!behind.length || Date.now() >= deadline) return behind.map(({name, fqdn, holds}) => ({name, fqdn, holds}));
    await sleep(Math.min(1000, Math.max(0, deadline - Date.now())));
  }
}

function sameSnapshot(a: OAuthSnapshot, b: OAuthSnapshot): boolean {
  const date = (s: OAuthSnapshot) => (s.stagedDate === null ? null : Date.parse(s.stagedDate));
  return sameOrNull(a.current, b.current) && sameOrNull(a.previous, b.previous) && sameOrNull(a.staged, b.staged) && date(a) === date(b);
}

function sameOrNull(a: string | null, b: string | null): boolean {
  return (a === null && b === null) || sameThumbprint(a, b);
}

export interface ReplicationWaitOptions {
  readonly id: string;
  /** The Front End the change ran on (its replication status lists every replica). */
  readonly node: string;
  readonly frontEnds: readonly {readonly name: string; readonly fqdn: string}[];
  readonly expectation: OAuthExpectation;
  readonly timeoutSeconds: number;
}

interface ReplicaView {
  readonly name: string;
  readonly fqdn: string;
  readonly upToDate: boolean | null;
  readonly snapshot: OAuthSnapshot | null;
  readonly error?: string;
}

/**
 * Polls every Front End (Get-CsCertificate there) and the CMS replication status until each shows the change or
 * the timeout passes. A Front End that has not caught up fails the check (retry polls again; skip accepts it).
 */
export function replicationWaitStep(options: ReplicationWaitOptions): StepDefinition {
  const {id, node, frontEnds, expectation} = options;
  const arrived = (v: ReplicaView) => v.snapshot !== null && expectation.holds(v.snapshot) && v.upToDate !== false;
  const look = async (ctx: StepContext): Promise<ReplicaView[]> => {
    const statusHost = await ctx.host(node);
    const status = await readReplicationStatus(statusHost).catch(() => []);
    return Promise.all(
      frontEnds.map(async (fe): Promise<ReplicaView> => {
        const upToDate = status.find((s) => s.fqdn.toLowerCase() === fe.fqdn.toLowerCase())?.upToDate ?? null;
        try {
          const snapshot = snapshotOf(await readOAuthState(await ctx.host(fe.name), ctx.now()));
          return {...fe, upToDate, snapshot};
        } catch (error) {
          return {...fe, upToDate, snapshot: null, error: (error as Error).message};
        }
      }),
    );
  };
  const describeView = (v: ReplicaView) =>
    v.snapshot === null
      ? `unreachable: ${v.error ?? 'no answer'}`
      : `${describeSnapshot(v.snapshot)}; CMS replica ${v.upToDate === null ? 'not listed' : v.upToDate ? 'up to date' : 'NOT up to date'}`;
  return {
    id,
    title: `Wait until every Front End has the change (CMS replication, up to ${options.timeoutSeconds} s)`,
    node,
    kind: 'lync-replication',
    destructive: false,
    skippable: true,
    undoLast: false,
    hasUndo: false,
    plan: () => [
      {node, text: `PS> Get-CsManagementStoreReplicationStatus | Select-Object * | ConvertTo-Json -Depth 3`},
      ...frontEnds.map((fe) => ({
        node: fe.name,
        text: `PS> Get-CsCertificate -Type OAuthTokenIssuer | Select-Object * | ConvertTo-Json -Depth 3   (until: ${expectation.describe})`,
      })),
    ],
    async capture() {
      return {captured: {}};
    },
    async do(ctx) {
      const deadline = Date.now() + options.timeoutSeconds * 1000;
      const reported = new Set<string>();
      for (;;) {
        const views = await look(ctx);
        for (const v of views.filter((v) => arrived(v) && !reported.has(v.name))) {
          reported.add(v.name);
          ctx.note(`${v.name} (${v.fqdn}): has it, ${isoSeconds(ctx.now())}`);
        }
        if (views.every(arrived)) return;
        if (Date.now() >= deadline) {
          for (const v of views.filter((v) => !arrived(v))) ctx.note(`${v.name} (${v.fqdn}): NOT caught up after ${options.timeoutSeconds} s: ${describeView(v)}`);
          return;
        }
        await sleep(1000);
      }
    },
    async verify(ctx) {
      const views = await look(ctx);
      return {
        checks: views.map((v) => ({what: `${v.name} (${v.fqdn})`, expected: expectation.describe, observed: describeView(v), ok: arrived(v)})),
        changes: views.map((v) => ({node: v.name, label: 'OAuthTokenIssuer arrived', before: null, after: arrived(v) ? 'yes' : 'NOT YET'})),
      };
    },
    async undo() {
      return 'nothing to undo (read only)';
    },
  };
}
