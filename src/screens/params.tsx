// Parameters: a validated form with defaults read from the hosts. Nothing changes until the plan is accepted.
import {Box, Text} from 'ink';
import {TextField} from './text-field.tsx';
import {useState} from 'react';
import type {ParamForm, ParamSpec} from '../procedures/types.ts';
import {useKeys} from './keyboard.tsx';
import {SelectList} from './select-list.tsx';
import {cells, fit, pad} from './format.ts';
import {wrap, wrapParts} from './lines.tsx';
import {commandsFor} from './keys.ts';
import {useUi} from './ui-context.tsx';
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
  const {t, g, text} = useUi();
  const [cursor, setCursor] = useState(0);
  const [editing, setEditing] = useState<{spec: ParamSpec; mode: 'pick' | 'type'; draft: string} | null>(null);
  const rows = form.specs.length + 1; // + the Continue row
  const labelWidth = Math.min(18, Math.max(...form.specs.map((s) => cells(text(s.label)))) + 1);
  const width = columns - 1;
  const fitted = (value: string) => fit(text(value), width, g.ellipsis);

  useKeys(
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
    {active: active && !editing && !checking},
  );

  // Esc leaves the field as it was, whether a list or a text field is open.
  useKeys(
    (input, key) => {
      if (key.escape) setEditing(null);
      else if (key.ctrl && input === 'c') onQuit();
    },
    {active: active && editing !== null},
  );

  const focused = form.specs[cursor];
  return (
    <Box flexDirection="column">
      {wrapParts(text(t('params.title', {title})), g.separator, width, {}, '  ').map((l, i) => (
        <Text key={`title-${i}`} bold>
          {l.text}
        </Text>
      ))}
      {wrap(text(t('params.intro')), width, {}, '  ').map((l, i) => (
        <Text key={`intro-${i}`} dimColor>
          {l.text}
        </Text>
      ))}
      <Text> </Text>
      {form.specs.map((spec, i) => {
        const selected = i === cursor;
        const value = values[spec.key] ?? '';
        const error = errors[spec.key];
        return (
          <Box key={spec.key} flexDirection="column">
            <Text inverse={selected && !editing} color={error ? 'red' : undefined}>
              {fitted(`${selected ? g.cursor : ' '} ${pad(text(spec.label), labelWidth, g.ellipsis)} ${spec.secret && value ? '********' : value || t('params.empty')}`)}
            </Text>
            {error ? <Prose text={text(`    ${g.bad} ${error}`)} width={width} indent="      " color="red" /> : null}
          </Box>
        );
      })}
      <Text inverse={cursor === form.specs.length && !editing} bold>
        {fitted(`${cursor === form.specs.length ? g.cursor : ' '} ${t('params.continue')}`)}
      </Text>
      <Text> </Text>
      {errors._ ? <Prose text={text(`${g.bad} ${errors._}`)} width={width} indent="  " color="red" /> : null}
      {checking ? <Text color="yellow">{fitted(t('params.checking'))}</Text> : null}
      {editing ? (
        <Editor
          spec={editing.spec}
          mode={editing.mode}
          draft={editing.draft}
          width={width}
          onDraft={(draft) => setEditing({...editing, draft})}
          onType={() => setEditing({...editing, mode: 'type'})}
          onDone={(value) => {
            onChange(editing.spec.key, value);
            setEditing(null);
          }}
        />
      ) : (
        <Prose text={text(focused ? focused.help : t('params.continue.help'))} width={width} indent="  " dim />
      )}
      <Text dimColor>{fitted(editing ? t('params.footer.editing') : t('params.footer'))}</Text>
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
  const {t, g, text} = useUi();
  if (mode === 'pick' && spec.choices) {
    const items = [
      ...spec.choices.map((c) => ({key: c.value, label: fit(text(c.label), width - 4, g.ellipsis), value: c.value})),
      {key: TYPE_IT, label: fit(t('params.typeValue'), width - 4, g.ellipsis), value: TYPE_IT},
    ];
    return (
      <Box flexDirection="column">
        <Text bold>{fit(text(spec.label), width, g.ellipsis)}</Text>
        {/* Opens on the field's value; a value typed by hand opens on "type a value", where it can be edited. */}
        <SelectList
          items={items}
          initialValue={spec.choices.some((c) => c.value === draft) || !draft ? draft : TYPE_IT}
          limit={8}
          onSelect={(item) => (item.value === TYPE_IT ? props.onType() : props.onDone(item.value))}
        />
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Prose text={text(`${spec.label}: ${spec.help}`)} width={width} indent="  " bold />
      <Box>
        <Text>{g.cursor} </Text>
        <TextField value={draft} onChange={props.onDraft} onSubmit={(value) => props.onDone(spec.secret ? value : value.trim())} {...(spec.secret ? {mask: '*'} : {})} />
      </Box>
    </Box>
  );
}

/** Help and error texts: wrapped at words (a cut message hides what to fix), one <Text> per line. */
function Prose({text, width, indent, color, bold, dim}: {text: string; width: number; indent: string; color?: string; bold?: boolean; dim?: boolean}) {
  return (
    <>
      {wrap(text, width, {}, indent).map((l, i) => (
        <Text key={i} color={color} bold={bold} dimColor={dim}>
          {l.text}
        </Text>
      ))}
    </>
  );
}
