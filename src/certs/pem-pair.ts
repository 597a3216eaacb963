// A certificate and its key as the two password-free PEM files Azure ML wants (`--cert-pem cert.pem --key-pem
// key.pem`), made from a new certificate or from what an admin already has (PFX with its password, DER or PEM
// certificate, PEM key possibly under a passphrase), without openssl. Everything an admin could get wrong about the
// pair is checked here, before anything reaches a cluster.
import {X509Certificate, createPrivateKey, type KeyObject} from 'node:crypto';
import {join} from 'node:path';
import forge from 'node-forge';
import type {CertInfo} from './cert-info.ts';
import {describeCertificate} from './describe.ts';
import {keyMatchesCertificate} from './key-match.ts';
import {derToPem} from './pem.ts';
import {PfxFormatError, fromPfx} from './pfx.ts';

export interface PemPair {
  /** The certificate first, then any chain certificates the source held (the "full chain" Azure ML asks for). */
  readonly certPem: string;
  /** Unencrypted PKCS#8. */
  readonly keyPem: string;
  readonly info: CertInfo;
}

/** The key (or PFX) is protected and no passphrase was given: the caller asks for it, without echo. */
export class PassphraseRequiredError extends Error {
  override readonly name = 'PassphraseRequiredError';
}

/** The passphrase was given but does not open the key or the PFX. */
export class WrongPassphraseError extends Error {
  override readonly name = 'WrongPassphraseError';
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const KEY_BLOCK = /-----BEGIN ((?:ENCRYPTED |RSA |EC )?PRIVATE KEY)-----[\s\S]*?-----END \1-----/;

export type SourceFormat = 'pfx' | 'pem' | 'der';

/** PEM is text with BEGIN lines; a DER certificate and a PFX are both ASN.1 SEQUENCEs, told apart by their shape. */
export function sourceFormat(bytes: Buffer): SourceFormat {
  const head = bytes.subarray(0, 4096).toString('latin1');
  if (head.includes('-----BEGIN')) return 'pem';
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')));
    const first = Array.isArray(asn1.value) ? asn1.value[0] : undefined;
    // PFX = SEQUENCE { INTEGER 3, … }; a certificate = SEQUENCE { SEQUENCE tbsCertificate, … }.
    if (first?.type === forge.asn1.Type.INTEGER) return 'pfx';
    return 'der';
  } catch {
    throw new Error('not a certificate file: neither PEM text nor DER (a .cer/.der certificate or a .pfx/.p12)');
  }
}

export interface PemSource {
  /** The certificate file: PFX/P12, DER certificate, or PEM (certificate, and the key too if it is in the same file). */
  readonly certificate: Buffer;
  /** A separate key file (PEM, or DER PKCS#8/PKCS#1) when the certificate file holds no key. */
  readonly key?: Buffer;
  /** Of the PFX or of an encrypted key; held in memory only. */
  readonly passphrase?: string;
}

/** Turns what the admin has into a password-free PEM pair, checking that the key belongs to the certificate. */
export function pemPairFromSource(source: PemSource): PemPair {
  const format = sourceFormat(source.certificate);
  let certPems: string[];
  let keyPem: string | null = null;
  if (format === 'pfx') {
    ({certPems, keyPem} = readPfx(source.certificate, source.passphrase));
  } else if (format === 'der') {
    certPems = [derToPem(source.certificate)];
  } else {
    const text = source.certificate.toString('utf8');
    certPems = text.match(CERT_BLOCK) ?? [];
    if (!certPems.length) throw new Error('the PEM file holds no "-----BEGIN CERTIFICATE-----" block');
    if (KEY_BLOCK.test(text)) keyPem = decryptKey(Buffer.from(text, 'utf8'), source.passphrase);
  }
  if (source.key) {
    if (keyPem) throw new Error('the certificate file already holds a private key; give no separate key file');
    keyPem = decryptKey(source.key, source.passphrase);
  }
  if (!keyPem) {
    throw new Error(format === 'pfx' ? 'the PFX holds no private key' : 'no private key: the certificate file holds none, so give the key file too');
  }
  return pairOf(certPems, keyPem);
}

/** A certificate made by certwalk (createSelfSigned) as a PEM pair. */
export function pemPairFromMade(made: {readonly certPem: string; readonly keyPem: string}): PemPair {
  return pairOf([made.certPem], made.keyPem);
}

function pairOf(certPems: readonly string[], keyPem: string): PemPair {
  // The leaf is the certificate whose public key is the private key's; the others follow it as the chain.
  const leaf = certPems.find((pem) => keyMatchesCertificate(pem, keyPem));
  if (!leaf) {
    const info = describeCertificate(certPems[0]!);
    throw new Error(`the private key does not belong to the certificate ${info.thumbprint} (${info.subject}): its public key is another one`);
  }
  const chain = certPems.filter((pem) => pem !== leaf);
  return {certPem: [leaf, ...chain].map(unixLines).join(''), keyPem: unixLines(keyPem), info: describeCertificate(leaf)};
}

/** forge writes CRLF; the files are LF with one final newline, as openssl writes them. */
function unixLines(pem: string): string {
  return `${pem.trim().replace(/\r\n/g, '\n')}\n`;
}

function readPfx(bytes: Buffer, passphrase: string | undefined): {certPems: string[]; keyPem: string | null} {
  let contents;
  try {
    contents = fromPfx(bytes, passphrase ?? '');
  } catch (error) {
    if (error instanceof PfxFormatError) throw error;
    if (passphrase === undefined) throw new PassphraseRequiredError('the PFX is protected by a password: give it');
    throw new WrongPassphraseError('the PFX password is not correct');
  }
  // fromPfx returns the leaf only; read the chain certificates the same file carries.
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(bytes.toString('binary'))), false, passphrase ?? '');
  const bags = p12.getBags({bagType: forge.pki.oids.certBag!})[forge.pki.oids.certBag!] ?? [];
  const others = bags.flatMap((bag) => (bag.cert ? [forge.pki.certificateToPem(bag.cert)] : [])).filter((pem) => !samePem(pem, contents.certPem));
  return {certPems: [contents.certPem, ...others], keyPem: contents.keyPem};
}

function samePem(a: string, b: string): boolean {
  return new X509Certificate(a).fingerprint256 === new X509Certificate(b).fingerprint256;
}

/** A key file as unencrypted PKCS#8 PEM; a protected key without its passphrase is refused, never guessed at. */
export function decryptKey(bytes: Buffer, passphrase: string | undefined): string {
  const text = bytes.toString('latin1');
  const isPem = text.includes('-----BEGIN');
  const block = isPem ? KEY_BLOCK.exec(text)?.[0] : undefined;
  if (isPem && !block) throw new Error('the key file holds no "-----BEGIN … PRIVATE KEY-----" block');
  const encrypted = block !== undefined && (block.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /Proc-Type:\s*4,ENCRYPTED/.test(block));
  if (encrypted && passphrase === undefined) {
    throw new PassphraseRequiredError('the private key is protected by a passphrase: give it (Azure ML needs the key without one, so certwalk removes it)');
  }
  let key: KeyObject;
  try {
    key = block ? createPrivateKey({key: block, format: 'pem', ...(encrypted ? {passphrase: passphrase!} : {})}) : privateKeyFromDer(bytes);
  } catch (error) {
    if (encrypted) throw new WrongPassphraseError('the passphrase does not open the private key', {cause: error});
    throw new Error(`cannot read the private key: ${(error as Error).message}`, {cause: error});
  }
  return key.export({type: 'pkcs8', format: 'pem'}).toString();
}

function privateKeyFromDer(bytes: Buffer): KeyObject {
  try {
    return createPrivateKey({key: bytes, format: 'der', type: 'pkcs8'});
  } catch {
    return createPrivateKey({key: bytes, format: 'der', type: 'pkcs1'});
  }
}

/**
 * Whether a certificate name (a CN or DNS SAN) covers a host name, per RFC 6125 §6.4: case-insensitive, a trailing
 * dot ignored, a wildcard only as the whole left-most label, standing for exactly one label, and never directly
 * under a top-level domain (`*.com`).
 */
export function nameCovers(certName: string, host: string): boolean {
  const pattern = certName.toLowerCase().replace(/\.$/, '');
  const name = host.toLowerCase().replace(/\.$/, '');
  if (!pattern || !name) return false;
  if (!pattern.includes('*')) return pattern === name;
  const [first, ...rest] = pattern.split('.');
  if (first !== '*' || rest.length < 2 || rest.some((label) => label.includes('*'))) return false;
  const labels = name.split('.');
  return labels.length === rest.length + 1 && labels[0] !== '' && labels.slice(1).join('.') === rest.join('.');
}

/** The certificate names (CNs and DNS SANs) that cover `host`. */
export function namesCovering(info: CertInfo, host: string): string[] {
  return [...info.dnsNames, ...info.commonNames].filter((n) => nameCovers(n, host));
}

/** What is wrong with using this pair for `cname` at `now`, one sentence each; empty when it is fit. */
export function pemPairProblems(pair: PemPair, cname: string, now: Date): string[] {
  const problems: string[] = [];
  const {info} = pair;
  if (!namesCovering(info, cname).length) {
    const names = [...new Set([...info.commonNames.map((n) => `CN ${n}`), ...info.dnsNames.map((n) => `DNS ${n}`)])];
    problems.push(`the certificate ${info.thumbprint} is not for ${cname}: it names ${names.join(', ') || 'no host'}`);
  }
  if (info.notAfter.getTime() <= now.getTime()) problems.push(`the certificate ${info.thumbprint} expired on ${info.notAfter.toISOString()}`);
  else if (info.notBefore.getTime() > now.getTime()) problems.push(`the certificate ${info.thumbprint} is not valid before ${info.notBefore.toISOString()}`);
  if (!keyMatchesCertificate(pair.certPem, pair.keyPem)) problems.push('the private key does not belong to the certificate');
  return problems;
}

export interface PemFiles {
  readonly certPath: string;
  readonly keyPath: string;
}

/** Where a pair is written: certwalk's state directory (StepContext.files), which makes a private file 0600 in a 0700 folder. */
export interface PemWriter {
  /** Creates a file only this account can read, never over an existing one. */
  createPrivate(path: string, data: string): Promise<void>;
  /** Writes a file others may read (a certificate), over an existing one. */
  writePublic(path: string, data: string): Promise<void>;
  /** Removes a file; one not there is fine. */
  remove(path: string): Promise<void>;
}

/**
 * Writes `cert.pem` and `key.pem` into `dir`: the key file is created private and never exists with a wider mode, and
 * an existing key.pem is not overwritten (it may be someone's only copy), so the key goes first.
 */
export async function writePemPair(files: PemWriter, dir: string, pair: PemPair): Promise<PemFiles> {
  const paths = pemFilesIn(dir);
  await files.createPrivate(paths.keyPath, pair.keyPem);
  await files.writePublic(paths.certPath, pair.certPem);
  return paths;
}

export function pemFilesIn(dir: string): PemFiles {
  return {certPath: join(dir, 'cert.pem'), keyPath: join(dir, 'key.pem')};
}

/** Removes key.pem (and cert.pem when asked); missing files are fine. */
export async function removePemFiles(files: PemWriter, paths: PemFiles, options: {readonly certToo: boolean}): Promise<void> {
  await files.remove(paths.keyPath);
  if (options.certToo) await files.remove(paths.certPath);
}
