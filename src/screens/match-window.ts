// One line of a searched transcript, fitted to the screen so its match is on it. Transcript lines are data (commands,
// tool output): they are cut, not wrapped, so a match past the cut would be hidden behind the `…`. Such a line is
// shown scrolled sideways instead: `…` + the text around the match + `…`.
import stringWidth from 'string-width';
import {cut, fit} from './format.ts';

export interface MatchPart {
  readonly text: string;
  /** An occurrence of the search (shown highlighted). */
  readonly hit: boolean;
}

const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/** Where `query` occurs in `text`, case-insensitively, as [start, end) character offsets into `text`. */
export function occurrences(text: string, query: string): [number, number][] {
  if (!query) return [];
  const found: [number, number][] = [];
  const needle = query.toLowerCase();
  // Lower-casing can change a string's length (İ → i̇): then offsets into the lowered text would not be offsets into
  // `text`, so it is compared piece by piece instead.
  const sameLength = text.toLowerCase().length === text.length;
  const lower = sameLength ? text.toLowerCase() : text;
  for (let at = 0; at <= text.length - query.length;) {
    const index = sameLength ? lower.indexOf(needle, at) : indexFolded(text, query, at);
    if (index === -1) break;
    found.push([index, index + query.length]);
    at = index + Math.max(1, query.length);
  }
  return found;
}

function indexFolded(text: string, query: string, from: number): number {
  const needle = query.toLowerCase();
  for (let i = from; i <= text.length - query.length; i++) if (text.slice(i, i + query.length).toLowerCase() === needle) return i;
  return -1;
}

/** `text` split into hits and the rest. */
function split(text: string, query: string): MatchPart[] {
  const parts: MatchPart[] = [];
  let at = 0;
  for (const [start, end] of occurrences(text, query)) {
    if (start > at) parts.push({text: text.slice(at, start), hit: false});
    parts.push({text: text.slice(start, end), hit: true});
    at = end;
  }
  if (at < text.length) parts.push({text: text.slice(at), hit: false});
  return parts;
}

/**
 * `text` in at most `width` cells, as parts to highlight. A line whose first match fits is cut as usual; one whose
 * first match lies past the cut starts a little before the match (a third of the width of context, as the viewer puts
 * the matched line a third of the way down), behind a leading ellipsis.
 */
export function matchWindow(text: string, query: string, width: number, ellipsis: string): MatchPart[] {
  const first = occurrences(text, query)[0];
  if (!first || stringWidth(text) <= width) return withEllipsis(fit(text, width, ellipsis), text, query, ellipsis);
  const mark = stringWidth(ellipsis);
  const [start, end] = first;
  // The match is whole before the trailing ellipsis: nothing to scroll.
  if (stringWidth(text.slice(0, end)) <= width - mark) return withEllipsis(fit(text, width, ellipsis), text, query, ellipsis);

  const room = width - mark; // after the leading ellipsis
  // Grapheme starts and the cells from each one to the end of the line, so no slice is measured twice.
  const segments = [...graphemes.segment(text)];
  const fromHere: number[] = new Array(segments.length + 1).fill(0);
  for (let i = segments.length - 1; i >= 0; i--) fromHere[i] = fromHere[i + 1]! + stringWidth(segments[i]!.segment);
  const at = (i: number) => (i < segments.length ? segments[i]!.index : text.length);
  /** The first grapheme starting at or after a character offset. */
  const segmentAt = (offset: number) => {
    const i = segments.findIndex((g) => g.index >= offset);
    return i === -1 ? segments.length : i;
  };
  const matchAt = Math.max(0, segmentAt(start + 1) - 1); // the grapheme holding the match's first character
  const endAt = segmentAt(end);
  const context = Math.floor(room / 3);
  let from = matchAt;
  if (fromHere[matchAt]! <= room) {
    // The rest of the line fits from the match on: it ends the line, with as much before it as the room allows.
    while (from > 0 && fromHere[from - 1]! <= room) from--;
  } else {
    // About a third of the room of context before the match…
    while (from > 0 && fromHere[from - 1]! - fromHere[matchAt]! <= context) from--;
    // …less when the match would not end before a trailing ellipsis (a match wider than the screen starts it).
    while (from < matchAt && fromHere[from]! - fromHere[endAt]! > room - mark) from++;
  }
  const tail = text.slice(at(from));
  const body = fromHere[from]! <= room ? tail : cut(tail, room - mark);
  const parts = [{text: ellipsis, hit: false}, ...split(body, query)];
  return body.length < tail.length ? [...parts, {text: ellipsis, hit: false}] : parts;
}

/** The parts of a fitted line: its text's hits, and the ellipsis (never a hit, even if the search is "."). */
function withEllipsis(fitted: string, text: string, query: string, ellipsis: string): MatchPart[] {
  if (fitted === text || !fitted.endsWith(ellipsis)) return split(fitted, query);
  return [...split(fitted.slice(0, fitted.length - ellipsis.length), query), {text: ellipsis, hit: false}];
}

/** The parts joined: the line as the screen shows it. */
export function shownText(parts: readonly MatchPart[]): string {
  return parts.map((p) => p.text).join('');
}
