// Keys as they arrive over RDP and ssh: several in one chunk, a burst 1 ms apart, a paste. Every screen that takes
// keys handles each of them, each seeing what the previous one did; lists open on the field's value.
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {after, afterEach, describe, test} from 'node:test';
import {render} from 'ink-testing-library';
import type {ReactElement} from 'react';
import {catalog} from '../../src/procedures/catalog.ts';
import type {ParamForm, StepDefinition} from '../../src/procedures/types.ts';
import {Help} from '../../src/screens/help.tsx';
import {Home} from '../../src/screens/home.tsx';
import {Params} from '../../src/screens/params.tsx';
import {Plan} from '../../src/screens/plan.tsx';
import {Recovery} from '../../src/screens/recovery.tsx';
import type {UnfinishedSession} from '../../src/runner/recovery.ts';
import {recoverySessions} from './console-fixtures.tsx';
import {TranscriptList, TranscriptView} from '../../src/screens/transcript-view.tsx';
import {PASTE_END, PASTE_START} from '../../src/screens/key-events.ts';
import {frame, KEY, ready, settled, waitForFrame, withKeyboard, type Rendered} from '../helpers/ui.ts';

let app: ReturnType<typeof render> | undefined;
afterEach(() => app?.unmount());
const tmp = mkdtempSync(join(tmpdir(), 'certwalk-keyboard-'));
after(() => rmSync(tmp, {recursive: true, force: true}));

async function show(tree: ReactElement): Promise<ReturnType<typeof render>> {
  app = render(withKeyboard(tree));
  await ready(app);
  return app;
}

/** All keys in one write, as a burst or a fast auto-repeat reaches the app. */
async function chunk(target: Rendered, keys: string): Promise<void> {
  target.stdin.write(keys);
  await settled(target);
}

/** One write per key, 1 ms apart: faster than the app draws. */
async function apart(target: Rendered, keys: readonly string[]): Promise<void> {
  for (const key of keys) {
    target.stdin.write(key);
    await delay(1);
  }
  await settled(target);
}

/** The line a list's pointer (❯ in menus, › in the Parameters form) is on. */
function pointed(f: string): string {
  // An open list (❯) is what the keys move, rather than the form row it edits (›).
  const lines = f.split('\n');
  const row = lines.find((l) => /^\s*❯/.test(l)) ?? lines.find((l) => /^\s*›/.test(l));
  assert.ok(row, `no highlighted row:\n${f}`);
  return row;
}

const titles = catalog.map((p) => p.title);
const n = titles.length;

describe('Home', () => {
  const home = (onChoose: (id: string) => void = () => undefined) => (
    <Home procedures={catalog} target="a test fleet" onChoose={(p) => onChoose(p.id)} onHelp={() => undefined} onQuit={() => undefined} active />
  );

  test('jjj in one chunk moves three rows', async () => {
    const a = await show(home());
    await chunk(a, 'jjj');
    assert.ok(pointed(frame(a)).includes(titles[3]!), frame(a));
  });

  test('Down Down Enter in one chunk opens the third procedure; Down Enter the second', async () => {
    const chosen: string[] = [];
    const a = await show(home((id) => chosen.push(id)));
    await chunk(a, '\u001B[B\u001B[B\r');
    assert.deepEqual(chosen, [catalog[2]!.id]);
    a.unmount();
    const b = await show(home((id) => chosen.push(id)));
    await chunk(b, '\u001B[B\r');
    assert.deepEqual(chosen, [catalog[2]!.id, catalog[1]!.id]);
  });

  test('200 keys in one chunk and 200 keys 1 ms apart are all handled', async () => {
    const a = await show(home());
    await chunk(a, 'j'.repeat(200));
    assert.ok(pointed(frame(a)).includes(titles[200 % n]!), frame(a));
    await apart(a, [...Array(200).fill(KEY.up), ...Array(3).fill('j')]);
    // From row 2: 200 Ups wrap round the list (to row 2 - 200, modulo its length), then three Downs.
    assert.ok(pointed(frame(a)).includes(titles[(((2 - 200) % n) + n + 3) % n]!), frame(a));
  });

  test('eight Ups 10 ms apart move eight rows', async () => {
    const a = await show(home());
    for (let i = 0; i < 8; i++) {
      a.stdin.write(KEY.up);
      await delay(10);
    }
    await settled(a);
    assert.ok(pointed(frame(a)).includes(titles[(n - 8 + n) % n]!), frame(a));
  });
});

describe('Parameters', () => {
  const form: ParamForm = {
    specs: [
      {key: 'workers', label: 'Workers', help: 'which workers', choices: ['worker1', 'worker2', 'worker3', 'all'].map((w) => ({value: w, label: w}))},
      {key: 'keyBits', label: 'Key size', help: 'RSA key size'},
    ],
    values: {},
  };
  function params(values: Record<string, string>, changes: [string, string][]) {
    return (
      <Params
        title="Test"
        form={form}
        values={values}
        errors={{}}
        checking={false}
        active
        onChange={(key, value) => changes.push([key, value])}
        onSubmit={() => undefined}
        onBack={() => undefined}
        onHelp={() => undefined}
        onQuit={() => undefined}
      />
    );
  }

  test('a list opens on the current value: Enter Enter keeps it; Esc leaves it unchanged', async () => {
    const changes: [string, string][] = [];
    const a = await show(params({workers: 'worker2', keyBits: '2048'}, changes));
    await chunk(a, '\r');
    assert.match(pointed(await waitForFrame(a, 'worker3')), /worker2/);
    await chunk(a, '\r');
    assert.deepEqual(changes, [['workers', 'worker2']]);
    await chunk(a, `\r${KEY.down}`);
    assert.match(pointed(frame(a)), /worker3/);
    await chunk(a, KEY.escape);
    assert.deepEqual(changes, [['workers', 'worker2']], 'Esc changed nothing');
  });

  test('a value typed by hand opens the list on "type a value", which starts from that value', async () => {
    const changes: [string, string][] = [];
    const a = await show(params({workers: 'worker1,worker3', keyBits: '2048'}, changes));
    await chunk(a, '\r');
    assert.match(pointed(await waitForFrame(a, 'worker3')), /type a value/i);
    await chunk(a, '\r');
    await chunk(a, `\b${'3'}\r`);
    assert.deepEqual(changes, [['workers', 'worker1,worker3']]);
  });

  test('ten Backspaces in one burst clear a text field; 200 characters typed in one chunk all land; a paste lands whole', async () => {
    const changes: [string, string][] = [];
    const a = await show(params({workers: 'all', keyBits: '2048'}, changes));
    await chunk(a, `j\r${'\u007F'.repeat(10)}4096\r`);
    assert.deepEqual(changes, [['keyBits', '4096']]);
    await chunk(a, `\r${'\u007F'.repeat(4)}${'7'.repeat(200)}\r`);
    assert.deepEqual(changes.at(-1), ['keyBits', '7'.repeat(200)]);
    // A pasted "q" or "y" is text, not a command; the line break of a copied line does not submit.
    await chunk(a, `\r${'\u007F'.repeat(200)}${PASTE_START}3072q\r\n${PASTE_END}\r`);
    assert.deepEqual(changes.at(-1), ['keyBits', '3072q']);
  });

  test('200 moves in one chunk and 200 one ms apart land on the row they count to', async () => {
    const a = await show(params({workers: 'all', keyBits: '2048'}, []));
    const rows = form.specs.length + 1;
    await chunk(a, 'j'.repeat(200));
    const expect = (index: number) => (index === 0 ? /Workers/ : index === 1 ? /Key size/ : /Continue/);
    assert.match(pointed(frame(a)), expect(200 % rows));
    await apart(a, Array(200).fill('k'));
    assert.match(pointed(frame(a)), expect(0));
  });
});

describe('Plan, Help, transcripts', () => {
  const steps = Array.from({length: 40}, (_, i) => ({
    id: `s${i}`,
    node: 'master',
    title: `Step number ${i + 1}`,
    destructive: false,
    plan: () => [{text: `tool --step ${i + 1}`}],
  })) as unknown as StepDefinition[];

  test('Plan: 200 Downs in one chunk reach the end, 200 Ups 1 ms apart the top', async () => {
    const a = await show(
      <Plan title="Test" steps={steps} params={{}} summary={[]} active onStart={() => undefined} onBack={() => undefined} onHelp={() => undefined} onQuit={() => undefined} />,
    );
    await waitForFrame(a, 'Step number 1');
    await chunk(a, 'j'.repeat(200));
    assert.match(frame(a), /Step number 40/);
    assert.doesNotMatch(frame(a), /Step number 1\b/);
    await apart(a, Array(200).fill(KEY.up));
    assert.match(frame(a), /Step number 1\b/);
  });

  test('Help: keys that are not its own are ignored, the first closing key closes it once', async () => {
    let closed = 0;
    const a = await show(<Help onClose={() => closed++} />);
    await chunk(a, `${'x'.repeat(199)}${KEY.escape}`);
    assert.equal(closed, 1);
  });

  test('the transcript viewer and the sessions list take 200 keys in a chunk and 200 keys 1 ms apart', async () => {
    const path = join(tmp, 'long.log');
    writeFileSync(path, `${Array.from({length: 400}, (_, i) => `line ${i + 1}`).join('\n')}\n`);
    const a = await show(<TranscriptView path={path} onClose={() => undefined} />);
    await waitForFrame(a, 'of 401');
    await chunk(a, 'k'.repeat(200));
    assert.match(frame(a), /lines 181-201 of 401/);
    await apart(a, Array(150).fill(KEY.down));
    assert.match(frame(a), /lines 331-351 of 401/);
    a.unmount();

    // 30 past sessions, one a day: the list is newest first.
    const dir = mkdtempSync(join(tmp, 'sessions-'));
    for (let day = 1; day <= 30; day++) {
      const started = `2026-11-${String(day).padStart(2, '0')}T10:00:00.000Z`;
      writeFileSync(
        join(dir, `day${day}.log`),
        ['certwalk transcript (new session)', `session    day${day}`, `started    ${started}`, 'who        alice on HOST1 (pid 42)', 'procedure  ssis-master: A title', ''].join(
          '\n',
        ),
      );
    }
    let opened = '';
    const b = await show(<TranscriptList dir={dir} onOpen={(p) => (opened = p)} onClose={() => undefined} />);
    await waitForFrame(b, '30 sessions');
    // Down past the end stays on the last (the oldest), then 28 Ups: the second newest.
    await chunk(b, `${'j'.repeat(200)}${'k'.repeat(28)}\r`);
    assert.equal(opened, join(dir, 'day29.log'));
    opened = '';
    await apart(b, [...Array(200).fill(KEY.up), KEY.down, KEY.down, '\r']);
    assert.equal(opened, join(dir, 'day28.log'));
  });
});

describe('Recovery', () => {
  test('200 keys in one chunk and 200 keys 1 ms apart: Enter opens the session they count to', async () => {
    const sessions = recoverySessions(3);
    const opened: UnfinishedSession[] = [];
    const a = await show(<Recovery sessions={sessions} onOpen={(s) => opened.push(s)} onSkip={() => undefined} onHelp={() => undefined} onQuit={() => undefined} active />);
    await chunk(a, `${'j'.repeat(200)}\r`);
    assert.deepEqual(opened, [sessions[2]], 'down stops at the last session');
    await apart(a, [...Array(200).fill(KEY.up), 'j', '\r']);
    assert.deepEqual(opened, [sessions[2], sessions[1]]);
  });
});
