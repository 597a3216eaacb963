// Real Windows nodes from an inventory file: this machine runs locally, the others over PowerShell remoting.
import {createHash} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {hostname} from 'node:os';
import type {Fleet, Host, NodeInfo} from '../host.ts';
import {LocalHost} from './local-host.ts';
import {RemoteHost, type Credential} from './remote-host.ts';

export interface InventoryNode extends NodeInfo {
  /** `local` for this machine; `remote` (the default) for Invoke-Command. */
  readonly transport?: 'local' | 'remote';
}

export interface Inventory {
  readonly version: 1;
  readonly nodes: readonly InventoryNode[];
}

export function parseInventory(text: string, source: string): Inventory {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not JSON: ${(error as Error).message}`);
  }
  const nodes = (data as {nodes?: unknown}).nodes;
  if (!Array.isArray(nodes) || !nodes.length) throw new Error(`${source} has no "nodes" list`);
  const seen = new Set<string>();
  const parsed = nodes.map((raw, i): InventoryNode => {
    const n = raw as Partial<InventoryNode>;
    const where = `${source}: nodes[${i}]`;
    if (typeof n.name !== 'string' || !n.name) throw new Error(`${where} has no "name"`);
    if (seen.has(n.name.toLowerCase())) throw new Error(`${where}: "${n.name}" is listed twice`);
    seen.add(n.name.toLowerCase());
    if (!Array.isArray(n.roles)) throw new Error(`${where} ("${n.name}") has no "roles" list (e.g. ["ssis-master"])`);
    if (n.transport !== undefined && n.transport !== 'local' && n.transport !== 'remote') throw new Error(`${where}: transport must be "local" or "remote"`);
    return {
      name: n.name,
      machineName: n.machineName ?? n.name.toUpperCase(),
      fqdn: n.fqdn ?? n.name,
      ip: n.ip ?? '',
      roles: n.roles.map(String),
      ...(n.transport ? {transport: n.transport} : {}),
    };
  });
  return {version: 1, nodes: parsed};
}

export class WindowsFleet implements Fleet {
  readonly kind: 'local' | 'remote';
  readonly description: string;

  constructor(
    readonly location: string,
    private readonly inventory: Inventory,
    private readonly credential: Credential | null = null,
  ) {
    this.kind = inventory.nodes.every((n) => isLocal(n)) ? 'local' : 'remote';
    this.description = `${inventory.nodes.length} Windows node(s) from ${location}`;
  }

  static async open(path: string, credential: Credential | null = null): Promise<WindowsFleet> {
    return new WindowsFleet(path, parseInventory(await readFile(path, 'utf8'), path), credential);
  }

  /**
   * Derived from the inventory's node names and addresses: stable across runs and copies of the hosts file, and
   * another set of machines gives another id. Roles and transports are left out: they do not make other machines.
   */
  async identity(): Promise<string> {
    return windowsFleetId(this.inventory);
  }

  async nodes(): Promise<readonly NodeInfo[]> {
    return this.inventory.nodes;
  }

  async host(nodeName: string): Promise<Host> {
    const node = this.inventory.nodes.find((n) => n.name.toLowerCase() === nodeName.toLowerCase());
    if (!node) throw new Error(`no node "${nodeName}" in ${this.location}; nodes: ${this.inventory.nodes.map((n) => n.name).join(', ')}`);
    return isLocal(node) ? new LocalHost(node) : new RemoteHost(node, this.credential);
  }
}

export function windowsFleetId(inventory: Inventory): string {
  const nodes = inventory.nodes.map((n) => [n.name, n.machineName, n.fqdn, n.ip].map((v) => v.toLowerCase()).join('|')).sort();
  return `hosts-${createHash('sha256').update(nodes.join('\n')).digest('hex').slice(0, 16)}`;
}

function isLocal(node: InventoryNode): boolean {
  return node.transport === 'local' || (node.transport === undefined && node.machineName.toLowerCase() === hostname().toLowerCase());
}
