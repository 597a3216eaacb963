// Lync Server 2013: roll the OAuthTokenIssuer certificate at an effective date ("Staged AV and OAuth certificates"):
// `Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint {new} -EffectiveDate {date} -Roll`. At the
// date the new certificate becomes current and the old one previous (tokens are still validated with it until it
// expires; then lync-remove-previous). Enforced before anything changes: -Roll needs -EffectiveDate (always given),
// the new certificate passes lync-assign-default's checks at the date (tokenIssuerProblems: an exportable private
// key, at least 2048 bits, the SIP domain in subject or SAN, valid), the date is a real calendar date in the future
// and before the current certificate expires (refused at or after: no valid token issuer in between); a date less
// than 24 hours before that expiry is allowed with a warning (the documented minimum). The date is built inside PowerShell from ISO 8601
// (-EffectiveDate is otherwise parsed in the server's regional format). A roll already staged is replaced, and said
// so first in the Confirm box. Undone before the date by setting the captured current one again (and re-staging a
// replaced roll).
import type {Fleet} from '../hosts/host.ts';
import {listStore} from '../ops/certutil.ts';
import {isoSeconds, readOAuthState, rollOAuth, rollOAuthCommand} from '../ops/lync.ts';
import {
  defaultTimeout,
  frontEndSpec,
  LYNC_ROLE,
  parseTimeout,
  readMyCertificate,
  parseThumbprint,
  resolveFrontEnd,
  sipDomainsOf,
  timeoutSpec,
  tokenIssuerProblems,
  type OAuthChangeResolved,
} from './lync-common.ts';
import {nodesWithRole} from './params.ts';
import {expectStaged, oauthChangeStep, replicationWaitStep, snapshotOf, stagedRollRemoved} from './steps/lync-oauth.ts';
import {sameThumbprint, shortThumb} from './steps/util.ts';
import type {ParamForm, StepDefinition, Validation} from './types.ts';
import {defineProcedure, type PreparedAs} from './define.ts';
import {catalogEntry} from './catalog.ts';
import {toolDay} from '../ops/tool-date.ts';
import type {CertificateRecord, RecordedCertificate} from '../certs/certificate.ts';
import type {CertInfo} from '../certs/cert-info.ts';

const HOUR_MS = 3_600_000;
/** The documented minimum between the effective date and the current certificate's expiry. */
const MIN_OVERLAP_MS = 24 * HOUR_MS;
const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Why an ISO 8601 text with a zone is not a real instant, or null. JavaScript's Date rolls 2027-02-30 over into
 * March and T24:00 into the next day, so every field is checked against the calendar before Date sees it.
 */
export function impossibleDate(text: string): string | null {
  const m = ISO_WITH_ZONE.exec(text);
  if (!m) return 'not ISO 8601 with a time zone';
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  if (month < 1 || month > 12) return `there is no month ${m[2]}`;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > days) return `${m[1]}-${m[2]} has no day ${m[3]} (it has ${days} days)`;
  if (hour > 23 || minute > 59 || second > 59) return `${m[4]}:${m[5]}${m[6] ? `:${m[6]}` : ''} is not a time of day (00:00:00 to 23:59:59)`;
  if (m[9] !== undefined && (Number(m[9]) > 14 || Number(m[10]) > 59)) return `${m[8]} is not a time zone offset (-14:00 to +14:00)`;
  return null;
}

interface RollResolved extends OAuthChangeResolved {
  readonly cert: RecordedCertificate & Pick<CertificateRecord, 'notBefore'> & Pick<CertInfo, 'keyBits'>;
  readonly effectiveDate: string;
  readonly warnings: readonly string[];
}

/** Two days before the current certificate expires (the docs ask for at least one), but never in the past. */
function suggestedDate(currentNotAfter: string | null, now: Date): string {
  const target = currentNotAfter ? Date.parse(currentNotAfter) - 2 * MIN_OVERLAP_MS : now.getTime() + 7 * MIN_OVERLAP_MS;
  const date = new Date(Math.max(target, now.getTime() + HOUR_MS));
  date.setUTCMinutes(0, 0, 0);
  return isoSeconds(date);
}

async function form(fleet: Fleet): Promise<ParamForm> {
  const frontEnds = await nodesWithRole(fleet, LYNC_ROLE);
  const first = frontEnds[0];
  const values: Record<string, string> = {frontEnd: first?.name ?? '', thumbprint: '', effectiveDate: '', replicationTimeout: defaultTimeout(fleet)};
  let choices: {value: string; label: string}[] = [];
  if (first) {
    try {
      const host = await fleet.host(first.name);
      const state = snapshotOf(await readOAuthState(host, new Date()));
      values.effectiveDate = suggestedDate(state.currentNotAfter, new Date());
      // Offer the certificates that could be rolled to: a key that can travel, not the current one, newest first.
      const candidates = (await listStore(host, 'My')).filter((c) => c.hasPrivateKey && c.exportable && !sameThumbprint(c.thumbprint, state.current));
      choices = candidates.map((c) => ({value: c.thumbprint, label: `${c.thumbprint} ${c.subject} (until ${toolDay(c.notAfter)})`}));
      values.thumbprint = candidates.find((c) => /s2s|oauth/i.test(c.subject))?.thumbprint ?? candidates[0]?.thumbprint ?? '';
    } catch {
      // Defaults are a convenience: prepare reports an unreachable Front End properly.
    }
  }
  return {
    values,
    specs: [
      frontEndSpec(frontEnds),
      {key: 'thumbprint', label: 'New certificate', help: "Thumbprint of the new certificate in that Front End's LocalMachine\\My (exportable private key)", choices},
      {
        key: 'effectiveDate',
        label: 'Effective date',
        help: 'When the new certificate becomes current: ISO 8601 with a zone (2026-12-01T13:00:00Z), at least 24 h before the current one expires',
      },
      timeoutSpec(),
    ],
  };
}

async function prepare(fleet: Fleet, params: Readonly<Record<string, string>>): Promise<Validation<PreparedAs<RollResolved>>> {
  const errors: Record<string, string> = {};
  const fes = await resolveFrontEnd(fleet, params, errors);
  const timeoutSeconds = parseTimeout(params, errors);
  const thumbprint = parseThumbprint(params, errors);
  const dateText = (params.effectiveDate ?? '').trim();
  const now = new Date();
  let effective: Date | null = null;
  if (!dateText) {
    // The documented rule: Set-CsCertificate -Roll fails without -EffectiveDate.
    errors.effectiveDate = 'a roll needs an effective date (Set-CsCertificate -Roll fails without -EffectiveDate)';
  } else if (ISO_WITH_ZONE.test(dateText) && impossibleDate(dateText)) {
    errors.effectiveDate = `"${dateText}" is not a date on the calendar: ${impossibleDate(dateText)}`;
  } else if (!ISO_WITH_ZONE.test(dateText) || Number.isNaN(Date.parse(dateText))) {
    errors.effectiveDate = `"${dateText}" is not ISO 8601 with a time zone (e.g. 2026-12-01T13:00:00Z): certwalk never passes a date in a regional format, which -EffectiveDate would read in the server's culture`;
  } else {
    effective = new Date(dateText);
    if (effective.getTime() <= now.getTime()) errors.effectiveDate = `${isoSeconds(effective)} is not in the future (now ${isoSeconds(now)})`;
  }
  if (Object.keys(errors).length || !fes || !effective) return {ok: false, errors};

  const name = fes.frontEnd.name;
  const host = await fleet.host(name);
  const before = snapshotOf(await readOAuthState(host, now));
  if (!before.current)
    return {ok: false, errors: {thumbprint: 'no OAuthTokenIssuer certificate is assigned, so there is nothing to roll: use lync-import-pfx or lync-assign-default'}};
  if (sameThumbprint(before.current, thumbprint)) return {ok: false, errors: {thumbprint: `${thumbprint} is already the current OAuthTokenIssuer certificate`}};
  // A roll over a staged roll replaces it (Set-CsCertificate -Roll keeps one staged roll); the Confirm box says so
  // first, and the undo stages the replaced one again. Staging the very same roll again would change nothing.
  if (sameThumbprint(before.staged, thumbprint) && before.stagedDate !== null && Date.parse(before.stagedDate) === effective.getTime()) {
    return {ok: false, errors: {thumbprint: `the roll to ${thumbprint} is already staged for ${before.stagedDate}`}};
  }
  const mine = await readMyCertificate(host, thumbprint);
  if (!mine) {
    const mys = await listStore(host, 'My');
    return {
      ok: false,
      errors: {thumbprint: `${thumbprint} is not in LocalMachine\\My on ${name}; it holds ${mys.map((c) => `${c.thumbprint} (${c.subject})`).join('; ') || 'nothing'}`},
    };
  }
  const problems = tokenIssuerProblems(mine, await sipDomainsOf(host), effective, 'at the effective date');
  if (problems.length) return {ok: false, errors: {thumbprint: `${thumbprint} (${mine.info.subject}) cannot be the token issuer: ${problems.join('; ')}`}};

  const expiry = before.currentNotAfter ? Date.parse(before.currentNotAfter) : null;
  // From the current certificate's expiry to the date nothing valid would sign tokens: server-to-server
  // authentication would fail for that whole window, so this is refused, not warned about.
  if (expiry !== null && effective.getTime() >= expiry) {
    return {
      ok: false,
      errors: {
        effectiveDate: `${isoSeconds(effective)} is at or after the current certificate ${before.current} expires (${isoSeconds(new Date(expiry))}): from then until the date no valid certificate would sign tokens; choose a date at least 24 hours before ${isoSeconds(new Date(expiry))}`,
      },
    };
  }
  const warnings: string[] = [];
  if (expiry !== null && expiry - effective.getTime() < MIN_OVERLAP_MS) {
    warnings.push(
      `the effective date is less than 24 hours before the current certificate expires (${before.currentNotAfter}); the documented rule is at least 24 hours, so that tokens issued with the old certificate stay valid while servers switch`,
    );
  }
  const resolved: RollResolved = {
    frontEnd: name,
    frontEnds: fes.all.map((n) => ({name: n.name, fqdn: n.fqdn})),
    cert: {thumbprint, subject: mine.info.subject, notBefore: mine.info.notBefore.toISOString(), notAfter: mine.info.notAfter.toISOString(), keyBits: mine.info.keyBits},
    effectiveDate: isoSeconds(effective),
    before,
    warnings,
    timeoutSeconds,
  };
  return {ok: true, value: {resolved, secrets: {}}};
}

function steps(r: RollResolved): StepDefinition[] {
  const expectation = expectStaged(r.cert.thumbprint, r.effectiveDate);
  return [
    oauthChangeStep({
      id: `${r.frontEnd}.roll-oauth`,
      node: r.frontEnd,
      title: `Roll the OAuthTokenIssuer to ${r.cert.thumbprint.slice(0, 8)}… at ${r.effectiveDate}`,
      kind: 'lync-roll-oauth',
      change: rollOAuthCommand(r.cert.thumbprint, new Date(r.effectiveDate)),
      act: (_ctx, host) => rollOAuth(host, r.cert.thumbprint, new Date(r.effectiveDate)),
      expectation,
      timeoutSeconds: r.timeoutSeconds,
      frontEnds: r.frontEnds,
      removes: (before) => [
        ...stagedRollRemoved(before, 'replaced'),
        ...(before.previous ? [`previous ${shortThumb(before.previous)}: dropped at ${r.effectiveDate}`] : []),
        `at ${r.effectiveDate}: current ${before.current ?? '(none)'} becomes previous`,
      ],
      warnings: (before) => [
        ...r.warnings,
        // What the undo cannot do, said before the change: no cmdlet sets a previous certificate.
        `undo only before ${r.effectiveDate}: from then on ${before.current ? shortThumb(before.current) : 'the current one'} is previous${before.previous ? ` and ${shortThumb(before.previous)} is gone` : ''}, and no Lync cmdlet sets a previous certificate back`,
      ],
      notes: ["(the date is built inside PowerShell from ISO 8601: -EffectiveDate as text would be read in the server's regional format)"],
    }),
    replicationWaitStep({id: `${r.frontEnd}.replication`, node: r.frontEnd, frontEnds: r.frontEnds, expectation, timeoutSeconds: r.timeoutSeconds}),
  ];
}

function describe(r: RollResolved): string[] {
  // Short thumbprints so that "now" and "from the date" sit side by side at 80 columns; `new` has the full one.
  const col = (a: string | null, b: string | null) => `${(a ? shortThumb(a) : '(none)').padEnd(20)} ${b ? shortThumb(b) : '(none)'}`;
  return [
    `pool     ${r.frontEnds.map((f) => f.name).join(', ')}; the cmdlets run on ${r.frontEnd}`,
    `         ${'now'.padEnd(20)} from ${r.effectiveDate}`,
    `current  ${col(r.before.current, r.cert.thumbprint)}`,
    `previous ${col(r.before.previous, r.before.current)}`,
    `new      ${r.cert.thumbprint} ${r.cert.subject}, RSA ${r.cert.keyBits}, exportable key, valid ${toolDay(r.cert.notBefore)} – ${toolDay(r.cert.notAfter)}`,
    `old      expires ${r.before.currentNotAfter ?? '(unknown)'}; then remove it: lync-remove-previous`,
    ...(r.before.staged ? [`replaces the staged roll to ${shortThumb(r.before.staged)} at ${r.before.stagedDate ?? '?'} (the undo stages it again)`] : []),
    ...r.warnings.map((w) => `warning  ${w}`),
  ];
}

export const lyncRoll = defineProcedure({
  ...catalogEntry('lync-roll'),
  form,
  prepare,
  steps,
  describe,
});
