// Home: pick a procedure.
import {Box, Text} from 'ink';
import {useMemo, useState} from 'react';
import type {ProcedureSummary} from '../procedures/catalog.ts';
import {commandsFor} from './keys.ts';
import {fit} from './format.ts';
import {wrap} from './lines.tsx';
import {useKeys} from './keyboard.tsx';
import {SelectList} from './select-list.tsx';
import {useUi} from './ui-context.tsx';
import {useTerminalSize} from './use-terminal-size.ts';

export interface HomeProps {
  readonly procedures: readonly ProcedureSummary[];
  readonly target: string;
  readonly onChoose: (procedure: ProcedureSummary) => void;
  readonly onHelp: () => void;
  readonly onQuit: () => void;
  /** `t`: the list of past sessions' transcripts. */
  readonly onTranscripts?: () => void;
  readonly active: boolean;
}

export function Home({procedures, target, onChoose, onHelp, onQuit, onTranscripts, active}: HomeProps) {
  const {columns} = useTerminalSize();
  const ui = useUi();
  const {g, t, text} = ui;
  const width = columns - 1;
  useKeys(
    (input, key) => {
      const commands = commandsFor(input, key);
      if (commands.includes('help')) onHelp();
      else if (commands.includes('quit')) onQuit();
      else if (commands.includes('transcript')) onTranscripts?.();
    },
    {active},
  );
  // The menu's marker and its margin take two cells.
  // Worked out again only when the terminal's width changes: a key that moves the highlight redraws the list.
  const items = useMemo(() => procedures.map((p) => ({key: p.id, label: fit(ui.procedure(p).title, width - 2, g.ellipsis), value: p.id})), [procedures, width, ui, g]);
  const [highlightedId, setHighlightedId] = useState(procedures[0]?.id);
  const highlighted = procedures.find((p) => p.id === highlightedId) ?? procedures[0];
  return (
    <Box flexDirection="column">
      <Text bold>{fit(t('home.title'), width, g.ellipsis)}</Text>
      <Text dimColor>{fit(t('home.target', {target}), width, g.ellipsis)}</Text>
      <Text> </Text>
      <Text>{fit(t('home.choose'), width, g.ellipsis)}</Text>
      <SelectList
        items={items}
        initialValue={highlightedId}
        active={active}
        onSelect={(item) => {
          const chosen = procedures.find((p) => p.id === item.value);
          if (chosen) onChoose(chosen);
        }}
        onHighlight={(item) => setHighlightedId(item.value)}
      />
      <Text> </Text>
      {/* Only the highlighted procedure's summary: with every procedure listed, 80x24 would overflow. */}
      {(highlighted ? wrap(text(`${highlighted.id}: ${ui.procedure(highlighted).summary}`), width, {}, '  ') : []).slice(0, 4).map((l, i) => (
        <Text key={i} dimColor>
          {l.text}
        </Text>
      ))}
      <Text> </Text>
      <Text dimColor>{fit(t('home.footer', {transcripts: onTranscripts ? t('home.footer.transcripts') : ''}), width, g.ellipsis)}</Text>
    </Box>
  );
}
