// Self-signed server/client certificates like the ones MakeCert and New-SelfSignedCertificate make for SSIS Scale Out,
// but with RSA ≥ 2048 and SHA-256. forge builds the certificate; Node does the RSA arithmetic (key generation and the
// signature), which is two orders of magnitude faster than forge's pure-JS code.
import {createPrivateKey, privateEncrypt, randomBytes, constants} from 'node:crypto';
import forge from 'node-forge';
import type {CertInfo} from './cert-info.ts';
import {describeCertificate} from './describe.ts';

export interface SelfSignedSpec {
  /** One CN per entry, encoded in this order (MakeCert's `-n "CN=a;CN=b"`); Windows displays them reversed. */
  readonly commonNames: readonly string[];
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  /** Default 2048; smaller keys are refused (Lync and current Windows reject them). */
  readonly keyBits?: number;
  /** Default 730. */
  readonly validDays?: number;
  /** Default: five minutes ago, so a node whose clock is slightly behind already accepts the certificate. */
  readonly notBefore?: Date;
  readonly hash?: 'sha256';
  /**
   * Reuse this private key (PEM) instead of generating one. Only the sandbox does this, to build hundreds of
   * distinct demo certificates quickly; a real rotation always gets a fresh key.
   */
  readonly keyPem?: string;
  /** A fresh key made beforehand by keyInAdvance (awaited). */
  readonly key?: GeneratedKey;
}

export interface MadeCert {
  readonly certPem: string;
  /** PKCS#8 PEM. */
  readonly keyPem: string;
  readonly der: Buffer;
  readonly info: CertInfo;
}

const MIN_KEY_BITS = 2048;
const DAY_MS = 24 * 60 * 60 * 1000;
// DER of the DigestInfo header for SHA-256 (RFC 8017, EMSA-PKCS1-v1_5); the 32-byte digest follows it.
const SHA256_DIGEST_INFO_PREFIX = Buffer.from('3031300d060960864801650304020105000420', 'hex');

export async function createSelfSigned(spec: SelfSignedSpec): Promise<MadeCert> {
  const keyBits = spec.keyBits ?? MIN_KEY_BITS;
  checkKeyBits(keyBits);
  if (spec.commonNames.length === 0) throw new Error('a certificate needs at least one common name (CN)');
  const validDays = spec.validDays ?? 730;
  if (!(validDays > 0)) throw new Error(`validDays must be positive, got ${validDays}`);

  const keys = spec.key ?? (spec.keyPem ? keyPairFromPem(spec.keyPem) : await generateKeyPair(keyBits));
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialHex();
  // X.509 times have one-second precision; truncate so CertInfo's dates equal what was asked for.
  const notBefore = truncateToSeconds(spec.notBefore ?? new Date(Date.now() - 5 * 60 * 1000));
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + validDays * DAY_MS);
  const name = spec.commonNames.map((value) => ({name: 'commonName', value}));
  cert.setSubject(name);
  cert.setIssuer(name);
  const altNames = [...(spec.dnsNames ?? []).map((value) => ({type: 2, value})), ...(spec.ipAddresses ?? []).map((ip) => ({type: 7, ip}))];
  cert.setExtensions([
    // An end-entity certificate even though it sits in Root: SSIS Scale Out trusts it directly, it signs nothing.
    {name: 'basicConstraints', cA: false},
    {name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true},
    {name: 'extKeyUsage', serverAuth: true, clientAuth: true},
    ...(altNames.length > 0 ? [{name: 'subjectAltName', altNames}] : []),
    {name: 'subjectKeyIdentifier'},
  ]);
  cert.sign(nativeSigner(keys.privateKeyPem), forge.md.sha256.create());

  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  return {certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem, der, info: describeCertificate(der)};
}

/** A fresh RSA private key (PKCS#8 PEM), for callers that make several certificates from one key. */
export async function generateKeyPem(bits = MIN_KEY_BITS): Promise<string> {
  checkKeyBits(bits);
  return (await generateKeyPair(bits)).privateKeyPem;
}

/**
 * Starts making a key now for a certificate made later (`createSelfSigned({key: await key, …})`): the prime search
 * runs in the thread pool while the caller reads its nodes. The promise may be dropped unawaited, when the caller
 * refuses its parameters after all, without an unhandled rejection.
 */
export function keyInAdvance(bits = MIN_KEY_BITS): Promise<GeneratedKey> {
  const key = (async () => {
    checkKeyBits(bits);
    return generateKeyPair(bits);
  })();
  key.catch(() => undefined);
  return key;
}

/** A key pair made by keyInAdvance. */
export interface GeneratedKey {
  readonly publicKey: forge.pki.rsa.PublicKey;
  readonly privateKeyPem: string;
}

function checkKeyBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < MIN_KEY_BITS) throw new Error(`key size ${bits} bits refused: at least ${MIN_KEY_BITS} bits are required`);
}

function generateKeyPair(bits: number): Promise<GeneratedKey> {
  // With a callback and no custom PRNG, forge delegates to Node's crypto.generateKeyPair (libuv thread pool).
  return new Promise((resolve, reject) => {
    forge.pki.rsa.generateKeyPair({bits, workers: -1}, (error, pair) => {
      if (error) reject(error);
      else resolve({publicKey: pair.publicKey, privateKeyPem: privateKeyToPkcs8Pem(pair.privateKey)});
    });
  });
}

function keyPairFromPem(keyPem: string): GeneratedKey {
  const privateKey = forge.pki.privateKeyFromPem(keyPem);
  return {
    publicKey: forge.pki.setRsaPublicKey(privateKey.n, privateKey.e),
    privateKeyPem: privateKeyToPkcs8Pem(privateKey),
  };
}

function privateKeyToPkcs8Pem(key: forge.pki.rsa.PrivateKey): string {
  return forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key)));
}

/** forge hashes the TBSCertificate and hands us the digest; Node applies the RSA private-key operation. */
function nativeSigner(privateKeyPem: string): forge.pki.rsa.PrivateKey {
  const key = createPrivateKey(privateKeyPem);
  const sign = (md: forge.md.MessageDigest): string => {
    const digestInfo = Buffer.concat([SHA256_DIGEST_INFO_PREFIX, Buffer.from(md.digest().getBytes(), 'binary')]);
    // privateEncrypt with PKCS#1 v1.5 padding is exactly the RSASSA-PKCS1-v1_5 signature primitive.
    return privateEncrypt({key, padding: constants.RSA_PKCS1_PADDING}, digestInfo).toString('binary');
  };
  return {sign} as unknown as forge.pki.rsa.PrivateKey;
}

/** 16 random bytes, first byte 0x01-0x7F: positive without a leading 00, so every tool prints the same 32 digits. */
function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! % 0x7f) + 1;
  return bytes.toString('hex');
}

function truncateToSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
