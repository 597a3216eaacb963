// Help and error texts wrap at words instead of being cut: the `?` overlay on a narrow console, and the Parameters
// screen's help line and error messages (long by nature: a tool's error, a path). Data lines may still be cut.
import assert from 'node:assert/strict';
import {afterEach, describe, test} from 'node:test';
import stringWidth from 'string-width';
import {render} from 'ink-testing-library';
import {LANGUAGES} from '../../src/i18n/index.ts';
import {fitHelp, helpLines} from '../../src/screens/help.tsx';
import {BINDINGS} from '../../src/screens/keys.ts';
import {Params} from '../../src/screens/params.tsx';
import {makeUi} from '../../src/screens/ui.ts';
import {ready, waitForFrame, withKeyboard} from '../helpers/ui.ts';

let app: ReturnType<typeof render> | undefined;
afterEach(() => app?.unmount());
const noop = () => {};
const flat = (lines: readonly string[]) =>
  lines
    .map((l) => l.trim())
    .join(' ')
    .replace(/\s+/g, ' ');

describe('the ? overlay', () => {
  for (const language of LANGUAGES) {
    test(`${language}: at 60 columns on a tall console every help text is whole (wrapped, no ellipsis), each line within the width`, () => {
      const ui = makeUi({language});
      const lines = helpLines(59, ui, 60).map((l) => l.text);
      assert.ok(!lines.some((l) => l.includes('…')), lines.join('\n'));
      for (const l of lines) assert.ok(stringWidth(l) <= 59, `${stringWidth(l)}: ${l}`);
      // Every character of every help text, in order (the "where" column sits between a text's first and next lines;
      // Chinese wraps between any two characters, without spaces)
      const shown = lines.join('').replace(/\s+/g, '');
      let at = 0;
      for (const b of BINDINGS) {
        for (const ch of ui.t(b.help).replace(/\s+/g, '')) {
          at = shown.indexOf(ch, at);
          assert.ok(at >= 0, `"${ch}" of ${b.help} is missing:\n${lines.join('\n')}`);
          at++;
        }
      }
      assert.ok(shown.includes(ui.t('help.destructive').replace(/\s+/g, '')), lines.join('\n'));
    });
  }

  test('at 60×24 every key keeps its row and the close line stays: rows that cannot all wrap are cut, as before', () => {
    const lines = fitHelp(helpLines(59, makeUi(), 23), 23).map((l) => l.text);
    assert.ok(lines.length <= 23);
    for (const b of BINDINGS)
      assert.ok(
        lines.some((l) => l.startsWith(b.keys.join(' / '))),
        `${b.keys.join(' / ')} is missing:\n${lines.join('\n')}`,
      );
    assert.equal(lines.at(-1), 'Esc / ? / q close this help');
  });

  test('at 80 and 120 columns the table is aligned, one line per key, nothing cut', () => {
    for (const width of [79, 119]) {
      const lines = helpLines(width, makeUi(), 23).map((l) => l.text);
      assert.equal(lines.length, BINDINGS.length + 4, lines.join('\n'));
      assert.ok(!lines.some((l) => l.includes('…')), lines.join('\n'));
    }
  });
});

describe('the Parameters screen', () => {
  test('a long error and the focused help are wrapped at words, every word on screen', async () => {
    const help = 'The node running SSISScaleOutMaster140, as named in the inventory; its MasterSettings.config gives the port and the SQL Server';
    const error =
      'certutil -store Root failed on master: CertUtil: -store command FAILED: 0x80070005 (WIN32: 5 ERROR_ACCESS_DENIED) Access is denied; run certwalk as a local administrator of master';
    const form = {specs: [{key: 'master', label: 'Master node', help}], values: {master: 'master'}};
    app = render(
      withKeyboard(
        <Params
          title="T"
          form={form}
          values={{master: 'master'}}
          errors={{master: error, _: `prepare failed: ${error}`}}
          checking={false}
          active
          onChange={noop}
          onSubmit={noop}
          onBack={noop}
          onHelp={noop}
          onQuit={noop}
        />,
      ),
    );
    await ready(app);
    const shown = await waitForFrame(app, 'Master node');
    const rows = shown.split('\n');
    assert.ok(!rows.some((r) => r.includes('…')), `something is cut:\n${shown}`);
    const joined = flat(rows);
    assert.ok(joined.includes(`✘ ${error}`), `the field's error is not whole:\n${shown}`);
    assert.ok(joined.includes(`✘ prepare failed: ${error}`), `the form's error is not whole:\n${shown}`);
    assert.ok(joined.includes(help), `the help is not whole:\n${shown}`);
    for (const r of rows) assert.ok(stringWidth(r) <= 99, r);
  });
});
