// Certificate stores as the Windows tools see them: names are case-insensitive, each has a display name, and a
// certificate is added from its DER bytes.
import type {CertInfo} from '../../../certs/cert-info.ts';
import type {CertificateRecord} from '../../../certs/certificate.ts';
import {describeCertificate} from '../../../certs/describe.ts';
import type {NodeState, SandboxCert} from '../state.ts';

const KNOWN_STORES: Record<string, {readonly name: string; readonly display: string}> = Object.fromEntries(
  [
    ['My', 'Personal'],
    ['Root', 'Trusted Root Certification Authorities'],
    ['CA', 'Intermediate Certification Authorities'],
    ['AuthRoot', 'Third-Party Root Certification Authorities'],
    ['TrustedPeople', 'Trusted People'],
    ['TrustedPublisher', 'Trusted Publishers'],
    ['Disallowed', 'Untrusted Certificates'],
    ['WebHosting', 'Web Hosting'],
  ].map(([name, display]) => [name!.toLowerCase(), {name: name!, display: display!}]),
);

/** `my`, `MY` and `My` are one store; the state keys it by its canonical spelling. */
export function canonicalStoreName(state: NodeState, given: string): string {
  const known = KNOWN_STORES[given.toLowerCase()];
  if (known) return known.name;
  return Object.keys(state.stores).find((name) => name.toLowerCase() === given.toLowerCase()) ?? given;
}

/** certutil's first line: the store name as typed, then its display name (`my "Personal"`). */
export function storeHeading(given: string): string {
  const known = KNOWN_STORES[given.toLowerCase()];
  return known ? `${given} "${known.display}"` : given;
}

export function storeExists(state: NodeState, given: string): boolean {
  return canonicalStoreName(state, given) in state.stores;
}

export function certsIn(state: NodeState, given: string): readonly SandboxCert[] {
  return state.stores[canonicalStoreName(state, given)] ?? [];
}

export function findByThumbprint(state: NodeState, storeName: string, thumbprint: string): SandboxCert | undefined {
  const wanted = thumbprint.toUpperCase();
  return certsIn(state, storeName).find((cert) => cert.thumbprint === wanted);
}

export interface PrivateKeyInfo {
  readonly keyPem: string;
  readonly exportable: boolean;
  readonly keyAcl?: readonly string[];
}

/**
 * What every simulated store keeps of a certificate (its identity as Windows shows it, dates in ISO 8601, the DER),
 * and its DNS names for the stores that keep those too: the DER is described once.
 */
export function storedCertFields(der: Buffer): CertificateRecord & Pick<CertInfo, 'dnsNames'> {
  const info = describeCertificate(der);
  return {
    thumbprint: info.thumbprint,
    subject: info.subject,
    issuer: info.issuer,
    serialNumber: info.serialNumber,
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
    derBase64: der.toString('base64'),
    dnsNames: info.dnsNames,
  };
}

export function sandboxCertFromDer(der: Buffer, key?: PrivateKeyInfo): SandboxCert {
  const {dnsNames: _names, ...fields} = storedCertFields(der);
  const cert: SandboxCert = {
    ...fields,
    exportable: key?.exportable ?? false,
    keyAcl: [...(key?.keyAcl ?? [])],
  };
  if (key) cert.keyPem = key.keyPem;
  return cert;
}

export function derOf(cert: SandboxCert): Buffer {
  return Buffer.from(cert.derBase64, 'base64');
}

/** What Windows calls the simple display name: the first CN in encoding order (the last one it displays). */
export function simpleName(cert: SandboxCert): string {
  return describeCertificate(derOf(cert)).commonNames[0] ?? cert.subject;
}

/**
 * Accounts compare case-insensitively, and a bare name (`SSISScaleOutWorker140`) matches a qualified one
 * (`NT Service\SSISScaleOutWorker140`), as LookupAccountName resolves it.
 */
export function sameAccount(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().toLowerCase();
  if (norm(a) === norm(b)) return true;
  const bare = (s: string) => norm(s).split('\\').pop()!;
  return (!a.includes('\\') || !b.includes('\\')) && bare(a) === bare(b);
}
