// The secrets a session's steps need (a new certificate's PFX and its one-time password) must survive a crash, or a
// resumed session could not import the certificate it made: they go into the journal sealed (src/secrets/sealing.ts:
// AES-256-GCM, bound to the session id), and the key into a 0600 file in the state directory, removed once the
// session has ended.
import {join} from 'node:path';
import type {Secrets} from '../procedures/types.ts';
import {discardKey, seal, unseal, type Sealed} from '../secrets/sealing.ts';
import {stateDir} from './paths.ts';

export type SealedSecrets = Sealed;

export function sealSecrets(sessionId: string, secrets: Secrets): SealedSecrets | undefined {
  if (!Object.keys(secrets).length) return undefined;
  // The session id is authenticated: another session's key file does not open these secrets.
  return seal(secrets, sessionId, join(stateDir(), 'keys', `session-${sessionId}.key`));
}

/** The secrets back, or why not (key file gone: the session ended, or the state directory was cleaned). */
export function openSecrets(sessionId: string, sealed: SealedSecrets): {ok: true; secrets: Secrets} | {ok: false; reason: string} {
  const opened = unseal<Secrets>(sealed, sessionId);
  if (opened.ok) return {ok: true, secrets: opened.value};
  if (opened.problem === 'key-unreadable') return {ok: false, reason: `the key of this session's secrets is not readable at ${sealed.keyFile} (${opened.code})`};
  return {ok: false, reason: `${sealed.keyFile} does not open this session's secrets (wrong or damaged key file)`};
}

export function discardSecrets(sealed: SealedSecrets | undefined): void {
  if (sealed) discardKey(sealed);
}
