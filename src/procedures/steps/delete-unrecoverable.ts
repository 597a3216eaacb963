// Step: delete a certificate whose private key cannot be exported, so nothing can bring it back. The documents'
// MakeCert line makes exactly such a key, so it is the common case for SSIS workers. It runs only when the admin
// chose it by name (ssis-worker's oldCertificate=delete-unrecoverable), asks its own confirmation saying that no
// rollback restores it, and comes last, after the node already runs on the replacement: until then the old
// certificate stays where it was and every earlier step can still be undone.
import {delStore, delStoreCommand, listStore} from '../../ops/certutil.ts';
import {formatCommand} from '../../ops/command.ts';
import {toolDay} from '../../ops/tool-date.ts';
import type {NamedCertificate, RecordedCertificate} from '../../certs/certificate.ts';
import {defineStep, type Step} from '../define.ts';
import {sameThumbprint, shortThumb} from './util.ts';

interface UnrecoverableCapture {
  readonly thumbprint: string;
  readonly present: boolean;
}

/** Its own kind: a "yes to all delete-certificate" given to recoverable deletes never answers this one. */
export const DELETE_UNRECOVERABLE_KIND = 'delete-certificate-unrecoverable';

export function deleteUnrecoverableCertificateStep(options: {
  id: string;
  node: string;
  store: string;
  old: RecordedCertificate;
  /** Why it cannot be kept, as the plan read it (`its private key is not exportable`). */
  reason: string;
  /** Must be in the store with its key: the node runs on it by the time this step comes. */
  replacement: NamedCertificate;
}): Step<UnrecoverableCapture> {
  const {id, node, store, old, replacement} = options;
  const thumb = old.thumbprint.toUpperCase();
  const short = shortThumb(thumb);
  const deleteLine = formatCommand(delStoreCommand(store, thumb));
  return defineStep<UnrecoverableCapture>({
    id,
    title: `Delete the old certificate ${short} from LocalMachine\\${store} WITHOUT a way back (${options.reason})`,
    node,
    kind: DELETE_UNRECOVERABLE_KIND,
    destructive: true,
    skippable: true,
    undoLast: false,
    hasUndo: true,
    plan: () => [{node, text: `${deleteLine}   (no copy can be kept: ${options.reason}; no rollback brings it back)`}],
    async capture(ctx) {
      const host = await ctx.host(node);
      const certs = await listStore(host, store);
      const current = certs.find((c) => sameThumbprint(c.thumbprint, thumb));
      const next = certs.find((c) => sameThumbprint(c.thumbprint, replacement.thumbprint));
      if (!next?.hasPrivateKey) {
        throw new Error(`the new certificate ${replacement.thumbprint} is not in LocalMachine\\${store} with its private key; not deleting ${short}, the only certificate left`);
      }
      if (!current) return {captured: {thumbprint: thumb, present: false}};
      return {
        captured: {thumbprint: thumb, present: true},
        prompt: {
          title: `Delete ${short} from LocalMachine\\${store} on ${node} with NO way back`,
          commands: [deleteLine],
          removes: [`${thumb} ${current.subject} (valid until ${toolDay(current.notAfter)}), with its private key`],
          restoreWith: [],
          references: [],
          warnings: [
            `${options.reason}: certwalk cannot keep a copy, and no rollback can bring this certificate back`,
            `the worker already runs on ${shortThumb(replacement.thumbprint)}; skip this step to keep the old certificate (harmless) and delete it later with ${deleteLine}`,
          ],
        },
      };
    },
    async do(ctx, captured) {
      if (!captured.present) {
        ctx.note(`${short} is not in LocalMachine\\${store}; nothing to delete`);
        return;
      }
      const host = await ctx.host(node);
      if (!(await listStore(host, store)).some((c) => sameThumbprint(c.thumbprint, thumb))) {
        ctx.note(`${short} is not in LocalMachine\\${store} any more; nothing to delete`);
        return;
      }
      await delStore(host, store, thumb);
    },
    async verify(ctx, captured) {
      const host = await ctx.host(node);
      const present = (await listStore(host, store)).some((c) => sameThumbprint(c.thumbprint, thumb));
      return {
        checks: [{what: `${thumb} in LocalMachine\\${store}`, expected: 'absent', observed: present ? 'present' : 'absent', ok: !present}],
        changes: [{node, label: `LocalMachine\\${store} old certificate (no way back)`, before: captured.present ? thumb : null, after: null}],
      };
    },
    async undo(ctx, captured) {
      const host = await ctx.host(node);
      if ((await listStore(host, store)).some((c) => sameThumbprint(c.thumbprint, thumb))) return `${short} is in LocalMachine\\${store} (nothing was deleted)`;
      if (!captured.present) return `${short} was not in LocalMachine\\${store} before this step either`;
      // The earlier steps' undo would point the worker back at a certificate that is gone: stop here instead.
      throw new Error(
        `${thumb} was deleted without a way back (${options.reason}): the earlier steps of ${node} cannot be undone onto it. Keep ${node} on ${replacement.thumbprint}, or give it a certificate again with a new rotation`,
      );
    },
  });
}
