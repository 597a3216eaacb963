// Which other certwalk sessions changed a node after this one, read from their journals. An undo that finds a value
// it did not write names them (journal and transcript), so the admin knows whose change a rollback would have
// overwritten and which session to roll back first. Read only when a step asks: the journals are not otherwise opened.
import {existsSync, readdirSync, statSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import type {SessionOnNode} from '../procedures/types.ts';
import {readJournal, type JournalRecord} from './journal.ts';
import {journalsDir} from './recovery.ts';

interface Parsed {
  readonly sessionId: string;
  readonly procedure: string;
  readonly user: string;
  readonly machine: string;
  readonly transcript: string;
  readonly headerAt: number;
  /** When the session started each change (`do`) on each node, in journal order. */
  readonly changes: ReadonlyMap<string, readonly number[]>;
  readonly rolledBack: boolean;
  /** Upper-cased, for `mentions`: thumbprints are compared without regard to case. */
  readonly text: string;
}

/** Parsed journals by path, kept while the file keeps its size and time: a rollback of 200 workers asks 200 times. */
const cache = new Map<string, {readonly key: string; readonly parsed: Parsed | null}>();

/**
 * This session's own journal grows with every undo it records, but only its `do` records matter here and a rollback
 * adds none: it is parsed once, not again after each undo (a rollback of 200 workers would re-read it 200 times).
 */
function parseOwn(path: string, node: string): Parsed | null {
  const hit = cache.get(path)?.parsed;
  return hit?.changes.has(node) ? hit : parse(path);
}

function parse(path: string): Parsed | null {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return null;
  }
  const key = `${stat.size}:${stat.mtimeMs}`;
  const hit = cache.get(path);
  if (hit?.key === key) return hit.parsed;
  let parsed: Parsed | null;
  try {
    const read = readJournal(path);
    const nodeOf = new Map(read.header.steps.map((s) => [s.id, s.node]));
    const changes = new Map<string, number[]>();
    for (const record of read.records) {
      if (record.kind !== 'effect' || record.effect.type !== 'do') continue;
      const node = nodeOf.get(record.effect.stepId);
      if (node !== undefined) changes.set(node, [...(changes.get(node) ?? []), record.at]);
    }
    const ends = read.records.filter((r): r is Extract<JournalRecord, {kind: 'end'}> => r.kind === 'end');
    const header = read.records[0] as Extract<JournalRecord, {kind: 'header'}>;
    parsed = {
      sessionId: read.header.sessionId,
      procedure: read.header.procedure,
      user: read.header.user,
      machine: read.header.machine,
      transcript: read.header.transcript,
      headerAt: header.at,
      changes,
      rolledBack: ends.at(-1)?.phase === 'rolled-back',
      text: JSON.stringify(read.records).toUpperCase(),
    };
  } catch {
    parsed = null; // not a journal, or one from another version: it names nobody
  }
  cache.set(path, {key, parsed});
  return parsed;
}

/**
 * Sessions other than `self` (a journal path) that started a change on `node` after `self` first did (or, if it
 * never did, after it began), oldest first; one that began earlier counts by its changes after that time. Looked for in the state directory's journals and beside `self`
 * (`--journal` may put a journal anywhere).
 */
export function sessionsOnNode(node: string, self: string, dirs: readonly string[] = [dirname(self), journalsDir()]): SessionOnNode[] {
  const own = parseOwn(resolve(self), node);
  const since = own ? (own.changes.get(node)?.[0] ?? own.headerAt) : 0;
  const seen = new Set<string>([resolve(self)]);
  const found: {at: number; session: SessionOnNode}[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) {
      const path = resolve(join(dir, name));
      if (seen.has(path)) continue;
      seen.add(path);
      const other = parse(path);
      const at = other?.changes.get(node)?.find((t) => t > since);
      if (!other || at === undefined || other.sessionId === own?.sessionId) continue;
      const text = other.text;
      found.push({
        at,
        session: {
          journal: path,
          transcript: other.transcript,
          sessionId: other.sessionId,
          procedure: other.procedure,
          by: `${other.user}@${other.machine}`,
          changedAt: new Date(at).toISOString(),
          rolledBack: other.rolledBack,
          mentions: (value: string) => value !== '' && text.includes(value.toUpperCase()),
        },
      });
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.session);
}
