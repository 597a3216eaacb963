// Recovery: shown at start when sessions on this fleet did not finish (a closed RDP window, a crash). Each one says
// what ran and what is uncertain; Enter opens it in the Run screen, where e resumes (reading uncertain steps back
// first), r rolls back, and q leaves it as is.
import {Box} from 'ink';
import {useKeys} from './keyboard.tsx';
import {useState} from 'react';
import type {UnfinishedSession} from '../runner/recovery.ts';
import {openWindows} from '../state/reducer.ts';
import {windowLine} from './run-view.ts';
import {commandsFor} from './keys.ts';
import {line, Lines, wrap, type Line} from './lines.tsx';
import {useUi} from './ui-context.tsx';
import {DEFAULT_UI, type Ui} from './ui.ts';
import {useTerminalSize} from './use-terminal-size.ts';

export interface RecoveryProps {
  readonly sessions: readonly UnfinishedSession[];
  readonly onOpen: (session: UnfinishedSession) => void;
  readonly onSkip: () => void;
  readonly onHelp: () => void;
  readonly onQuit: () => void;
  readonly active: boolean;
}

export function recoveryLines(sessions: readonly UnfinishedSession[], selected: number, width: number, height: number, ui: Ui = DEFAULT_UI): Line[] {
  const {g, t, text} = ui;
  const out: Line[] = [...wrap(t('recovery.title'), width, {bold: true}, '  '), ...wrap(t('recovery.intro'), width, {dim: true}, '  '), line('')];
  sessions.forEach((s, i) => {
    const {header} = s.read;
    const chosen = i === selected;
    const state = s.crashed ? t('recovery.crashed') : t('recovery.ended', {state: t(`state.${s.state.phase}`)});
    const title = ui.procedure({id: header.procedure, title: header.title}).title;
    out.push(line(`${chosen ? g.cursor : ' '} ${title}`, {bold: true, inverse: chosen}));
    const started = t('recovery.started', {time: header.startedAt.slice(0, 19).replace('T', ' '), user: header.user, machine: header.machine});
    out.push(...wrap(`    ${started}`, width, {}, '      '));
    out.push(line(`    ${t('recovery.progress', {done: s.done, total: s.state.steps.length, state})}`, {color: s.crashed ? 'yellow' : undefined}));
    if (s.inUseBy) out.push(...wrap(`    ${t('recovery.inUse', {pid: s.inUseBy})}`, width, {color: 'yellow'}, '      '));
    if (chosen) {
      for (const u of s.uncertain) out.push(...wrap(`    ${t('recovery.uncertain', {what: text(u)})}`, width, {color: 'yellow'}, '      '));
      for (const w of openWindows(s.state)) out.push(...wrap(`    ${windowLine(s.state, w, ui)}`, width, {color: 'yellow', bold: true}, '      '));
      for (const st of s.state.steps) {
        if (st.status.kind === 'undo-failed')
          out.push(...wrap(`    ${t('recovery.undoFailed', {node: st.info.node, title: text(st.info.title), error: text(st.status.error)})}`, width, {color: 'red'}, '      '));
      }
      const failed = s.state.steps.filter((st) => st.status.kind === 'failed' && !st.status.interrupted);
      for (const f of failed) {
        if (f.status.kind === 'failed')
          out.push(...wrap(`    ${t('recovery.failed', {node: f.info.node, title: f.info.title, error: f.status.error})}`, width, {color: 'red'}, '      '));
      }
      const what = s.canResume ? 'recovery.canResume' : 'recovery.rollbackOnly';
      out.push(...wrap(`    ${t(what, {count: s.undoCount, journal: s.journal})}`, width, {dim: true}, '      '));
    }
  });
  const footer = line(t('recovery.footer'), {dim: true});
  return [...out.slice(0, Math.max(4, height - 2)), footer];
}

export function Recovery({sessions, onOpen, onSkip, onHelp, onQuit, active}: RecoveryProps) {
  const {columns, rows} = useTerminalSize();
  const ui = useUi();
  const [selected, setSelected] = useState(0);
  useKeys(
    (input, key) => {
      const commands = commandsFor(input, key);
      if (commands.includes('help')) return onHelp();
      if (commands.includes('quit')) return onQuit();
      if (commands.includes('up')) return setSelected((s) => Math.max(0, s - 1));
      if (commands.includes('down')) return setSelected((s) => Math.min(sessions.length - 1, s + 1));
      if (commands.includes('back')) return onSkip();
      if (key.return) {
        const session = sessions[selected];
        if (session && !session.inUseBy) onOpen(session);
      }
    },
    {active},
  );
  const width = Math.max(20, columns - 1);
  return (
    <Box flexDirection="column">
      <Lines lines={recoveryLines(sessions, selected, width, rows, ui)} width={width} />
    </Box>
  );
}
