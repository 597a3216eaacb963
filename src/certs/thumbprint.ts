// A thumbprint copied from the Certificates console carries an invisible U+200E in front of it; pasted into netsh it
// gives "Error: 1312" and into a settings file a service that no longer starts. Clean it once, at the edge.

// Format characters (U+200E/F, U+FEFF, U+200B-D, U+2060, bidi controls…), any whitespace incl. NBSP, and the separators
// people type or that other tools print.
const IGNORED = /[\p{Cf}\s:-]/u;

export function cleanThumbprint(input: string): string {
  let hex = '';
  let position = 0;
  for (const char of input) {
    position += 1;
    if (IGNORED.test(char)) continue;
    if (!/^[0-9a-fA-F]$/.test(char)) {
      const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      throw new Error(`Invalid thumbprint: character '${char}' (${code}) at position ${position} is not a hexadecimal digit (0-9, A-F).`);
    }
    hex += char;
  }
  if (hex.length !== 40) {
    throw new Error(
      `Invalid thumbprint: a SHA-1 thumbprint has 40 hexadecimal digits, this one has ${hex.length}` + (hex.length === 64 ? ' (that looks like a SHA-256 hash)' : '') + '.',
    );
  }
  return hex.toUpperCase();
}
