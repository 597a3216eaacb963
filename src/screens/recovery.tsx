// Recovery: shown at start when sessions on this fleet did not finish (a closed RDP window, a crash). Each one says
// what ran and what is uncertain; Enter opens it in the Run screen, where e resumes (reading uncertain steps back
// first), r rolls back, and q leaves it as is.
import {Box, useInput} from 'ink';
import {useState} from 'react';
import type {UnfinishedSession} from '../runner/recovery.ts';
import {commandsFor} from './keys.ts';
import {line, Lines, wrap, type Line} from './lines.tsx';
import {useTerminalSize} from './use-terminal-size.ts';

export interface RecoveryProps {
  readonly sessions: readonly UnfinishedSession[];
  readonly onOpen: (session: UnfinishedSession) => void;
  readonly onSkip: () => void;
  readonly onHelp: () => void;
  readonly onQuit: () => void;
  readonly active: boolean;
}

export function recoveryLines(sessions: readonly UnfinishedSession[], selected: number, width: number, height: number): Line[] {
  const out: Line[] = [
    line('certwalk · unfinished sessions on this fleet', {bold: true}),
    line('certwalk stopped before these procedures ended. Nothing runs until you choose.', {dim: true}),
    line(''),
  ];
  sessions.forEach((s, i) => {
    const {header} = s.read;
    const chosen = i === selected;
    const state = s.crashed ? 'stopped without closing' : `ended ${s.state.phase}`;
    out.push(line(`${chosen ? '›' : ' '} ${header.title}`, {bold: true, inverse: chosen}));
    out.push(...wrap(`    started ${header.startedAt.slice(0, 19).replace('T', ' ')} by ${header.user} on ${header.machine}`, width, {}, '      '));
    out.push(line(`    ${s.done}/${s.state.steps.length} steps done · ${state}`, {color: s.crashed ? 'yellow' : undefined}));
    if (s.inUseBy) out.push(line(`    still open in process ${s.inUseBy} on this machine: close it there`, {color: 'yellow'}));
    if (chosen) {
      for (const u of s.uncertain) out.push(...wrap(`    uncertain: ${u}`, width, {color: 'yellow'}, '      '));
      const failed = s.state.steps.filter((st) => st.status.kind === 'failed' && !st.status.interrupted);
      for (const f of failed) if (f.status.kind === 'failed') out.push(...wrap(`    failed: [${f.info.node}] ${f.info.title}: ${f.status.error}`, width, {color: 'red'}, '      '));
      out.push(...wrap(`    ${s.canResume ? 'can be resumed or rolled back' : 'a rollback had started: it can only be rolled back'} (${s.undoCount} step(s) to undo) · journal ${s.journal}`, width, {dim: true}, '      '));
    }
  });
  const footer = line('↑↓ choose · Enter open (e resume · r roll back · q leave) · Esc later', {dim: true});
  return [...out.slice(0, Math.max(4, height - 2)), footer];
}

export function Recovery({sessions, onOpen, onSkip, onHelp, onQuit, active}: RecoveryProps) {
  const {columns, rows} = useTerminalSize();
  const [selected, setSelected] = useState(0);
  useInput(
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
    {isActive: active},
  );
  const width = Math.max(20, columns - 1);
  return (
    <Box flexDirection="column">
      <Lines lines={recoveryLines(sessions, selected, width, rows)} width={width} />
    </Box>
  );
}
