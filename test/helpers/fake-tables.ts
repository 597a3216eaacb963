// Rows of the fake fleet's tables that several procedures share: a Windows service that stops and starts, a
// certificate store that gains and loses one certificate, an http.sys binding that is deleted and added again.
import type {ToolRow} from './fake-fleet.ts';
import {
  WINHTTP_CERT_NOT_FOUND,
  NETSH_ADDED,
  NETSH_DELETED,
  certutilAdded,
  certutilDeleted,
  certutilStore,
  netshShow,
  scStatus,
  type NetshBinding,
  winhttpAccessList,
  winhttpGranted,
  winhttpRemoved,
  type StoreEntry,
} from './fake-tool-output.ts';

/** `sc.exe query|stop|start SERVICE` on a node whose fact named SERVICE is `running` or `stopped`. */
export function serviceRows(node: string, service: string): ToolRow[] {
  return [
    {node, command: 'sc.exe', args: ['query', service], when: {[service]: 'running'}, stdout: scStatus(service, 'running')},
    {node, command: 'sc.exe', args: ['query', service], when: {[service]: 'stopped'}, stdout: scStatus(service, 'stopped')},
    {node, command: 'sc.exe', args: ['stop', service], when: {[service]: 'running'}, stdout: scStatus(service, 'stop-pending'), then: {[service]: 'stopped'}},
    {node, command: 'sc.exe', args: ['start', service], when: {[service]: 'stopped'}, stdout: scStatus(service, 'start-pending', 4242), then: {[service]: 'running'}},
  ];
}

export interface ChangingCertificate {
  readonly entry: StoreEntry;
  /** The name certutil -addstore quotes: the certificate's first CN. */
  readonly simpleName: string;
  /** What Export-PfxCertificate writes for it (a certificate a procedure keeps before deleting it). */
  readonly pfx?: Buffer;
}

/** The fact a store's rows keep: the changing certificates present, in their declared order, `+`-joined; or `none`. */
export function storePresent(names: readonly string[]): string {
  return names.length ? names.join('+') : 'none';
}

function subsets<T>(items: readonly T[]): T[][] {
  return items.reduce<T[][]>((all, item) => [...all, ...all.map((subset) => [...subset, item])], [[]]);
}

/**
 * LocalMachine\STORE on a node: the `fixed` certificates always, and those of `changing` the node's fact named STORE
 * lists (storePresent). For every combination: the listing; adding a missing one (a public .cer through certutil, a
 * PFX through Import-PfxCertificate, the new one's or the kept copy of an old one); deleting a present one; exporting a
 * present one that has a `pfx`. An import leaves the key with no extra access (fact `key:NAME`: `none`).
 */
export function storeRows(options: {
  node: string;
  store: string;
  fixed: readonly StoreEntry[];
  changing: Readonly<Record<string, ChangingCertificate>>;
  tempDir?: string;
}): ToolRow[] {
  const {node, store, fixed, changing} = options;
  const temp = options.tempDir ?? 'C:\\Windows\\Temp';
  const names = Object.keys(changing);
  const rows: ToolRow[] = [];
  for (const present of subsets(names)) {
    const when = {[store]: storePresent(present)};
    const listed = [...fixed, ...present.map((n) => changing[n]!.entry)];
    rows.push({node, command: 'certutil', args: ['-store', store], when, stdout: certutilStore(store, listed)});
    for (const name of names) {
      const {entry, simpleName, pfx} = changing[name]!;
      const thumb = entry.thumbprint.toUpperCase();
      if (present.includes(name)) {
        const without = {[store]: storePresent(present.filter((n) => n !== name))};
        rows.push({node, command: 'certutil', args: ['-delstore', store, thumb], when, stdout: certutilDeleted(store, entry, listed.indexOf(entry)), then: without});
        if (pfx) {
          const file = `${temp}\\certwalk-${thumb}-old.pfx`;
          const exporting = new RegExp(`Export-PfxCertificate -Cert '${escape(`Cert:\\LocalMachine\\${store}\\${thumb}`)}' -FilePath '${escape(file)}' -Password \\$password`);
          rows.push({node, command: 'powershell', args: exporting, when, writes: {[file]: pfx}});
        }
      } else {
        const added = {[store]: storePresent(names.filter((n) => n === name || present.includes(n)))};
        rows.push({node, command: 'certutil', args: ['-addstore', store, `${temp}\\certwalk-${thumb}.cer`], when, stdout: certutilAdded(store, simpleName), then: added});
        const importing = new RegExp(
          `Import-PfxCertificate -FilePath '${escape(`${temp}\\certwalk-${thumb}`)}(-old)?\\.pfx' -CertStoreLocation '${escape(`Cert:\\LocalMachine\\${store}`)}'`,
        );
        rows.push({node, command: 'powershell', args: importing, when, stdout: `${thumb}\r\n`, then: {...added, [`key:${name}`]: 'none'}});
      }
    }
  }
  return rows;
}

/**
 * `winhttpcertcfg -l|-g|-r -c LOCAL_MACHINE\STORE -s SEARCH` on a node whose changing certificates `names` are in the
 * store; those of `matching` (default: all) match SEARCH, and the tool acts on the first of them the store lists
 * (SOURCES.md §3.3). Its extra access is the fact `key:NAME`
 * (`granted` to `account`, or `none`); `baseAccounts` always have access.
 */
export function keyAccessRows(options: {
  node: string;
  store: string;
  search: string;
  account: string;
  baseAccounts: readonly string[];
  subject: string;
  names: readonly string[];
  matching?: readonly string[];
}): ToolRow[] {
  const {node, store, search, account, subject, names} = options;
  const matching = options.matching ?? names;
  const args = (flag: string, ...more: string[]) => [flag, '-c', `LOCAL_MACHINE\\${store}`, '-s', search, ...more];
  const rows: ToolRow[] = [];
  for (const present of subsets(names)) {
    const when = {[store]: storePresent(present)};
    const first = present.find((name) => matching.includes(name));
    if (first === undefined) {
      rows.push({node, command: 'winhttpcertcfg', args: args('-l'), when, stderr: WINHTTP_CERT_NOT_FOUND});
      continue;
    }
    const key = `key:${first}`;
    const granted = {...when, [key]: 'granted'};
    const none = {...when, [key]: 'none'};
    rows.push(
      {node, command: 'winhttpcertcfg', args: args('-l'), when: granted, stdout: winhttpAccessList(subject, [...options.baseAccounts, account])},
      {node, command: 'winhttpcertcfg', args: args('-l'), when: none, stdout: winhttpAccessList(subject, options.baseAccounts)},
      {node, command: 'winhttpcertcfg', args: args('-g', '-a', account), when: none, stdout: winhttpGranted(subject, account, false), then: {[key]: 'granted'}},
      {node, command: 'winhttpcertcfg', args: args('-g', '-a', account), when: granted, stdout: winhttpGranted(subject, account, true)},
      {node, command: 'winhttpcertcfg', args: args('-r', '-a', account), when: granted, stdout: winhttpRemoved(subject, account), then: {[key]: 'none'}},
    );
  }
  return rows;
}

/**
 * `netsh http show|delete|add sslcert` for one binding whose fact `binding` is `old`, `none` or `new`, beside bindings
 * that never change. An add answers only for the certificate hashes the table knows (old back, or new).
 */
export function bindingRows(options: {node: string; others: readonly NetshBinding[]; old: NetshBinding; newHash: string}): ToolRow[] {
  const {node, others, old} = options;
  const fresh = {...old, certHash: options.newHash};
  const add = (hash: string) => new RegExp(`^http add sslcert ipport=${escape(old.ipport)} certhash=${hash.toLowerCase()} `);
  return [
    {node, command: 'netsh', args: ['http', 'show', 'sslcert'], when: {binding: 'old'}, stdout: netshShow([...others, old])},
    {node, command: 'netsh', args: ['http', 'show', 'sslcert'], when: {binding: 'none'}, stdout: netshShow(others)},
    {node, command: 'netsh', args: ['http', 'show', 'sslcert'], when: {binding: 'new'}, stdout: netshShow([...others, fresh])},
    {node, command: 'netsh', args: ['http', 'delete', 'sslcert', `ipport=${old.ipport}`], when: {binding: 'old'}, stdout: NETSH_DELETED, then: {binding: 'none'}},
    {node, command: 'netsh', args: ['http', 'delete', 'sslcert', `ipport=${old.ipport}`], when: {binding: 'new'}, stdout: NETSH_DELETED, then: {binding: 'none'}},
    {node, command: 'netsh', args: add(options.newHash), when: {binding: 'none'}, stdout: NETSH_ADDED, then: {binding: 'new'}},
    {node, command: 'netsh', args: add(old.certHash), when: {binding: 'none'}, stdout: NETSH_ADDED, then: {binding: 'old'}},
  ];
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
