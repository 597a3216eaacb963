// Lync Server 2013: make the Front End's Default certificate the global OAuthTokenIssuer (server-to-server
// authentication doc): `$x = (Get-CsCertificate -Type Default).Thumbprint; Set-CsCertificate -Identity global
// -Type OAuthTokenIssuer -Thumbprint $x`. The thumbprint is read when the parameters are checked and passed as a
// literal, so the plan shows exactly which certificate becomes the token issuer. The certificate passes the same
// checks as lync-roll's (tokenIssuerProblems: private key, exportable, 2048 bits, SIP domain, valid now). Rollback
// sets the previous back.
import type {Fleet} from '../hosts/host.ts';
import {assignOAuth, assignOAuthCommand, getDefaultCertificateCommand, readDefaultCertificate, readOAuthState} from '../ops/lync.ts';
import {frontEndForm, parseTimeout, readMyCertificate, resolveFrontEnd, sipDomainsOf, tokenIssuerProblems, type OAuthChangeResolved} from './lync-common.ts';
import {describeSnapshot, expectCurrent, oauthChangeStep, planScript, replicationWaitStep, snapshotOf, stagedRollRemoved} from './steps/lync-oauth.ts';
import {sameThumbprint} from './steps/util.ts';
import type {StepDefinition, Validation} from './types.ts';
import {defineProcedure, type PreparedAs} from './define.ts';
import {catalogEntry} from './catalog.ts';
import {toolDay} from '../ops/tool-date.ts';
import type {RecordedCertificate} from '../certs/certificate.ts';
import type {CertInfo} from '../certs/cert-info.ts';

interface AssignResolved extends OAuthChangeResolved {
  readonly cert: RecordedCertificate & Pick<CertInfo, 'keyBits'>;
}

async function prepare(fleet: Fleet, params: Readonly<Record<string, string>>): Promise<Validation<PreparedAs<AssignResolved>>> {
  const errors: Record<string, string> = {};
  const fes = await resolveFrontEnd(fleet, params, errors);
  const timeoutSeconds = parseTimeout(params, errors);
  if (Object.keys(errors).length || !fes) return {ok: false, errors};
  const host = await fleet.host(fes.frontEnd.name);
  const name = fes.frontEnd.name;
  const reference = await readDefaultCertificate(host);
  if (!reference) return {ok: false, errors: {frontEnd: `Get-CsCertificate -Type Default returns nothing on ${name}: assign its Default certificate (Deployment Wizard) first`}};
  const mine = await readMyCertificate(host, reference.thumbprint);
  if (!mine) return {ok: false, errors: {frontEnd: `the Default certificate ${reference.thumbprint} is not in LocalMachine\\My on ${name}`}};
  const problems = tokenIssuerProblems(mine, await sipDomainsOf(host), new Date());
  if (problems.length)
    return {ok: false, errors: {frontEnd: `the Default certificate ${reference.thumbprint} (${mine.info.subject}) cannot be the token issuer: ${problems.join('; ')}`}};
  const before = snapshotOf(await readOAuthState(host, new Date()));
  if (sameThumbprint(before.current, reference.thumbprint))
    return {ok: false, errors: {frontEnd: `the Default certificate ${reference.thumbprint} is already the current OAuthTokenIssuer`}};
  const resolved: AssignResolved = {
    frontEnd: name,
    frontEnds: fes.all.map((n) => ({name: n.name, fqdn: n.fqdn})),
    cert: {thumbprint: mine.info.thumbprint, subject: mine.info.subject, notAfter: mine.info.notAfter.toISOString(), keyBits: mine.info.keyBits},
    before,
    timeoutSeconds,
  };
  return {ok: true, value: {resolved, secrets: {}}};
}

function steps(r: AssignResolved): StepDefinition[] {
  const expectation = expectCurrent(r.cert.thumbprint);
  const change = oauthChangeStep({
    id: `${r.frontEnd}.assign-oauth`,
    node: r.frontEnd,
    title: `Assign the Default certificate ${r.cert.thumbprint.slice(0, 8)}… as the global OAuthTokenIssuer`,
    kind: 'lync-assign-oauth',
    change: assignOAuthCommand(r.cert.thumbprint),
    act: (_ctx, host) => assignOAuth(host, r.cert.thumbprint),
    expectation,
    timeoutSeconds: r.timeoutSeconds,
    frontEnds: r.frontEnds,
    removes: (before) => [
      ...stagedRollRemoved(before, 'dropped'),
      ...(before.current ? [`current OAuthTokenIssuer ${before.current} (replaced at once; the previous one stays)`] : []),
    ],
  });
  return [
    {
      ...change,
      // The documented first line, read when the parameters were checked: its answer is the literal below.
      plan: () => [
        ...planScript(r.frontEnd, getDefaultCertificateCommand()).map((p) => ({
          ...p,
          text: `${p.text}   (read when the parameters were checked: ${r.cert.thumbprint})`,
          preview: false,
        })),
        ...change.plan(),
      ],
    },
    replicationWaitStep({id: `${r.frontEnd}.replication`, node: r.frontEnd, frontEnds: r.frontEnds, expectation, timeoutSeconds: r.timeoutSeconds}),
  ];
}

function describe(r: AssignResolved): string[] {
  return [
    `pool     ${r.frontEnds.map((f) => f.name).join(', ')}; the cmdlets run on ${r.frontEnd}`,
    `before   ${describeSnapshot(r.before)}`,
    `new      ${r.cert.thumbprint} ${r.cert.subject}, RSA ${r.cert.keyBits}, valid until ${toolDay(r.cert.notAfter)} (${r.frontEnd}'s Default certificate)`,
    `after    current ${r.cert.thumbprint}${r.before.previous ? `; previous ${r.before.previous} (unchanged)` : ''}`,
    ...(r.before.staged ? [`dropped  the staged roll to ${r.before.staged} at ${r.before.stagedDate ?? '?'} (the undo stages it again while that date is ahead)`] : []),
  ];
}

export const lyncAssignDefault = defineProcedure({
  ...catalogEntry('lync-assign-default'),
  form: frontEndForm,
  prepare,
  steps,
  describe,
});
