// Plan: every step and the exact commands it will run, before anything runs.
import {Box, useInput} from 'ink';
import {useMemo, useState} from 'react';
import type {StepDefinition} from '../procedures/types.ts';
import {commandsFor} from './keys.ts';
import {line, Lines, wrap, type Line} from './lines.tsx';
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

export function planLines(steps: readonly StepDefinition[], width: number): Line[] {
  const out: Line[] = [];
  steps.forEach((step, i) => {
    const tag = step.destructive ? '  [asks first]' : '';
    out.push(...wrap(`${String(i + 1).padStart(2)}. [${step.node}] ${step.title}${tag}`, width, {bold: true, color: step.destructive ? 'yellow' : undefined}, '    '));
    for (const cmd of step.plan()) {
      out.push(...wrap(`    ${cmd.preview === false ? '~' : '$'} ${cmd.text}`, width, {dim: cmd.preview === false}, '        '));
    }
  });
  return out;
}

export function Plan({title, steps, params, summary, active, onStart, onBack, onHelp, onQuit}: PlanProps) {
  const {columns, rows} = useTerminalSize();
  const width = columns - 1;
  const body = useMemo(() => planLines(steps, width), [steps, width]);
  const summaryLines = summary.reduce((n, text) => n + wrap(text, width, {}, '         ').length, 0);
  const height = Math.max(3, rows - 5 - summaryLines);
  const [top, setTop] = useState(0);
  const maxTop = Math.max(0, body.length - height);

  useInput(
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
    {isActive: active},
  );

  const visible = body.slice(top, top + height);
  const more = body.length > height ? ` · lines ${top + 1}-${Math.min(body.length, top + height)} of ${body.length}` : '';
  const head: Line[] = [
    line(`${title} · plan: ${steps.length} steps${more}`, {bold: true}),
    line(Object.entries(params).map(([k, v]) => `${k}=${v}`).join('  '), {dim: true}),
    ...summary.flatMap((text) => wrap(text, width, {color: 'cyan'}, '         ')),
  ];
  const foot: Line[] = [
    line('$ exact command · ~ an edit certwalk makes in place · [asks first] = you confirm before it runs', {dim: true}),
    line('s/Enter start · ↑↓ PgUp/PgDn scroll · Esc back · ? help', {dim: true}),
  ];
  return (
    <Box flexDirection="column">
      <Lines lines={[...head, ...visible, ...Array.from({length: height - visible.length}, () => line('')), ...foot]} width={width} />
    </Box>
  );
}
