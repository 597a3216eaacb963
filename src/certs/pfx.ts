// PKCS#12 in and out. Node has no PKCS#12 support, forge does.
import forge from 'node-forge';

/** The PFX is intact but the password does not open it. */
export class PfxPasswordError extends Error {
  override readonly name = 'PfxPasswordError';
  constructor() {
    super('the PFX password is not correct');
  }
}

/** The bytes are not a PFX (truncated, another format, or damaged). */
export class PfxFormatError extends Error {
  override readonly name = 'PfxFormatError';
}

export function toPfx(cert: {readonly certPem: string; readonly keyPem: string}, password: string): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(cert.keyPem),
    [forge.pki.certificateFromPem(cert.certPem)],
    password,
    // 3DES, not AES-256: Windows Server 2016 and older cannot import an AES-encrypted PFX ("The specified network
    // password is not correct" even with the right password).
    {algorithm: '3des', generateLocalKeyId: true},
  );
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

export interface PfxContents {
  readonly certPem: string;
  /** PKCS#8 PEM, or null when the PFX holds only certificates. */
  readonly keyPem: string | null;
}

export function fromPfx(pfx: Buffer, password: string): PfxContents {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(pfx.toString('binary')));
  } catch (error) {
    throw new PfxFormatError(`not a PFX file: ${(error as Error).message}`);
  }
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (error) {
    const message = (error as Error).message;
    // forge checks the MAC first; a mismatch there (or garbage after decryption) means the password is wrong.
    if (/password|MAC could not be verified|Invalid PKCS#12|Too few bytes|Unparsed DER/i.test(message) && looksLikePfx(asn1)) {
      throw new PfxPasswordError();
    }
    throw new PfxFormatError(`not a readable PFX file: ${message}`);
  }

  const keyBags = [
    ...(p12.getBags({bagType: forge.pki.oids.pkcs8ShroudedKeyBag!})[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []),
    ...(p12.getBags({bagType: forge.pki.oids.keyBag!})[forge.pki.oids.keyBag!] ?? []),
  ];
  const certBags = p12.getBags({bagType: forge.pki.oids.certBag!})[forge.pki.oids.certBag!] ?? [];
  const key = keyBags.find((bag) => bag.key)?.key as forge.pki.rsa.PrivateKey | undefined;
  const certs = certBags.flatMap((bag) => (bag.cert ? [bag.cert] : []));
  // With a chain in the file, the certificate we want is the one whose public key matches the private key.
  const cert = (key && certs.find((c) => sameRsaKey(c.publicKey as forge.pki.rsa.PublicKey, key))) ?? certs[0];
  if (!cert) throw new PfxFormatError('the PFX file holds no certificate');
  return {
    certPem: forge.pki.certificateToPem(cert),
    keyPem: key ? forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key))) : null,
  };
}

function sameRsaKey(publicKey: forge.pki.rsa.PublicKey, privateKey: forge.pki.rsa.PrivateKey): boolean {
  return publicKey.n?.equals(privateKey.n) === true;
}

/** PFX = SEQUENCE { INTEGER 3, ContentInfo, MacData? }: enough structure to call a failure a password problem. */
function looksLikePfx(asn1: forge.asn1.Asn1): boolean {
  const parts = Array.isArray(asn1.value) ? asn1.value : [];
  const version = parts[0];
  return parts.length >= 2 && version?.type === forge.asn1.Type.INTEGER && forge.util.bytesToHex(version.value as string) === '03';
}
