// The app: Home → Parameters → Plan → Run (confirm, rollback, done), with help and transcript overlays. Which screen
// shows is app-flow.ts's; sessions are the session service's (src/session); this file calls one and renders the other.
import {Box, Text, useApp} from 'ink';
import {KeyboardProvider} from './keyboard.tsx';
import {useEffect, useReducer, useState} from 'react';
import type {Fleet} from '../hosts/host.ts';
import type {ProcedureSummary} from '../procedures/catalog.ts';
import type {UnfinishedSession} from '../runner/recovery.ts';
import type {ScreenRecorder} from '../runner/cast.ts';
import {flow, initialFlow, type Screen} from './app-flow.ts';
import {Recovery} from './recovery.tsx';
import {Help} from './help.tsx';
import {Home} from './home.tsx';
import {Params} from './params.tsx';
import {Plan} from './plan.tsx';
import {Run} from './run.tsx';
import {TranscriptList, TranscriptView} from './transcript-view.tsx';
import {useUi} from './ui-context.tsx';

export interface AppProps {
  readonly fleet: Fleet;
  /** Home's list; a procedure's code loads when it is chosen (the first frame does not wait for it). */
  readonly procedures: readonly ProcedureSummary[];
  readonly transcriptDir: string;
  /** Workers (lanes of a fan-out block) rotated at once. */
  readonly concurrency?: number;
  /** What a failed worker does to the others (--on-failure). */
  readonly onLaneFailure?: 'stop' | 'continue';
  readonly onExit?: (code: number) => void;
  /** Records the screen of each procedure session next to its transcript (asciicast). */
  readonly screenRecorder?: ScreenRecorder;
  /** Sessions on this fleet that did not finish: the Recovery screen comes first when there are any. */
  readonly unfinished?: readonly UnfinishedSession[];
}

/** The session service and the procedures load when one is chosen or continued: the first frame waits for neither. */
const sessionService = () => import('../session/index.ts');

/** Every key of the app goes through one keyboard (keyboard.tsx): one key at a time, each to the screen it was meant for. */
export function App(props: AppProps) {
  return (
    <KeyboardProvider>
      <Screens {...props} />
    </KeyboardProvider>
  );
}

function Screens({fleet, procedures, transcriptDir, concurrency = 1, onLaneFailure = 'stop', onExit, screenRecorder, unfinished = []}: AppProps) {
  const {exit} = useApp();
  const ui = useUi();
  const [{screen, recoverable}, dispatch] = useReducer(flow, unfinished, initialFlow);
  const [overlay, setOverlay] = useState<'help' | 'transcript' | null>(null);
  // Home's `t`: past sessions, and the one opened from that list.
  const [pastSessions, setPastSessions] = useState(false);
  const [pastTranscript, setPastTranscript] = useState<string | null>(null);
  const active = overlay === null;
  const help = () => setOverlay('help');

  // A closed window or ssh connection (SIGHUP) or a kill (SIGTERM) ends certwalk as a quit does: on the way out the
  // open session closes (the runner's exit hook), unfinished with its nodes locked to it if it changed any.
  useEffect(() => {
    const hangUp = (signal: NodeJS.Signals) => {
      screenRecorder?.end();
      process.exit(signal === 'SIGHUP' ? 129 : 143);
    };
    // Before Ink's own handler (signal-exit), which unmounts the app and then re-raises the signal when no other
    // listener is left: by then this one would be gone with the unmount.
    process.prependListener('SIGHUP', hangUp);
    process.prependListener('SIGTERM', hangUp);
    return () => {
      process.off('SIGHUP', hangUp);
      process.off('SIGTERM', hangUp);
    };
  }, [screenRecorder]);

  const quit = (code = 0) => {
    const closing = screen.name === 'run' ? screen.session.close() : Promise.resolve();
    onExit?.(code);
    // certwalk ends once an ended session's node locks are released: a certwalk started right after finds them free.
    void closing.then(() => exit());
  };

  const choose = (summary: ProcedureSummary) => {
    dispatch({type: 'waiting', message: ui.t('app.reading', {title: ui.procedure(summary).title})});
    sessionService()
      .then(({openDraft}) => openDraft(fleet, summary.id))
      .then(
        (draft) => dispatch({type: 'draft-opened', draft}),
        (error: unknown) => dispatch({type: 'home', error: `${ui.procedure(summary).title}: ${(error as Error).message}`}),
      );
  };

  const submit = (s: Extract<Screen, {name: 'params'}>) => {
    dispatch({type: 'submitted'});
    s.draft.prepare(s.values).then(
      (result) => dispatch({type: 'checked', result}),
      (error: unknown) => dispatch({type: 'check-failed', error: (error as Error).message}),
    );
  };

  const start = (s: Extract<Screen, {name: 'plan'}>) => {
    dispatch({type: 'waiting', message: ui.t('app.locking')});
    sessionService()
      .then(({startSession}) =>
        startSession({draft: s.draft, planned: s.planned, autoConfirmAll: false, concurrency, onLaneFailure, transcriptDir, ...(screenRecorder ? {screen: screenRecorder} : {})}),
      )
      .then(
        (session) => {
          dispatch({type: 'session-opened', title: ui.procedure(s.draft.definition).title, session});
          session.runner.dispatch({type: 'start', at: session.runner.now()});
        },
        (error: unknown) => dispatch({type: 'home', error: ui.t('app.nothingChanged', {error: (error as Error).message})}),
      );
  };

  // An unfinished session continues in the Run screen: its in-flight steps marked interrupted, e resumes, r rolls back.
  const continueUnfinished = (unfinishedSession: UnfinishedSession) => {
    const {journal, read} = unfinishedSession;
    dispatch({type: 'waiting', message: ui.t('app.locking')});
    sessionService()
      .then(async ({continueSession, sessionSecrets, trustSession}) => {
        // Refused (another fleet, another procedure, no step recorded) before any lock is taken: Home shows why.
        const trusted = await trustSession(fleet, journal, read);
        // Secrets that cannot be opened only matter to a step that imports them: that step fails and says so.
        const opened = sessionSecrets(read);
        return continueSession(fleet, trusted, {
          autoConfirmAll: false,
          transcriptDir,
          ...(opened.ok ? {secrets: opened.secrets} : {}),
          ...(screenRecorder ? {screen: screenRecorder} : {}),
        });
      })
      .then(
        (session) => {
          const {runner} = session;
          // Killed before its first step: it starts now (its destructive steps still ask).
          if (runner.snapshot.state.phase === 'idle') runner.dispatch({type: 'start', at: runner.now()});
          dispatch({type: 'session-opened', title: ui.procedure({id: runner.header.procedure, title: runner.header.title}).title, session, recovered: unfinishedSession});
        },
        (error: unknown) => dispatch({type: 'home', error: (error as Error).message}),
      );
  };

  if (overlay === 'help') return <Help onClose={() => setOverlay(null)} />;
  if (pastTranscript) return <TranscriptView path={pastTranscript} onClose={() => setPastTranscript(null)} />;
  if (pastSessions) return <TranscriptList dir={transcriptDir} onOpen={setPastTranscript} onClose={() => setPastSessions(false)} />;
  if (overlay === 'transcript' && screen.name === 'run') return <TranscriptView path={screen.session.runner.transcriptPath} onClose={() => setOverlay(null)} />;

  switch (screen.name) {
    case 'recovery':
      return <Recovery sessions={recoverable} onOpen={continueUnfinished} onSkip={() => dispatch({type: 'home'})} onHelp={help} onQuit={() => quit(0)} active={active} />;
    case 'home':
      return (
        <Box flexDirection="column">
          <Home
            procedures={procedures}
            target={fleet.description}
            onChoose={choose}
            onHelp={help}
            onQuit={() => quit(0)}
            onTranscripts={() => setPastSessions(true)}
            active={active}
          />
          {screen.error ? <Text color="red">{ui.text(screen.error)}</Text> : null}
        </Box>
      );
    case 'loading':
      return <Text color="yellow">{ui.text(screen.message)}</Text>;
    case 'params':
      return (
        <Params
          title={ui.procedure(screen.draft.definition).title}
          form={screen.draft.form}
          values={screen.values}
          errors={screen.errors}
          checking={screen.checking}
          active={active}
          onChange={(key, value) => dispatch({type: 'edited', key, value})}
          onSubmit={() => submit(screen)}
          onBack={() => dispatch({type: 'back'})}
          onHelp={help}
          onQuit={() => quit(0)}
        />
      );
    case 'plan':
      return (
        <Plan
          title={ui.procedure(screen.draft.definition).title}
          steps={screen.planned.steps}
          params={Object.fromEntries(Object.entries(screen.planned.params).map(([k, v]) => [k, v && screen.draft.form.specs.find((s) => s.key === k)?.secret ? '********' : v]))}
          summary={screen.draft.definition.describe(screen.planned.prepared.resolved)}
          active={active}
          onStart={() => start(screen)}
          onBack={() => dispatch({type: 'back'})}
          onHelp={help}
          onQuit={() => quit(0)}
        />
      );
    case 'run':
      return (
        <Run
          title={screen.title}
          runner={screen.session.runner}
          active={active}
          onHome={() => {
            void screen.session.close();
            dispatch({type: 'home'});
          }}
          onQuit={() => quit(0)}
          onHelp={help}
          onTranscript={() => setOverlay('transcript')}
        />
      );
  }
}
