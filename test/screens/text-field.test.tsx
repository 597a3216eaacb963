// The text field: keys that arrive before a render each count (the bug of ink-text-input it replaces), editing keys,
// masking, and an outside value change.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {render} from 'ink-testing-library';
import {useState} from 'react';
import {editText, TextField} from '../../src/screens/text-field.tsx';
import {frame, KEY, ready, waitForFrame, withKeyboard} from '../helpers/ui.ts';

function Form({initial, mask, onSubmit}: {initial: string; mask?: string; onSubmit?: (v: string) => void}) {
  const [value, setValue] = useState(initial);
  return <TextField value={value} onChange={setValue} {...(mask ? {mask} : {})} {...(onSubmit ? {onSubmit} : {})} />;
}

test('keys written in one burst, before any render, all reach the value', async () => {
  let submitted = '';
  const app = render(withKeyboard(<Form initial="2048" onSubmit={(v) => (submitted = v)} />));
  await ready(app);
  // One write per key, all in the same tick: no render happens between them.
  for (const key of [KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace, '1', '0', '2', '4']) app.stdin.write(key);
  await waitForFrame(app, /^1024 ?$/m);
  app.stdin.write(KEY.enter);
  await waitForFrame(app, () => submitted !== '');
  assert.equal(submitted, '1024');
  app.unmount();
});

test('a password typed fast is masked and arrives whole', async () => {
  let submitted = '';
  const app = render(withKeyboard(<Form initial="" mask="*" onSubmit={(v) => (submitted = v)} />));
  await ready(app);
  for (const key of 'P@ss w0rd!') app.stdin.write(key);
  await waitForFrame(app, /^\*{10} ?$/m);
  assert.ok(!frame(app).includes('P@ss'), frame(app));
  app.stdin.write(KEY.enter);
  await waitForFrame(app, () => submitted !== '');
  assert.equal(submitted, 'P@ss w0rd!');
  app.unmount();
});

test('editing keys: arrows move the cursor, backspace erases before it, a paste inserts at it without line breaks', () => {
  let live = {value: 'abc', cursor: 3};
  live = editText(live, '', {leftArrow: true})!;
  assert.deepEqual(live, {value: 'abc', cursor: 2});
  live = editText(live, '', {backspace: true})!;
  assert.deepEqual(live, {value: 'ac', cursor: 1});
  // Delete erases the character under the cursor, Home and End jump.
  assert.deepEqual(editText(live, '', {delete: true}), {value: 'a', cursor: 1});
  assert.deepEqual(editText(live, '', {home: true}), {value: 'ac', cursor: 0});
  assert.deepEqual(editText({value: 'ac', cursor: 0}, '', {end: true}), {value: 'ac', cursor: 2});
  live = editText(live, 'XY\r\n', {})!;
  assert.deepEqual(live, {value: 'aXYc', cursor: 3});
  live = editText(live, '', {rightArrow: true})!;
  live = editText(live, '', {rightArrow: true})!;
  assert.deepEqual(live, {value: 'aXYc', cursor: 4});
  assert.deepEqual(editText({value: '', cursor: 0}, '', {backspace: true}), {value: '', cursor: 0});
  for (const key of [{escape: true}, {upArrow: true}, {tab: true}, {ctrl: true}, {return: true}]) assert.equal(editText(live, 'c', key), null, JSON.stringify(key));
});

test('a value changed by the parent replaces the text, cursor at its end', async () => {
  let set: (v: string) => void = () => {};
  function Outer() {
    const [value, setValue] = useState('old');
    set = setValue;
    return <TextField value={value} onChange={setValue} />;
  }
  const app = render(withKeyboard(<Outer />));
  await ready(app);
  set('replaced');
  await waitForFrame(app, /^replaced ?$/m);
  app.stdin.write('!');
  await waitForFrame(app, /^replaced! ?$/m);
  app.unmount();
});
