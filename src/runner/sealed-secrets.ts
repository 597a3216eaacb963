// The secrets a session's steps need (a new certificate's PFX and its one-time password) must survive a crash, or a
// resumed session could not import the certificate it made: they go into the journal encrypted (AES-256-GCM), and
// the key into a 0600 file in the state directory, removed once the session has ended.
import {createCipheriv, createDecipheriv, randomBytes} from 'node:crypto';
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Secrets} from '../procedures/types.ts';
import {stateDir} from './paths.ts';

export interface SealedSecrets {
  readonly algorithm: 'aes-256-gcm';
  readonly iv: string;
  readonly tag: string;
  readonly ciphertext: string;
  /** Absolute, so a resume started from another directory finds it. */
  readonly keyFile: string;
}

export function sealSecrets(sessionId: string, secrets: Secrets): SealedSecrets | undefined {
  if (!Object.keys(secrets).length) return undefined;
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  // The session id is authenticated: another session's key file does not open these secrets.
  cipher.setAAD(Buffer.from(sessionId, 'utf8'));
  const plaintext = Buffer.from(JSON.stringify(secrets), 'utf8');
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  plaintext.fill(0);
  const dir = join(stateDir(), 'keys');
  mkdirSync(dir, {recursive: true, mode: 0o700});
  const keyFile = join(dir, `session-${sessionId}.key`);
  writeFileSync(keyFile, `${key.toString('base64')}\n`, {mode: 0o600, flag: 'wx'});
  key.fill(0);
  return {algorithm: 'aes-256-gcm', iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64'), keyFile};
}

/** The secrets back, or why not (key file gone: the session ended, or the state directory was cleaned). */
export function openSecrets(sessionId: string, sealed: SealedSecrets): {ok: true; secrets: Secrets} | {ok: false; reason: string} {
  let keyText: string;
  try {
    keyText = readFileSync(sealed.keyFile, 'utf8');
  } catch (error) {
    return {ok: false, reason: `the key of this session's secrets is not readable at ${sealed.keyFile} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`};
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(keyText.trim(), 'base64'), Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(sessionId, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const plaintext = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
    const secrets = JSON.parse(plaintext.toString('utf8')) as Secrets;
    plaintext.fill(0);
    return {ok: true, secrets};
  } catch {
    return {ok: false, reason: `${sealed.keyFile} does not open this session's secrets (wrong or damaged key file)`};
  }
}

export function discardSecrets(sealed: SealedSecrets | undefined): void {
  if (sealed) rmSync(sealed.keyFile, {force: true});
}
