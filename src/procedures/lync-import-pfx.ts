// Lync Server 2013: import a PFX as the global OAuthTokenIssuer certificate (server-to-server authentication doc):
// `Import-CsCertificate -Identity global -Type OAuthTokenIssuer -Path {pfx} -Password {password}`, run once on one
// Front End; the CMS replicates it to the others. The password is read without echo, reaches PowerShell on stdin and
// is masked everywhere certwalk writes. Rollback sets the previously current certificate back.
import {describeCertificate, fromPfx, keyMatchesCertificate, PfxPasswordError, toDer} from '../certs/index.ts';
import type {Fleet} from '../hosts/host.ts';
import {importOAuth, importOAuthCommand, readOAuthState} from '../ops/lync.ts';
import {
  certificateProblems,
  defaultTimeout,
  frontEndSpec,
  LYNC_ROLE,
  parseTimeout,
  PFX_PASSWORD_ENV,
  resolveFrontEnd,
  sipDomainsOf,
  timeoutSpec,
  type OAuthChangeResolved,
} from './lync-common.ts';
import {nodesWithRole} from './params.ts';
import {describeSnapshot, expectCurrent, oauthChangeStep, replicationWaitStep, snapshotOf, stagedRollRemoved} from './steps/lync-oauth.ts';
import {sameThumbprint} from './steps/util.ts';
import type {ParamForm, Secrets, StepDefinition, Validation} from './types.ts';
import {defineProcedure, type PreparedAs} from './define.ts';
import {catalogEntry} from './catalog.ts';
import {toolDay} from '../ops/tool-date.ts';
import type {RecordedCertificate} from '../certs/certificate.ts';
import type {CertInfo} from '../certs/cert-info.ts';

const DEFAULT_PFX = 'C:\\Certificates\\ServerToServerAuth.pfx';

interface ImportResolved extends OAuthChangeResolved {
  readonly pfx: string;
  readonly cert: RecordedCertificate & Pick<CertInfo, 'keyBits'>;
}

async function form(fleet: Fleet): Promise<ParamForm> {
  const frontEnds = await nodesWithRole(fleet, LYNC_ROLE);
  return {
    values: {frontEnd: frontEnds[0]?.name ?? '', pfx: DEFAULT_PFX, password: '', replicationTimeout: defaultTimeout(fleet)},
    specs: [
      frontEndSpec(frontEnds),
      {key: 'pfx', label: 'PFX file', help: 'Path of the PFX on that Front End (certificate with its private key)'},
      {key: 'password', label: 'PFX password', help: `The PFX password (typed without echo; for certwalk run, set ${PFX_PASSWORD_ENV})`, secret: true, env: PFX_PASSWORD_ENV},
      timeoutSpec(),
    ],
  };
}

async function prepare(fleet: Fleet, params: Readonly<Record<string, string>>): Promise<Validation<PreparedAs<ImportResolved>>> {
  const errors: Record<string, string> = {};
  const fes = await resolveFrontEnd(fleet, params, errors);
  const timeoutSeconds = parseTimeout(params, errors);
  const pfx = (params.pfx ?? '').trim();
  if (!/^[A-Za-z]:\\|^\\\\/.test(pfx) || /[\0\r\n]/.test(pfx)) errors.pfx = `"${pfx}" is not a full Windows path such as ${DEFAULT_PFX}`;
  const password = params.password ?? '';
  if (password === '') errors.password = `type the PFX password (for certwalk run: set ${PFX_PASSWORD_ENV})`;
  else if (/[\r\n]/.test(password)) errors.password = 'a PFX password cannot hold a line break';
  if (Object.keys(errors).length || !fes) return {ok: false, errors};

  const host = await fleet.host(fes.frontEnd.name);
  let bytes: Buffer;
  try {
    bytes = await host.readFile(pfx);
  } catch (error) {
    return {ok: false, errors: {pfx: `cannot read ${pfx} on ${fes.frontEnd.name}: ${(error as Error).message}`}};
  }
  let contents;
  try {
    contents = fromPfx(bytes, password);
  } catch (error) {
    // Never the password itself, and no hint of it: only that it does not open this file.
    if (error instanceof PfxPasswordError) return {ok: false, errors: {password: `this password does not open ${pfx}`}};
    return {ok: false, errors: {pfx: `${pfx} is not a PFX file certwalk can read: ${(error as Error).message}`}};
  }
  if (!contents.keyPem) return {ok: false, errors: {pfx: `${pfx} holds no private key: the token issuer signs with it, so export the certificate again with its private key`}};
  const info = describeCertificate(toDer(contents.certPem));
  // The token issuer signs with this key and the other servers check with the certificate's: a key that is not the
  // certificate's breaks server-to-server authentication for the whole pool, and Import-CsCertificate takes it.
  let matches: boolean;
  try {
    matches = keyMatchesCertificate(contents.certPem, contents.keyPem);
  } catch (error) {
    return {ok: false, errors: {pfx: `${pfx}: ${(error as Error).message}`}};
  }
  if (!matches) {
    return {
      ok: false,
      errors: {pfx: `the private key in ${pfx} does not belong to its certificate ${info.thumbprint} (${info.subject}): export the certificate again with its own private key`},
    };
  }
  const problems = certificateProblems(info, await sipDomainsOf(host), new Date());
  if (problems.length) return {ok: false, errors: {pfx: `${info.thumbprint} (${info.subject}) cannot be the token issuer: ${problems.join('; ')}`}};
  const before = snapshotOf(await readOAuthState(host, new Date()));
  if (sameThumbprint(before.current, info.thumbprint)) return {ok: false, errors: {pfx: `${info.thumbprint} is already the current OAuthTokenIssuer certificate`}};

  const resolved: ImportResolved = {
    frontEnd: fes.frontEnd.name,
    frontEnds: fes.all.map((n) => ({name: n.name, fqdn: n.fqdn})),
    pfx,
    cert: {thumbprint: info.thumbprint, subject: info.subject, notAfter: info.notAfter.toISOString(), keyBits: info.keyBits},
    before,
    timeoutSeconds,
  };
  return {ok: true, value: {resolved, secrets: {password}}};
}

function steps(r: ImportResolved, secrets: Secrets): StepDefinition[] {
  const expectation = expectCurrent(r.cert.thumbprint);
  return [
    oauthChangeStep({
      id: `${r.frontEnd}.import-oauth`,
      node: r.frontEnd,
      title: `Import ${r.pfx} as the global OAuthTokenIssuer certificate`,
      kind: 'lync-import-oauth',
      change: importOAuthCommand(r.pfx),
      async act(ctx, host) {
        const password = secrets.password;
        // A rollback from the journal has no password, and needs none: undo assigns the captured certificate.
        if (!password) throw new Error(`the PFX password is not known in this session; run lync-import-pfx again to import ${r.pfx}`);
        ctx.secret(password);
        await importOAuth(host, r.pfx, password);
      },
      expectation,
      timeoutSeconds: r.timeoutSeconds,
      frontEnds: r.frontEnds,
      removes: (before) => [
        ...stagedRollRemoved(before, 'dropped'),
        ...(before.current ? [`current OAuthTokenIssuer ${before.current} (replaced at once; the previous one stays)`] : []),
      ],
      notes: ["(the password is the first line of PowerShell's standard input, never part of the command)"],
    }),
    replicationWaitStep({id: `${r.frontEnd}.replication`, node: r.frontEnd, frontEnds: r.frontEnds, expectation, timeoutSeconds: r.timeoutSeconds}),
  ];
}

function describe(r: ImportResolved): string[] {
  return [
    `pool     ${r.frontEnds.map((f) => f.name).join(', ')}; the cmdlets run on ${r.frontEnd}`,
    `before   ${describeSnapshot(r.before)}`,
    `new      ${r.cert.thumbprint} ${r.cert.subject}, RSA ${r.cert.keyBits}, valid until ${toolDay(r.cert.notAfter)} (from ${r.pfx})`,
    `after    current ${r.cert.thumbprint}${r.before.previous ? `; previous ${r.before.previous} (unchanged)` : ''}`,
    ...(r.before.staged ? [`dropped  the staged roll to ${r.before.staged} at ${r.before.stagedDate ?? '?'} (the undo stages it again while that date is ahead)`] : []),
  ];
}

export const lyncImportPfx = defineProcedure({
  ...catalogEntry('lync-import-pfx'),
  form,
  prepare,
  steps,
  describe,
});
