// `t`: the session transcript, scrollable, newest at the bottom.
import {Box, useInput} from 'ink';
import {useMemo, useState} from 'react';
import {readTranscript} from '../runner/transcript.ts';
import {commandsFor} from './keys.ts';
import {line, Lines} from './lines.tsx';
import {useTerminalSize} from './use-terminal-size.ts';

export function TranscriptView({path, onClose}: {path: string; onClose: () => void}) {
  const {columns, rows} = useTerminalSize();
  const all = useMemo(() => readTranscript(path), [path]);
  const height = Math.max(3, rows - 3);
  const maxTop = Math.max(0, all.length - height);
  const [top, setTop] = useState(maxTop);
  useInput((input, key) => {
    const commands = commandsFor(input, key);
    if (commands.includes('back') || commands.includes('quit') || commands.includes('transcript')) onClose();
    else if (commands.includes('up')) setTop((t) => Math.max(0, t - 1));
    else if (commands.includes('down')) setTop((t) => Math.min(maxTop, t + 1));
    else if (commands.includes('page-up')) setTop((t) => Math.max(0, t - height));
    else if (commands.includes('page-down')) setTop((t) => Math.min(maxTop, t + height));
  });
  const visible = all.slice(top, top + height).map((text) => line(text));
  return (
    <Box flexDirection="column">
      <Lines
        lines={[
          line(`transcript ${path}`, {bold: true}),
          ...visible,
          ...Array.from({length: height - visible.length}, () => line('')),
          line(`lines ${top + 1}-${Math.min(all.length, top + height)} of ${all.length} · ↑↓ PgUp/PgDn scroll · Esc close`, {dim: true}),
        ]}
        width={columns - 1}
      />
    </Box>
  );
}
