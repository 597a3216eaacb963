// Full-screen views are built as an exact list of lines, so a frame never grows past the terminal's height
// (Ink clears the whole screen on every frame once output is taller than the terminal).
import {Text} from 'ink';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import {cut, fit} from './format.ts';
import {useUi} from './ui-context.tsx';

export interface Line {
  readonly text: string;
  readonly color?: string | undefined;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly inverse?: boolean;
}

export function line(text: string, style: Omit<Line, 'text'> = {}): Line {
  return {text, ...style};
}

/** Word-wraps `text` to `width` cells, continuation lines indented by `indent`. */
export function wrap(text: string, width: number, style: Omit<Line, 'text'> = {}, indent = ''): Line[] {
  const first = Math.max(10, width);
  const rest = Math.max(10, width - indent.length);
  if (hasWide(text)) {
    const [head = '', ...tail] = wrapWide(text, first, rest);
    return [{text: head, ...style}, ...tail.map((part) => ({text: `${indent}${part}`, ...style}))];
  }
  // The first line has the whole width; only the continuation lines give room to the indent.
  const [head = '', ...tail] = wrapAnsi(text, first, {hard: true, trim: false}).split('\n');
  if (!tail.length) return [{text: head, ...style}];
  const remaining = text.slice(head.length).replace(/^ +/, '');
  const continued = wrapAnsi(remaining, rest, {hard: true, trim: false}).split('\n');
  return [{text: head.trimEnd(), ...style}, ...continued.map((part) => ({text: `${indent}${part.trimEnd()}`, ...style}))];
}

/**
 * Wraps a heading made of parts (`title · plan: 14 steps · lines 1-15 of 31`) between its parts rather than inside
 * one, so "plan: 14 steps" is never split; a part longer than a line is word-wrapped.
 */
export function wrapParts(text: string, separator: string, width: number, style: Omit<Line, 'text'> = {}, indent = ''): Line[] {
  const join = ` ${separator} `;
  const lines: string[] = [];
  let current = '';
  const room = () => (lines.length ? width - indent.length : width);
  const flush = () => {
    if (current) lines.push(`${lines.length ? indent : ''}${current}`);
    current = '';
  };
  for (const part of text.split(join)) {
    const candidate = current ? `${current}${join}${part}` : part;
    if (stringWidth(candidate) <= room()) {
      current = candidate;
      continue;
    }
    flush();
    if (stringWidth(part) <= room()) {
      current = part;
      continue;
    }
    // One part longer than a line: word-wrapped on its own lines.
    if (lines.length) lines.push(...wrap(part, width - indent.length).map((l) => `${indent}${l.text}`));
    else lines.push(...wrap(part, width, {}, indent).map((l) => l.text));
  }
  flush();
  return lines.map((l) => ({text: l, ...style}));
}

const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

function hasWide(text: string): boolean {
  return !/^[\x00-\u10FF]*$/.test(text) && [...text].some((ch) => stringWidth(ch) === 2);
}

/** Characters a line must not start with (closing punctuation), and ones it must not end with (opening). */
const NO_LINE_START = /^[、。，．：；？！）」』】〉》〕｝・ー〜%),.:;?!\]}]/u;
const NO_LINE_END = /[（「『【〈《〔｛([{]$/u;
/** Korean is written in words separated by spaces and breaks between them, like English. */
const HANGUL = /\p{Script=Hangul}/u;

/**
 * Breaks between words, and also between two Chinese characters, which Chinese allows anywhere; never before
 * closing punctuation (，。）) or after an opening bracket, as CJK typesetting requires, nor inside a short [tag].
 * A word longer than a line is cut between graphemes.
 */
function wrapWide(text: string, firstWidth: number, restWidth: number): string[] {
  const tokens: string[] = [];
  let word = '';
  for (const {segment} of graphemes.segment(text)) {
    if (segment === ' ' || (stringWidth(segment) === 2 && !HANGUL.test(segment))) {
      if (word) tokens.push(word);
      word = '';
      tokens.push(segment);
    } else word += segment;
  }
  if (word) tokens.push(word);
  const glued: string[] = [];
  let tag = -1; // where an open [ started, while its tag is still short
  for (const token of tokens) {
    const previous = glued.at(-1);
    const inTag = tag >= 0 && stringWidth(glued.slice(tag).join('') + token) <= 16;
    if (previous !== undefined && (inTag || (previous !== ' ' && token !== ' ' && (NO_LINE_START.test(token) || NO_LINE_END.test(previous))))) {
      glued[glued.length - 1] = previous + token;
    } else glued.push(token);
    if (token.startsWith('[') && !token.includes(']')) tag = glued.length - 1;
    else if (token.includes(']') || !inTag) tag = -1;
  }

  const lines: string[] = [];
  let current = '';
  let used = 0;
  const width = () => (lines.length ? restWidth : firstWidth);
  const breakLine = () => {
    lines.push(current.trimEnd());
    current = '';
    used = 0;
  };
  for (const token of glued) {
    const cells = stringWidth(token);
    if (token === ' ') {
      if (current === '' && lines.length) continue; // no space at the start of a continuation line
      if (used + 1 <= width()) {
        current += ' ';
        used += 1;
      } else breakLine();
      continue;
    }
    if (used + cells <= width()) {
      current += token;
      used += cells;
      continue;
    }
    if (cells <= width()) {
      breakLine();
      current = token;
      used = cells;
      continue;
    }
    // Longer than a whole line: fill this one, then as many as it takes.
    let remaining = token;
    while (remaining) {
      const piece = cut(remaining, width() - used);
      if (!piece) {
        breakLine();
        continue;
      }
      current += piece;
      used += stringWidth(piece);
      remaining = remaining.slice(piece.length);
      if (remaining) breakLine();
    }
  }
  lines.push(current.trimEnd());
  return lines;
}

export function Lines({lines, width}: {lines: readonly Line[]; width: number}) {
  const {text, g} = useUi();
  return (
    <>
      {lines.map((l, i) => (
        <Text key={i} color={l.color} bold={l.bold} dimColor={l.dim} inverse={l.inverse} wrap="truncate-end">
          {fit(text(l.text), width, g.ellipsis) || ' '}
        </Text>
      ))}
    </>
  );
}
