// Parameter checks shared by procedures: each returns a sentence an admin can act on.
import {isIP} from 'node:net';
import type {Fleet, NodeInfo} from '../hosts/host.ts';

export type Parsed<T> = {readonly ok: true; readonly value: T} | {readonly ok: false; readonly error: string};

/** `all`, or a comma-separated list of known node names (case-insensitive, duplicates dropped). */
export function parseNodeList(input: string, known: readonly string[]): Parsed<string[]> {
  const text = input.trim();
  if (!known.length) return {ok: false, error: 'the fleet has no such nodes'};
  if (text === '' || text.toLowerCase() === 'all') return {ok: true, value: [...known]};
  const byLower = new Map(known.map((name) => [name.toLowerCase(), name]));
  const names: string[] = [];
  for (const raw of text.split(',')) {
    const name = raw.trim();
    if (!name) continue;
    const match = byLower.get(name.toLowerCase());
    if (!match) return {ok: false, error: `no node named "${name}"; known: ${abbreviateList(known)}`};
    if (!names.includes(match)) names.push(match);
  }
  return names.length ? {ok: true, value: names} : {ok: false, error: 'name at least one node, or "all"'};
}

function abbreviateList(names: readonly string[]): string {
  return names.length > 8 ? `${names.slice(0, 8).join(', ')}, … (${names.length} in all)` : names.join(', ');
}

/** A DNS name (RFC 1123 labels) or an IPv4/IPv6 address. */
export function validHostOrIp(value: string): boolean {
  if (isIP(value)) return true;
  if (value.length > 253) return false;
  return value.split('.').every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

/** Key size and validity of a new certificate; each refusal goes into `errors` under its parameter's name. */
export function newCertificateParams(params: Readonly<Record<string, string>>, errors: Record<string, string>): {keyBits: number; validDays: number} {
  const keyBits = parseKeyBits(params.keyBits);
  if (!keyBits.ok) errors.keyBits = keyBits.error;
  const validDays = parseValidDays(params.validDays);
  if (!validDays.ok) errors.validDays = validDays.error;
  return {keyBits: keyBits.ok ? keyBits.value : 2048, validDays: validDays.ok ? validDays.value : 730};
}

/** RSA key size of a new certificate: at least 2048 bits, as every procedure here requires. */
function parseKeyBits(input: string | undefined): Parsed<number> {
  const bits = Number(input ?? 2048);
  return Number.isInteger(bits) && bits >= 2048 && bits <= 16384 ? {ok: true, value: bits} : {ok: false, error: `key size must be at least 2048 bits, not "${input}"`};
}

/** Validity of a new certificate in days. */
function parseValidDays(input: string | undefined): Parsed<number> {
  const days = Number(input ?? 730);
  return Number.isInteger(days) && days >= 1 && days <= 3650 * 3
    ? {ok: true, value: days}
    : {ok: false, error: `validity must be a number of days from 1 to 10950, not "${input}"`};
}

/** The fleet's nodes that carry a role (`ssis-master`, `ssis-worker`, …), in inventory order. */
export async function nodesWithRole(fleet: Fleet, role: string): Promise<NodeInfo[]> {
  return (await fleet.nodes()).filter((n) => n.roles.includes(role));
}

/** `f` over every item, at most `limit` at once; results in the items' order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await f(items[index]!);
    }
  };
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
  return results;
}
