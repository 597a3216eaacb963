// What certwalk needs to know about a certificate, in the forms Windows shows it: everything its DER says.
import type {Certificate} from './certificate.ts';

export interface CertInfo extends Certificate {
  /** SHA-256 of the DER, uppercase hex without separators (64 chars). */
  readonly sha256: string;
  /** SHA-256 as `AB:CD:…`, the form OpenSSL and Node print. */
  readonly sha256Colons: string;
  /** RSA modulus length, or the curve size for EC keys; 0 when unknown. */
  readonly keyBits: number;
  /** Every CN of the subject in encoding order (the first is what Windows calls the simple name). */
  readonly commonNames: readonly string[];
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  /** Issued by itself: issuer name equals subject name and its own key verifies the signature. */
  readonly selfSigned: boolean;
}
