// What the screens need to speak the admin's language on the admin's console: `t` (the catalogs), `g` (the glyph
// table, Unicode or ASCII), `text` (anything from outside the catalogs, made safe for this console before it is
// measured), and the procedures' titles. The screens reach it through a React context (ui-context.tsx); pure views
// take it as an argument. Without one they get English and Unicode.
import {pluralKey, procedureText, translator, type Language, type MessageKey, type MessageParams, type Translate} from '../i18n/index.ts';
import type {ProcedureText} from '../i18n/procedures.ts';
import {ASCII_GLYPHS, toAscii, UNICODE_GLYPHS, type Glyphs} from './glyphs.ts';

export interface Ui {
  readonly language: Language;
  readonly ascii: boolean;
  readonly t: Translate;
  readonly g: Glyphs;
  /** A text from outside the catalogs (step titles, commands, paths, tool output) as this console can show it. */
  text(value: string): string;
  /** `base.one` or `base.other` by the language's plural rules. */
  plural(base: 'sessions.footer', count: number, params: MessageParams): string;
  /** A key of the key table as the admin reads it: ↑ is "Up" in ASCII, Enter is "Entrée" in French. */
  keyName(key: string): string;
  /** A procedure's title and summary in this language (English when it has no translation yet). */
  procedure(procedure: {readonly id: string; readonly title: string; readonly summary?: string}): ProcedureText;
}

/** Letters of the scripts a language is written in, kept on an ASCII console (Chinese stays Chinese). */
const SCRIPT: Partial<Record<Language, RegExp>> = {
  zh: /[\p{Script=Han}\u3000-\u303F\uFF01-\uFF60\uFFE0-\uFFE6]/u,
  ko: /[\p{Script=Hangul}\p{Script=Han}\u3000-\u303F\uFF01-\uFF60\uFFE0-\uFFE6]/u,
};

const NAMED_KEYS: Readonly<Record<string, MessageKey>> = {Enter: 'keyName.Enter', Esc: 'keyName.Esc', PgUp: 'keyName.PgUp', PgDn: 'keyName.PgDn'};

export function makeUi(options: {readonly language?: Language; readonly ascii?: boolean} = {}): Ui {
  const language = options.language ?? 'en';
  const ascii = options.ascii ?? false;
  const keep = SCRIPT[language];
  const text = ascii ? (value: string) => toAscii(value, keep) : (value: string) => value;
  const translate = translator(language);
  const t = (ascii ? (key: MessageKey, params?: MessageParams) => text((translate as (k: MessageKey, p?: MessageParams) => string)(key, params)) : translate) as Translate;
  const plain = t as (key: MessageKey, params?: MessageParams) => string;
  return {
    language,
    ascii,
    t,
    g: ascii ? ASCII_GLYPHS : UNICODE_GLYPHS,
    text,
    plural: (base, count, params) => plain(pluralKey(language, base, count), params),
    keyName: (key) => {
      const named = NAMED_KEYS[key];
      return named ? plain(named) : text(key);
    },
    procedure: (procedure) => {
      const found = procedureText(language, procedure);
      return {title: text(found.title), summary: text(found.summary)};
    },
  };
}

/** English, Unicode: what a screen rendered without a language gets. */
export const DEFAULT_UI: Ui = makeUi();
