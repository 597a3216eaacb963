// Every screen in every language, at 80×24 (an RDP console) and 200×50, in Unicode and in ASCII: it fits the
// terminal, its title and key hints are on screen whole (not cut), aligned columns line up by display cells (a
// Chinese character takes two), and an ASCII console gets nothing outside printable ASCII.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import stringWidth from 'string-width';

import {LANGUAGES, type Language} from '../../src/i18n/index.ts';
import {catalog} from '../../src/procedures/catalog.ts';
import {BINDINGS} from '../../src/screens/keys.ts';
import {makeUi, type Ui} from '../../src/screens/ui.ts';
import {screen, SCREEN_NAMES, type ScreenName} from './console-fixtures.tsx';

const RDP = {columns: 80, rows: 24} as const;
const WIDE = {columns: 200, rows: 50} as const;

const lines = (frame: string) => frame.split('\n');
const squeeze = (text: string) => text.replace(/\s+/g, '');
/** On screen whole: wrapped over several lines maybe, but nothing cut off. */
const shows = (frame: string, text: string) => squeeze(frame).includes(squeeze(text));
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The texts of each screen that must be on it, whole; `footer` must be its last line exactly. */
function expected(name: ScreenName, ui: Ui): {texts: string[]; footer: string | RegExp} {
  const {t, g} = ui;
  const master = ui.procedure(catalog[0]!).title;
  const worker = ui.procedure(catalog[1]!).title;
  switch (name) {
    case 'home':
      return {texts: [t('home.title'), t('home.choose'), ...catalog.map((p) => ui.procedure(p).title)], footer: t('home.footer', {transcripts: t('home.footer.transcripts')})};
    case 'params':
      return {texts: [t('params.title', {title: master}), t('params.intro'), t('params.continue')], footer: t('params.footer')};
    case 'plan':
      return {texts: [t('plan.title', {title: master, count: 14, lines: ''}), t('plan.legend')], footer: t('plan.footer')};
    case 'recovery':
      return {texts: [t('recovery.title'), t('recovery.intro'), master, t('recovery.crashed')], footer: t('recovery.footer')};
    case 'help':
      return {texts: [t('help.title'), t('help.intro'), t('help.destructive')], footer: t('help.close')};
    case 'transcript': {
      const marker = '@@';
      const template = t('transcript.footer', {from: marker, to: marker, total: marker, search: ''});
      return {texts: [t('transcript.title', {path: ''}).trim()], footer: new RegExp(`^${escape(template).replaceAll(marker, '\\d+')}$`)};
    }
    case 'sessions':
      return {texts: [t('sessions.started'), t('sessions.procedure'), t('sessions.state'), t('state.unfinished')], footer: ui.plural('sessions.footer', 1, {count: 1})};
    case 'running':
      return {
        texts: [t('run.title', {title: master}), t('run.phase', {phase: t('phase.running'), done: 5, total: 14}), t('changes.before'), t('changes.after')],
        footer: t('footer.running'),
      };
    case 'confirm':
      return {
        texts: [t('confirm.title', {node: 'master', title: 'Delete the SSL binding on 0.0.0.0:8391'}), t('confirm.commands'), t('confirm.answer')],
        footer: t('footer.confirm'),
      };
    case 'failed':
      return {
        texts: [
          t('failure.title', {icon: g.bad, phase: t('stepPhase.do'), node: 'master', title: 'Add the new certificate on 0.0.0.0:8391 (same appid and options)'}),
          'Error: 1312 A specified logon session does not exist. It may already have been terminated.',
          [t('failure.retry'), t('failure.rollback'), t('failure.quit')].join(` ${g.separator} `),
        ],
        footer: t('footer.failed'),
      };
    case 'done':
      return {texts: [t('done.completed', {icon: g.ok, count: 14}), t('done.transcript'), t('changes.before'), t('changes.after')], footer: t('footer.completed')};
    case 'rollback':
      return {texts: [t('rollback.title'), t('rollback.answer')], footer: t('footer.completed')};
    case 'nodes':
      return {
        texts: [t('run.title', {title: worker}), t('lanes.nodes', {count: 200}), t('run.nodePosition', {index: 1, total: 201})],
        footer: t('footer.nodes.running', {move: t('footer.nodes.move')}),
      };
  }
}

function assertFits(frame: string, size: {columns: number; rows: number}, what: string): void {
  const rows = lines(frame);
  assert.ok(rows.length <= size.rows, `${what}: ${rows.length} lines on a ${size.rows}-row terminal:\n${frame}`);
  for (const row of rows) assert.ok(stringWidth(row) <= size.columns, `${what}: ${stringWidth(row)} columns on a ${size.columns}-column terminal: ${row}`);
}

function assertShown(frame: string, name: ScreenName, ui: Ui, what: string): void {
  const {texts, footer} = expected(name, ui);
  for (const text of texts) assert.ok(shows(frame, text), `${what}: "${text}" is not on screen whole:\n${frame}`);
  const last = lines(frame).at(-1)!.trimEnd();
  if (typeof footer === 'string') assert.equal(last, footer, `${what}: the key line is not the last line, whole:\n${frame}`);
  else assert.match(last, footer, `${what}: the key line is not the last line, whole:\n${frame}`);
}

describe('every screen in every language fits 80×24 and shows its title and keys whole', () => {
  for (const language of LANGUAGES) {
    for (const ascii of [false, true]) {
      const ui = makeUi({language, ascii});
      for (const name of SCREEN_NAMES) {
        test(`${language}${ascii ? ' ASCII' : ''}: ${name}`, async () => {
          const frame = await screen(name, ui, RDP);
          assertFits(frame, RDP, `${language} ${name}`);
          assertShown(frame, name, ui, `${language}${ascii ? ' ASCII' : ''} ${name}`);
        });
      }
    }
  }
});

describe('every screen in every language at 200×50', () => {
  for (const language of LANGUAGES) {
    const ui = makeUi({language});
    test(`${language}: all screens fit and show their keys`, async () => {
      for (const name of SCREEN_NAMES) {
        const frame = await screen(name, ui, WIDE);
        assertFits(frame, WIDE, `${language} ${name}`);
        assertShown(frame, name, ui, `${language} ${name} at 200×50`);
      }
    });
  }
});

describe('the help overlay lists every key binding on one line each, in every language', () => {
  for (const language of LANGUAGES) {
    for (const ascii of [false, true]) {
      test(`${language}${ascii ? ' ASCII' : ''}`, async () => {
        const ui = makeUi({language, ascii});
        const rows = lines(await screen('help', ui, RDP));
        for (const b of BINDINGS) {
          const keys = b.keys.map(ui.keyName).join(' / ');
          const row = rows.find((r) => r.startsWith(`${keys} `) && r.includes(ui.t(b.help)));
          assert.ok(row, `no whole line for ${b.command} ("${keys}" ${ui.t(b.help)}):\n${rows.join('\n')}`);
          assert.ok(row.trimEnd().endsWith(ui.t(b.where)), `where ${b.command} works is cut: ${row}`);
        }
        // ASCII names the arrow keys in words; the letters are the same keys in every language
        if (ascii) assert.ok(rows.some((r) => r.startsWith('Up / k ')) && rows.some((r) => r.startsWith('Down / j ')), rows.join('\n'));
        else
          assert.ok(
            rows.some((r) => r.startsWith('↑ / k ')),
            rows.join('\n'),
          );
      });
    }
  }
});

/** The display column at which `part` starts in `row`. */
const columnOf = (row: string, index: number) => stringWidth(row.slice(0, index));

describe('aligned columns start at the same display column on every row', () => {
  for (const language of LANGUAGES) {
    for (const ascii of [false, true]) {
      const ui = makeUi({language, ascii});
      const {t, g} = ui;
      for (const name of ['running', 'done'] as const) {
        test(`${language}${ascii ? ' ASCII' : ''}: the before/after panel (${name})`, async () => {
          const rows = lines(await screen(name, ui, RDP));
          const headerAt = rows.findIndex((r) => r.startsWith(t('changes.node')) && r.includes(t('changes.before')));
          assert.ok(headerAt > 0, rows.join('\n'));
          const header = rows[headerAt]!;
          const arrow = ` ${g.arrow} `;
          const changes = rows.slice(headerAt + 1).filter((r) => r.includes(arrow) && /^(master|worker\d)/.test(r));
          assert.ok(changes.length >= 3, rows.join('\n'));
          const what = columnOf(header, header.indexOf(t('changes.what')));
          const before = columnOf(header, header.indexOf(t('changes.before')));
          const after = columnOf(header, header.lastIndexOf(t('changes.after')));
          for (const row of changes) {
            assert.equal(columnOf(row, row.search(/(?<=^\S+ +)\S/)), what, `"what" column:\n${header}\n${row}`);
            const value = row.search(new RegExp(`[0-9A-F]{8}|${escape(t('changes.noValue'))}`));
            assert.equal(columnOf(row, value), before, `"before" column:\n${header}\n${row}`);
            assert.equal(columnOf(row, row.lastIndexOf(arrow) + arrow.length), after, `"after" column:\n${header}\n${row}`);
          }
        });
      }

      test(`${language}${ascii ? ' ASCII' : ''}: the node list`, async () => {
        const rows = lines(await screen('nodes', ui, RDP)).filter((r) => /^.. worker\d+ +\d+\/3 /.test(r));
        assert.ok(rows.length >= 10, `node rows:\n${rows.join('\n')}`);
        const progress = rows.map((r) => columnOf(r, r.search(/\d+\/3 /)));
        const what = rows.map((r) => columnOf(r, r.search(/(?<=\d+\/3 )\S/)));
        assert.equal(new Set(progress).size, 1, `progress columns ${progress}:\n${rows.join('\n')}`);
        assert.equal(new Set(what).size, 1, `"what" columns ${what}:\n${rows.join('\n')}`);
        // …and the status ends each row at the same column (right-aligned), whatever its language
        assert.equal(new Set(rows.map((r) => stringWidth(r.trimEnd()))).size, 1, rows.join('\n'));
      });
    }
  }
});

/** Letters of languages not written in Latin script, which an ASCII console must still show (Chinese, Korean). */
const SCRIPT_LETTERS: Partial<Record<Language, RegExp>> = {
  zh: /[\p{Script=Han}\u3000-\u303F\uFF01-\uFF60]/u,
  ko: /[\p{Script=Hangul}\p{Script=Han}\u3000-\u303F\uFF01-\uFF60]/u,
};

describe('--ascii: nothing outside printable ASCII (Chinese and Korean keep their letters, not the symbols)', () => {
  for (const language of LANGUAGES) {
    test(`${language}: every screen`, async () => {
      const ui = makeUi({language, ascii: true});
      for (const name of SCREEN_NAMES) {
        for (const size of [RDP, WIDE]) {
          const frame = await screen(name, ui, size);
          const letters = SCRIPT_LETTERS[language];
          const outside = [...frame].filter((ch) => !/[\x20-\x7E\n]/.test(ch) && !letters?.test(ch));
          assert.deepEqual([...new Set(outside)], [], `${language} ${name} at ${size.columns}×${size.rows}:\n${frame}`);
        }
      }
    });
  }

  test('English and French are pure ASCII; French loses its accents, not its words', async () => {
    const fr = await screen('home', makeUi({language: 'fr', ascii: true}), RDP);
    assert.match(fr, /^Choisissez une procedure :$/m);
    assert.match(fr, /Up\/Dn\/jk deplacer \| Entree choisir/);
    assert.match(fr, /^> SSIS Scale Out : changer le certificat du Master$/m);
  });

  test('the same screens in Unicode do draw the symbols (the ASCII test is not vacuous)', async () => {
    const frame = await screen('running', makeUi({language: 'en'}), RDP);
    for (const glyph of ['✔', '▶', '·', '→', '─', '↑']) assert.ok(frame.includes(glyph), `${glyph} missing:\n${frame}`);
  });
});
