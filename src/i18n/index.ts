// The screens' languages: catalogs by language, `{name}` placeholders filled in, plural forms, and the procedures'
// titles and summaries. No React and no terminal here: src/screens/ui.ts adds the glyphs and the React context.
import {en, type Catalog, type MessageKey, type ParamsOf} from './en.ts';
import {fr, frProcedures} from './fr.ts';
import {ko, koProcedures} from './ko.ts';
import type {ProcedureCatalog, ProcedureText} from './procedures.ts';
import type {Language} from './resolve.ts';
import {zh, zhProcedures} from './zh.ts';

export {LANGUAGES, parseLanguage, resolveLanguage, type Language} from './resolve.ts';
export type {Catalog, MessageKey, ParamsOf, PlainKey} from './en.ts';

export const CATALOGS: Readonly<Record<Language, Catalog>> = {en, fr, zh, ko};
/** English comes from the procedures themselves; the others by procedure id (procedures.ts lists the ids). */
export const PROCEDURE_CATALOGS: Readonly<Record<Exclude<Language, 'en'>, ProcedureCatalog>> = {fr: frProcedures, zh: zhProcedures, ko: koProcedures};

export type MessageParams = Readonly<Record<string, string | number>>;

/** `t(key)` or `t(key, {name: value})`, the placeholders of the key's English text required by type. */
export type Translate = <K extends MessageKey>(key: K, ...params: [ParamsOf<K>] extends [never] ? [] : [Readonly<Record<ParamsOf<K>, string | number>>]) => string;

/** Fills `{name}` placeholders; an unknown name is left as it is (a catalog test catches it). */
export function format(template: string, params: MessageParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The `{name}` placeholders of a text. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
}

export function translator(language: Language): Translate {
  const catalog = CATALOGS[language];
  return ((key: MessageKey, params?: MessageParams) => format(catalog[key] || en[key], params)) as Translate;
}

/** Keys with a `.one` and an `.other` form. */
type PluralBase<K = MessageKey> = K extends `${infer Base}.one` ? (`${Base}.other` extends MessageKey ? Base : never) : never;

/** The form of `base` for `count` by the language's plural rules (French: 0 and 1 are singular; Chinese, Korean: one form). */
export function pluralKey(language: Language, base: PluralBase, count: number): `${PluralBase}.one` | `${PluralBase}.other` {
  return pluralRules(language).select(count) === 'one' ? `${base}.one` : `${base}.other`;
}

// Made once per language: a screen that counts things asks on every frame, and each Intl object loads locale data.
const rules = new Map<Language, Intl.PluralRules>();
function pluralRules(language: Language): Intl.PluralRules {
  let r = rules.get(language);
  if (!r) rules.set(language, (r = new Intl.PluralRules(language)));
  return r;
}

/** A procedure's title and summary in `language`; English (the procedure's own) for a procedure not translated yet. */
export function procedureText(language: Language, procedure: {readonly id: string; readonly title: string; readonly summary?: string}): ProcedureText {
  const english = {title: procedure.title, summary: procedure.summary ?? ''};
  if (language === 'en') return english;
  return (PROCEDURE_CATALOGS[language] as Readonly<Record<string, ProcedureText | undefined>>)[procedure.id] ?? english;
}
