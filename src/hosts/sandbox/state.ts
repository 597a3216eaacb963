// The sandbox's on-disk model of a fleet of Windows nodes. Everything lives under one directory DIR:
//
//   DIR/sandbox.json                 {version: 1, fleetId, nodes: NodeInfo[]}: the inventory, written once by initSandbox
//                                    (a sandbox made before fleetId existed gets one once: fleet-id.ts)
//   DIR/sandbox.lock                 lock guarding that one rewrite of sandbox.json
//   DIR/faults.json                  FaultRule[] (optional): injected failures, consumed by the tool (see faults.ts)
//   DIR/faults.lock                  lock guarding faults.json
//   DIR/nodes/<name>/state.json      NodeState: certificate stores, http.sys SSL bindings, services
//   DIR/nodes/<name>/state.lock      lock guarding state.json (O_EXCL file, see lock.ts)
//   DIR/nodes/<name>/fs/<X>/…        the node's files: `C:\Program Files\x` is `fs/C/Program Files/x`
//                                    (looked up case-insensitively, see windows-path.ts)
//
// Several simulated tool processes may run against one node at once (fifty workers adding their certificate to the
// master's Root store), so state.json is only changed under its lock and replaced atomically (temp file + rename);
// readers never see a half-written file.
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {CertificateRecord} from '../../certs/certificate.ts';
import type {NodeInfo} from '../host.ts';
import type {AzureMlState} from './azureml-state.ts';
import {writeFileAtomic} from './atomic-write.ts';
import {withLock} from './lock.ts';
import type {LyncNodeState} from './lync-state.ts';

export interface SandboxManifest {
  readonly version: 1;
  /** Random, made with the sandbox: journals record it (Fleet.identity). Absent in sandboxes made before it existed. */
  readonly fleetId?: string;
  readonly nodes: readonly NodeInfo[];
}

/** A certificate in a LocalMachine store, with its private key where it has one. */
export interface SandboxCert extends CertificateRecord {
  /** The private key (PKCS#8 PEM). Only the sandbox can see it; on Windows it is in a key container. */
  keyPem?: string;
  /** Whether the private key may be exported (certutil -exportPFX). */
  exportable: boolean;
  /** Accounts granted read access to the private key (what winhttpcertcfg -g manages). */
  keyAcl: string[];
}

export type OnOff = 'enable' | 'disable';

/** Every `netsh http add sslcert` option; Windows fills in the defaults for the ones not given. */
export interface SandboxBindingOptions {
  verifyclientcertrevocation: OnOff;
  verifyrevocationwithcachedclientcertonly: OnOff;
  usagecheck: OnOff;
  revocationfreshnesstime: number;
  urlretrievaltimeout: number;
  sslctlidentifier: string | null;
  sslctlstorename: string | null;
  dsmapperusage: OnOff;
  clientcertnegotiation: OnOff;
  reject: OnOff;
  disablehttp2: OnOff;
  disablequic: OnOff;
  disablelegacytls: OnOff;
  disabletls12: OnOff;
  disabletls13: OnOff;
  disableocspstapling: OnOff;
  enabletokenbinding: OnOff;
  logextendedevents: OnOff;
  enablesessionticket: OnOff;
}

/** An http.sys SSL binding (`netsh http add sslcert`). */
export interface SandboxBinding {
  /** Normalised `IP:port` (`0.0.0.0:8391`, `[::]:443`). */
  ipport: string;
  /** Lowercase hex, as netsh prints it. */
  certhash: string;
  /** As given at add time, with braces. */
  appid: string;
  /** As given at add time (case kept), or null when omitted (then it means MY). */
  certstorename: string | null;
  options: SandboxBindingOptions;
}

export interface SandboxService {
  displayName: string;
  /** As `sc qc` prints BINARY_PATH_NAME (quoted when it holds spaces). */
  binaryPath?: string;
  account: string;
  status: 'running' | 'stopped';
  /** 0, or 1067 after the service process died during start. */
  win32ExitCode: number;
  startType: 'auto';
  /** Why the last start failed (the sandbox's stand-in for the service's own log). */
  lastStartFailure?: string;
}

export interface NodeState {
  /** Keyed by canonical store name (`My`, `Root`, `WebHosting`, …). */
  stores: Record<string, SandboxCert[]>;
  bindings: SandboxBinding[];
  services: Record<string, SandboxService>;
  /** On an Azure ML admin node (role azureml-client): the Azure resources its `az` and AzureRM cmdlets reach. */
  azureml?: AzureMlState;
  /** On a Lync Server Front End: the pool, its certificate assignments and (on one FE) the CMS; see lync-state.ts. */
  lync?: LyncNodeState;
  /** The node's display language (locale.ts: `fr-FR`, `zh-CN`, `ko-KR`); absent on a US English node. */
  locale?: string;
}

export const DEFAULT_BINDING_OPTIONS: Readonly<SandboxBindingOptions> = Object.freeze({
  verifyclientcertrevocation: 'enable',
  verifyrevocationwithcachedclientcertonly: 'disable',
  usagecheck: 'enable',
  revocationfreshnesstime: 0,
  urlretrievaltimeout: 0,
  sslctlidentifier: null,
  sslctlstorename: null,
  dsmapperusage: 'disable',
  clientcertnegotiation: 'disable',
  reject: 'disable',
  disablehttp2: 'disable',
  disablequic: 'disable',
  disablelegacytls: 'disable',
  disabletls12: 'disable',
  disabletls13: 'disable',
  disableocspstapling: 'disable',
  enabletokenbinding: 'disable',
  logextendedevents: 'disable',
  enablesessionticket: 'disable',
});

export function emptyNodeState(): NodeState {
  return {stores: {My: [], Root: []}, bindings: [], services: {}};
}

export const sandboxPaths = {
  manifest: (dir: string) => join(dir, 'sandbox.json'),
  manifestLock: (dir: string) => join(dir, 'sandbox.lock'),
  faults: (dir: string) => join(dir, 'faults.json'),
  faultsLock: (dir: string) => join(dir, 'faults.lock'),
  nodesDir: (dir: string) => join(dir, 'nodes'),
  nodeDir: (dir: string, node: string) => join(dir, 'nodes', node),
  nodeState: (dir: string, node: string) => join(dir, 'nodes', node, 'state.json'),
  nodeLock: (dir: string, node: string) => join(dir, 'nodes', node, 'state.lock'),
  nodeFs: (dir: string, node: string) => join(dir, 'nodes', node, 'fs'),
};

export async function readManifest(dir: string): Promise<SandboxManifest> {
  let text: string;
  try {
    text = await readFile(sandboxPaths.manifest(dir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${dir} is not a certwalk sandbox (no sandbox.json); create one with initSandbox / --init`, {cause: error});
    }
    throw error;
  }
  return parseManifest(text, dir);
}

function parseManifest(text: string, dir: string): SandboxManifest {
  const manifest = JSON.parse(text) as SandboxManifest;
  if (manifest.version !== 1 || !Array.isArray(manifest.nodes)) {
    throw new Error(`${sandboxPaths.manifest(dir)}: unsupported sandbox format (expected version 1)`);
  }
  return manifest;
}

/** The node's inventory entry, or an error that lists the nodes there are. */
export function findNode(manifest: SandboxManifest, name: string): NodeInfo {
  const node = manifest.nodes.find((n) => n.name === name);
  if (!node) {
    throw new Error(`unknown sandbox node '${name}'; nodes: ${manifest.nodes.map((n) => n.name).join(', ') || '(none)'}`);
  }
  return node;
}

export async function writeManifest(dir: string, manifest: SandboxManifest): Promise<void> {
  await writeFileAtomic(sandboxPaths.manifest(dir), `${JSON.stringify(manifest, null, 2)}\n`);
}

export async function readNodeState(dir: string, node: string): Promise<NodeState> {
  return JSON.parse(await readFile(sandboxPaths.nodeState(dir, node), 'utf8')) as NodeState;
}

/** Atomic replace. Outside initSandbox (where nothing else can run yet) call it only under the lock: updateNodeState. */
export async function writeNodeState(dir: string, node: string, state: NodeState): Promise<void> {
  await writeFileAtomic(sandboxPaths.nodeState(dir, node), `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * Read-modify-write of one node's state under its lock. `change` returns the new state (or undefined to leave it)
 * and a value handed back to the caller.
 */
export async function updateNodeState<T>(
  dir: string,
  node: string,
  change: (state: NodeState) => {state?: NodeState; result: T} | Promise<{state?: NodeState; result: T}>,
): Promise<T> {
  return withLock(sandboxPaths.nodeLock(dir, node), async () => {
    const {state, result} = await change(await readNodeState(dir, node));
    if (state) await writeNodeState(dir, node, state);
    return result;
  });
}
