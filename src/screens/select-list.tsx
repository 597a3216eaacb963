// A menu: ↑/↓ (k/j) move, PgUp/PgDn jump, Enter picks. It replaces ink-select-input, which kept the highlight in its
// own state behind Ink's useInput (keys of one burst each moved from the same stale row, so Down Down Down moved
// once) and always opened on the first item, so Enter Enter on a field turned its value into the first choice.
import {Box, Text} from 'ink';
import {useState} from 'react';
import {commandsFor} from './keys.ts';
import {useKeys} from './keyboard.tsx';
import {Pointer} from './pointer.tsx';

export interface ListItem {
  readonly key: string;
  readonly label: string;
  readonly value: string;
}

export interface SelectListProps {
  readonly items: readonly ListItem[];
  /** The item highlighted when the list opens: the field's current value (default: the first item). */
  readonly initialValue?: string | undefined;
  /** Rows shown at once; the window follows the highlight. */
  readonly limit?: number;
  readonly active?: boolean;
  readonly onSelect: (item: ListItem) => void;
  readonly onHighlight?: (item: ListItem) => void;
}

/** Where the highlight goes for a moving key: ↑/↓ wrap at the ends as a menu does, a page stops at them. */
export function moveHighlight(index: number, count: number, command: 'up' | 'down' | 'page-up' | 'page-down', page: number): number {
  if (count === 0) return 0;
  switch (command) {
    case 'up':
      return (index + count - 1) % count;
    case 'down':
      return (index + 1) % count;
    case 'page-up':
      return Math.max(0, index - page);
    case 'page-down':
      return Math.min(count - 1, index + page);
  }
}

/** The first row of a `limit`-row window that shows `index`, moving the window as little as possible. */
export function windowTop(top: number, index: number, limit: number, count: number): number {
  const maxTop = Math.max(0, count - limit);
  if (index < top) return index;
  if (index >= top + limit) return Math.min(maxTop, index - limit + 1);
  return Math.min(top, maxTop);
}

export function SelectList({items, initialValue, limit, active = true, onSelect, onHighlight}: SelectListProps) {
  const rows = Math.min(limit ?? items.length, items.length);
  const [index, setIndex] = useState(() =>
    Math.max(
      0,
      items.findIndex((item) => item.value === initialValue),
    ),
  );
  const [top, setTop] = useState(() => windowTop(0, index, rows, items.length));
  const at = Math.min(index, Math.max(0, items.length - 1));

  useKeys(
    (input, key) => {
      const commands = commandsFor(input, key);
      if (commands.includes('select')) {
        const item = items[at];
        if (item) onSelect(item);
        return;
      }
      const command = (['up', 'down', 'page-up', 'page-down'] as const).find((c) => commands.includes(c));
      if (!command) return;
      const next = moveHighlight(at, items.length, command, Math.max(1, rows - 1));
      setIndex(next);
      setTop(windowTop(top, next, rows, items.length));
      const item = items[next];
      if (item && next !== at) onHighlight?.(item);
    },
    {active},
  );

  return (
    <Box flexDirection="column">
      {items.slice(top, top + rows).map((item, i) => {
        const selected = top + i === at;
        return (
          <Box key={item.key}>
            <Pointer isSelected={selected} />
            <Text color={selected ? 'blue' : undefined}>{item.label}</Text>
          </Box>
        );
      })}
    </Box>
  );
}
