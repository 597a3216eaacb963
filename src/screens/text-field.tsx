// A one-line text field (controlled, like ink-text-input's, which it replaces). Each key edits the text as the
// previous key left it — kept in a ref, with the cursor — so a value set by the parent and the keys typed stay apart.
import {Text} from 'ink';
import {useReducer, useRef} from 'react';
import type {KeyFlags} from './key-events.ts';
import {useKeys} from './keyboard.tsx';

export interface TextFieldProps {
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly onSubmit?: (value: string) => void;
  /** Shown instead of each character (a password). */
  readonly mask?: string;
  readonly focus?: boolean;
}

interface Live {
  value: string;
  cursor: number;
}

/** The pure edit: what one key does to the text and the cursor (null: the key is not the field's). */
export function editText(live: Readonly<Live>, input: string, key: Partial<KeyFlags>): Live | null {
  if (key.upArrow || key.downArrow || key.tab || key.escape || key.return || key.pageUp || key.pageDown || key.ctrl || key.meta) return null;
  const {value, cursor} = live;
  if (key.leftArrow) return {value, cursor: Math.max(0, cursor - 1)};
  if (key.rightArrow) return {value, cursor: Math.min(value.length, cursor + 1)};
  if (key.home) return {value, cursor: 0};
  if (key.end) return {value, cursor: value.length};
  if (key.backspace) return cursor > 0 ? {value: value.slice(0, cursor - 1) + value.slice(cursor), cursor: cursor - 1} : live;
  if (key.delete) return cursor < value.length ? {value: value.slice(0, cursor) + value.slice(cursor + 1), cursor} : live;
  if (!input) return null;
  // A paste arrives as one event: line breaks in it would submit nothing and mean nothing in a one-line field.
  const text = input.replace(/[\r\n]+/g, '');
  return {value: value.slice(0, cursor) + text + value.slice(cursor), cursor: cursor + text.length};
}

export function TextField({value, onChange, onSubmit, mask, focus = true}: TextFieldProps) {
  const live = useRef<Live>({value, cursor: value.length});
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  // The parent set another value (not the one this field sent, which it renders back in the same batch): start from
  // it, cursor at the end.
  if (live.current.value !== value) live.current = {value, cursor: value.length};

  useKeys(
    (input, key) => {
      if (key.return) {
        onSubmit?.(live.current.value);
        return;
      }
      const next = editText(live.current, input, key);
      if (!next) return;
      const changed = next.value !== live.current.value;
      live.current = next;
      if (changed) onChange(next.value);
      redraw();
    },
    {active: focus},
  );

  const shown = mask ? mask.repeat(live.current.value.length) : live.current.value;
  if (!focus) return <Text>{shown}</Text>;
  const cursor = live.current.cursor;
  return (
    <Text>
      {shown.slice(0, cursor)}
      <Text inverse>{shown[cursor] ?? ' '}</Text>
      {shown.slice(cursor + 1)}
    </Text>
  );
}
