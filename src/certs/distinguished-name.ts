// Reads a certificate's issuer and subject names straight from the DER so that the RDN order and grouping survive
// (forge's parsed certificate flattens multi-valued RDNs and refuses non-RSA keys), and formats them as Windows does.
import forge from 'node-forge';
import type {Certificate} from './certificate.ts';

export interface NameAttribute {
  readonly oid: string;
  readonly value: string;
}

/** One RDN (a SET that is usually a single attribute), in encoding order. */
export type RelativeName = readonly NameAttribute[];

/** The names as encoded, before formatWindowsName makes them Certificate's `subject` and `issuer` strings. */
export interface CertificateNames extends Pick<Certificate, 'serialNumber'> {
  readonly issuer: readonly RelativeName[];
  readonly subject: readonly RelativeName[];
}

const COMMON_NAME_OID = '2.5.4.3';

// The short names Windows uses in CertNameToStr (note S for state and E for e-mail, unlike OpenSSL's ST/emailAddress).
const WINDOWS_SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'S',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'T',
  '2.5.4.42': 'G',
  '2.5.4.43': 'I',
  '1.2.840.113549.1.9.1': 'E',
  '0.9.2342.19200300.100.1.25': 'DC',
};

export function readCertificateNames(der: Buffer): CertificateNames {
  const root = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
  const tbs = children(root)[0];
  if (!tbs) throw new Error('not a certificate: empty ASN.1 sequence');
  const fields = children(tbs);
  // The version is an explicit [0] tag that v1 certificates omit.
  const offset = fields[0]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  const serial = fields[offset];
  const issuer = fields[offset + 2];
  const subject = fields[offset + 4];
  if (!serial || !issuer || !subject) throw new Error('not a certificate: TBSCertificate is incomplete');
  return {
    serialNumber: forge.util.bytesToHex(serial.value as string).toLowerCase(),
    issuer: readName(issuer),
    subject: readName(subject),
  };
}

export function commonNamesOf(name: readonly RelativeName[]): string[] {
  return name.flatMap((rdn) => rdn.filter((a) => a.oid === COMMON_NAME_OID).map((a) => a.value));
}

/** `CN=b, CN=a` for a name encoded as CN=a then CN=b: Windows shows the most specific RDN first. */
export function formatWindowsName(name: readonly RelativeName[]): string {
  return [...name]
    .reverse()
    .map((rdn) => rdn.map((a) => `${WINDOWS_SHORT_NAMES[a.oid] ?? `OID.${a.oid}`}=${quoteValue(a.value)}`).join(' + '))
    .join(', ');
}

function quoteValue(value: string): string {
  // CertNameToStr quotes a value that would otherwise be ambiguous in the comma-separated form.
  const needsQuotes = value === '' || /[,+="\n<>#;]/.test(value) || /^\s|\s$/.test(value);
  return needsQuotes ? `"${value.replace(/"/g, '""')}"` : value;
}

function readName(name: forge.asn1.Asn1): RelativeName[] {
  return children(name).map((set) =>
    children(set).map((pair) => {
      const [type, value] = children(pair);
      if (!type || !value) throw new Error('not a certificate: malformed name attribute');
      return {oid: forge.asn1.derToOid(forge.util.createBuffer(type.value as string)), value: decodeString(value)};
    }),
  );
}

function decodeString(node: forge.asn1.Asn1): string {
  const raw = node.value as string;
  switch (node.type) {
    case forge.asn1.Type.UTF8:
      return forge.util.decodeUtf8(raw);
    case forge.asn1.Type.BMPSTRING: {
      let text = '';
      for (let i = 0; i + 1 < raw.length; i += 2) text += String.fromCharCode((raw.charCodeAt(i) << 8) | raw.charCodeAt(i + 1));
      return text;
    }
    default:
      // PrintableString, IA5String, T61String: single-byte text.
      return raw;
  }
}

function children(node: forge.asn1.Asn1): forge.asn1.Asn1[] {
  return Array.isArray(node.value) ? node.value : [];
}
