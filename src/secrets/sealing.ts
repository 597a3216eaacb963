// Sealing: a secret that must survive a crash goes into the journal encrypted (AES-256-GCM), and its random key into a
// file of its own (mode 0600, folder 0700), so the journal alone reveals nothing and the key file alone holds no
// secret. The one implementation: the runner seals a session's secrets with it, the delete-certificate step the old
// certificate it keeps. The caller names the key file and what the sealed value is bound to (authenticated, not
// encrypted: the session id, the thumbprint), so a key file or ciphertext swapped with another one's fails to open.
// This module knows neither the state directory nor the journal: it imports only node builtins.
//
// The format is on disk and in journals already written, and must keep opening: a 12-byte IV, the 16-byte tag and the
// ciphertext of the value's JSON (UTF-8), each base64 in the sealed record; the key file holds the 32-byte key in
// base64 and a newline.
import {createCipheriv, createDecipheriv, randomBytes} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {dirname} from 'node:path';

const ALGORITHM = 'aes-256-gcm';

export interface Sealed {
  readonly algorithm: typeof ALGORITHM;
  readonly iv: string;
  readonly tag: string;
  readonly ciphertext: string;
  /** Where the key is; absolute, so a resume or rollback started from another directory finds it. */
  readonly keyFile: string;
}

export type Unsealed<T> =
  | {readonly ok: true; readonly value: T}
  /** The key file is not there or not readable; `code` is the errno code (or the error's message). */
  | {readonly ok: false; readonly problem: 'key-unreadable'; readonly code: string}
  /** The key file is there but does not open the value: another value's key, a damaged file or record. */
  | {readonly ok: false; readonly problem: 'does-not-open'};

/**
 * Encrypts `value` (as JSON) bound to `boundTo`, and writes its fresh key to `keyFile` (0600; its folder is made
 * 0700). The key file must not exist yet: it is never overwritten. Throws when the key file cannot be written.
 */
export function seal(value: unknown, boundTo: string, keyFile: string): Sealed {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(Buffer.from(boundTo, 'utf8'));
  const plaintext = Buffer.from(JSON.stringify(value), 'utf8');
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  plaintext.fill(0);
  try {
    mkdirSync(dirname(keyFile), {recursive: true, mode: 0o700});
    writeFileSync(keyFile, `${key.toString('base64')}\n`, {mode: 0o600, flag: 'wx'});
  } finally {
    key.fill(0);
  }
  return {algorithm: ALGORITHM, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64'), keyFile};
}

/** The value back, or why not; never throws. */
export function unseal<T>(sealed: Sealed, boundTo: string): Unsealed<T> {
  let keyText: string;
  try {
    keyText = readFileSync(sealed.keyFile, 'utf8');
  } catch (error) {
    return {ok: false, problem: 'key-unreadable', code: (error as NodeJS.ErrnoException).code ?? (error as Error).message};
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, Buffer.from(keyText.trim(), 'base64'), Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(boundTo, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const plaintext = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
    try {
      return {ok: true, value: JSON.parse(plaintext.toString('utf8')) as T};
    } finally {
      plaintext.fill(0);
    }
  } catch {
    return {ok: false, problem: 'does-not-open'};
  }
}

export function hasKey(sealed: Sealed): boolean {
  return existsSync(sealed.keyFile);
}

/** Removes the key file (gone already is fine): what was sealed with it cannot be opened any more. */
export function discardKey(sealed: Sealed): void {
  rmSync(sealed.keyFile, {force: true});
}
