// Whether a directory is a sandbox `certwalk sandbox init` made, checked before a command uses it: a mistyped
// --sandbox path must be one error naming it (nothing created there), and a hand-edited sandbox.json one error
// naming the field, not a TypeError in the middle of a step.
import {existsSync, readdirSync, statSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import type {NodeInfo} from '../host.ts';
import {checkUnique, describeValue, InventoryError, NodeFields, nodeList, parseJsonObject} from '../inventory-check.ts';
import {sandboxPaths, type SandboxManifest} from './state.ts';

/** Why `dir` holds no sandbox (missing, a file, empty, no sandbox.json), or null when it has a sandbox.json. */
export function missingSandbox(dir: string): string | null {
  const make = `make one with \`certwalk sandbox init ${dir}\``;
  let stat;
  try {
    stat = statSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return `no sandbox at ${dir}: there is no such directory; ${make}`;
    return `no sandbox at ${dir}: ${(error as Error).message}`;
  }
  if (!stat.isDirectory()) return `no sandbox at ${dir}: it is a file; a sandbox is a directory made by \`certwalk sandbox init DIR\``;
  if (existsSync(sandboxPaths.manifest(dir))) return null;
  if (readdirSync(dir).length === 0) return `no sandbox at ${dir}: the directory is empty; ${make}`;
  return `${dir} is not a certwalk sandbox (it has no sandbox.json); ${make} in a new or empty directory`;
}

/** The sandbox's inventory, every field checked; an InventoryError (exit code 2) naming the path or the field. */
export async function checkSandbox(dir: string): Promise<SandboxManifest> {
  const missing = missingSandbox(dir);
  if (missing) throw new InventoryError(missing);
  const source = sandboxPaths.manifest(dir);
  const data = parseJsonObject(await readFile(source, 'utf8'), source);
  if (data.version !== 1) throw new InventoryError(`${source}: version must be 1, got ${describeValue(data.version)} (made by another version of certwalk?)`);
  const seen = new Set<string>();
  const nodes = nodeList(data, source).map((raw, i): NodeInfo => {
    const where = `${source}: nodes[${i}]`;
    const fields = new NodeFields(raw, where);
    const name = fields.string('name')!;
    // The name is a folder name under nodes/: a path in it would reach outside the sandbox.
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new InventoryError(`${where}.name must be letters, digits, ".", "_" or "-", got ${describeValue(name)}`);
    checkUnique(seen, name, where);
    return {
      name,
      machineName: fields.string('machineName')!,
      fqdn: fields.string('fqdn')!,
      ip: fields.string('ip', {allowEmpty: true})!,
      roles: fields.strings('roles', '["ssis-master"]'),
    };
  });
  // After every field: a file written by hand is told about its fields before about the folders beside it.
  nodes.forEach(({name}, i) => {
    if (!existsSync(sandboxPaths.nodeState(dir, name)))
      throw new InventoryError(
        `${source}: nodes[${i}]: node "${name}" has no ${sandboxPaths.nodeState(dir, name)}; remake the sandbox with \`certwalk sandbox init --force ${dir}\``,
      );
  });
  // Other fields (a fleet id, …) are kept as they are: this check is about what certwalk reads.
  return {...(data as object), version: 1, nodes} as SandboxManifest;
}
