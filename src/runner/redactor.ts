// Secrets (passwords, private key material) are registered once and masked in everything written or shown.

export const MASK = '********';

export class Redactor {
  readonly #secrets = new Set<string>();

  add(secret: string): void {
    // Short strings would mask ordinary words; certwalk's own secrets are long random values.
    if (secret.length >= 4) this.#secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return out;
  }
}
