// What certwalk needs to know about a certificate, in the forms Windows shows it.

export interface CertInfo {
  /** SHA-1 of the DER, uppercase hex without separators (40 chars): the Windows "thumbprint". */
  readonly thumbprint: string;
  /** SHA-256 of the DER, uppercase hex without separators (64 chars). */
  readonly sha256: string;
  /** SHA-256 as `AB:CD:…`, the form OpenSSL and Node print. */
  readonly sha256Colons: string;
  /** Subject as Windows displays it: RDNs in reverse encoding order joined by `, ` (`CN=b, CN=a`). */
  readonly subject: string;
  readonly issuer: string;
  /** Lowercase hex of the serial's encoded bytes, as certutil prints it. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** RSA modulus length, or the curve size for EC keys; 0 when unknown. */
  readonly keyBits: number;
  /** Every CN of the subject in encoding order (the first is what Windows calls the simple name). */
  readonly commonNames: readonly string[];
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  /** Issued by itself: issuer name equals subject name and its own key verifies the signature. */
  readonly selfSigned: boolean;
}
