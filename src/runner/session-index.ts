// Where every session's journal is, so `certwalk resume` and the Recovery screen find them all. A journal normally
// lives in stateDir()/journals; one written elsewhere (`run --journal /elsewhere/x.jsonl`) leaves a pointer there,
// `<sessionId>.where`, written when the session starts: the lock refusal sends the admin to `certwalk resume`, which
// must then list it. One small file per session: no two certwalks ever append to the same file.
import {closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {stateDir} from './paths.ts';

export function journalsDir(): string {
  return join(stateDir(), 'journals');
}

const POINTER = '.where';

/** Records where a session's journal is, unless it is in the journals folder already (found there by its name). */
export function recordJournalLocation(sessionId: string, journalPath: string, dir: string = journalsDir()): void {
  const journal = resolve(journalPath);
  if (dirname(journal) === resolve(dir) && journal.endsWith('.jsonl')) return;
  mkdirSync(dir, {recursive: true, mode: 0o700});
  const fd = openSync(join(dir, `${sessionId}${POINTER}`), 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify({sessionId, journal})}\n`);
    // On disk before the session's first record: a crash right after must not leave a journal nobody lists.
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Every journal the folder knows of, newest first: its own `*.jsonl` and the ones its pointers name (each once).
 * Session ids start with their start time, so names sort by it.
 */
export function indexedJournals(dir: string = journalsDir()): string[] {
  if (!existsSync(dir)) return [];
  const found: {key: string; path: string}[] = [];
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.jsonl')) found.push({key: name.slice(0, -'.jsonl'.length), path: join(dir, name)});
    else if (name.endsWith(POINTER)) {
      const journal = pointedJournal(join(dir, name));
      if (journal) found.push({key: name.slice(0, -POINTER.length), path: journal});
    }
  }
  found.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
  const seen = new Set<string>();
  return found.flatMap(({path}) => {
    const key = resolve(path);
    if (seen.has(key)) return [];
    seen.add(key);
    return [path];
  });
}

/** The journal a pointer names, or null when the pointer is unreadable or the journal is gone (deleted, moved). */
function pointedJournal(pointer: string): string | null {
  try {
    const journal = (JSON.parse(readFileSync(pointer, 'utf8')) as {journal?: unknown}).journal;
    return typeof journal === 'string' && existsSync(journal) ? journal : null;
  } catch {
    return null;
  }
}
