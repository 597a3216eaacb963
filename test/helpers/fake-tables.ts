// Rows of the fake fleet's tables that several procedures share: a Windows service that stops and starts, a
// certificate store that gains and loses one certificate, an http.sys binding that is deleted and added again.
import type {ToolRow} from './fake-fleet.ts';
import {
  NETSH_ADDED,
  NETSH_DELETED,
  certutilAdded,
  certutilDeleted,
  certutilStore,
  netshShow,
  scStatus,
  type NetshBinding,
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

/**
 * LocalMachine\STORE on a node whose fact named STORE is `before` (the certificates `before` lists) or `added` (those and
 * `added`): listing, adding it (a public .cer through certutil, or a PFX through Import-PfxCertificate) and deleting it.
 */
export function storeRows(options: {node: string; store: string; before: readonly StoreEntry[]; added: StoreEntry; addedName: string; tempDir?: string}): ToolRow[] {
  const {node, store, before, added} = options;
  const temp = options.tempDir ?? 'C:\\Windows\\Temp';
  const thumb = added.thumbprint.toUpperCase();
  const after = [...before, added];
  return [
    {node, command: 'certutil', args: ['-store', store], when: {[store]: 'before'}, stdout: certutilStore(store, before)},
    {node, command: 'certutil', args: ['-store', store], when: {[store]: 'added'}, stdout: certutilStore(store, after)},
    {node, command: 'certutil', args: ['-addstore', store, `${temp}\\certwalk-${thumb}.cer`], when: {[store]: 'before'}, stdout: certutilAdded(store, options.addedName), then: {[store]: 'added'}},
    {
      node,
      command: 'powershell',
      args: new RegExp(`Import-PfxCertificate -FilePath '${escape(`${temp}\\certwalk-${thumb}.pfx`)}' -CertStoreLocation 'Cert:\\\\LocalMachine\\\\${store}'`),
      when: {[store]: 'before'},
      stdout: `${thumb}\r\n`,
      then: {[store]: 'added'},
    },
    {node, command: 'certutil', args: ['-delstore', store, thumb], when: {[store]: 'added'}, stdout: certutilDeleted(store, added, before.length), then: {[store]: 'before'}},
  ];
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
