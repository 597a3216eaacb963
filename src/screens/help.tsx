// The `?` overlay, generated from the key-binding table.
import {Box, useInput} from 'ink';
import {BINDINGS} from './keys.ts';
import {line, Lines, type Line} from './lines.tsx';
import {pad} from './format.ts';
import {useTerminalSize} from './use-terminal-size.ts';

export function Help({onClose}: {onClose: () => void}) {
  const {columns, rows} = useTerminalSize();
  useInput((input, key) => {
    if (key.escape || key.return || input === '?' || input === 'q' || input === 'b') onClose();
  });
  const width = columns - 1;
  const lines: Line[] = [
    line('certwalk keys', {bold: true}),
    line('Letters, arrows, Enter and Esc only: nothing an RDP console swallows.', {dim: true}),
    ...BINDINGS.map((b) => line(`${pad(b.keys.join(' / '), 12)} ${pad(b.help, Math.max(20, width - 36))} ${b.where}`)),
    line('Destructive steps always ask first; No is the default and Enter alone never confirms.', {dim: true}),
    line('Esc / ? / q close this help', {bold: true}),
  ];
  return (
    <Box flexDirection="column">
      <Lines lines={lines.slice(0, Math.max(5, rows - 1))} width={width} />
    </Box>
  );
}
