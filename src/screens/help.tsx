// The `?` overlay, generated from the key-binding table, in the admin's language.
import {Box} from 'ink';
import {useKeys} from './keyboard.tsx';
import {BINDINGS, commandsFor} from './keys.ts';
import {line, Lines, wrap, type Line} from './lines.tsx';
import {cells, fit, pad} from './format.ts';
import {useUi} from './ui-context.tsx';
import {DEFAULT_UI, type Ui} from './ui.ts';
import {useTerminalSize} from './use-terminal-size.ts';

/**
 * One line per binding: keys, what they do, where. Three aligned columns when they fit; otherwise "where" is set
 * against the right edge and what the key does is word-wrapped in the room left between them (a cut help text is no
 * help). The prose lines around the table wrap too. With a `height`, when everything wrapped would not fit, the
 * bindings that wrap to the most lines go back to one cut line each until it does: every key stays on screen.
 */
export function helpLines(width: number, ui: Ui = DEFAULT_UI, height = Number.POSITIVE_INFINITY): Line[] {
  const {t} = ui;
  const rows = BINDINGS.map((b) => ({keys: b.keys.map(ui.keyName).join(' / '), help: t(b.help), where: t(b.where)}));
  const keysWidth = Math.max(...rows.map((r) => cells(r.keys)));
  const helpWidth = Math.max(...rows.map((r) => cells(r.help)));
  const whereWidth = Math.max(...rows.map((r) => cells(r.where)));
  const aligned = keysWidth + 2 + helpWidth + 2 + whereWidth <= width;
  const ellipsis = ui.g.ellipsis;
  const indent = ' '.repeat(keysWidth + 1);
  const room = (r: (typeof rows)[number]) => Math.max(10, width - keysWidth - 2 - cells(r.where));
  const wrapped = (r: (typeof rows)[number]): Line[] => {
    if (aligned) return [line(`${pad(r.keys, keysWidth)}  ${pad(r.help, helpWidth)}  ${r.where}`)];
    const [first = '', ...more] = wrap(r.help, room(r)).map((l) => l.text);
    return [line(`${pad(r.keys, keysWidth)} ${pad(first, room(r))} ${r.where}`), ...more.map((l) => line(`${indent}${l}`))];
  };
  const cut = (r: (typeof rows)[number]) => [line(`${pad(r.keys, keysWidth)} ${pad(r.help, room(r), ellipsis)} ${r.where}`)];
  const prose = [
    wrap(t('help.title'), width, {bold: true}, '  '),
    wrap(t('help.intro'), width, {dim: true}, '  '),
    wrap(t('help.destructive'), width, {dim: true}, '  '),
    wrap(t('help.close'), width, {bold: true}, '  '),
  ];
  const table = rows.map(wrapped);
  let over = [...prose, ...table].reduce((n, r) => n + r.length, 0) - height;
  for (const i of table.map((_, i) => i).sort((a, b) => table[b]!.length - table[a]!.length)) {
    if (over <= 0 || table[i]!.length === 1) break;
    over -= table[i]!.length - 1;
    table[i] = cut(rows[i]!);
  }
  // Still too tall: the intro and the reminder about destructive steps give up their wrapping last.
  for (const i of [1, 2]) {
    if (over <= 0) break;
    over -= prose[i]!.length - 1;
    prose[i] = [{...prose[i]![0]!, text: fit(prose[i]!.map((l) => l.text.trim()).join(' '), width, ellipsis)}];
  }
  const [title, intro, destructive, close] = prose as [Line[], Line[], Line[], Line[]];
  return [...title, ...intro, ...table.flat(), ...destructive, ...close];
}

/** At most `height` lines, the last (how to close the help) always among them. */
export function fitHelp(lines: readonly Line[], height: number): Line[] {
  if (lines.length <= height) return [...lines];
  return [...lines.slice(0, Math.max(1, height - 1)), lines.at(-1)!];
}

export function Help({onClose}: {onClose: () => void}) {
  const {columns, rows} = useTerminalSize();
  const ui = useUi();
  useKeys((input, key) => {
    const commands = commandsFor(input, key);
    if (commands.some((c) => c === 'back' || c === 'select' || c === 'help' || c === 'quit')) onClose();
  });
  const width = columns - 1;
  return (
    <Box flexDirection="column">
      <Lines lines={fitHelp(helpLines(width, ui, Math.max(5, rows - 1)), Math.max(5, rows - 1))} width={width} />
    </Box>
  );
}
