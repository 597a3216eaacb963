// Home: pick a procedure.
import {Box, Text, useInput} from 'ink';
import SelectInput from 'ink-select-input';
import type {ProcedureDefinition} from '../procedures/types.ts';
import {commandsFor} from './keys.ts';
import {fit} from './format.ts';
import {useTerminalSize} from './use-terminal-size.ts';

export interface HomeProps {
  readonly procedures: readonly ProcedureDefinition[];
  readonly target: string;
  readonly onChoose: (procedure: ProcedureDefinition) => void;
  readonly onHelp: () => void;
  readonly onQuit: () => void;
  readonly active: boolean;
}

export function Home({procedures, target, onChoose, onHelp, onQuit, active}: HomeProps) {
  const {columns} = useTerminalSize();
  useInput(
    (input, key) => {
      const commands = commandsFor(input, key);
      if (commands.includes('help')) onHelp();
      else if (commands.includes('quit')) onQuit();
    },
    {isActive: active},
  );
  const items = procedures.map((p) => ({key: p.id, label: p.title, value: p.id}));
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
        onHighlight={() => {}}
      />
      <Text> </Text>
      {procedures.map((p) => (
        <Text key={p.id} dimColor>
          {fit(`${p.id}: ${p.summary}`, columns - 1)}
        </Text>
      ))}
      <Text> </Text>
      <Text dimColor>{fit('↑↓/jk move · Enter choose · ? help · q quit', columns - 1)}</Text>
    </Box>
  );
}
