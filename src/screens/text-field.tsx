// A one-line text field (controlled, like ink-text-input's, which it replaces): keys can arrive faster than React
// renders (typing over a laggy RDP link, a paste split into chunks), so each key edits the text as the previous key
// left it — kept in a ref — not as the last render saw it. ink-text-input computes every key from its last render's
// value and dropped all but the last of the keys that arrived between two renders.
import {Text, useInput} from 'ink';
import {useReducer, useRef} from 'react';

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
export function editText(live: Readonly<Live>, input: string, key: {leftArrow?: boolean; rightArrow?: boolean; backspace?: boolean; delete?: boolean; ctrl?: boolean; meta?: boolean; escape?: boolean; upArrow?: boolean; downArrow?: boolean; tab?: boolean; return?: boolean; pageUp?: boolean; pageDown?: boolean}): Live | null {
  if (key.upArrow || key.downArrow || key.tab || key.escape || key.return || key.pageUp || key.pageDown || key.ctrl || key.meta) return null;
  const {value, cursor} = live;
  if (key.leftArrow) return {value, cursor: Math.max(0, cursor - 1)};
  if (key.rightArrow) return {value, cursor: Math.min(value.length, cursor + 1)};
  // Ink reports the Backspace key (DEL, 0x7f) as `delete` on most terminals: both erase the character before the cursor.
  if (key.backspace || key.delete) return cursor > 0 ? {value: value.slice(0, cursor - 1) + value.slice(cursor), cursor: cursor - 1} : live;
  if (!input) return null;
  // A paste arrives as one input: line breaks in it would submit nothing and mean nothing in a one-line field.
  const text = input.replace(/[\r\n]+/g, '');
  return {value: value.slice(0, cursor) + text + value.slice(cursor), cursor: cursor + text.length};
}

export function TextField({value, onChange, onSubmit, mask, focus = true}: TextFieldProps) {
  const live = useRef<Live>({value, cursor: value.length});
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  // The parent set another value (not the one this field sent, which it renders back in the same batch): start from
  // it, cursor at the end.
  if (live.current.value !== value) live.current = {value, cursor: value.length};

  useInput(
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
    {isActive: focus},
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
