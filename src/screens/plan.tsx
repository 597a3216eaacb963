// Plan: every step and the exact commands it will run, before anything runs.
import {Box} from 'ink';
import {useKeys} from './keyboard.tsx';
import {useMemo, useState} from 'react';
import type {StepDefinition} from '../procedures/types.ts';
import {commandsFor} from './keys.ts';
import {line, Lines, wrap, wrapParts, type Line} from './lines.tsx';
import {useUi} from './ui-context.tsx';
import {DEFAULT_UI, type Ui} from './ui.ts';
import {useTerminalSize} from './use-terminal-size.ts';

export interface PlanProps {
  readonly title: string;
  readonly steps: readonly StepDefinition[];
  readonly params: Readonly<Record<string, string>>;
  /** What the plan is about (current and new certificate). */
  readonly summary: readonly string[];
  readonly active: boolean;
  readonly onStart: () => void;
  readonly onBack: () => void;
  readonly onHelp: () => void;
  /** Nothing has changed yet on these screens: quitting needs no question. */
  readonly onQuit: () => void;
}

export function planLines(steps: readonly StepDefinition[], width: number, {t, text}: Ui = DEFAULT_UI): Line[] {
  const out: Line[] = [];
  steps.forEach((step, i) => {
    const tag = step.destructive ? `  ${t('plan.asksFirst')}` : '';
    out.push(...wrap(`${String(i + 1).padStart(2)}. [${text(step.node)}] ${text(step.title)}${tag}`, width, {bold: true, color: step.destructive ? 'yellow' : undefined}, '    '));
    for (const cmd of step.plan()) {
      out.push(...wrap(`    ${cmd.preview === false ? '~' : '$'} ${text(cmd.text)}`, width, {dim: cmd.preview === false}, '        '));
    }
  });
  return out;
}

export function Plan({title, steps, params, summary, active, onStart, onBack, onHelp, onQuit}: PlanProps) {
  const {columns, rows} = useTerminalSize();
  const ui = useUi();
  const {t, text} = ui;
  const width = columns - 1;
  const body = useMemo(() => planLines(steps, width, ui), [steps, width, ui]);
  const about = summary.flatMap((line) => wrap(text(line), width, {color: 'cyan'}, '         '));
  // The legend wraps rather than being cut (a translation may be longer than 80 columns); the key line never does.
  const foot: Line[] = [...wrap(t('plan.legend'), width, {dim: true}, '  '), line(t('plan.footer'), {dim: true})];
  // The title wraps too (a long procedure title and the scroll position); the steps get the rows that are left.
  const heading = (top: number, height: number) => {
    const more = body.length > height ? t('plan.lines', {from: top + 1, to: Math.min(body.length, top + height), total: body.length}) : '';
    return wrapParts(t('plan.title', {title, count: steps.length, lines: more}), ui.g.separator, width, {bold: true}, '  ');
  };
  const height = Math.max(3, rows - 2 - heading(body.length, Math.max(3, rows - 4 - about.length - foot.length)).length - about.length - foot.length);
  const [top, setTop] = useState(0);
  const maxTop = Math.max(0, body.length - height);

  useKeys(
    (input, key) => {
      const commands = commandsFor(input, key);
      if (commands.includes('up')) setTop((t) => Math.max(0, t - 1));
      else if (commands.includes('down')) setTop((t) => Math.min(maxTop, t + 1));
      else if (commands.includes('page-up')) setTop((t) => Math.max(0, t - height));
      else if (commands.includes('page-down')) setTop((t) => Math.min(maxTop, t + height));
      else if (commands.includes('start') || commands.includes('select')) onStart();
      else if (commands.includes('quit')) onQuit();
      else if (commands.includes('back')) onBack();
      else if (commands.includes('help')) onHelp();
    },
    {active},
  );

  const visible = body.slice(top, top + height);
  const head: Line[] = [
    ...heading(top, height),
    line(
      text(
        Object.entries(params)
          .map(([k, v]) => `${k}=${v}`)
          .join('  '),
      ),
      {dim: true},
    ),
    ...about,
  ];
  return (
    <Box flexDirection="column">
      <Lines lines={[...head, ...visible, ...Array.from({length: height - visible.length}, () => line('')), ...foot]} width={width} />
    </Box>
  );
}
