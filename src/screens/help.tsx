// The `?` overlay, generated from the key-binding table, in the admin's language.
import {Box} from 'ink';
import {useKeys} from './keyboard.tsx';
import {BINDINGS, commandsFor} from './keys.ts';
import {line, Lines, type Line} from './lines.tsx';
import {cells, pad} from './format.ts';
import {useUi} from './ui-context.tsx';
import {DEFAULT_UI, type Ui} from './ui.ts';
import {useTerminalSize} from './use-terminal-size.ts';

/**
 * One line per binding: keys, what they do, where. Three aligned columns when they fit; otherwise "where" is set
 * against the right edge, so a long text and a long place share the line (one line each: 24 rows hold them all).
 */
export function helpLines(width: number, ui: Ui = DEFAULT_UI): Line[] {
  const {t} = ui;
  const rows = BINDINGS.map((b) => ({keys: b.keys.map(ui.keyName).join(' / '), help: t(b.help), where: t(b.where)}));
  const keysWidth = Math.max(...rows.map((r) => cells(r.keys)));
  const helpWidth = Math.max(...rows.map((r) => cells(r.help)));
  const whereWidth = Math.max(...rows.map((r) => cells(r.where)));
  const aligned = keysWidth + 2 + helpWidth + 2 + whereWidth <= width;
  const ellipsis = ui.g.ellipsis;
  const row = (r: (typeof rows)[number]) =>
    aligned
      ? `${pad(r.keys, keysWidth)}  ${pad(r.help, helpWidth)}  ${r.where}`
      : `${pad(r.keys, keysWidth)} ${pad(r.help, Math.max(8, width - keysWidth - 2 - cells(r.where)), ellipsis)} ${r.where}`;
  return [
    line(t('help.title'), {bold: true}),
    line(t('help.intro'), {dim: true}),
    ...rows.map((r) => line(row(r))),
    line(t('help.destructive'), {dim: true}),
    line(t('help.close'), {bold: true}),
  ];
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
      <Lines lines={helpLines(width, ui).slice(0, Math.max(5, rows - 1))} width={width} />
    </Box>
  );
}
