// The screen flow: Home → Parameters → Plan → Run (confirm, rollback, done), with help and transcript overlays.
import {Box, Text, useApp} from 'ink';
import {KeyboardProvider} from './keyboard.tsx';
import {useEffect, useState} from 'react';
import type {Fleet} from '../hosts/host.ts';
import type {ParamForm, Prepared, ProcedureDefinition, StepDefinition} from '../procedures/types.ts';
import type {ProcedureRunner} from '../runner/runner.ts';
import type {ProcedureSummary} from '../procedures/catalog.ts';
import {needsRecovery, type UnfinishedSession} from '../runner/recovery.ts';
import {openSecrets} from '../runner/sealed-secrets.ts';
import {prepareContext} from '../runner/step-files.ts';
import {Recovery} from './recovery.tsx';
import {castPathFor, type ScreenRecorder} from '../runner/cast.ts';
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

async function loadProcedure(id: string): Promise<ProcedureDefinition> {
  return (await import('../procedures/index.ts')).findProcedure(id);
}

type Screen =
  | {readonly name: 'home'; readonly error?: string}
  | {readonly name: 'recovery'}
  | {readonly name: 'loading'; readonly message: string}
  | {
      readonly name: 'params';
      readonly definition: ProcedureDefinition;
      readonly form: ParamForm;
      readonly values: Readonly<Record<string, string>>;
      readonly errors: Readonly<Record<string, string>>;
      readonly checking: boolean;
    }
  | {
      readonly name: 'plan';
      readonly definition: ProcedureDefinition;
      readonly form: ParamForm;
      readonly values: Readonly<Record<string, string>>;
      readonly prepared: Prepared;
      readonly steps: readonly StepDefinition[];
    }
  | {readonly name: 'run'; readonly definition: ProcedureDefinition; readonly runner: ProcedureRunner};

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
  const [recoverable, setRecoverable] = useState<readonly UnfinishedSession[]>(unfinished);
  const [screen, setScreen] = useState<Screen>(unfinished.length ? {name: 'recovery'} : {name: 'home'});
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
    if (screen.name === 'run') screen.runner.close();
    const closing = screen.name === 'run' ? screen.runner.closed() : Promise.resolve();
    screenRecorder?.end();
    onExit?.(code);
    // certwalk ends once an ended session's node locks are released: a certwalk started right after finds them free.
    void closing.then(() => exit());
  };

  const choose = (summary: ProcedureSummary) => {
    setScreen({name: 'loading', message: ui.t('app.reading', {title: ui.procedure(summary).title})});
    loadProcedure(summary.id)
      .then(async (definition) => ({definition, form: await definition.form(fleet)}))
      .then(
        ({definition, form}) => setScreen({name: 'params', definition, form, values: form.values, errors: {}, checking: false}),
        (error: unknown) => setScreen({name: 'home', error: `${ui.procedure(summary).title}: ${(error as Error).message}`}),
      );
  };

  const submit = (s: Extract<Screen, {name: 'params'}>) => {
    setScreen({...s, checking: true, errors: {}});
    s.definition.prepare(fleet, s.values, prepareContext()).then(
      (result) => {
        if (!result.ok) return setScreen({...s, checking: false, errors: result.errors});
        const steps = s.definition.steps(result.value.resolved, result.value.secrets);
        setScreen({name: 'plan', definition: s.definition, form: s.form, values: s.values, prepared: result.value, steps});
      },
      (error: unknown) => setScreen({...s, checking: false, errors: {_: (error as Error).message}}),
    );
  };

  const start = (s: Extract<Screen, {name: 'plan'}>) => {
    setScreen({name: 'loading', message: ui.t('app.locking')});
    import('../cli/session.ts').then(async ({lockSession, newRunner, sessionPaths}) => {
      const paths = sessionPaths(s.definition.id, {transcriptDir});
      const fleetId = await fleet.identity();
      return {newRunner, paths, fleetId, locks: await lockSession(fleet, s.definition.id, paths.sessionId, paths.journalPath, s.steps.map((step) => step.node))};
    }).then(
      ({newRunner, paths, fleetId, locks}) => {
        const runner = newRunner({definition: s.definition, prepared: s.prepared, params: s.values, fleet, fleetId, paths, autoConfirmAll: false, concurrency, onLaneFailure, onClose: locks.release});
        screenRecorder?.begin(castPathFor(runner.transcriptPath), {title: `certwalk ${s.definition.id} ${paths.sessionId}`, redact: (text) => runner.redact(text)});
        setScreen({name: 'run', definition: s.definition, runner});
        runner.dispatch({type: 'start', at: runner.now()});
      },
      (error: unknown) => setScreen({name: 'home', error: ui.t('app.nothingChanged', {error: (error as Error).message})}),
    );
  };

  // An unfinished session continues in the Run screen: its in-flight steps marked interrupted, e resumes, r rolls back.
  const openSession = (session: UnfinishedSession) => {
    const {header} = session.read;
    const opened = header.sealedSecrets ? openSecrets(header.sessionId, header.sealedSecrets) : null;
    setScreen({name: 'loading', message: ui.t('app.locking')});
    Promise.all([import('../cli/session.ts'), import('../runner/journal-trust.ts'), loadProcedure(header.procedure)]).then(async ([{lockSession, runnerFromJournal}, {trustJournal}, definition]) => {
      // Refused (another fleet, another procedure, no step recorded) before any lock is taken: Home shows why.
      await trustJournal(session.journal, session.read, fleet);
      return {runnerFromJournal, definition, locks: await lockSession(fleet, header.procedure, header.sessionId, session.journal, header.steps.map((step) => step.node))};
    }).then(
      ({runnerFromJournal, definition, locks}) => {
        const runner = runnerFromJournal({journal: session.journal, read: session.read, fleet, autoConfirmAll: false, transcriptDir, onClose: locks.release, ...(opened?.ok ? {secrets: opened.secrets} : {})});
        screenRecorder?.begin(castPathFor(runner.transcriptPath), {title: `certwalk ${header.procedure} ${header.sessionId} (continued)`, redact: (text) => runner.redact(text)});
        if (needsRecovery(runner.snapshot.state)) runner.dispatch({type: 'recovered', at: runner.now()});
        // Killed before its first step: it starts now (its destructive steps still ask).
        if (runner.snapshot.state.phase === 'idle') runner.dispatch({type: 'start', at: runner.now()});
        setRecoverable(recoverable.filter((s) => s !== session));
        setScreen({name: 'run', definition, runner});
      },
      (error: unknown) => setScreen({name: 'home', error: (error as Error).message}),
    );
  };

  if (overlay === 'help') return <Help onClose={() => setOverlay(null)} />;
  if (pastTranscript) return <TranscriptView path={pastTranscript} onClose={() => setPastTranscript(null)} />;
  if (pastSessions) return <TranscriptList dir={transcriptDir} onOpen={setPastTranscript} onClose={() => setPastSessions(false)} />;
  if (overlay === 'transcript' && screen.name === 'run') return <TranscriptView path={screen.runner.transcriptPath} onClose={() => setOverlay(null)} />;

  switch (screen.name) {
    case 'recovery':
      return (
        <Recovery
          sessions={recoverable}
          onOpen={openSession}
          onSkip={() => setScreen({name: 'home'})}
          onHelp={help}
          onQuit={() => quit(0)}
          active={active}
        />
      );
    case 'home':
      return (
        <Box flexDirection="column">
          <Home procedures={procedures} target={fleet.description} onChoose={choose} onHelp={help} onQuit={() => quit(0)} onTranscripts={() => setPastSessions(true)} active={active} />
          {screen.error ? <Text color="red">{ui.text(screen.error)}</Text> : null}
        </Box>
      );
    case 'loading':
      return <Text color="yellow">{ui.text(screen.message)}</Text>;
    case 'params':
      return (
        <Params
          title={ui.procedure(screen.definition).title}
          form={screen.form}
          values={screen.values}
          errors={screen.errors}
          checking={screen.checking}
          active={active}
          onChange={(key, value) => setScreen({...screen, values: {...screen.values, [key]: value}, errors: {}})}
          onSubmit={() => submit(screen)}
          onBack={() => setScreen({name: 'home'})}
          onHelp={help}
          onQuit={() => quit(0)}
        />
      );
    case 'plan':
      return (
        <Plan
          title={ui.procedure(screen.definition).title}
          steps={screen.steps}
          params={Object.fromEntries(Object.entries(screen.values).map(([k, v]) => [k, v && screen.form.specs.find((s) => s.key === k)?.secret ? '********' : v]))}
          summary={screen.definition.describe(screen.prepared.resolved)}
          active={active}
          onStart={() => start(screen)}
          onBack={() => setScreen({name: 'params', definition: screen.definition, form: screen.form, values: screen.values, errors: {}, checking: false})}
          onHelp={help}
          onQuit={() => quit(0)}
        />
      );
    case 'run':
      return (
        <Run
          title={ui.procedure(screen.definition).title}
          runner={screen.runner}
          active={active}
          onHome={() => {
            screen.runner.close();
            screenRecorder?.end();
            setScreen({name: 'home'});
          }}
          onQuit={() => quit(0)}
          onHelp={help}
          onTranscript={() => setOverlay('transcript')}
        />
      );
  }
}
