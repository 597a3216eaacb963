// What the Lync procedures share: the Front End parameter, the replication timeout, the checks a token issuer
// certificate must pass (Lync Server 2013 server-to-server authentication docs: RSA key of at least 2048 bits, a Web
// server certificate naming the SIP domain in its subject or SAN, valid when it takes effect), and reading a
// certificate of a Front End's LocalMachine\My with its key facts.
import {describeCertificate} from '../certs/index.ts';
import type {CertInfo} from '../certs/index.ts';
import type {Fleet, Host, NodeInfo} from '../hosts/host.ts';
import {exportCertificate, listStore, type StoreEntryWithExportability} from '../ops/certutil.ts';
import {readSipDomains} from '../ops/lync.ts';
import {nodesWithRole} from './params.ts';
import type {OAuthSnapshot} from './steps/lync-oauth.ts';
import type {ParamForm, ParamSpec} from './types.ts';

export const LYNC_ROLE = 'lync-fe';
export const MIN_KEY_BITS = 2048;
/** The env var `certwalk run` reads a PFX password from, so it is never on a command line (no child inherits it). */
export {PFX_PASSWORD_ENV} from '../hosts/secret-env.ts';

/** A Front End as the journal records it: the replication wait polls each one. */
export interface FrontEndRef {
  readonly name: string;
  readonly fqdn: string;
}

/** What every procedure that changes the global OAuthTokenIssuer configuration resolves before it starts. */
export interface OAuthChangeResolved {
  /** The Front End the cmdlets run on (the CMS replicates to the others). */
  readonly frontEnd: string;
  readonly frontEnds: readonly FrontEndRef[];
  /** The configuration before the change: what the undo sets back. */
  readonly before: OAuthSnapshot;
  readonly timeoutSeconds: number;
}

export function frontEndSpec(frontEnds: readonly NodeInfo[]): ParamSpec {
  return {
    key: 'frontEnd',
    label: 'Front End',
    help: 'The Front End the cmdlets run on (once: the CMS replicates the global certificate to every Front End)',
    choices: frontEnds.map((n) => ({value: n.name, label: `${n.name} (${n.fqdn})`})),
  };
}

export function timeoutSpec(): ParamSpec {
  return {key: 'replicationTimeout', label: 'Replication wait', help: 'Seconds to wait for every Front End to receive the change before flagging the ones that have not'};
}

/** Real pools replicate in minutes; the sandbox in seconds. */
export function defaultTimeout(fleet: Fleet): string {
  return fleet.kind === 'sandbox' ? '30' : '900';
}

export interface FrontEnds {
  readonly frontEnd: NodeInfo;
  readonly all: readonly NodeInfo[];
}

/** The chosen Front End and the whole pool, or an error under `frontEnd`. */
export async function resolveFrontEnd(fleet: Fleet, params: Readonly<Record<string, string>>, errors: Record<string, string>): Promise<FrontEnds | null> {
  const all = await nodesWithRole(fleet, LYNC_ROLE);
  const name = (params.frontEnd ?? '').trim();
  const frontEnd = all.find((n) => n.name === name);
  if (!all.length) errors.frontEnd = `the fleet has no Lync Front End (a node with role ${LYNC_ROLE})`;
  else if (!frontEnd) errors.frontEnd = `"${name}" is not a Lync Front End; Front Ends: ${all.map((n) => n.name).join(', ')}`;
  return frontEnd ? {frontEnd, all} : null;
}

/**
 * The `thumbprint` parameter as Windows would match it: spaces removed (the certificate dialog shows byte pairs),
 * upper case; an error when it is not 40 hex digits (empty is allowed when `optional`).
 */
export function parseThumbprint(params: Readonly<Record<string, string>>, errors: Record<string, string>, options: {readonly optional?: boolean} = {}): string {
  const thumbprint = (params.thumbprint ?? '').replace(/\s/g, '').toUpperCase();
  if (options.optional && !thumbprint) return thumbprint;
  if (!/^[0-9A-F]{40}$/.test(thumbprint)) errors.thumbprint = `"${params.thumbprint ?? ''}" is not a 40-hex-digit thumbprint${options.optional ? ' (or leave it empty)' : ''}`;
  return thumbprint;
}

export function parseTimeout(params: Readonly<Record<string, string>>, errors: Record<string, string>): number {
  const text = (params.replicationTimeout ?? '').trim();
  const seconds = Number(text);
  if (!/^\d+$/.test(text) || seconds < 1 || seconds > 86400) {
    errors.replicationTimeout = `"${text}" is not a number of seconds from 1 to 86400`;
    return 60;
  }
  return seconds;
}

/** Whether a DNS name is the SIP domain or a name inside it (`sip.contoso.com` for contoso.com). */
function inDomain(name: string, domain: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const d = domain.toLowerCase();
  return n === d || n.endsWith(`.${d}`) || n === `*.${d}`;
}

/** Every reason this certificate cannot be the token issuer, as sentences; [] when it can. */
export function certificateProblems(info: CertInfo, sipDomains: readonly string[], at: Date, atLabel = 'now'): string[] {
  const problems: string[] = [];
  if (info.keyBits < MIN_KEY_BITS) problems.push(`its key has ${info.keyBits} bits; Lync requires at least ${MIN_KEY_BITS}`);
  const names = [...info.commonNames, ...info.dnsNames];
  if (sipDomains.length && !names.some((n) => sipDomains.some((d) => inDomain(n, d)))) {
    problems.push(`neither its subject nor its SAN names the SIP domain ${sipDomains.join(' or ')} (it names ${names.join(', ') || 'nothing'})`);
  }
  if (info.notBefore.getTime() > at.getTime()) problems.push(`it is not valid yet ${atLabel} (valid from ${info.notBefore.toISOString()})`);
  if (info.notAfter.getTime() <= at.getTime())
    problems.push(`it has expired ${atLabel === 'now' ? '' : `${atLabel} `}(valid until ${info.notAfter.toISOString()})`.replace('  ', ' '));
  return problems;
}

/**
 * Every reason a certificate of a Front End's LocalMachine\My cannot be named by `Set-CsCertificate -Identity global
 * -Type OAuthTokenIssuer -Thumbprint` (lync-assign-default at once, lync-roll with -Roll), as sentences; [] when it
 * can. One check for both, because both hand Lync the same thing: a certificate of this computer's store that becomes
 * the global token issuer. The key must be there (the token issuer signs with it) and exportable: the OAuthTokenIssuer
 * is global, not per server ("the same certificate must be configured as the OAuthTokenIssuer certificate on all of
 * your Front End Servers"), and the CMS's replication decrypts and deploys it, key included, to every Front End, so a
 * key that cannot leave this store cannot reach the others. That holds for the Default certificate too: per server
 * as Default, global once assigned as token issuer. lync-import-pfx is the one path that does not need it (the PFX
 * brings the key; it checks the PFX's key itself), and the per-server path by hand (lync-manual) needs it to export
 * the certificate on one Front End, which its checklist says.
 */
export function tokenIssuerProblems(mine: MyCertificate, sipDomains: readonly string[], at: Date, atLabel = 'now'): string[] {
  const keyProblems = !mine.store.hasPrivateKey
    ? ['it has no private key: the token issuer signs with it']
    : mine.store.exportability === 'not-exportable'
      ? ['its private key is not exportable: the global token issuer is replicated with its key to every Front End, so request or import it with an exportable key']
      : mine.store.exportability === 'unknown'
        ? [
            "certwalk cannot tell from this server's certutil output whether its private key is exportable (a line in a language certwalk has no sample of); the global token issuer is replicated with its key, so check it (certlm.msc → the certificate → Export: 'Yes, export the private key' must be offered) and use an exportable one",
          ]
        : [];
  return [...keyProblems, ...certificateProblems(mine.info, sipDomains, at, atLabel)];
}

export async function sipDomainsOf(host: Host): Promise<string[]> {
  return (await readSipDomains(host)).map((d) => d.name);
}

/** A certificate of LocalMachine\My with what certutil says of its key and what its DER says of the rest. */
export interface MyCertificate {
  readonly store: StoreEntryWithExportability;
  readonly info: CertInfo;
}

export async function readMyCertificate(host: Host, thumbprint: string): Promise<MyCertificate | null> {
  const store = (await listStore(host, 'My')).find((c) => c.thumbprint.toUpperCase() === thumbprint.toUpperCase());
  if (!store) return null;
  const file = `${host.tempDir}\\certwalk-${store.thumbprint}.cer`;
  try {
    await exportCertificate(host, 'My', store.thumbprint, file);
    return {store, info: describeCertificate(await host.readFile(file))};
  } finally {
    await host.removeFile(file).catch(() => undefined);
  }
}

export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / 86_400_000);
}

/** The form of a procedure that needs only the Front End to run on and how long to wait for replication. */
export async function frontEndForm(fleet: Fleet): Promise<ParamForm> {
  const frontEnds = await nodesWithRole(fleet, LYNC_ROLE);
  return {values: {frontEnd: frontEnds[0]?.name ?? '', replicationTimeout: defaultTimeout(fleet)}, specs: [frontEndSpec(frontEnds), timeoutSpec()]};
}
