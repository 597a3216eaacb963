// Parameters: a validated form with defaults read from the hosts. Nothing changes until the plan is accepted.
import {Box, Text, useInput} from 'ink';
import SelectInput from 'ink-select-input';
import {TextField} from './text-field.tsx';
import {useState} from 'react';
import type {ParamForm, ParamSpec} from '../procedures/types.ts';
import {fit, pad} from './format.ts';
import {commandsFor} from './keys.ts';
import {useTerminalSize} from './use-terminal-size.ts';

export interface ParamsProps {
  readonly title: string;
  readonly form: ParamForm;
  readonly values: Readonly<Record<string, string>>;
  readonly errors: Readonly<Record<string, string>>;
  readonly checking: boolean;
  readonly active: boolean;
  readonly onChange: (key: string, value: string) => void;
  readonly onSubmit: () => void;
  readonly onBack: () => void;
  readonly onHelp: () => void;
  /** Nothing has changed yet on these screens: quitting needs no question. */
  readonly onQuit: () => void;
}

const TYPE_IT = '\u0000type';

export function Params({title, form, values, errors, checking, active, onChange, onSubmit, onBack, onHelp, onQuit}: ParamsProps) {
  const {columns} = useTerminalSize();
  const [cursor, setCursor] = useState(0);
  const [editing, setEditing] = useState<{spec: ParamSpec; mode: 'pick' | 'type'; draft: string} | null>(null);
  const rows = form.specs.length + 1; // + the Continue row
  const labelWidth = Math.min(18, Math.max(...form.specs.map((s) => s.label.length)) + 1);

  useInput(
    (input, key) => {
      const commands = commandsFor(input, key);
      if (commands.includes('up')) setCursor((c) => (c + rows - 1) % rows);
      else if (commands.includes('down')) setCursor((c) => (c + 1) % rows);
      else if (commands.includes('help')) onHelp();
      else if (commands.includes('quit')) onQuit();
      else if (commands.includes('back')) onBack();
      else if (commands.includes('select')) {
        const spec = form.specs[cursor];
        if (!spec) onSubmit();
        else setEditing({spec, mode: spec.choices?.length ? 'pick' : 'type', draft: values[spec.key] ?? ''});
      }
    },
    {isActive: active && !editing && !checking},
  );

  useInput(
    (input, key) => {
      if (key.escape) setEditing(null);
      else if (key.ctrl && input === 'c') onQuit();
    },
    {isActive: active && editing !== null},
  );

  const focused = form.specs[cursor];
  return (
    <Box flexDirection="column">
      <Text bold>{fit(`${title} · parameters`, columns - 1)}</Text>
      <Text dimColor>{fit('Defaults were read from the nodes. Nothing changes until you start the plan.', columns - 1)}</Text>
      <Text> </Text>
      {form.specs.map((spec, i) => {
        const selected = i === cursor;
        const value = values[spec.key] ?? '';
        const error = errors[spec.key];
        return (
          <Box key={spec.key} flexDirection="column">
            <Text inverse={selected && !editing} color={error ? 'red' : undefined}>
              {fit(`${selected ? '›' : ' '} ${pad(spec.label, labelWidth)} ${spec.secret && value ? '********' : value || '(empty)'}`, columns - 1)}
            </Text>
            {error ? <Text color="red">{fit(`    ✘ ${error}`, columns - 1)}</Text> : null}
          </Box>
        );
      })}
      <Text inverse={cursor === form.specs.length && !editing} bold>
        {`${cursor === form.specs.length ? '›' : ' '} Continue to the plan →`}
      </Text>
      <Text> </Text>
      {errors._ ? <Text color="red">{fit(`✘ ${errors._}`, columns - 1)}</Text> : null}
      {checking ? <Text color="yellow">Checking the parameters against the nodes…</Text> : null}
      {editing ? (
        <Editor
          spec={editing.spec}
          mode={editing.mode}
          draft={editing.draft}
          width={columns - 1}
          onDraft={(draft) => setEditing({...editing, draft})}
          onType={() => setEditing({...editing, mode: 'type'})}
          onDone={(value) => {
            onChange(editing.spec.key, value);
            setEditing(null);
          }}
        />
      ) : (
        <Text dimColor>{fit(focused ? focused.help : 'Check every value against the nodes and show the plan', columns - 1)}</Text>
      )}
      <Text dimColor>{fit(editing ? 'Enter accept · Esc cancel' : '↑↓ move · Enter edit/continue · Esc back · ? help', columns - 1)}</Text>
    </Box>
  );
}

function Editor(props: {
  spec: ParamSpec;
  mode: 'pick' | 'type';
  draft: string;
  width: number;
  onDraft: (draft: string) => void;
  onType: () => void;
  onDone: (value: string) => void;
}) {
  const {spec, mode, draft, width} = props;
  if (mode === 'pick' && spec.choices) {
    const items = [...spec.choices.map((c) => ({key: c.value, label: fit(c.label, width - 4), value: c.value})), {key: TYPE_IT, label: 'Type a value…', value: TYPE_IT}];
    return (
      <Box flexDirection="column">
        <Text bold>{fit(spec.label, width)}</Text>
        <SelectInput items={items} limit={8} onSelect={(item) => (item.value === TYPE_IT ? props.onType() : props.onDone(item.value))} />
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Text bold>{fit(`${spec.label}: ${spec.help}`, width)}</Text>
      <Box>
        <Text>› </Text>
        <TextField value={draft} onChange={props.onDraft} onSubmit={(value) => props.onDone(spec.secret ? value : value.trim())} {...(spec.secret ? {mask: '*'} : {})} />
      </Box>
    </Box>
  );
}
