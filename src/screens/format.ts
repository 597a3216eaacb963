// Text helpers for views: fit to a width by display cells (a CJK character takes two), shorten thumbprints, durations.
// Text is cut between graphemes, never inside one, and a wide character that would straddle the edge is left out.
import stringWidth from 'string-width';
import {UNICODE_GLYPHS} from './glyphs.ts';

const ELLIPSIS = UNICODE_GLYPHS.ellipsis;

const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/** The longest start of `text` that takes at most `width` cells. */
export function cut(text: string, width: number): string {
  let out = '';
  let used = 0;
  for (const {segment} of graphemes.segment(text)) {
    const cells = stringWidth(segment);
    if (used + cells > width) break;
    out += segment;
    used += cells;
  }
  return out;
}

/** `text` when it fits `width` cells, else its start and `ellipsis` (… or, on an ASCII console, ...). */
export function fit(text: string, width: number, ellipsis = ELLIPSIS): string {
  if (width <= 0) return '';
  if (stringWidth(text) <= width) return text;
  const room = width - stringWidth(ellipsis);
  return room <= 0 ? cut(text, width) : `${cut(text, room)}${ellipsis}`;
}

/** `text` fitted to `width` cells and padded with spaces to exactly `width` cells. */
export function pad(text: string, width: number, ellipsis = ELLIPSIS): string {
  const fitted = fit(text, width, ellipsis);
  return fitted + ' '.repeat(Math.max(0, width - stringWidth(fitted)));
}

/** Display width in terminal cells. */
export function cells(text: string): number {
  return stringWidth(text);
}

/** Full thumbprint when it fits, else head…tail so two certificates stay distinguishable. */
export function thumb(value: string | null, width: number, ellipsis = ELLIPSIS, none = '(none)'): string {
  if (value === null) return none;
  if (stringWidth(value) <= width) return value;
  const tail = 4;
  const mark = stringWidth(ellipsis);
  if (width < 5 + mark + tail) return fit(value, width, ellipsis);
  return `${cut(value, width - tail - mark)}${ellipsis}${value.slice(-tail)}`;
}

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}
