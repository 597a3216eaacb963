// A PFX or key file can hold the wrong key for a certificate; compare the public halves rather than trusting names.
import {X509Certificate, createPublicKey} from 'node:crypto';

/** True when `keyPem`'s public key is the certificate's. Throws when either input cannot be parsed. */
export function keyMatchesCertificate(certPem: string, keyPem: string): boolean {
  const fromCert = new X509Certificate(certPem).publicKey.export({type: 'spki', format: 'der'});
  let fromKey: Buffer;
  try {
    fromKey = createPublicKey(keyPem).export({type: 'spki', format: 'der'});
  } catch (error) {
    throw new Error(`cannot read the private key: ${(error as Error).message}`, {cause: error});
  }
  return fromCert.equals(fromKey);
}
