// Lync Server 2013: look at the OAuthTokenIssuer certificate (`Get-CsCertificate -Type OAuthTokenIssuer`) on every
// Front End and the CMS replication status; change nothing. With no certificate, server-to-server authentication
// is not possible, and the check says which procedure assigns one.
import type {Fleet} from '../hosts/host.ts';
import {getOAuthCertificatesCommand, readOAuthState, readReplicationStatus, replicationStatusCommand} from '../ops/lync.ts';
import type {Check} from '../state/types.ts';
import {daysBetween, frontEndSpec, LYNC_ROLE, resolveFrontEnd, type FrontEndRef} from './lync-common.ts';
import {nodesWithRole} from './params.ts';
import {describeSnapshot, planScript, snapshotOf, type OAuthSnapshot} from './steps/lync-oauth.ts';
import {sameThumbprint} from './steps/util.ts';
import type {ParamForm, StepDefinition, Validation} from './types.ts';
import {defineProcedure, type PreparedAs} from './define.ts';
import {catalogEntry} from './catalog.ts';

export const NO_TOKEN_ISSUER =
  'Get-CsCertificate -Type OAuthTokenIssuer returned nothing: server-to-server authentication is not possible until a token issuer certificate is assigned; run lync-import-pfx (a PFX) or lync-assign-default (the Default certificate)';

interface CheckResolved {
  readonly frontEnd: string;
  readonly frontEnds: readonly FrontEndRef[];
  readonly seen: OAuthSnapshot;
}

async function form(fleet: Fleet): Promise<ParamForm> {
  const frontEnds = await nodesWithRole(fleet, LYNC_ROLE);
  return {values: {frontEnd: frontEnds[0]?.name ?? ''}, specs: [frontEndSpec(frontEnds)]};
}

async function prepare(fleet: Fleet, params: Readonly<Record<string, string>>): Promise<Validation<PreparedAs<CheckResolved>>> {
  const errors: Record<string, string> = {};
  const fes = await resolveFrontEnd(fleet, params, errors);
  if (!fes) return {ok: false, errors};
  const seen = snapshotOf(await readOAuthState(await fleet.host(fes.frontEnd.name), new Date()));
  const resolved: CheckResolved = {frontEnd: fes.frontEnd.name, frontEnds: fes.all.map((n) => ({name: n.name, fqdn: n.fqdn})), seen};
  return {ok: true, value: {resolved, secrets: {}}};
}

/** What an admin should do next, from what the Front End shows. */
export function advice(s: OAuthSnapshot, now: Date): string[] {
  if (!s.current && !s.staged) return [NO_TOKEN_ISSUER];
  const lines: string[] = [];
  if (s.currentNotAfter) {
    const days = daysBetween(now, new Date(s.currentNotAfter));
    lines.push(
      days < 0
        ? `the current certificate EXPIRED on ${s.currentNotAfter}: assign a new one now (lync-import-pfx or lync-assign-default)`
        : `the current certificate expires in ${days} days (${s.currentNotAfter})${s.staged ? '' : ': stage a roll at least 24 hours before that (lync-roll)'}`,
    );
  }
  if (s.staged) lines.push(`a roll to ${s.staged} takes effect at ${s.stagedDate}`);
  if (s.previous) {
    const expired = s.previousNotAfter !== null && Date.parse(s.previousNotAfter) <= now.getTime();
    lines.push(
      expired
        ? `the previous certificate ${s.previous} has expired: remove it with lync-remove-previous`
        : `the previous certificate ${s.previous} is still accepted until ${s.previousNotAfter ?? '(unknown)'}`,
    );
  }
  return lines;
}

function steps(r: CheckResolved): StepDefinition[] {
  return [
    {
      id: `${r.frontEnd}.check-oauth`,
      title: 'Read the OAuthTokenIssuer certificate on every Front End',
      node: r.frontEnd,
      kind: 'lync-check',
      destructive: false,
      skippable: false,
      undoLast: false,
      hasUndo: false,
      plan: () => [...planScript(r.frontEnd, replicationStatusCommand()), ...r.frontEnds.flatMap((fe) => planScript(fe.name, getOAuthCertificatesCommand()))],
      async capture() {
        return {captured: {}};
      },
      async do() {
        // Reading is all this procedure does; verify reads.
      },
      async verify(ctx) {
        const status = await readReplicationStatus(await ctx.host(r.frontEnd)).catch(() => []);
        const views = await Promise.all(r.frontEnds.map(async (fe) => ({fe, s: snapshotOf(await readOAuthState(await ctx.host(fe.name), ctx.now()))})));
        const mine = views.find((v) => v.fe.name === r.frontEnd)?.s ?? views[0]!.s;
        for (const line of advice(mine, ctx.now())) ctx.note(line);
        const checks: Check[] = [
          {what: 'OAuthTokenIssuer assigned', expected: 'a certificate', observed: mine.current ? describeSnapshot(mine) : NO_TOKEN_ISSUER, ok: mine.current !== null},
          ...views.map(({fe, s}) => {
            const upToDate = status.find((x) => x.fqdn.toLowerCase() === fe.fqdn.toLowerCase())?.upToDate;
            const same = sameThumbprint(s.current, mine.current) || (s.current === null && mine.current === null);
            return {
              what: `${fe.name} (${fe.fqdn})`,
              expected: `same as ${r.frontEnd}`,
              observed: `${describeSnapshot(s)}; CMS replica ${upToDate === undefined ? 'not listed' : upToDate ? 'up to date' : 'NOT up to date'}`,
              ok: same && upToDate !== false,
            };
          }),
        ];
        return {checks, changes: views.map(({fe, s}) => ({node: fe.name, label: 'OAuthTokenIssuer current', before: s.current, after: s.current}))};
      },
      async undo() {
        return 'nothing to undo (read only)';
      },
    },
  ];
}

function describe(r: CheckResolved): string[] {
  return [
    `pool     ${r.frontEnds.map((f) => f.name).join(', ')}`,
    `${r.frontEnd.padEnd(8)} ${describeSnapshot(r.seen)}`,
    ...advice(r.seen, new Date()).map((l) => `advice   ${l}`),
  ];
}

export const lyncCheck = defineProcedure({
  ...catalogEntry('lync-check'),
  form,
  prepare,
  steps,
  describe,
});
