// Lync Server 2013: after a roll, once the old (previous) token issuer certificate has expired, remove it:
// `Remove-CsCertificate -Identity global -Type OAuthTokenIssuer -Previous`. Refused while it is still valid (tokens signed with it are
// still accepted until then). The cmdlets cannot put a removed previous certificate back, so there is no undo.
import type {Fleet} from '../hosts/host.ts';
import {readOAuthState, removePreviousOAuth, removePreviousOAuthCommand} from '../ops/lync.ts';
import {frontEndForm, parseTimeout, resolveFrontEnd, type OAuthChangeResolved} from './lync-common.ts';
import {describeSnapshot, expectNoPrevious, oauthChangeStep, replicationWaitStep, snapshotOf} from './steps/lync-oauth.ts';
import type {StepDefinition, Validation} from './types.ts';
import {defineProcedure, type PreparedAs} from './define.ts';
import {catalogEntry} from './catalog.ts';

type RemoveResolved = OAuthChangeResolved;

async function prepare(fleet: Fleet, params: Readonly<Record<string, string>>): Promise<Validation<PreparedAs<RemoveResolved>>> {
  const errors: Record<string, string> = {};
  const fes = await resolveFrontEnd(fleet, params, errors);
  const timeoutSeconds = parseTimeout(params, errors);
  if (Object.keys(errors).length || !fes) return {ok: false, errors};
  const now = new Date();
  const before = snapshotOf(await readOAuthState(await fleet.host(fes.frontEnd.name), now));
  if (!before.previous) return {ok: false, errors: {frontEnd: `there is no previous OAuthTokenIssuer certificate to remove (${describeSnapshot(before)})`}};
  if (before.previousNotAfter && Date.parse(before.previousNotAfter) > now.getTime()) {
    return {
      ok: false,
      errors: {
        frontEnd: `the previous certificate ${before.previous} is valid until ${before.previousNotAfter}: tokens it signed are accepted until then, so remove it after it expires`,
      },
    };
  }
  const resolved: RemoveResolved = {frontEnd: fes.frontEnd.name, frontEnds: fes.all.map((n) => ({name: n.name, fqdn: n.fqdn})), before, timeoutSeconds};
  return {ok: true, value: {resolved, secrets: {}}};
}

function steps(r: RemoveResolved): StepDefinition[] {
  const expectation = expectNoPrevious();
  return [
    oauthChangeStep({
      id: `${r.frontEnd}.remove-previous`,
      node: r.frontEnd,
      title: `Remove the expired previous OAuthTokenIssuer certificate ${r.before.previous?.slice(0, 8) ?? ''}…`,
      kind: 'lync-remove-previous',
      change: removePreviousOAuthCommand(),
      act: (_ctx, host) => removePreviousOAuth(host),
      expectation,
      timeoutSeconds: r.timeoutSeconds,
      frontEnds: r.frontEnds,
      removes: (before) => [`previous OAuthTokenIssuer ${before.previous ?? '(none)'}${before.previousNotAfter ? ` (expired ${before.previousNotAfter})` : ''}`],
      warnings: ['the Lync cmdlets cannot put a removed previous certificate back: this step has no undo'],
      undoable: false,
    }),
    replicationWaitStep({id: `${r.frontEnd}.replication`, node: r.frontEnd, frontEnds: r.frontEnds, expectation, timeoutSeconds: r.timeoutSeconds}),
  ];
}

function describe(r: RemoveResolved): string[] {
  return [`before   ${describeSnapshot(r.before)}`, `after    current ${r.before.current ?? '(none)'}; no previous certificate`];
}

export const lyncRemovePrevious = defineProcedure({
  ...catalogEntry('lync-remove-previous'),
  form: frontEndForm,
  prepare,
  steps,
  describe,
});
