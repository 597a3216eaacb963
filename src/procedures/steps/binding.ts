// Steps: replace the http.sys SSL binding on an ip:port: delete the current one (confirmed, captured first), then
// add the new certificate with the ORIGINAL appid and every option the old binding had. A plain delete+add
// silently resets client-cert negotiation, HTTP/2, QUIC and TLS flags.
import {addSslCert, addSslCertCommand, bindingToAddParams, deleteSslCert, deleteSslCertCommand, showSslCert, showSslCertCommand, type SslBinding} from '../../ops/netsh.ts';
import {formatCommand} from '../../ops/command.ts';
import {listStore, listStoreCommand} from '../../ops/certutil.ts';
import {readSettingsFile} from '../../ops/scale-out-settings.ts';
import type {Host} from '../../hosts/host.ts';
import type {Check} from '../../state/types.ts';
import {capturedBy, defineStep, type Step} from '../define.ts';
import {extendedPropertiesRefusal} from './extended-properties.ts';
import {undoConflict} from './undo-guard.ts';
import {sameThumbprint} from './util.ts';

export interface BindingReference {
  /** A settings file on the same node whose value points at the binding's certificate. */
  readonly path: string;
  readonly key: string;
}

async function readReference(host: Host, ref: BindingReference): Promise<string | null> {
  try {
    const {values} = await readSettingsFile(host, ref.path);
    const value = values[ref.key];
    return typeof value === 'string' ? value : null;
  } catch {
    return null; // a reference we cannot read is not a reason to stop; the settings step reports its own errors
  }
}

function find(bindings: readonly SslBinding[], ipport: string): SslBinding | undefined {
  return bindings.find((b) => b.ipport?.toLowerCase() === ipport.toLowerCase());
}

function withHash(binding: SslBinding, certHash: string): SslBinding {
  return {...binding, certHash};
}

function describeBinding(b: SslBinding): string {
  return `${b.ipport} → certificate ${b.certHash?.toUpperCase() ?? '(none)'} in store ${b.certStoreName ?? '(null = MY)'}, appid ${b.appId}`;
}

interface DeleteBindingCapture {
  /** The binding as it was, every option with it: what the undo re-adds and the add step copies. */
  readonly binding: SslBinding;
  readonly oldHash: string;
}

interface AddBindingCapture {
  readonly original: SslBinding;
}

export function deleteBindingStep(options: {
  id: string;
  node: string;
  ipport: string;
  /** The binding as read when the plan was made: the plan shows commands built from it. */
  planned: SslBinding;
  newThumbprint: string;
  references: readonly BindingReference[];
}): Step<DeleteBindingCapture> {
  const {id, node, ipport, planned} = options;
  const restore = addSslCertCommand(ipport, planned);
  return defineStep<DeleteBindingCapture>({
    id,
    title: `Delete the SSL binding on ${ipport} (kept to restore)`,
    node,
    kind: 'delete-binding',
    destructive: true,
    skippable: false,
    undoLast: false,
    hasUndo: true,
    plan: () => [
      {node, text: `${formatCommand(showSslCertCommand())}   (every binding: which ones use the old certificate)`},
      {node, text: `${formatCommand(listStoreCommand(planned.certStoreName ?? 'My'))}   (the new certificate and its key are there)`},
      {node, text: formatCommand(deleteSslCertCommand(ipport))},
    ],
    async capture(ctx) {
      const host = await ctx.host(node);
      const all = await showSslCert(host);
      const current = find(all, ipport);
      if (!current) throw new Error(`there is no SSL binding on ${ipport}; certwalk will not invent one. Check \`netsh http show sslcert\`.`);
      if (!sameThumbprint(current.certHash, planned.certHash) || current.appId?.toLowerCase() !== planned.appId?.toLowerCase()) {
        throw new Error(`the binding on ${ipport} changed since the plan was made (now ${describeBinding(current)}); start again to see a fresh plan`);
      }
      // Refuse now, while nothing is deleted, if the binding could not be re-created exactly.
      const {notCarried} = bindingToAddParams(current);
      const lostExtended = extendedPropertiesRefusal(current, ipport, node);
      if (lostExtended) throw new Error(lostExtended);
      const storeName = current.certStoreName ?? 'My';
      const target = (await listStore(host, storeName)).find((c) => sameThumbprint(c.thumbprint, options.newThumbprint));
      if (!target?.hasPrivateKey) {
        throw new Error(
          `the new certificate ${options.newThumbprint} is not in LocalMachine\\${storeName} with a private key, so \`netsh http add\` would fail (error 1312) after the delete; nothing was deleted`,
        );
      }
      const oldHash = current.certHash ?? '';
      const references: string[] = all
        .filter((b) => b !== current && sameThumbprint(b.certHash, oldHash))
        .map((b) => `another binding uses it too: ${describeBinding(b)} (left unchanged)`);
      for (const ref of options.references) {
        const value = await readReference(host, ref);
        if (sameThumbprint(value, oldHash)) references.push(`${ref.path}: ${ref.key} = ${value} (a later step updates it)`);
      }
      const captured: DeleteBindingCapture = {binding: current, oldHash};
      return {
        captured,
        prompt: {
          title: `Delete the SSL binding on ${ipport}`,
          commands: [formatCommand(deleteSslCertCommand(ipport))],
          removes: [describeBinding(current)],
          restoreWith: [formatCommand(restore)],
          references,
          warnings: [
            ...notCarried.map((label) => `"${label}" is set on this binding and netsh add has no parameter for it: it will be lost`),
            `until the next step adds the new binding, ${ipport} has no certificate and workers cannot connect`,
          ],
        },
      };
    },
    async do(ctx, captured) {
      const host = await ctx.host(node);
      const current = find(await showSslCert(host), ipport);
      if (!current) {
        ctx.note(`no binding on ${ipport} any more; nothing to delete`);
        return;
      }
      if (!sameThumbprint(current.certHash, captured.oldHash)) {
        throw new Error(`the binding on ${ipport} changed since it was captured (now ${describeBinding(current)}); not deleting it`);
      }
      await deleteSslCert(host, ipport);
    },
    async verify(ctx, captured) {
      const host = await ctx.host(node);
      const current = find(await showSslCert(host), ipport);
      const {oldHash} = captured;
      return {
        checks: [{what: `binding on ${ipport}`, expected: '(none)', observed: current ? describeBinding(current) : '(none)', ok: !current}],
        // Reported on its own: a run that stops before the add step must still show that the binding is gone.
        changes: [{node, label: `http.sys ${ipport} (deleted)`, before: oldHash.toUpperCase(), after: current?.certHash?.toUpperCase() ?? null}],
      };
    },
    async undo(ctx, captured) {
      const original = captured.binding;
      const host = await ctx.host(node);
      const current = find(await showSslCert(host), ipport);
      if (current && sameThumbprint(current.certHash, original.certHash)) return `the original binding is in place on ${ipport} (already restored)`;
      // This session left no binding here; one with another certificate is someone else's: re-adding ours would fail
      // (netsh error 183) or, after a delete, throw theirs away.
      if (current) throw undoConflict(ctx, node, `the SSL binding on ${ipport}`, '(no binding)', `a binding to certificate ${current.certHash?.toUpperCase() ?? '(none)'}`);
      await addSslCert(host, ipport, original);
      return `re-added the original binding: ${describeBinding(original)}`;
    },
  });
}

export function addBindingStep(options: {
  id: string;
  node: string;
  ipport: string;
  planned: SslBinding;
  /** The delete step before this one: its capture is the binding to copy. */
  deleteStep: Step<DeleteBindingCapture>;
  newThumbprint: string;
}): Step<AddBindingCapture> {
  const {id, node, ipport, newThumbprint} = options;
  const newHash = newThumbprint.toLowerCase();
  return defineStep<AddBindingCapture>({
    id,
    title: `Add the new certificate on ${ipport} (same appid and options)`,
    node,
    kind: 'add-binding',
    destructive: false,
    skippable: false,
    undoLast: false,
    hasUndo: true,
    plan: () => [{node, text: formatCommand(addSslCertCommand(ipport, withHash(options.planned, newHash)))}],
    async capture(ctx) {
      const original = capturedBy(ctx, options.deleteStep)?.binding;
      if (!original) throw new Error(`the binding deleted by step ${options.deleteStep.id} was not captured; refusing to add one`);
      return {captured: {original}};
    },
    async do(ctx, {original}) {
      const host = await ctx.host(node);
      const current = find(await showSslCert(host), ipport);
      if (current && sameThumbprint(current.certHash, newHash)) {
        ctx.note(`${ipport} already carries the new certificate`);
        return;
      }
      await addSslCert(host, ipport, withHash(original, newHash));
    },
    async verify(ctx, {original}) {
      const host = await ctx.host(node);
      const current = find(await showSslCert(host), ipport);
      const checks: Check[] = [
        {
          what: 'certificate hash',
          expected: newThumbprint.toUpperCase(),
          observed: current?.certHash?.toUpperCase() ?? '(no binding)',
          ok: sameThumbprint(current?.certHash, newHash),
        },
        {what: 'application id', expected: original.appId ?? '', observed: current?.appId ?? '(no binding)', ok: current?.appId?.toLowerCase() === original.appId?.toLowerCase()},
        {
          what: 'certificate store',
          expected: original.certStoreName ?? '(null)',
          observed: current?.certStoreName ?? '(null)',
          ok: (current?.certStoreName ?? '').toLowerCase() === (original.certStoreName ?? '').toLowerCase(),
        },
      ];
      for (const [key, value] of Object.entries(original.options)) {
        const observed = current?.options[key as keyof SslBinding['options']];
        checks.push({what: key, expected: String(value ?? '(null)'), observed: observed === undefined ? '(missing)' : String(observed ?? '(null)'), ok: observed === value});
      }
      return {
        checks,
        changes: [{node, label: `http.sys ${ipport}`, before: original.certHash?.toUpperCase() ?? null, after: current?.certHash?.toUpperCase() ?? null}],
      };
    },
    async undo(ctx, {original}) {
      const host = await ctx.host(node);
      const current = find(await showSslCert(host), ipport);
      if (!current) return `no binding on ${ipport}; nothing to remove (already restored)`;
      if (sameThumbprint(current.certHash, original.certHash)) return `${ipport} carries the original certificate again (already restored)`;
      // Only this session's binding is removed: one with another certificate is someone else's (a later rotation).
      if (!sameThumbprint(current.certHash, newHash)) {
        throw undoConflict(ctx, node, `the SSL binding on ${ipport}`, `certificate ${newThumbprint.toUpperCase()}`, `certificate ${current.certHash?.toUpperCase() ?? '(none)'}`);
      }
      await deleteSslCert(host, ipport);
      return `removed the new binding on ${ipport}`;
    },
  });
}
