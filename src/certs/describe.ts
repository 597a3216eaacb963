// Node's X509Certificate gives hashes, dates, SANs and key size natively; the names come from the DER walk so their
// order matches what Windows shows.
import {X509Certificate} from 'node:crypto';
import type {CertInfo} from './cert-info.ts';
import {commonNamesOf, formatWindowsName, readCertificateNames} from './distinguished-name.ts';
import {toDer} from './pem.ts';

const CURVE_BITS: Record<string, number> = {prime256v1: 256, secp384r1: 384, secp521r1: 521};

export function describeCertificate(derOrPem: Buffer | string): CertInfo {
  const der = toDer(derOrPem);
  const x509 = new X509Certificate(der);
  const names = readCertificateNames(der);
  const subject = formatWindowsName(names.subject);
  const issuer = formatWindowsName(names.issuer);
  const sans = parseSubjectAltName(x509.subjectAltName);
  return {
    thumbprint: x509.fingerprint.replace(/:/g, ''),
    sha256: x509.fingerprint256.replace(/:/g, ''),
    sha256Colons: x509.fingerprint256,
    subject,
    issuer,
    serialNumber: names.serialNumber,
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    keyBits: keyBitsOf(x509),
    commonNames: commonNamesOf(names.subject),
    dnsNames: sans.dns,
    ipAddresses: sans.ip,
    selfSigned: subject === issuer && signedBySelf(x509),
  };
}

function keyBitsOf(x509: X509Certificate): number {
  const details = x509.publicKey.asymmetricKeyDetails;
  if (details?.modulusLength) return details.modulusLength;
  return (details?.namedCurve && CURVE_BITS[details.namedCurve]) || 0;
}

function signedBySelf(x509: X509Certificate): boolean {
  try {
    return x509.verify(x509.publicKey);
  } catch {
    return false; // an algorithm OpenSSL cannot verify: not provably self-signed
  }
}

/** Node prints `DNS:a, DNS:b, IP Address:10.0.0.1`; IPv6 addresses are printed expanded. */
function parseSubjectAltName(text: string | undefined): {dns: string[]; ip: string[]} {
  const dns: string[] = [];
  const ip: string[] = [];
  for (const entry of text ? text.split(', ') : []) {
    if (entry.startsWith('DNS:')) dns.push(entry.slice(4));
    else if (entry.startsWith('IP Address:')) ip.push(entry.slice(11));
  }
  return {dns, ip};
}
