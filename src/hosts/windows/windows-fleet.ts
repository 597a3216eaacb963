// Real Windows nodes from an inventory file: this machine runs locally, the others over PowerShell remoting.
import {createHash} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {hostname} from 'node:os';
import type {Fleet, Host, NodeInfo} from '../host.ts';
import {checkUnique, InventoryError, NodeFields, nodeList, parseJsonObject} from '../inventory-check.ts';
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

/** The inventory in `text` (the file `source`), every field checked: a wrong one is one error naming it. */
export function parseInventory(text: string, source: string): Inventory {
  const nodes = nodeList(parseJsonObject(text, source), source);
  const seen = new Set<string>();
  const parsed = nodes.map((raw, i): InventoryNode => {
    const fields = new NodeFields(raw, `${source}: nodes[${i}]`);
    const name = fields.string('name')!;
    checkUnique(seen, name, `${source}: nodes[${i}]`);
    const roles = fields.strings('roles', '["ssis-master"]');
    const transport = fields.oneOf('transport', ['local', 'remote'] as const);
    return {
      name,
      machineName: fields.string('machineName', {optional: true}) ?? name.toUpperCase(),
      fqdn: fields.string('fqdn', {optional: true}) ?? name,
      ip: fields.string('ip', {optional: true, allowEmpty: true}) ?? '',
      roles,
      ...(transport ? {transport} : {}),
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
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InventoryError(`--hosts ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not an inventory file' : (error as Error).message}`);
    }
    return new WindowsFleet(path, parseInventory(text, path), credential);
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
