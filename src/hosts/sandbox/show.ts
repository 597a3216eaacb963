// A JSON snapshot of the sandbox, sorted so that two snapshots compare with deepEqual: what tests and `certwalk
// sandbox show` use to see what a procedure did (or that a rollback put everything back).
import {createHash} from 'node:crypto';
import {readdir, readFile} from 'node:fs/promises';
import {join, relative} from 'node:path';
import type {NodeInfo} from '../host.ts';
import {parseSettingsJson} from './scale-out-files.ts';
import {snapshotAzureMl, type AzureMlSnapshot} from './azureml-snapshot.ts';
import {snapshotLync, type LyncSnapshot} from './lync-snapshot.ts';
import type {LyncNodeState} from './lync-state.ts';
import {findNode, readManifest, readNodeState, sandboxPaths} from './state.ts';
import type {OnOff, SandboxBindingOptions, SandboxCert} from './state.ts';
import {sandboxRelativeToWindows} from './windows-path.ts';

export interface CertSnapshot extends Pick<SandboxCert, 'thumbprint' | 'subject' | 'notAfter'> {
  readonly hasPrivateKey: boolean;
  readonly keyAcl: readonly string[];
}

export interface BindingSnapshot {
  readonly ipport: string;
  readonly certhash: string;
  readonly appid: string;
  readonly certstorename: string | null;
  readonly options: SandboxBindingOptions;
}

export interface SettingsSnapshot {
  /** Top-level keys, or null when the file is not a JSON object. */
  readonly values: Record<string, unknown> | null;
  /** Lowercase hex SHA-256 of the file's bytes: shows any byte change, BOM and line ends included. */
  readonly sha256: string;
}

export interface ServiceSnapshot {
  readonly status: 'running' | 'stopped';
  readonly account: string;
  readonly win32ExitCode: number;
  readonly lastStartFailure?: string;
}

export interface NodeSnapshot {
  readonly name: string;
  readonly machineName: string;
  readonly fqdn: string;
  readonly ip: string;
  readonly roles: readonly string[];
  readonly stores: Record<string, readonly CertSnapshot[]>;
  readonly bindings: readonly BindingSnapshot[];
  /** Keyed by Windows path, for every *.config file on the node. */
  readonly settings: Record<string, SettingsSnapshot>;
  readonly services: Record<string, ServiceSnapshot>;
  /** On an Azure ML admin node: its resource groups' clusters, current environment and DNS answers. */
  readonly azureml?: AzureMlSnapshot;
  /** On a Lync Front End: its assignments, its CMS replica's token issuer and (CMS node) the global one. */
  readonly lync?: LyncSnapshot;
}

export interface SandboxSnapshot {
  /** In inventory order. */
  readonly nodes: Record<string, NodeSnapshot>;
}

export async function showSandbox(dir: string, options: {readonly node?: string} = {}): Promise<SandboxSnapshot> {
  const manifest = await readManifest(dir);
  const selected = options.node === undefined ? manifest.nodes : [findNode(manifest, options.node)];
  const nodes: Record<string, NodeSnapshot> = {};
  for (const node of selected) nodes[node.name] = await snapshotNode(dir, node);
  return {nodes};
}

async function snapshotNode(dir: string, node: NodeInfo): Promise<NodeSnapshot> {
  const state = await readNodeState(dir, node.name);
  const stores: Record<string, CertSnapshot[]> = {};
  for (const name of Object.keys(state.stores).sort()) {
    stores[name] = state.stores[name]!.map((cert) => ({
      thumbprint: cert.thumbprint,
      subject: cert.subject,
      notAfter: cert.notAfter,
      hasPrivateKey: cert.keyPem !== undefined,
      keyAcl: [...cert.keyAcl].sort(),
    })).sort((a, b) => compare(a.thumbprint, b.thumbprint));
  }
  const bindings = state.bindings
    .map((b) => ({ipport: b.ipport, certhash: b.certhash, appid: b.appid, certstorename: b.certstorename, options: sortedOptions(b.options)}))
    .sort((a, b) => compare(a.ipport, b.ipport));
  const services: Record<string, ServiceSnapshot> = {};
  for (const name of Object.keys(state.services).sort()) {
    const s = state.services[name]!;
    services[name] = {status: s.status, account: s.account, win32ExitCode: s.win32ExitCode, ...(s.lastStartFailure ? {lastStartFailure: s.lastStartFailure} : {})};
  }
  return {
    name: node.name,
    machineName: node.machineName,
    fqdn: node.fqdn,
    ip: node.ip,
    roles: [...node.roles],
    stores,
    bindings,
    settings: await snapshotSettings(sandboxPaths.nodeFs(dir, node.name)),
    services,
    ...(state.azureml ? {azureml: snapshotAzureMl(state.azureml)} : {}),
    ...(state.lync ? {lync: await lyncOf(dir, node.name, state.lync)} : {}),
  };
}

async function lyncOf(dir: string, node: string, lync: LyncNodeState): Promise<LyncSnapshot> {
  const cms = lync.cms ?? (await readNodeState(dir, lync.cmsNode).catch(() => undefined))?.lync?.cms;
  return snapshotLync(node, lync, cms, new Date());
}

async function snapshotSettings(fsRoot: string): Promise<Record<string, SettingsSnapshot>> {
  const files = (await listFiles(fsRoot)).filter((path) => path.toLowerCase().endsWith('.config')).sort(compare);
  const settings: Record<string, SettingsSnapshot> = {};
  for (const path of files) {
    const bytes = await readFile(path);
    let values: Record<string, unknown> | null;
    try {
      values = parseSettingsJson(bytes);
    } catch {
      values = null;
    }
    settings[sandboxRelativeToWindows(relative(fsRoot, path))] = {values, sha256: createHash('sha256').update(bytes).digest('hex')};
  }
  return settings;
}

async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, {withFileTypes: true});
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name)) : Promise.resolve(entry.isFile() ? [join(dir, entry.name)] : []))),
  );
  return nested.flat();
}

function sortedOptions(options: SandboxBindingOptions): SandboxBindingOptions {
  const sorted: Record<string, OnOff | number | string | null> = {};
  for (const key of Object.keys(options).sort()) sorted[key] = options[key as keyof SandboxBindingOptions];
  return sorted as unknown as SandboxBindingOptions;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
