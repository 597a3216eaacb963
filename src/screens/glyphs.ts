// The one glyph table: every symbol the screens draw, as Unicode and as printable ASCII (`--ascii`, or a console that
// cannot draw Unicode: see console.ts). Screens take their symbols from a `Glyphs` (ui.ts hands out the right one);
// text from elsewhere (catalog strings, step titles, commands, tool output) goes through `toAscii`, built from the
// same table, before it is measured.
import type {NodeCondition} from '../state/progress.ts';
import type {StepStatus} from '../state/types.ts';

type Pair = readonly [unicode: string, ascii: string];

/** Each glyph by role: [Unicode, ASCII]. One-cell icons stay one cell in ASCII so list columns keep their place. */
const TABLE = {
  /** Cut text, head…tail of a thumbprint, "reading…". */
  ellipsis: ['…', '...'],
  /** Between the parts of a footer or a heading. */
  separator: ['·', '|'],
  /** before → after. */
  arrow: ['→', '->'],
  /** The rule under the step list. */
  rule: ['─', '-'],
  /** The selected row of a list the app draws itself. */
  cursor: ['›', '>'],
  /** The highlighted item of a menu. */
  pointer: ['❯', '>'],
  /** A line the search matches, in the transcript viewer's marker column (the current match has the pointer). */
  hit: ['•', '*'],
  /** The end of a search being typed. */
  caret: ['▏', '_'],
  /** Before the count of rows scrolled out of view ("↑3 above"); ASCII says it in words only. */
  above: ['↑', ''],
  below: ['↓', ''],
  /** A read-back that matched, a completed procedure. */
  ok: ['✔', '+'],
  /** A failure, an undo that failed. */
  bad: ['✘', '!'],
  /** A finished rollback. */
  undone: ['↺', '<'],
} as const satisfies Record<string, Pair>;

const STEP: Record<StepStatus['kind'], Pair> = {
  pending: ['·', '.'],
  capturing: ['▶', '>'],
  'awaiting-confirmation': ['?', '?'],
  running: ['▶', '>'],
  verifying: ['▶', '>'],
  done: TABLE.ok,
  failed: TABLE.bad,
  skipped: ['↷', '-'],
  undoing: ['↶', '<'],
  undone: TABLE.undone,
  'undo-failed': TABLE.bad,
};

const NODE: Record<NodeCondition, Pair> = {
  'undo-failed': TABLE.bad,
  failed: TABLE.bad,
  asking: ['?', '?'],
  undoing: ['↶', '<'],
  running: ['▶', '>'],
  stopped: ['‖', '='],
  waiting: ['·', '.'],
  undone: TABLE.undone,
  done: TABLE.ok,
};

/**
 * Glyphs as they occur inside running text (catalog strings, key names, data), longest first. Arrows there are keys:
 * "↑↓ move" reads "Up/Dn move" in ASCII (and a lone ↑ "Up"). The rest are typography a translation or a tool may use.
 */
const IN_TEXT: readonly Pair[] = [
  ['↑↓', 'Up/Dn'],
  ['↑', 'Up'],
  ['↓', 'Down'],
  ['←', '<-'],
  ['↔', '<->'],
  TABLE.arrow,
  TABLE.ellipsis,
  TABLE.separator,
  TABLE.rule,
  ['│', '|'],
  TABLE.cursor,
  TABLE.pointer,
  TABLE.hit,
  TABLE.caret,
  TABLE.ok,
  TABLE.bad,
  ['✓', '+'],
  ['✗', '!'],
  ['●', '*'],
  ['▶', '>'],
  ['↷', '-'],
  ['↶', '<'],
  TABLE.undone,
  ['‖', '='],
  ['«\u00A0', '"'],
  ['\u00A0»', '"'],
  ['«', '"'],
  ['»', '"'],
  ['“', '"'],
  ['”', '"'],
  ['„', '"'],
  ['‘', "'"],
  ['’', "'"],
  ['–', '-'],
  ['—', '-'],
  ['×', 'x'],
  ['≥', '>='],
  ['≤', '<='],
  ['œ', 'oe'],
  ['Œ', 'OE'],
  ['æ', 'ae'],
  ['Æ', 'AE'],
  ['ß', 'ss'],
  ['\u00A0', ' '],
  ['\u202F', ' '],
];

export interface Glyphs {
  readonly ascii: boolean;
  /** For an Ink `<Box borderStyle>` (no screen draws a box today): ─│┌ or -|+. */
  readonly borderStyle: 'single' | 'classic';
  readonly ellipsis: string;
  readonly separator: string;
  readonly arrow: string;
  readonly rule: string;
  readonly cursor: string;
  readonly pointer: string;
  readonly hit: string;
  readonly caret: string;
  readonly above: string;
  readonly below: string;
  readonly ok: string;
  readonly bad: string;
  readonly undone: string;
  readonly step: Readonly<Record<StepStatus['kind'], string>>;
  readonly node: Readonly<Record<NodeCondition, string>>;
}

function pick(side: 0 | 1): Glyphs {
  const each = <K extends string>(pairs: Record<K, Pair>) => Object.fromEntries(Object.entries<Pair>(pairs).map(([k, v]) => [k, v[side]])) as Record<K, string>;
  return {ascii: side === 1, borderStyle: side === 1 ? 'classic' : 'single', ...each(TABLE), step: each(STEP), node: each(NODE)};
}

export const UNICODE_GLYPHS: Glyphs = pick(0);
export const ASCII_GLYPHS: Glyphs = pick(1);

const REPLACE = new RegExp(IN_TEXT.map(([from]) => from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
const REPLACEMENT = new Map(IN_TEXT.map(([from, to]) => [from, to]));

/**
 * Text as an ASCII console can show it: the table's glyphs spelled in ASCII, accents dropped (é → e), anything else
 * outside printable ASCII as `?`, except characters `keep` matches (the letters of a language written in another
 * script: Chinese and Korean text stays Chinese and Korean, only its symbols become ASCII).
 */
export function toAscii(text: string, keep?: RegExp): string {
  if (/^[\x20-\x7E\n]*$/.test(text)) return text;
  const spelled = text.replace(REPLACE, (found) => REPLACEMENT.get(found) ?? found);
  let out = '';
  for (const ch of spelled) {
    const code = ch.codePointAt(0)!;
    if ((code >= 0x20 && code <= 0x7e) || ch === '\n') out += ch;
    else if (ch === '\t') out += ' ';
    else if (keep?.test(ch)) out += ch;
    else {
      const bare = ch.normalize('NFD').replace(/\p{M}/gu, '');
      out += /^[\x20-\x7E]+$/.test(bare) ? bare : code < 0x20 ? '' : '?';
    }
  }
  return out;
}
