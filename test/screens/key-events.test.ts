// What the terminal sends, turned into keys: every key of a chunk, escape sequences split where they end, a bracketed
// paste as one event.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createKeyDecoder, PASTE_END, PASTE_START, type KeyEvent} from '../../src/screens/key-events.ts';
import {commandsFor} from '../../src/screens/keys.ts';

const decode = (...chunks: string[]): KeyEvent[] => {
  const decoder = createKeyDecoder();
  return chunks.flatMap((chunk) => decoder.push(chunk));
};
/** A readable name for each event: the command it means, else its flags, else its text. */
const names = (events: readonly KeyEvent[]): string[] =>
  events.map((e) => {
    const flags = Object.entries(e.key)
      .filter(([, on]) => on)
      .map(([name]) => name);
    return [...flags, ...(e.input ? [JSON.stringify(e.input)] : [])].join('+');
  });

test('letters in one chunk are one key each, and each is a command', () => {
  const events = decode('jjj');
  assert.deepEqual(names(events), ['"j"', '"j"', '"j"']);
  for (const e of events) assert.deepEqual(commandsFor(e.input, e.key), ['down']);
});

test('arrows and Enter written in one chunk: down, down, Enter', () => {
  assert.deepEqual(names(decode('\u001B[B\u001B[B\r')), ['downArrow', 'downArrow', 'return']);
});

test('ten Backspaces in one burst are ten backspaces (DEL and BS alike); Delete is its own key', () => {
  assert.deepEqual(names(decode('\u007F'.repeat(8) + '\b\b')), Array(10).fill('backspace'));
  assert.deepEqual(names(decode('\u001B[3~')), ['delete']);
});

test('the keys of every terminal certwalk meets: CSI, SS3, tilde codes, modifiers, Alt+letter, a lone Esc', () => {
  assert.deepEqual(names(decode('\u001BOA\u001BOB\u001B[5~\u001B[6~\u001B[H\u001B[4~\u001B[1;5A\u001B[Z')), [
    'upArrow',
    'downArrow',
    'pageUp',
    'pageDown',
    'home',
    'end',
    'upArrow+ctrl',
    'tab+shift',
  ]);
  assert.deepEqual(names(decode('\u001Bq')), ['meta+"q"']);
  assert.deepEqual(commandsFor('q', decode('\u001Bq')[0]!.key), [], 'Alt+q is not q');
  assert.deepEqual(names(decode('\u001B')), ['escape']);
  assert.deepEqual(names(decode('\u0003')), ['ctrl+"c"']);
  // F5 and PuTTY's F1 are nobody's key: dropped, the keys around them kept.
  assert.deepEqual(names(decode('j\u001B[15~\u001B[[Aj')), ['"j"', '"j"']);
});

test('Enter typed before raw mode arrives as LF and is still Enter', () => {
  assert.deepEqual(names(decode('\u001B[B\n')), ['downArrow', 'return']);
});

test('letters beyond ASCII are one key each, astral ones too; capitals carry shift', () => {
  assert.deepEqual(names(decode('é中😀N')), ['"é"', '"中"', '"😀"', 'shift+"N"']);
});

test('a bracketed paste is one event, line breaks and all, even across chunks; keys around it stay keys', () => {
  const events = decode(`j${PASTE_START}worker1,`, `worker3\r\nq`, `${PASTE_END}k`);
  assert.deepEqual(names(events), ['"j"', `paste+${JSON.stringify('worker1,worker3\r\nq')}`, '"k"']);
  assert.deepEqual(commandsFor(events[1]!.input, events[1]!.key), [], 'a pasted text is no command');
});

test('200 keys in one chunk are 200 keys', () => {
  const chunk = 'jk'.repeat(50) + '\u001B[A\u001B[B'.repeat(50);
  const events = decode(chunk);
  assert.equal(events.length, 200);
  assert.equal(events.filter((e) => commandsFor(e.input, e.key).includes('down')).length, 100);
});
