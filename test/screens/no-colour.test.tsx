// What a NO_COLOR console shows (chalk at level 0: no colour, no inverse, no bold): the selected row of every list
// and the transcript viewer's search matches must still be told apart, by a glyph. Rendered with colour forced off,
// as certwalk's main does under NO_COLOR, so the frames are exactly what the admin sees.
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, afterEach, describe, test} from 'node:test';

// chalk reads this when Ink first loads.
process.env.FORCE_COLOR = '0';
const {render} = await import('ink-testing-library');
const {TranscriptList, TranscriptView} = await import('../../src/screens/transcript-view.tsx');
const {Home} = await import('../../src/screens/home.tsx');
const {Params} = await import('../../src/screens/params.tsx');
const {KEY, press, pressWhen, ready, type, waitForFrame, withKeyboard} = await import('../helpers/ui.ts');

let app: ReturnType<typeof render> | undefined;
afterEach(() => app?.unmount());
const tmp = mkdtempSync(join(tmpdir(), 'certwalk-nocolour-'));
after(() => rmSync(tmp, {recursive: true, force: true}));

const ESC = '\u001B[';
const noop = () => {};
/** The frame's rows, whole (not stripped: there must be nothing to strip). */
const rows = (f: string) => f.split('\n');

function transcript(name: string, lines: readonly string[]): string {
  const path = join(tmp, `${name}.log`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function session(dir: string, name: string, started: string, procedure: string): void {
  writeFileSync(
    join(dir, `${name}.log`),
    [
      'certwalk transcript (new session)',
      `session    ${name}`,
      `started    ${started}`,
      'who        alice on HOST1 (pid 42)',
      `procedure  ${procedure}: A title`,
      'target     sandbox /tmp/x',
      '',
      '10:00:00  procedure started',
      '',
    ].join('\n'),
  );
}

describe('without colour', () => {
  test('the past-sessions list marks the selected row with the pointer, and the marker follows ↓', async () => {
    const dir = mkdtempSync(join(tmp, 'sessions-'));
    session(dir, 'newest', '2026-11-23T10:00:00.000Z', 'ssis-worker');
    session(dir, 'older', '2026-11-20T09:00:00.000Z', 'ssis-master');
    app = render(withKeyboard(<TranscriptList dir={dir} onOpen={noop} onClose={noop} />));
    await ready(app);
    const first = await waitForFrame(app, '2 sessions');
    assert.ok(!app.lastFrame()!.includes(ESC), 'colour is off');
    const sessionRows = (f: string) => rows(f).filter((r) => /2026-11-2\d/.test(r));
    assert.match(sessionRows(first)[0]!, /^❯ 2026-11-23 10:00\s+ssis-worker/, first);
    assert.match(sessionRows(first)[1]!, /^ {2}2026-11-20 09:00\s+ssis-master/, first);
    await press(app, KEY.down);
    const moved = await waitForFrame(app, (f) => /^❯ 2026-11-20/m.test(f));
    assert.match(sessionRows(moved)[0]!, /^ {2}2026-11-23/, moved);
  });

  test('search matches are marked in a column: • on every matching line, ❯ on the current one', async () => {
    const path = transcript(
      'search',
      Array.from({length: 30}, (_, i) => ([4, 9].includes(i) ? `14:00:0${i % 10}  step ${i}: CONFIRMED by alice` : `14:00:00  line ${i + 1}`)),
    );
    app = render(withKeyboard(<TranscriptView path={path} onClose={noop} />));
    await ready(app);
    await pressWhen(app, 'lines ', '/');
    await type(app, 'confirmed');
    await press(app, KEY.enter);
    const found = await waitForFrame(app, '"confirmed" 1/2');
    assert.ok(!app.lastFrame()!.includes(ESC), 'colour is off');
    assert.ok(
      rows(found).some((r) => r.startsWith('❯ 14:00:04  step 4: CONFIRMED')),
      found,
    );
    assert.ok(
      rows(found).some((r) => r.startsWith('• 14:00:09  step 9: CONFIRMED')),
      found,
    );
    assert.ok(
      rows(found).some((r) => r.startsWith('  14:00:00  line 1')),
      `lines without a match keep the column blank:\n${found}`,
    );
    await press(app, 'n');
    const next = await waitForFrame(app, '"confirmed" 2/2');
    assert.ok(
      rows(next).some((r) => r.startsWith('❯ 14:00:09  step 9: CONFIRMED')),
      next,
    );
    assert.ok(
      rows(next).some((r) => r.startsWith('• 14:00:04  step 4: CONFIRMED')),
      next,
    );
  });

  test("a match past a long line's cut is brought on screen: the line is shown from a little before it", async () => {
    const long = `14:00:00  $ netsh http show sslcert ${'x'.repeat(120)} Certificate Hash : 5EDA7F4F1FEDD2442F63874FE5650B17E704341D (end)`;
    const path = transcript('long', ['14:00:00  first line', long, '14:00:00  last line']);
    app = render(withKeyboard(<TranscriptView path={path} onClose={noop} />));
    await ready(app);
    await pressWhen(app, 'lines ', '/');
    await type(app, '5eda7f4f');
    await press(app, KEY.enter);
    const found = await waitForFrame(app, '"5eda7f4f" 1/1');
    const row = rows(found).find((r) => r.startsWith('❯ '));
    assert.ok(row, found);
    assert.match(row, /^❯ …x+ Certificate Hash : 5EDA7F4F1FEDD2442F63874FE5650B17E704341D/, `the match is on screen:\n${found}`);
    assert.ok(!row.includes('netsh'), `the line's start is scrolled out of view:\n${found}`);
  });

  test("the menus (Home, a parameter's choices) mark the highlighted item with the pointer", async () => {
    const procedures = [
      {id: 'ssis-master', title: 'SSIS Scale Out: change the Master certificate', summary: 'Master'},
      {id: 'ssis-worker', title: 'SSIS Scale Out: change a Worker certificate', summary: 'Worker'},
    ];
    app = render(withKeyboard(<Home procedures={procedures} target="sandbox" onChoose={noop} onHelp={noop} onQuit={noop} active />));
    await ready(app);
    assert.match(await waitForFrame(app, 'SSIS Scale Out'), /^❯ SSIS Scale Out: change the Master/m);
    await press(app, KEY.down);
    await waitForFrame(app, (f) => /^❯ SSIS Scale Out: change a Worker/m.test(f));
    app.unmount();

    const form = {
      specs: [
        {
          key: 'master',
          label: 'Master node',
          help: 'The master',
          choices: [
            {value: 'm1', label: 'm1'},
            {value: 'm2', label: 'm2'},
          ],
        },
      ],
      values: {master: 'm1'},
    };
    app = render(
      withKeyboard(
        <Params title="T" form={form} values={{master: 'm1'}} errors={{}} checking={false} active onChange={noop} onSubmit={noop} onBack={noop} onHelp={noop} onQuit={noop} />,
      ),
    );
    await ready(app);
    // The form's own rows: the cursor glyph on the focused row
    assert.match(await waitForFrame(app, 'Master node'), /^› Master node/m);
    await pressWhen(app, 'Master node', KEY.enter);
    assert.match(await waitForFrame(app, (f) => /^\s*❯ m1/m.test(f)), /^\s+m2/m);
  });
});
