// Step: give a service account read access to a certificate's private key with winhttpcertcfg. The tool finds the
// certificate by a subject substring and takes the FIRST match; with two certificates of the same CN in the store it
// can grant on the wrong one and say nothing that tells them apart (it prints the subject, never the thumbprint). So
// the step checks, before and after, that the first match in the store's order is the intended thumbprint, and
// reads the access list back.
import type {Host} from '../../hosts/host.ts';
import {listStore, listStoreCommand, type StoreEntry} from '../../ops/certutil.ts';
import {formatCommand} from '../../ops/command.ts';
import {firstSubjectMatch, grantKeyAccess, grantKeyAccessCommand, listKeyAccess, listKeyAccessCommand, removeKeyAccess, sameAccount} from '../../ops/winhttpcertcfg.ts';
import {defineStep, type Step} from '../define.ts';
import {undoRefused} from './undo-guard.ts';
import {sameThumbprint, shortThumb} from './util.ts';
import type {NamedCertificate} from '../../certs/certificate.ts';

interface GrantCapture {
  readonly alreadyGranted: boolean;
  readonly accountsBefore: readonly string[];
}

export function grantKeyAccessStep(options: {
  id: string;
  node: string;
  store: string;
  /** The `-s` string; it must find `cert` before any other certificate in the store. */
  search: string;
  account: string;
  cert: NamedCertificate;
  title?: string;
}): Step<GrantCapture> {
  const {id, node, store, search, account, cert} = options;
  const short = shortThumb(cert.thumbprint);

  const describePick = (certs: readonly StoreEntry[]): string => {
    const {first, count} = firstSubjectMatch(certs, search);
    if (!first) return `no certificate in LocalMachine\\${store} has "${search}" in its subject`;
    const which = sameThumbprint(first.thumbprint, cert.thumbprint) ? 'the new certificate' : 'another certificate';
    return `${which} ${first.thumbprint} (${first.subject})${count > 1 ? `, first of ${count} whose subject contains "${search}"` : ''}`;
  };
  // Refuse to touch a key unless -s is sure to land on ours.
  const requireOurs = async (host: Host, doing: string): Promise<void> => {
    const certs = await listStore(host, store);
    const target = certs.find((c) => sameThumbprint(c.thumbprint, cert.thumbprint));
    if (!target?.hasPrivateKey) throw new Error(`${cert.thumbprint} is not in LocalMachine\\${store} with its private key; not ${doing}`);
    if (!sameThumbprint(firstSubjectMatch(certs, search).first?.thumbprint, cert.thumbprint)) {
      throw new Error(`winhttpcertcfg -s "${search}" would pick ${describePick(certs)}, not ${short}; not ${doing}`);
    }
  };

  return defineStep<GrantCapture>({
    id,
    title: options.title ?? `Let ${account} read the new certificate's private key`,
    node,
    kind: 'grant-key',
    destructive: false,
    skippable: false,
    undoLast: false,
    hasUndo: true,
    plan: () => [
      {node, text: `${formatCommand(listStoreCommand(store))}   ("${search}" finds ${short} first)`},
      {node, text: formatCommand(grantKeyAccessCommand(store, search, account))},
      {node, text: `${formatCommand(listKeyAccessCommand(store, search))}   (${account} is listed)`},
    ],
    async capture(ctx) {
      const host = await ctx.host(node);
      await requireOurs(host, 'granting anything');
      const {accounts} = await listKeyAccess(host, store, search);
      const captured: GrantCapture = {alreadyGranted: accounts.some((a) => sameAccount(a, account)), accountsBefore: [...accounts]};
      return {captured};
    },
    async do(ctx) {
      const host = await ctx.host(node);
      await requireOurs(host, 'granting anything');
      const result = await grantKeyAccess(host, store, search, account);
      if (!result.changed) ctx.note(`${account} could already read the key of ${short}`);
    },
    async verify(ctx, captured) {
      const host = await ctx.host(node);
      const certs = await listStore(host, store);
      const picked = firstSubjectMatch(certs, search).first;
      const ours = sameThumbprint(picked?.thumbprint, cert.thumbprint);
      const {accounts} = await listKeyAccess(host, store, search);
      const listed = accounts.some((a) => sameAccount(a, account));
      const before = captured.alreadyGranted;
      return {
        checks: [
          {what: `certificate winhttpcertcfg -s "${search}" picks`, expected: cert.thumbprint, observed: picked?.thumbprint ?? '(none)', ok: ours},
          {what: `${account} can read its private key`, expected: 'yes', observed: listed ? 'yes' : `no (${accounts.join(', ') || 'nobody listed'})`, ok: listed},
        ],
        changes: [{node, label: `key of ${short}: ${account}`, before: before ? 'read' : 'no access', after: ours && listed ? 'read' : 'no access'}],
      };
    },
    async undo(ctx, captured) {
      if (captured.alreadyGranted) return `left ${account}'s access to the key of ${short}: it had it before`;
      const host = await ctx.host(node);
      const certs = await listStore(host, store);
      if (!certs.some((c) => sameThumbprint(c.thumbprint, cert.thumbprint))) return `${short} is not in LocalMachine\\${store}; no access to remove`;
      try {
        await requireOurs(host, `removing ${account}'s access`);
      } catch (error) {
        // -s would land on another key (someone added a certificate of the same name since): never touch that one.
        throw undoRefused(ctx, node, `conflict, not undone: ${(error as Error).message}; certwalk changed nothing.`);
      }
      const result = await removeKeyAccess(host, store, search, account);
      return result.changed ? `removed ${account}'s access to the key of ${short}` : `${account} had no access to the key of ${short}; nothing to remove (already restored)`;
    },
  });
}
