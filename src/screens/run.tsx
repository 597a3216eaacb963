// Run: live steps, before/after, output, confirmations, failure choices, rollback. The key hook below is the only
// place keys become runner events; the view is run-view.ts.
import {Box, useInput} from 'ink';
import {useEffect, useRef, useState, useSyncExternalStore} from 'react';
import type {ProcedureRunner} from '../runner/runner.ts';
import {isInFlight, isTerminal} from '../state/reducer.ts';
import {commandsFor} from './keys.ts';
import {Lines} from './lines.tsx';
import {runView, type RunMode} from './run-view.ts';
import {useTerminalSize} from './use-terminal-size.ts';

export interface RunProps {
  readonly title: string;
  readonly runner: ProcedureRunner;
  readonly active: boolean;
  readonly onHome: () => void;
  readonly onQuit: () => void;
  readonly onHelp: () => void;
  readonly onTranscript: () => void;
}

/** Re-renders twice a second while a step is in flight, so its elapsed time moves. */
function useTicking(enabled: boolean): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    const timer = setInterval(() => setTick((t) => t + 1), 500);
    return () => clearInterval(timer);
  }, [enabled]);
  return Date.now();
}

export function Run({title, runner, active, onHome, onQuit, onHelp, onTranscript}: RunProps) {
  const snapshot = useSyncExternalStore(runner.subscribe, runner.getSnapshot);
  const {state} = snapshot;
  const {columns, rows} = useTerminalSize();
  const [mode, setMode] = useState<RunMode>('main');
  const [stepTop, setStepTop] = useState<number | null>(null);
  const [modalTop, setModalTop] = useState(0);
  const [hint, setHint] = useState<string | null>(null);
  // Scroll limits come from the last layout; key handlers run between renders and read them here.
  const limits = useRef({modal: 0, steps: 0, stepFirst: 0});
  const current = state.current === null ? undefined : state.steps[state.current];
  const inFlight = current !== undefined && isInFlight(current.status);
  const now = useTicking(inFlight);
  const awaiting = current?.status.kind === 'awaiting-confirmation' ? current : undefined;

  useEffect(() => setModalTop(0), [state.current, state.phase, mode]);

  const dispatch = (event: Parameters<ProcedureRunner['dispatch']>[0]) => {
    setHint(null);
    runner.dispatch(event);
  };

  useInput(
    (input, key) => {
      const commands = commandsFor(input, key);
      const at = runner.now();
      const has = (c: Parameters<typeof commands.includes>[0]) => commands.includes(c);
      setHint(null);
      if (has('help')) return onHelp();
      if (has('transcript')) return onTranscript();

      if (mode === 'quit-confirm') {
        if (input === 'y') {
          if (!isTerminal(state)) runner.dispatch({type: 'abort-requested', at});
          onQuit();
        } else if (input === 'n' || key.escape) setMode('main');
        return;
      }
      if (mode === 'rollback-confirm') {
        if (input === 'y') {
          dispatch({type: 'rollback-requested', at});
          setMode('main');
        } else if (input === 'n' || key.escape) setMode('main');
        else if (has('up')) setModalTop((t) => Math.max(0, t - 1));
        else if (has('down')) setModalTop((t) => Math.min(limits.current.modal, t + 1));
        return;
      }
      if (awaiting) {
        if (input === 'y') return dispatch({type: 'confirmed', at, stepId: awaiting.info.id, scope: 'step'});
        if (input === 'a') return dispatch({type: 'confirmed', at, stepId: awaiting.info.id, scope: 'kind'});
        if (input === 'n' || key.escape) return dispatch({type: 'declined', at, stepId: awaiting.info.id});
        if (has('up')) return setModalTop((t) => Math.max(0, t - 1));
        if (has('down')) return setModalTop((t) => Math.min(limits.current.modal, t + 1));
        if (has('rollback')) return setMode('rollback-confirm');
        if (key.return) return setHint('Enter alone does not confirm: press y to run this step, n to stop');
        return;
      }
      if (has('rollback')) {
        if (state.phase === 'rolling-back' || state.phase === 'rolled-back') return setHint('already rolled back');
        return setMode('rollback-confirm');
      }
      if (has('quit')) {
        if (isTerminal(state)) return onQuit();
        if (inFlight) return setHint('a step is running: press p to pause after it, or wait, then q');
        return setMode('quit-confirm');
      }
      if (isTerminal(state)) {
        if (key.return) return onHome();
      }
      if (state.phase === 'failed') {
        if (has('retry')) return dispatch({type: 'retry-requested', at});
        if (has('skip')) return dispatch({type: 'skip-requested', at});
      }
      if (has('pause')) {
        if (state.phase === 'paused') return dispatch({type: 'resume-requested', at});
        if (state.phase === 'running') return dispatch({type: 'pause-requested', at});
      }
      if (has('up')) return setStepTop((t) => Math.max(0, Math.min(limits.current.steps, t ?? limits.current.stepFirst) - 1));
      if (has('down')) return setStepTop((t) => Math.min(limits.current.steps, (t ?? limits.current.stepFirst) + 1));
      if (has('back')) return setStepTop(null);
    },
    {isActive: active},
  );

  const view = runView({
    title,
    snapshot: hint ? {...snapshot, hint} : snapshot,
    mode,
    columns,
    rows,
    now,
    stepTop,
    modalTop,
    transcriptPath: runner.transcriptPath,
    journalPath: runner.journalPath,
  });
  limits.current = {modal: view.modalMaxTop, steps: view.stepMaxTop, stepFirst: view.stepFirst};
  return (
    <Box flexDirection="column">
      <Lines lines={view.lines} width={Math.max(20, columns - 1)} />
    </Box>
  );
}
