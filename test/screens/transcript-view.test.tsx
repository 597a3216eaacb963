// The transcript viewer's search (`/`, Enter, n, N, matches highlighted) and Home's `t`: past sessions, newest
// first, each opening in the viewer. Driven by keys through ink-testing-library, one key per write.
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, afterEach, describe, test} from 'node:test';

// Colour on, so the highlight is visible in the frames (chalk reads this when Ink first loads).
process.env.FORCE_COLOR = '1';
delete process.env.NO_COLOR;
const {render} = await import('ink-testing-library');
const {TranscriptView} = await import('../../src/screens/transcript-view.tsx');
const {App} = await import('../../src/screens/app.tsx');
const {frame, KEY, press, pressWhen, ready, type, waitForFrame, withKeyboard} = await import('../helpers/ui.ts');
type Fleet = import('../../src/hosts/host.ts').Fleet;

const INVERSE = '\u001B[7m';
let app: ReturnType<typeof render> | undefined;
afterEach(() => app?.unmount());
// Every folder the tests make is under this one, removed at the end.
const tmp = mkdtempSync(join(tmpdir(), 'certwalk-view-'));
after(() => rmSync(tmp, {recursive: true, force: true}));

/** 100 lines; lines 10, 50 and 70 record a confirmation. */
function transcriptFile(): string {
  const lines = Array.from({length: 100}, (_, i) =>
    [9, 49, 69].includes(i) ? `14:00:${String(i % 60).padStart(2, '0')}  step ${i}: CONFIRMED by alice` : `14:00:00  line ${i + 1}`,
  );
  const path = join(mkdtempSync(join(tmp, 'transcript-')), 'session.log');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const footer = (f: string) => f.split('\n').at(-1)!;

describe('transcript viewer search', () => {
  test('/ types a search, Enter jumps to the first match, n and N walk the matches and wrap; matches are highlighted', async () => {
    let closed = 0;
    const path = transcriptFile();
    app = render(withKeyboard(<TranscriptView path={path} onClose={() => closed++} />));
    await ready(app);
    // Opens at the end (80x24: 21 lines of text)
    const first = await waitForFrame(app, 'lines 81-101 of 101');
    assert.doesNotMatch(first, /CONFIRMED/);
    assert.match(footer(first), /\/ search · ↑↓ PgUp\/PgDn · Esc close$/);

    await press(app, '/');
    assert.match(footer(await waitForFrame(app, 'Enter search · Esc cancel')), /^\/▏/);
    await type(app, 'confirmed');
    // While typing, letters are the search text, not commands (n, q, b…)
    await waitForFrame(app, '/confirmed▏');
    await press(app, KEY.enter);
    const found = await waitForFrame(app, '"confirmed" 1/3');
    assert.match(found, /step 9: CONFIRMED by alice/);
    assert.ok(app.lastFrame()!.includes(`${INVERSE}CONFIRMED`), 'the match is shown inverted');

    await press(app, 'n');
    assert.match(await waitForFrame(app, '"confirmed" 2/3'), /step 49: CONFIRMED/);
    await press(app, 'n');
    assert.match(await waitForFrame(app, '"confirmed" 3/3'), /step 69: CONFIRMED/);
    await press(app, 'n');
    await waitForFrame(app, '"confirmed" 1/3');
    await press(app, 'N');
    await waitForFrame(app, '"confirmed" 3/3');
    assert.equal(closed, 0);

    // A search with no match says so; Esc in the prompt cancels it and keeps the search in force
    await press(app, 'f');
    await type(app, 'zzz');
    await press(app, KEY.escape);
    await waitForFrame(app, '"confirmed" 3/3');
    await press(app, '/');
    await type(app, 'zzz');
    await press(app, KEY.enter);
    await waitForFrame(app, '"zzz": no match');
    await press(app, 'n');
    assert.equal(closed, 0, 'n with nothing to find does nothing');

    // Backspace edits the search
    await press(app, '/');
    await type(app, 'line 5x');
    await press(app, KEY.backspace, KEY.backspace);
    await waitForFrame(app, '/line ▏');
    await type(app, '77');
    await press(app, KEY.enter);
    assert.match(await waitForFrame(app, '"line 77" 1/1'), /line 77/);

    await press(app, KEY.escape);
    assert.equal(closed, 1);
  });
});

/** A transcript as describeHeader writes it, closed (or not) as the runner's close writes it. */
function session(dir: string, name: string, fields: {started: string; procedure: string; user: string; closed?: string; continues?: boolean}): string {
  const path = join(dir, `${name}.log`);
  writeFileSync(
    path,
    [
      `certwalk transcript (${fields.continues ? 'continuing an earlier session' : 'new session'})`,
      `session    ${name}`,
      `started    ${fields.started}`,
      `who        ${fields.user} on HOST1 (pid 42)`,
      `procedure  ${fields.procedure}: A title`,
      'target     sandbox /tmp/x',
      '',
      '──── date 2026-11-23 (times are UTC)',
      '10:00:00  procedure started',
      ...(fields.closed ? [`10:05:00  session closed: procedure ${fields.closed}`, '            final state: 8 done'] : []),
      '',
    ].join('\n'),
  );
  return path;
}

describe("Home's t: past sessions", () => {
  test('lists them newest first with procedure, user and final state; Enter opens one, Esc goes back', async () => {
    const dir = mkdtempSync(join(tmp, 'sessions-'));
    session(dir, 'older', {started: '2026-11-20T09:00:00.000Z', procedure: 'ssis-master', user: 'alice', closed: 'completed'});
    const newest = session(dir, 'newest', {started: '2026-11-23T10:00:00.000Z', procedure: 'ssis-worker', user: 'bob'});
    session(dir, 'middle', {started: '2026-11-21T09:00:00.000Z', procedure: 'ssis-master', user: 'alice', closed: 'rolled-back', continues: true});
    writeFileSync(join(dir, 'notes.log'), 'not a transcript\n');
    const fleet = {kind: 'sandbox', location: dir, description: 'a test fleet'} as unknown as Fleet;
    app = render(<App fleet={fleet} procedures={[]} transcriptDir={dir} />);
    await ready(app);
    await pressWhen(app, 't past sessions', 't');
    const list = await waitForFrame(app, '3 sessions · ↑↓ move · Enter open · Esc close');
    const rows = list.split('\n').filter((l) => /^.\s*2026-/.test(l));
    assert.equal(rows.length, 3, list);
    // The selected row carries the pointer (the inverse bar alone vanishes without colour)
    assert.match(rows[0]!, /^❯ 2026-11-23 10:00\s+ssis-worker\s+bob\s+unfinished$/);
    assert.match(rows[1]!, /^ {2}2026-11-21 09:00\s+ssis-master \(cont\.\)\s+alice\s+rolled-back$/);
    assert.match(rows[2]!, /^ {2}2026-11-20 09:00\s+ssis-master\s+alice\s+completed$/);

    await pressWhen(app, '3 sessions ·', KEY.enter);
    const viewer = await waitForFrame(app, `transcript ${newest}`);
    assert.match(viewer, /procedure started/);
    await pressWhen(app, 'procedure started', KEY.escape);
    // The list opens on the newest again; the oldest is two rows down.
    await pressWhen(app, '3 sessions ·', KEY.down, KEY.down, KEY.enter);
    await waitForFrame(app, `transcript ${join(dir, 'older.log')}`);
    await pressWhen(app, 'session closed: procedure completed', KEY.escape);
    await pressWhen(app, '3 sessions ·', KEY.escape);
    await waitForFrame(app, 'Choose a procedure:');
    assert.ok(!frame(app).includes('3 sessions ·'));
  });

  test('an empty folder says so', async () => {
    const dir = join(mkdtempSync(join(tmp, 'sessions-')), 'none-yet');
    const fleet = {kind: 'sandbox', location: dir, description: 'a test fleet'} as unknown as Fleet;
    app = render(<App fleet={fleet} procedures={[]} transcriptDir={dir} />);
    await ready(app);
    await pressWhen(app, 't past sessions', 't');
    assert.match(await waitForFrame(app, '0 sessions'), /no sessions yet/);
  });
});
