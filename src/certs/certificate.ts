// The facts every part of certwalk knows a certificate by, whatever it was read from: the DER (CertInfo), a store
// listing (ops/certutil.ts StoreEntry), Lync's assignments (ops/lync.ts LyncAssignment) or the sandbox's state
// (SandboxCert, CmsCertificate). Those types extend this one with what only their source knows, so a field means the
// same thing, under the same name, everywhere.

/**
 * `When` is the form of the validity dates, which is the one thing the sources disagree on: a Date where certwalk
 * parsed them (the DER, Get-CsCertificate's JSON), ISO 8601 text where they are kept as JSON (IsoDate), and the text a
 * tool printed where it cannot be parsed safely (certutil prints them in the node's locale and time zone).
 */
export interface Certificate<When = Date> {
  /** SHA-1 of the DER, uppercase hex without separators (40 chars): the Windows "thumbprint". */
  readonly thumbprint: string;
  /** As Windows displays it: RDNs in reverse encoding order joined by `, ` (`CN=b, CN=a`). */
  readonly subject: string;
  readonly issuer: string;
  /**
   * Hex of the serial number's encoded bytes (a leading 00 kept): lowercase as certutil prints it and as certwalk reads
   * it from the DER, uppercase from Get-CsCertificate.
   */
  readonly serialNumber: string;
  readonly notBefore: When;
  readonly notAfter: When;
}

/** ISO 8601 (`2026-12-01T13:00:00.000Z`): a date where JSON keeps it (the sandbox's state, a journal). */
export type IsoDate = string;

/** A certificate kept as JSON, able to give back its DER: what the sandbox stores and a procedure records. */
export interface CertificateRecord extends Certificate<IsoDate> {
  readonly derBase64: string;
}

/** A certificate as a step names it to the admin and finds it on a node. */
export type NamedCertificate = Pick<Certificate, 'thumbprint' | 'subject'>;

/** A certificate as a procedure records it in its plan and journal: named, with its expiry as ISO 8601 text. */
export type RecordedCertificate = NamedCertificate & Pick<CertificateRecord, 'notAfter'>;
