// Home: pick a procedure.
import {Box, Text, useInput} from 'ink';
import {useState} from 'react';
import SelectInput from 'ink-select-input';
import type {ProcedureDefinition} from '../procedures/types.ts';
import {commandsFor} from './keys.ts';
import {fit} from './format.ts';
import {wrap} from './lines.tsx';
import {useTerminalSize} from './use-terminal-size.ts';

export interface HomeProps {
  readonly procedures: readonly ProcedureDefinition[];
  readonly target: string;
  readonly onChoose: (procedure: ProcedureDefinition) => void;
  readonly onHelp: () => void;
  readonly onQuit: () => void;
  /** `t`: the list of past sessions' transcripts. */
  readonly onTranscripts?: () => void;
  readonly active: boolean;
}

export function Home({procedures, target, onChoose, onHelp, onQuit, onTranscripts, active}: HomeProps) {
  const {columns} = useTerminalSize();
  useInput(
    (input, key) => {
      const commands = commandsFor(input, key);
      if (commands.includes('help')) onHelp();
      else if (commands.includes('quit')) onQuit();
      else if (commands.includes('transcript')) onTranscripts?.();
    },
    {isActive: active},
  );
  const items = procedures.map((p) => ({key: p.id, label: p.title, value: p.id}));
  const [highlightedId, setHighlightedId] = useState(procedures[0]?.id);
  const highlighted = procedures.find((p) => p.id === highlightedId) ?? procedures[0];
  return (
    <Box flexDirection="column">
      <Text bold>{fit(`certwalk · certificate rotations, step by step, with rollback`, columns - 1)}</Text>
      <Text dimColor>{fit(`target: ${target}`, columns - 1)}</Text>
      <Text> </Text>
      <Text>Choose a procedure:</Text>
      <SelectInput
        items={items}
        isFocused={active}
        onSelect={(item) => {
          const chosen = procedures.find((p) => p.id === item.value);
          if (chosen) onChoose(chosen);
        }}
        onHighlight={(item) => setHighlightedId(item.value)}
      />
      <Text> </Text>
      {/* Only the highlighted procedure's summary: with every procedure listed, 80x24 would overflow. */}
      {(highlighted ? wrap(`${highlighted.id}: ${highlighted.summary}`, columns - 1, {}, '  ') : [])
        .slice(0, 4)
        .map((l, i) => (
          <Text key={i} dimColor>
            {l.text}
          </Text>
        ))}
      <Text> </Text>
      <Text dimColor>{fit(`↑↓/jk move · Enter choose${onTranscripts ? ' · t past sessions' : ''} · ? help · q quit`, columns - 1)}</Text>
    </Box>
  );
}
