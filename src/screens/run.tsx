// Run: live steps, before/after, output, confirmations, failure choices, rollback. The key hook below is the only
// place keys become runner events; the view is run-view.ts.
import {Box} from 'ink';
import {useKeys} from './keyboard.tsx';
import {useEffect, useRef, useState, useSyncExternalStore} from 'react';
import type {ProcedureRunner} from '../runner/runner.ts';
import {laneProgress} from '../state/progress.ts';
import {isInFlight, isTerminal} from '../state/reducer.ts';
import {commandsFor} from './keys.ts';
import {Lines} from './lines.tsx';
import {runView, type NodeListView, type RunMode} from './run-view.ts';
import {useUi} from './ui-context.tsx';
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

// More steps than an 80x24 screen can list, spread over several nodes: the node list reads better than the steps.
const NODE_LIST_FROM_STEPS = 24;

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
  const ui = useUi();
  const {t} = ui;
  const [mode, setMode] = useState<RunMode>('main');
  const [stepTop, setStepTop] = useState<number | null>(null);
  const [modalTop, setModalTop] = useState(0);
  const [hint, setHint] = useState<string | null>(null);
  const fanOut = laneProgress(state).length >= 2;
  const [nodes, setNodes] = useState<NodeListView | null>(() => (fanOut && state.steps.length > NODE_LIST_FROM_STEPS ? {selected: null, open: null} : null));
  const [laneToRollBack, setLaneToRollBack] = useState<string | null>(null);
  // Scroll limits come from the last layout; key handlers run between renders and read them here.
  const limits = useRef<{modal: number; steps: number; stepFirst: number; nodeOrder: readonly string[]}>({modal: 0, steps: 0, stepFirst: 0, nodeOrder: []});
  const current = state.current === null ? undefined : state.steps[state.current];
  const inFlight = current !== undefined && isInFlight(current.status);
  const now = useTicking(inFlight);
  const awaiting = current?.status.kind === 'awaiting-confirmation' ? current : undefined;

  // The current step's index under a name of its own: exhaustive-deps takes any `x.current` for a ref's (which never
  // re-renders) and would have it dropped from the list.
  const currentIndex = state.current;
  useEffect(() => setModalTop(0), [currentIndex, state.phase, mode]);

  const dispatch = (event: Parameters<ProcedureRunner['dispatch']>[0]) => {
    setHint(null);
    runner.dispatch(event);
  };

  useKeys(
    (input, key) => {
      const commands = commandsFor(input, key);
      const at = runner.now();
      const has = (c: Parameters<typeof commands.includes>[0]) => commands.includes(c);
      // `state` is the snapshot this screen last drew: a key answers what the admin saw, not a box drawn after it.
      setHint(null);
      if (has('help')) return onHelp();
      if (has('transcript')) return onTranscript();

      if (mode === 'quit-confirm') {
        if (has('confirm')) {
          // Only a session that changed nothing ends "as is" (the reducer refuses the abort otherwise): any other stays
          // unfinished, its nodes locked to it, and the next start offers it for resume or rollback.
          if (!isTerminal(state)) runner.dispatch({type: 'abort-requested', at});
          onQuit();
        } else if (has('decline')) setMode('main');
        else if (has('up')) setModalTop((t) => Math.max(0, t - 1));
        else if (has('down')) setModalTop((t) => Math.min(limits.current.modal, t + 1));
        return;
      }
      if (mode === 'node-rollback-confirm') {
        if (has('confirm') && laneToRollBack) {
          dispatch({type: 'lane-rollback-requested', at, lane: laneToRollBack});
          setMode('main');
        } else if (has('decline')) setMode('main');
        else if (has('up')) setModalTop((t) => Math.max(0, t - 1));
        else if (has('down')) setModalTop((t) => Math.min(limits.current.modal, t + 1));
        return;
      }
      if (mode === 'rollback-confirm') {
        if (has('confirm')) {
          dispatch({type: 'rollback-requested', at});
          setMode('main');
        } else if (has('decline')) setMode('main');
        else if (has('up')) setModalTop((t) => Math.max(0, t - 1));
        else if (has('down')) setModalTop((t) => Math.min(limits.current.modal, t + 1));
        return;
      }
      if (awaiting) {
        if (has('confirm')) return dispatch({type: 'confirmed', at, stepId: awaiting.info.id, scope: 'step'});
        if (has('confirm-kind')) return dispatch({type: 'confirmed', at, stepId: awaiting.info.id, scope: 'kind'});
        if (has('decline')) return dispatch({type: 'declined', at, stepId: awaiting.info.id});
        if (has('up')) return setModalTop((t) => Math.max(0, t - 1));
        if (has('down')) return setModalTop((t) => Math.min(limits.current.modal, t + 1));
        if (has('rollback')) return setMode('rollback-confirm');
        if (has('quit')) return setMode('quit-confirm');
        if (key.return) return setHint(t('hint.enterDoesNotConfirm'));
        return;
      }
      if (has('rollback')) {
        if (state.phase === 'rolling-back' || state.phase === 'rolled-back') return setHint(t('hint.alreadyRolledBack'));
        return setMode('rollback-confirm');
      }
      if (has('quit')) {
        if (isTerminal(state)) return onQuit();
        return setMode('quit-confirm');
      }
      if (isTerminal(state)) {
        if (key.return) return onHome();
      }
      if (has('nodes')) {
        if (!fanOut) return setHint(t('hint.oneNode'));
        setStepTop(null);
        return setNodes((n) => (n ? null : {selected: null, open: null}));
      }
      if (has('rollback-node')) {
        // The node in view: the one opened or selected in the node list, else the failed (current) step's lane.
        const lane = nodes ? (nodes.open ?? nodes.selected ?? limits.current.nodeOrder[0]) : current?.info.lane;
        if (!lane) return setHint(t('hint.noNode'));
        if (!['failed', 'paused', 'completed', 'rollback-failed'].includes(state.phase)) return setHint(t('hint.stopFirst'));
        setLaneToRollBack(lane);
        return setMode('node-rollback-confirm');
      }
      if (nodes && nodes.open === null) {
        const order = limits.current.nodeOrder;
        const index = Math.max(0, nodes.selected === null ? 0 : order.indexOf(nodes.selected));
        const move = (to: number) => setNodes({...nodes, selected: order[Math.min(Math.max(0, to), order.length - 1)] ?? null});
        if (has('up')) return move(index - 1);
        if (has('down')) return move(index + 1);
        if (has('page-up')) return move(index - 10);
        if (has('page-down')) return move(index + 10);
        if (key.return) {
          setStepTop(null);
          return setNodes({...nodes, selected: order[index] ?? null, open: order[index] ?? null});
        }
      }
      if (nodes && nodes.open !== null && has('back')) {
        setStepTop(null);
        return setNodes({...nodes, open: null});
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
    {active},
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
    nodes,
    laneToRollBack,
    ui,
  });
  limits.current = {modal: view.modalMaxTop, steps: view.stepMaxTop, stepFirst: view.stepFirst, nodeOrder: view.nodeOrder};
  return (
    <Box flexDirection="column">
      <Lines lines={view.lines} width={Math.max(20, columns - 1)} />
    </Box>
  );
}
