// The catalogs: every key in every language, not empty, with the same {placeholders}, the same key letters in the
// key hints, and a title and summary for every procedure.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {CATALOGS, LANGUAGES, placeholders, PROCEDURE_CATALOGS, procedureText, translator, type MessageKey} from '../../src/i18n/index.ts';
import {PROCEDURE_IDS} from '../../src/i18n/procedures.ts';
import {catalog} from '../../src/procedures/catalog.ts';
import {makeUi} from '../../src/screens/ui.ts';

const KEYS = Object.keys(CATALOGS.en) as MessageKey[];

describe('every language has every key, not empty, with the same placeholders', () => {
  for (const language of LANGUAGES) {
    test(language, () => {
      const texts = CATALOGS[language] as Readonly<Record<string, string>>;
      assert.deepEqual(Object.keys(texts).sort(), [...KEYS].sort(), 'the same keys as English, no more, no less');
      for (const key of KEYS) {
        const text = texts[key]!;
        assert.ok(text.trim().length > 0 || CATALOGS.en[key].trim() === '', `${language} ${key} is empty`);
        assert.deepEqual(placeholders(text), placeholders(CATALOGS.en[key]), `${language} ${key}: "${text}"`);
      }
    });
  }

  test('the translations are translations: most texts differ from English', () => {
    for (const language of LANGUAGES.filter((l) => l !== 'en')) {
      const same = KEYS.filter((k) => CATALOGS[language][k] === CATALOGS.en[k] && /[a-z]{4,}/.test(CATALOGS.en[k]));
      // Only key names and texts made of commands, paths and placeholders may stay as they are
      assert.ok(
        same.every((k) => /^(keyName\.|run\.title|run\.phase|output\.command|footer\.hint|rollback\.item|where\.(plan|confirmation))/.test(k)),
        `${language} left in English: ${same.join(', ')}`,
      );
    }
  });
});

/** The key letters a hint names: a lone letter (or ?) between spaces, slashes or brackets. */
function keyLetters(text: string): Set<string> {
  const bare = text.replace(/\{\w+\}/g, ' ');
  return new Set([...bare.matchAll(/(?<=^|[\s(/·（？：，])([a-zA-Z?])(?=[\s/]|$)/g)].map((m) => m[1]!));
}

describe('key hints name the same keys in every language (keys are not words)', () => {
  const HINTS = KEYS.filter((k) =>
    /^(footer\.|failure\.(retry|resume|skip|rollback|nodeOnly|quit)$|confirm\.answer|rollback\.answer|nodeRollback\.(answer|close|note)|home\.footer|params\.footer|plan\.footer|transcript\.(footer|match|typing)|sessions\.footer|help\.close|hint\.)/.test(
      k,
    ),
  );
  for (const language of LANGUAGES.filter((l) => l !== 'en')) {
    test(language, () => {
      assert.ok(HINTS.length > 30);
      for (const key of HINTS) {
        // `?` (help) works on every screen: a translation may leave it out of a hint that would not fit 80 columns.
        const english = keyLetters(CATALOGS.en[key]);
        if (!/(^|· )a yes/.test(CATALOGS.en[key])) english.delete('a'); // the article, not the key
        const missing = [...english].filter((letter) => letter !== '?' && !keyLetters(CATALOGS[language][key]).has(letter));
        assert.deepEqual(missing, [], `${language} ${key}: "${CATALOGS[language][key]}" does not name ${missing.join(' ')} (English: "${CATALOGS.en[key]}")`);
      }
    });
  }

  test('the French recovery hint names its keys too, fitting 80 columns on an ASCII console', () => {
    // (the one hint checked by hand: it is the tightest in French)
    const text = translator('fr')('recovery.footer');
    for (const letter of ['e', 'r']) assert.ok(keyLetters(text).has(letter), text);
  });
});

describe('procedures: a title and a summary in every language, by id', () => {
  test('the ids translated are exactly the procedures certwalk has (a new procedure asks for its translations)', () => {
    assert.deepEqual([...PROCEDURE_IDS].sort(), catalog.map((p) => p.id).sort());
  });

  for (const [language, procedures] of Object.entries(PROCEDURE_CATALOGS)) {
    test(language, () => {
      for (const id of PROCEDURE_IDS) {
        const text = procedures[id];
        assert.ok(text.title.trim() && text.summary.trim(), `${language} ${id}`);
        const english = catalog.find((p) => p.id === id)!;
        assert.notEqual(text.title, english.title, `${language} ${id}: the title is not translated`);
        // Product and cmdlet names stay as they are
        for (const name of english.summary.match(/\b[A-Z][a-z]+-Cs[A-Za-z]+\b|\b(?:Set|New)-AzureRm[A-Za-z]+\b|MasterSettings\.config|WorkerSettings\.config|OAuthTokenIssuer/g) ??
          []) {
          assert.ok(text.summary.includes(name) || text.title.includes(name), `${language} ${id}: "${name}" is missing from "${text.summary}"`);
        }
      }
    });
  }

  test('English comes from the procedure itself; an untranslated procedure falls back to it', () => {
    assert.deepEqual(procedureText('en', catalog[0]!), {title: catalog[0]!.title, summary: catalog[0]!.summary});
    assert.deepEqual(procedureText('fr', {id: 'not-yet-translated', title: 'New thing', summary: 'Does things.'}), {title: 'New thing', summary: 'Does things.'});
    assert.equal(makeUi({language: 'ko'}).procedure(catalog[0]!).title, 'SSIS Scale Out: Master 인증서 변경');
  });
});

describe('plural forms follow the language', () => {
  test('English and French differ on zero', () => {
    const en = makeUi({language: 'en'});
    const fr = makeUi({language: 'fr'});
    assert.match(en.plural('sessions.footer', 0, {count: 0}), /^0 sessions /);
    assert.match(en.plural('sessions.footer', 1, {count: 1}), /^1 session /);
    assert.match(fr.plural('sessions.footer', 0, {count: 0}), /^0 session /);
    assert.match(fr.plural('sessions.footer', 2, {count: 2}), /^2 sessions /);
  });
});

describe('French typography: a non-breaking space before : ; ? ! so a line never starts with one', () => {
  test('applied to the French catalog and procedure texts', () => {
    assert.equal(CATALOGS.fr['home.choose'], 'Choisissez une procédure\u00A0:');
    assert.match(CATALOGS.fr['footer.quit'], /tel quel\u00A0\? y quitter/);
    assert.ok(!Object.values(CATALOGS.fr).some((text) => / [:;?!](\s|$)/.test(text.replace(/(^|[·/(]) ?[?!] /g, ''))), 'a plain space before : ; ? !');
    assert.match(PROCEDURE_CATALOGS.fr['ssis-master'].title, /^SSIS Scale Out\u00A0: /);
  });
});
