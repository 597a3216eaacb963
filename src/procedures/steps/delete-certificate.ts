// Step: delete ONE certificate from a LocalMachine store by thumbprint (confirmed), after keeping it with its private
// key so rollback can put back the very same certificate (same thumbprint, same key) and the accounts that could
// read its key. The documented `certmgr /del … /n NAME` deletes every certificate whose name matches, the new one
// too when the CNs are equal; certwalk never deletes by name.
//
// Where the kept copy lives. The captured value is what rollback gets, and it is written to the journal. A PFX in the
// journal would put the old private key into a file that admins attach to tickets. So the capture holds the PFX (and
// its one-time password) encrypted with AES-256-GCM, and the random AES key goes to its own file,
// STATE/keys/<thumbprint>-<id>.key (mode 0600, directory 0700; StepContext.sealing writes it): the journal alone
// reveals nothing, the key file alone holds no certificate, and `certwalk rollback --journal` on the same account
// finds both. The id keeps two sessions that kept the same certificate from overwriting each other's key.
// The key file is written just before the delete runs (the key waits in memory from capture to then), so a declined
// confirmation leaves no key behind; a `do` in another process than its capture finds no key and refuses, with
// nothing deleted. The file is removed once the step is undone; after a completed rotation it stays, because a
// later rollback needs it. Deleting it gives up that rollback.
import {randomBytes} from 'node:crypto';
import type {Host} from '../../hosts/host.ts';
import {delStore, delStoreCommand, listStore, listStoreCommand, type StoreEntry} from '../../ops/certutil.ts';
import {formatCommand} from '../../ops/command.ts';
import {exportPfx, exportPfxCommand, importPfx, importPfxCommand, KEY_NOT_EXPORTABLE} from '../../ops/pki.ts';
import {ToolError} from '../../ops/tool-error.ts';
import {firstSubjectMatch, grantKeyAccess, grantKeyAccessCommand, listKeyAccess, listKeyAccessCommand, sameAccount} from '../../ops/winhttpcertcfg.ts';
import type {Sealed} from '../../secrets/sealing.ts';
import type {ConfirmPrompt} from '../../state/types.ts';
import {defineStep, type Step} from '../define.ts';
import type {PlannedCommand, StepContext} from '../types.ts';
import {keptPfxName} from './temp-pfx.ts';
import {sameThumbprint, shortThumb} from './util.ts';
import {toolDay} from '../../ops/tool-date.ts';
import type {NamedCertificate, RecordedCertificate} from '../../certs/certificate.ts';

const PLAN_TEMP = 'C:\\Windows\\Temp';

/**
 * The old certificate's PFX and its one-time password, sealed (src/secrets/sealing.ts) as the JSON
 * {password, pfxBase64} bound to the thumbprint; the key file is absolute, so a rollback started elsewhere finds it.
 */
export interface KeptCertificate extends Sealed {
  readonly pfxBytes: number;
}

interface DeleteCapture extends RecordedCertificate {
  readonly kept: KeptCertificate;
  /** Accounts that could read the old key (as `winhttpcertcfg -l` lists them): re-granted after a restore. */
  readonly keyAccess: readonly string[];
  readonly keyAccessReadAt: 'capture' | 'plan';
}

export interface DeleteCertificateOptions {
  readonly id: string;
  readonly node: string;
  readonly store: string;
  readonly old: RecordedCertificate;
  /** Must be in the store with its private key before the old one goes, or the node is left without a certificate. */
  readonly replacement: NamedCertificate;
  /** The `winhttpcertcfg -s` string that finds the old certificate (reading and restoring who can use its key). */
  readonly keySearch: string;
  /** The old key's access list as read when the plan was made, for when a live read could pick another certificate. */
  readonly plannedKeyAccess: readonly string[] | null;
  /** Everything that still points at the old thumbprint, read at capture time for the confirmation. */
  readonly references: (ctx: StepContext) => Promise<string[]>;
  /** The documented manual command, shown in the plan only. */
  readonly manualEquivalent?: PlannedCommand;
  /** Added to the refusal when the key cannot be kept: what skipping this step then means. */
  readonly skipConsequence?: string;
  readonly warnings?: readonly string[];
  readonly title?: string;
}

/**
 * Encrypts the kept copy and writes its key (0600) at once: the capture is journaled before the delete is even asked
 * for, and a certwalk killed between the answer and the delete must still find the key when it resumes or rolls back.
 */
function keep(ctx: StepContext, thumbprint: string, password: string, pfx: Buffer): KeptCertificate {
  // The thumbprint is authenticated, so a key file or ciphertext swapped with another certificate's fails to open.
  const sealed = ctx.sealing.seal({password, pfxBase64: pfx.toString('base64')}, thumbprint, `${thumbprint}-${randomBytes(6).toString('hex')}.key`);
  return {...sealed, pfxBytes: pfx.length};
}

/** The key of the kept copy must be on disk before the certificate it protects is deleted. */
function requireKey(ctx: StepContext, thumbprint: string, kept: KeptCertificate): void {
  if (!ctx.sealing.hasKey(kept)) {
    throw new Error(
      `the key of the kept copy of ${thumbprint} is not at ${kept.keyFile} any more, so a rollback could not restore the certificate; nothing was deleted. Start the procedure again`,
    );
  }
}

function unkeep(ctx: StepContext, thumbprint: string, kept: KeptCertificate): {password: string; pfx: Buffer} {
  const opened = ctx.sealing.unseal<{password: string; pfxBase64: string}>(kept, thumbprint);
  if (opened.ok) return {password: opened.value.password, pfx: Buffer.from(opened.value.pfxBase64, 'base64')};
  if (opened.problem === 'key-unreadable') {
    throw new Error(
      `the key that decrypts the kept copy of ${thumbprint} is not readable at ${kept.keyFile} (${opened.code}); certwalk cannot restore the old certificate without it`,
    );
  }
  throw new Error(`${kept.keyFile} does not open the kept copy of ${thumbprint} (wrong or damaged key file); certwalk cannot restore the old certificate`);
}

function describeCert(c: {thumbprint: string; subject: string; notAfter: string}): string {
  return `${c.thumbprint.toUpperCase()} ${c.subject} (valid until ${toolDay(c.notAfter)})`;
}

function tempPfx(dir: string, thumbprint: string): string {
  return `${dir}\\${keptPfxName(thumbprint)}`;
}

/** A PowerShell command as one line of the plan or the confirmation (the password is never in it: stdin). */
function scriptLine(script: string): string {
  return script.split('\n').slice(2).join('; ');
}

async function removeTemp(ctx: StepContext, host: Host, file: string): Promise<void> {
  try {
    if (await host.fileExists(file)) await host.removeFile(file);
  } catch (error) {
    // The file is a PFX behind a one-time password nobody keeps; still, say where it is.
    ctx.note(`could not remove ${file} on ${host.node.name}: ${(error as Error).message}; delete it by hand`);
  }
}

export function deleteCertificateStep(options: DeleteCertificateOptions): Step<DeleteCapture> {
  const {id, node, store, old, replacement, keySearch} = options;
  const thumb = old.thumbprint.toUpperCase();
  const short = shortThumb(thumb);
  const deleteLine = formatCommand(delStoreCommand(store, thumb));

  const readStore = async (host: Host) => {
    const certs = await listStore(host, store);
    return {certs, current: certs.find((c) => sameThumbprint(c.thumbprint, thumb)), next: certs.find((c) => sameThumbprint(c.thumbprint, replacement.thumbprint))};
  };
  const requireReplacement = (next: StoreEntry | undefined) => {
    if (!next?.hasPrivateKey) {
      throw new Error(
        `the new certificate ${replacement.thumbprint} is not in LocalMachine\\${store} with its private key, so deleting ${short} would leave ${node} without a usable certificate; nothing was deleted`,
      );
    }
  };
  // Who can use the old key: live when -s finds the old certificate first, else as read when the plan was made.
  const readKeyAccess = async (host: Host, certs: readonly StoreEntry[]): Promise<{accounts: readonly string[]; readAt: 'capture' | 'plan'}> => {
    if (sameThumbprint(firstSubjectMatch(certs, keySearch).first?.thumbprint, thumb)) {
      return {accounts: (await listKeyAccess(host, store, keySearch)).accounts, readAt: 'capture'};
    }
    if (options.plannedKeyAccess) return {accounts: options.plannedKeyAccess, readAt: 'plan'};
    throw new Error(
      `cannot tell which accounts may read the key of ${short}: winhttpcertcfg -s "${keySearch}" would pick another certificate first, and none was read when the plan was made; nothing was deleted`,
    );
  };

  return defineStep<DeleteCapture>({
    id,
    title: options.title ?? `Delete the old certificate ${short} from LocalMachine\\${store} (kept to restore)`,
    node,
    kind: 'delete-certificate',
    destructive: true,
    // Nothing later needs the old certificate gone: skipping leaves it in the store, unused once the settings change.
    skippable: true,
    // Undone after the new certificate has left the store again (same CN: winhttpcertcfg -s would otherwise re-grant
    // on the new key), and before the service restarts are undone (undoLast steps go in their original order).
    undoLast: true,
    hasUndo: true,
    plan: () => [
      {node, text: `${formatCommand(listStoreCommand(store))}   (the new certificate ${shortThumb(replacement.thumbprint)} and its key are there)`},
      {
        node,
        text: `PS> ${scriptLine(exportPfxCommand(store, thumb, tempPfx(PLAN_TEMP, thumb)).script)}   (kept to restore: read back, encrypted, removed from the node; a one-time password on stdin)`,
      },
      {node, text: `${formatCommand(listKeyAccessCommand(store, keySearch))}   (who can read the old key, to restore it too)`},
      {node, text: deleteLine},
      ...(options.manualEquivalent ? [options.manualEquivalent] : []),
    ],
    async capture(ctx) {
      const host = await ctx.host(node);
      const {certs, current, next} = await readStore(host);
      if (!current) {
        throw new Error(`the old certificate ${thumb} is no longer in LocalMachine\\${store} on ${node}; there is nothing to delete (skip this step)`);
      }
      requireReplacement(next);
      const password = randomBytes(18).toString('base64url');
      ctx.secret(password);
      const file = tempPfx(host.tempDir, thumb);
      let pfx: Buffer;
      try {
        await removeTemp(ctx, host, file);
        try {
          await exportPfx(host, store, thumb, file, password);
        } catch (error) {
          if (error instanceof ToolError && error.details.code === KEY_NOT_EXPORTABLE) {
            throw new Error(
              `the old certificate ${thumb} (${current.subject}) could not be kept: its private key is not exportable (Export-PfxCertificate: Cannot export non-exportable private key), so a rollback could not bring it back. Nothing was deleted. Skipping this step leaves the old certificate in LocalMachine\\${store}${options.skipConsequence ? `; ${options.skipConsequence}` : ''}.`,
              {cause: error},
            );
          }
          throw new Error(`the old certificate ${thumb} could not be kept (${(error as Error).message}); nothing was deleted`, {cause: error});
        }
        pfx = await host.readFile(file);
      } finally {
        await removeTemp(ctx, host, file);
      }
      const {accounts, readAt} = await readKeyAccess(host, certs);
      const references = await options.references(ctx);
      const kept = keep(ctx, thumb, password, pfx);
      pfx.fill(0);
      const captured: DeleteCapture = {thumbprint: thumb, subject: current.subject, notAfter: current.notAfter, kept, keyAccess: [...accounts], keyAccessReadAt: readAt};
      const prompt: ConfirmPrompt = {
        title: `Delete the old certificate ${short} from LocalMachine\\${store} on ${node}`,
        commands: [deleteLine],
        removes: [`${describeCert(captured)}, with its private key`],
        restoreWith: [
          `an export of ${short} with its private key (PFX, ${kept.pfxBytes} bytes), encrypted (AES-256-GCM) in the journal; its key is in ${kept.keyFile} (0600)`,
          `PS> ${scriptLine(importPfxCommand(store, tempPfx(PLAN_TEMP, thumb)).script)}: the same certificate, same thumbprint`,
          ...(accounts.length
            ? [
                `read access to its key for ${accounts.join(', ')}${readAt === 'plan' ? ' (as read when the plan was made)' : ''}: ${formatCommand(grantKeyAccessCommand(store, keySearch, 'ACCOUNT'))} for each one the import leaves out`,
              ]
            : []),
        ],
        references,
        warnings: [...(options.warnings ?? [])],
      };
      return {captured, prompt};
    },
    async do(ctx, captured) {
      // First, whatever the store holds now: if the certificate is already gone, the kept copy is the only one.
      requireKey(ctx, thumb, captured.kept);
      const host = await ctx.host(node);
      const {current, next} = await readStore(host);
      if (!current) {
        ctx.note(`${short} is not in LocalMachine\\${store} any more; nothing to delete`);
        return;
      }
      requireReplacement(next);
      await delStore(host, store, thumb);
    },
    async verify(ctx) {
      const host = await ctx.host(node);
      const {current, next} = await readStore(host);
      return {
        checks: [
          {what: `${thumb} in LocalMachine\\${store}`, expected: 'absent', observed: current ? 'present' : 'absent', ok: !current},
          {
            what: `new certificate ${replacement.thumbprint} with its key`,
            expected: 'present',
            observed: next ? (next.hasPrivateKey ? 'present' : 'present, no private key') : 'absent',
            ok: next?.hasPrivateKey === true,
          },
        ],
        changes: [{node, label: `LocalMachine\\${store} old certificate`, before: thumb, after: null}],
      };
    },
    async undo(ctx, c) {
      const host = await ctx.host(node);
      let {certs, current} = await readStore(host);
      let report: string;
      if (current) {
        // Re-imported only while absent: the certificate in the store is the same one (same thumbprint). A rollback
        // killed after the import below may have left its temp PFX.
        await removeTemp(ctx, host, tempPfx(host.tempDir, thumb));
        report = `${short} is in LocalMachine\\${store} (already restored)`;
      } else {
        const {password, pfx} = unkeep(ctx, thumb, c.kept);
        ctx.secret(password);
        const file = tempPfx(host.tempDir, thumb);
        try {
          await host.writeFile(file, pfx);
          await importPfx(host, store, file, thumb, password);
        } finally {
          pfx.fill(0);
          await removeTemp(ctx, host, file);
        }
        ({certs, current} = await readStore(host));
        if (!current?.hasPrivateKey) throw new Error(`the kept copy of ${thumb} was imported, but LocalMachine\\${store} does not list it with its private key`);
        report = `restored ${short} with its private key to LocalMachine\\${store} (same thumbprint)`;
      }
      const granted: string[] = [];
      if (c.keyAccess.length) {
        // Re-grant only on the old certificate: -s picks the first match, which must be it.
        const {first} = firstSubjectMatch(certs, keySearch);
        if (!sameThumbprint(first?.thumbprint, thumb)) {
          throw new Error(
            `${report}, but its key access was not restored: winhttpcertcfg -s "${keySearch}" picks ${first ? `${shortThumb(first.thumbprint)} (${first.subject})` : 'no certificate'} first. Grant ${c.keyAccess.join(', ')} read access to the key of ${thumb} by hand (certlm.msc → Manage Private Keys)`,
          );
        }
        const now = (await listKeyAccess(host, store, keySearch)).accounts;
        for (const account of c.keyAccess.filter((a) => !now.some((n) => sameAccount(n, a)))) {
          await grantKeyAccess(host, store, keySearch, account);
          granted.push(account);
        }
      }
      ctx.sealing.discardKey(c.kept);
      return `${report}${granted.length ? `; read access to its key for ${granted.join(', ')} again` : c.keyAccess.length ? '; its key access is as before' : ''}`;
    },
  });
}
