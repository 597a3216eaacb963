// Checks an inventory read from JSON (a --hosts file, a sandbox's sandbox.json) field by field, before anything
// runs: a hand-edited file with `"fqdn": 123` or `"roles": {…}` must stop certwalk with one line naming the file and
// the field, not with a TypeError from deep inside a step.

/** A file the user gave (or pointed at) is not what certwalk needs: a usage error, exit code 2. */
export class InventoryError extends Error {
  readonly code = 'CERTWALK_USAGE';
}

/** `123`, `"x"`, `null`, `a list`, `an object`: the value as the error message shows it. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (value === undefined) return 'nothing';
  return JSON.stringify(value) ?? String(value);
}

/** The parsed JSON object at the top of `source`, or an InventoryError. */
export function parseJsonObject(text: string, source: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InventoryError(`${source} is not JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new InventoryError(`${source} must hold a JSON object with a "nodes" list, got ${describeValue(data)}`);
  return data as Record<string, unknown>;
}

/** Field checks of one `nodes[i]` entry; each returns the value or throws naming `source: nodes[i].field`. */
export class NodeFields {
  constructor(
    private readonly raw: unknown,
    private readonly where: string,
  ) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InventoryError(`${where} must be an object with "name" and "roles", got ${describeValue(raw)}`);
  }

  #get(field: string): unknown {
    return (this.raw as Record<string, unknown>)[field];
  }

  /** A non-empty string (empty too with `allowEmpty`); `undefined` only when `optional` (the caller's default applies). */
  string(field: string, options: {optional?: boolean; allowEmpty?: boolean} = {}): string | undefined {
    const value = this.#get(field);
    if (value === undefined && options.optional) return undefined;
    if (typeof value !== 'string') throw new InventoryError(`${this.where}.${field} must be a string, got ${describeValue(value)}`);
    if (!value.trim() && !options.allowEmpty) throw new InventoryError(`${this.where}.${field} must not be empty`);
    return value;
  }

  /** A list of non-empty strings (may be empty). */
  strings(field: string, example: string): string[] {
    const value = this.#get(field);
    if (!Array.isArray(value)) throw new InventoryError(`${this.where}.${field} must be a list of strings (e.g. ${example}), got ${describeValue(value)}`);
    return value.map((item, i) => {
      if (typeof item !== 'string' || !item.trim()) throw new InventoryError(`${this.where}.${field}[${i}] must be a non-empty string, got ${describeValue(item)}`);
      return item;
    });
  }

  /** One of `allowed`, or undefined when absent. */
  oneOf<T extends string>(field: string, allowed: readonly T[]): T | undefined {
    const value = this.#get(field);
    if (value === undefined) return undefined;
    if (!allowed.includes(value as T)) throw new InventoryError(`${this.where}.${field} must be ${allowed.map((a) => `"${a}"`).join(' or ')}, got ${describeValue(value)}`);
    return value as T;
  }
}

/** The `nodes` list of an inventory: present, a non-empty list, names unique (case-insensitively, as Windows). */
export function nodeList(data: Record<string, unknown>, source: string): unknown[] {
  const nodes = data.nodes;
  if (!Array.isArray(nodes)) throw new InventoryError(`${source}: "nodes" must be a list of nodes, got ${describeValue(nodes)}`);
  if (!nodes.length) throw new InventoryError(`${source}: "nodes" is empty`);
  return nodes;
}

/** Throws when `name` was seen before in the same list. */
export function checkUnique(seen: Set<string>, name: string, where: string): void {
  if (seen.has(name.toLowerCase())) throw new InventoryError(`${where}.name: "${name}" is listed twice`);
  seen.add(name.toLowerCase());
}
