// Certificates travel as DER (stores, thumbprints) or PEM (files, forge); convert without guessing twice.

const PEM_CERT = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/;

export function derToPem(der: Buffer): string {
  const base64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${base64}-----END CERTIFICATE-----\n`;
}

/** Accepts DER bytes, PEM text, or PEM bytes (a `.cer` file can be either). */
export function toDer(derOrPem: Buffer | string): Buffer {
  const text = typeof derOrPem === 'string' ? derOrPem : looksLikePem(derOrPem) ? derOrPem.toString('latin1') : undefined;
  if (text === undefined) return derOrPem as Buffer;
  const match = PEM_CERT.exec(text);
  if (!match?.[1]) throw new Error('not a certificate: no "-----BEGIN CERTIFICATE-----" block found');
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}

function looksLikePem(bytes: Buffer): boolean {
  // A DER certificate starts with a SEQUENCE tag (0x30); PEM is text, possibly after a BOM or blank lines.
  return bytes.subarray(0, 64).toString('latin1').includes('-----BEGIN');
}
