// Every screen of the app as an admin sees it, in any language and on any console, without a sandbox: Ink renders
// into a stand-in terminal of a given size (debug mode: each frame whole), pure views are laid out directly. Used by
// console.test.tsx (each language × each screen) and by scripts that print the frames to look at them.
import {EventEmitter} from 'node:events';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {render} from 'ink';
import type {ReactNode} from 'react';
import stripAnsi from 'strip-ansi';

import {catalog} from '../../src/procedures/catalog.ts';
import type {ParamForm, PlannedCommand, StepDefinition} from '../../src/procedures/types.ts';
import type {UnfinishedSession} from '../../src/runner/recovery.ts';
import type {RunnerSnapshot} from '../../src/runner/runner.ts';
import {Help} from '../../src/screens/help.tsx';
import {KeyboardProvider, keysListening} from '../../src/screens/keyboard.tsx';
import {Home} from '../../src/screens/home.tsx';
import {Params} from '../../src/screens/params.tsx';
import {Plan} from '../../src/screens/plan.tsx';
import {Recovery} from '../../src/screens/recovery.tsx';
import {runLines, type NodeListView, type RunMode} from '../../src/screens/run-view.ts';
import {TranscriptList, TranscriptView} from '../../src/screens/transcript-view.tsx';
import {UiProvider} from '../../src/screens/ui-context.tsx';
import type {Ui} from '../../src/screens/ui.ts';
import {initialState, transition} from '../../src/state/reducer.ts';
import type {Change, ConfirmPrompt, ProcedureEvent, ProcedureState, StepInfo, StepStatus} from '../../src/state/types.ts';
import {tempDir} from '../helpers/temp.ts';

// ---------------------------------------------------------------------------------------------------------------
// A stand-in terminal of any size.

class SizedStdout extends EventEmitter {
  isTTY = true;
  frame = '';
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  write = (chunk: string): boolean => {
    this.frame = chunk;
    return true;
  };
}

class QuietStdin extends EventEmitter {
  isTTY = true;
  read = () => null;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

/** The frame Ink draws for `tree` on a columns×rows terminal, ANSI stripped. */
export async function frameOf(tree: ReactNode, ui: Ui, size: {columns: number; rows: number}): Promise<string> {
  const stdout = new SizedStdout(size.columns, size.rows);
  const stdin = new QuietStdin();
  const instance = render(
    <UiProvider ui={ui}>
      <KeyboardProvider>{tree}</KeyboardProvider>
    </UiProvider>,
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: new SizedStdout(size.columns, size.rows) as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  // Once the screen listens for keys its effects have run, and in debug mode each render is drawn at once.
  await keysListening(stdin);
  const frame = stripAnsi(stdout.frame).replace(/\n$/, '');
  instance.unmount();
  instance.cleanup();
  return frame;
}

// ---------------------------------------------------------------------------------------------------------------
// Data the screens show: a master rotation over three workers, as the procedures build it.

export const TITLE_ID = 'ssis-master';
const OLD = '5EDA7F4F1FEDD2442F63874FE5650B17E704341D';
const NEW = '3883875B1547395C5A0B48C461DB04DE7BAFBEAE';
const BIN = 'C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn';

function info(id: string, node: string, title: string, kind: string, extra: Partial<StepInfo> = {}): StepInfo {
  return {id, title, node, kind, destructive: false, skippable: false, undoLast: false, hasUndo: true, ...extra};
}

export const STEPS: readonly StepInfo[] = [
  info('master.import-cert', 'master', 'Add the new certificate to LocalMachine\\Root (with its private key)', 'import-pfx'),
  info('master.delete-binding', 'master', 'Delete the SSL binding on 0.0.0.0:8391 (kept to restore)', 'delete-binding', {destructive: true}),
  info('master.add-binding', 'master', 'Add the new certificate on 0.0.0.0:8391 (same appid and options)', 'add-binding'),
  info('master.settings', 'master', 'Set SSLCertThumbprint in MasterSettings.config', 'overwrite-setting', {destructive: true}),
  info('master.restart', 'master', 'Restart SSISScaleOutMaster140', 'restart-service', {undoLast: true}),
  ...[1, 2, 3].flatMap((n) => [
    info(`worker${n}.trust-master`, `worker${n}`, "Trust the master's new certificate (LocalMachine\\Root)", 'add-certificate', {skippable: true}),
    info(`worker${n}.settings`, `worker${n}`, 'Set MasterHttpsCertThumbprint in WorkerSettings.config', 'overwrite-setting', {destructive: true}),
    info(`worker${n}.restart`, `worker${n}`, 'Restart SSISScaleOutWorker140', 'restart-service', {undoLast: true}),
  ]),
];

function changesOf(step: StepInfo): Change[] {
  const labels: Record<string, string> = {
    'import-pfx': 'LocalMachine\\Root',
    'add-certificate': 'LocalMachine\\Root',
    'delete-binding': 'http.sys 0.0.0.0:8391 (deleted)',
    'add-binding': 'http.sys 0.0.0.0:8391',
    'overwrite-setting': step.node === 'master' ? 'MasterSettings.config SSLCertThumbprint' : 'WorkerSettings.config MasterHttpsCertThumbprint',
    'restart-service': `service ${step.node === 'master' ? 'SSISScaleOutMaster140' : 'SSISScaleOutWorker140'} process`,
  };
  const before = step.kind === 'import-pfx' || step.kind === 'add-certificate' ? null : OLD;
  return [{node: step.node, label: labels[step.kind]!, before, after: step.kind === 'delete-binding' ? null : NEW}];
}

const DELETE_PROMPT: ConfirmPrompt = {
  title: 'Delete the SSL binding on 0.0.0.0:8391',
  commands: ['netsh http delete sslcert ipport=0.0.0.0:8391'],
  removes: [`0.0.0.0:8391 → certificate ${OLD} in store Root, appid {6b9d1f0c-2f5a-4c1e-9d8e-1f2a3b4c5d6e}`],
  restoreWith: [
    `netsh http add sslcert ipport=0.0.0.0:8391 certhash=${OLD.toLowerCase()} appid={6b9d1f0c-2f5a-4c1e-9d8e-1f2a3b4c5d6e} certstorename=Root clientcertnegotiation=enable`,
  ],
  references: [`${BIN}\\MasterSettings.config: SSLCertThumbprint = ${OLD} (a later step updates it)`],
  warnings: ['until the next step adds the new binding, 0.0.0.0:8391 has no certificate and workers cannot connect'],
};

function settingPrompt(node: string, file: string, key: string): ConfirmPrompt {
  return {
    title: `Overwrite ${key} in ${file} on ${node}`,
    commands: [`set ${key} in ${BIN}\\${file}: "${OLD}" → "${NEW}" (in place: every other byte kept)`],
    removes: [`${key} = ${OLD}`],
    restoreWith: ['the original file (933 bytes, sha256 cb45a75a2710862e…), kept in the journal'],
    references: [],
    warnings: [],
  };
}

let clock = 1_000_000;
const at = () => (clock += 250);

class Play {
  state: ProcedureState;
  constructor(steps: readonly StepInfo[] = STEPS) {
    this.state = initialState(steps);
  }
  send(event: ProcedureEvent): this {
    this.state = transition(this.state, event).state;
    return this;
  }
  id(index: number): string {
    return this.state.steps[index]!.info.id;
  }
  prompt(index: number): ConfirmPrompt {
    const step = this.state.steps[index]!.info;
    if (step.kind === 'delete-binding') return DELETE_PROMPT;
    return step.node === 'master'
      ? settingPrompt('master', 'MasterSettings.config', 'SSLCertThumbprint')
      : settingPrompt(step.node, 'WorkerSettings.config', 'MasterHttpsCertThumbprint');
  }
  finishCurrent(): this {
    const index = this.state.current!;
    const stepId = this.id(index);
    const step = this.state.steps[index]!;
    if (step.status.kind === 'capturing') this.send({type: 'capture-succeeded', at: at(), stepId, captured: {}, prompt: step.info.destructive ? this.prompt(index) : null});
    if (this.state.steps[index]!.status.kind === 'awaiting-confirmation') this.send({type: 'confirmed', at: at(), stepId, scope: 'step'});
    this.send({type: 'do-succeeded', at: at(), stepId});
    this.send({type: 'verify-succeeded', at: at(), stepId, checks: [{what: 'binding 0.0.0.0:8391', expected: NEW, observed: NEW, ok: true}], changes: changesOf(step.info)});
    return this;
  }
  runFirst(count: number): this {
    this.send({type: 'start', at: at()});
    for (let i = 0; i < count; i++) this.finishCurrent();
    return this;
  }
  capture(): this {
    const index = this.state.current!;
    return this.send({type: 'capture-succeeded', at: at(), stepId: this.id(index), captured: {}, prompt: this.prompt(index)});
  }
}

function snapshot(state: ProcedureState): RunnerSnapshot {
  return {
    state,
    output: {
      command: 'netsh http show sslcert ipport=0.0.0.0:8391',
      node: 'master',
      lines: ['    Certificate Hash             : 3883875b1547395c5a0b48c461db04de7bafbeae', '    Application ID               : {6b9d1f0c-2f5a-4c1e-9d8e-1f2a3b4c5d6e}'],
    },
    hint: null,
    busy: false,
  };
}

/** 200 worker lanes of three steps: 1-120 done, 121-136 running, 77 and 190 failed, the rest waiting. */
function fleetState(): ProcedureState {
  const titles = ['Add the new worker certificate to LocalMachine\\My', 'Grant the service account the new key', 'Restart SSISScaleOutWorker140'];
  const steps = [
    info('master.check.x', 'master', 'Read the master', 'check'),
    ...Array.from({length: 200}, (_, i) => `worker${i + 1}`).flatMap((w) => titles.map((t, k) => info(`${w}.s${k}.x`, w, t, `s${k}`, {lane: w}))),
  ];
  const state = initialState(steps, {concurrency: 16, onLaneFailure: 'continue'});
  const done: StepStatus = {kind: 'done', startedAt: 1, finishedAt: 1_400, captured: {}, checks: [], changes: []};
  const statusOf = (s: StepInfo): StepStatus => {
    if (!s.lane) return done;
    const n = Number(s.lane.slice('worker'.length));
    const k = Number(s.kind.slice(1));
    if (n === 77 || n === 190)
      return k === 0
        ? done
        : k === 1
          ? {kind: 'failed', startedAt: 1, finishedAt: 2, phase: 'do', error: `winhttpcertcfg -g failed on ${s.lane}: Error: Access is denied.`, captured: {}}
          : {kind: 'pending'};
    if (n <= 120) return done;
    if (n <= 136) return k === 0 ? {kind: 'running', startedAt: 1, captured: {}} : {kind: 'pending'};
    return {kind: 'pending'};
  };
  return {...state, phase: 'running', steps: state.steps.map((s) => ({...s, status: statusOf(s.info)}))};
}

export const TRANSCRIPT = '/home/admin/.local/state/certwalk/transcripts/2026-11-23T10-55-01Z-ssis-master-4f2a9c.log';
const JOURNAL = '/home/admin/.local/state/certwalk/journals/2026-11-23T10-55-01Z-ssis-master-4f2a9c.jsonl';

export interface RunCase {
  readonly state: () => ProcedureState;
  readonly mode?: RunMode;
  readonly nodes?: NodeListView;
}

export const RUN_CASES = {
  /** Step 6 (worker1's trust) running: the before/after panel holds the master's five rows. */
  running: {state: () => new Play().runFirst(5).state},
  /** The Confirm box of the binding deletion. */
  confirm: {state: () => new Play().runFirst(1).capture().state},
  /** Step 3 failed with netsh error 1312. */
  failed: {
    state: () => {
      const play = new Play().runFirst(2);
      play.send({type: 'capture-succeeded', at: at(), stepId: play.id(2), captured: {}, prompt: null});
      return play.send({
        type: 'step-failed',
        at: at(),
        stepId: play.id(2),
        phase: 'do',
        error:
          'netsh http add sslcert ipport=0.0.0.0:8391 failed: SSL Certificate add failed, Error: 1312 A specified logon session does not exist. It may already have been terminated.',
      }).state;
    },
  },
  /** Done: all fourteen steps read back, the before/after table the point of the screen. */
  done: {state: () => new Play().runFirst(14).state},
  /** The rollback confirmation listing every undo. */
  rollback: {state: () => new Play().runFirst(14).state, mode: 'rollback-confirm'},
  /** 200 workers: the node list. */
  nodes: {state: fleetState, nodes: {selected: null, open: null}},
} satisfies Record<string, RunCase>;

export function runScreen(which: keyof typeof RUN_CASES, ui: Ui, size: {columns: number; rows: number}): string {
  const c: RunCase = RUN_CASES[which];
  const title = ui.procedure(catalog.find((p) => p.id === (which === 'nodes' ? 'ssis-worker' : TITLE_ID))!).title;
  return runLines({
    title,
    snapshot: snapshot(c.state()),
    mode: c.mode ?? 'main',
    columns: size.columns,
    rows: size.rows,
    now: clock + 1_200,
    stepTop: null,
    modalTop: 0,
    transcriptPath: TRANSCRIPT,
    journalPath: JOURNAL,
    nodes: c.nodes ?? null,
    ui,
  })
    .map((l) => l.text)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// The component screens.

const noop = () => {};

export const PARAM_FORM: ParamForm = {
  specs: [
    {key: 'master', label: 'Master node', help: 'The node running SSISScaleOutMaster140', choices: [{value: 'master', label: 'master (ssis-master.contoso.local, 10.0.0.10)'}]},
    {key: 'certificate', label: 'Certificate', help: "new, or the thumbprint of a certificate with a private key in the master's LocalMachine\\Root"},
    {key: 'commonNames', label: 'CN list', help: 'CNs of a new certificate, comma-separated'},
    {key: 'port', label: 'Master port', help: 'The master service port (PortNumber in MasterSettings.config)'},
    {key: 'workers', label: 'Workers', help: '"all" or a comma-separated list of worker nodes to reconnect'},
    {key: 'keyBits', label: 'Key size', help: 'RSA key size of a new certificate, at least 2048'},
    {key: 'validDays', label: 'Valid for (days)', help: 'Validity of a new certificate'},
  ],
  values: {master: 'master', certificate: 'new', commonNames: 'ssis-master.contoso.local,SSISMASTER,10.0.0.10', port: '8391', workers: 'all', keyBits: '2048', validDays: '365'},
};

function planStep(step: StepInfo, commands: readonly string[]): StepDefinition {
  const fail = () => Promise.reject(new Error('not in a screen test'));
  return {...step, plan: (): readonly PlannedCommand[] => commands.map((text) => ({node: step.node, text})), capture: fail, do: fail, verify: fail, undo: fail};
}

const PLAN_STEPS: readonly StepDefinition[] = STEPS.map((s) =>
  planStep(
    s,
    s.kind === 'delete-binding'
      ? ['netsh http show sslcert ipport=0.0.0.0:8391', 'netsh http delete sslcert ipport=0.0.0.0:8391']
      : [`certutil -f -addstore Root C:\\Windows\\Temp\\certwalk-${s.id}.cer`],
  ),
);

/** `count` unfinished sessions of the master rotation (each its own journal). */
export function recoverySessions(count = 1): UnfinishedSession[] {
  const state = new Play().runFirst(2).state;
  const interrupted: ProcedureState = {
    ...state,
    phase: 'failed',
    steps: state.steps.map((s, i) =>
      i === 2 ? {...s, status: {kind: 'failed', startedAt: 1, finishedAt: 2, phase: 'do', error: 'certwalk stopped', captured: {}, interrupted: true}} : s,
    ),
  };
  const header = {procedure: TITLE_ID, title: catalog[0]!.title, startedAt: '2026-11-23T10:55:01.000Z', user: 'CONTOSO\\admin', machine: 'JUMPHOST01'};
  return Array.from({length: count}, (_, i) => ({
    journal: i === 0 ? JOURNAL : JOURNAL.replace(/\.jsonl$/, `-${i}.jsonl`),
    read: {header} as unknown as UnfinishedSession['read'],
    state: interrupted,
    crashed: true,
    inUseBy: null,
    uncertain: ['[master] Add the new certificate on 0.0.0.0:8391 (same appid and options) (result unknown: read back first)'],
    done: 2,
    canResume: true,
    undoCount: 3,
  }));
}

/** A transcript as the runner writes it, with its rule line and before → after values. */
export function transcriptFile(): string {
  const lines = [
    'certwalk transcript (new session)',
    'session    4f2a9c',
    'started    2026-11-23T10:55:01Z',
    'who        CONTOSO\\admin on JUMPHOST01 (pid 4242)',
    'procedure  ssis-master: SSIS Scale Out: change the Master certificate',
    '',
    '──── date 2026-11-23 (times are UTC)',
    ...Array.from({length: 40}, (_, i) => `10:55:${String(i).padStart(2, '0')}  $ [master] netsh http show sslcert ipport=0.0.0.0:8391 → exit 0 in ${10 + i} ms`),
    `10:56:00  read back: before ${OLD} -> after ${NEW}`,
  ];
  const dir = tempDir('certwalk-console-');
  const path = join(dir, '2026-11-23T10-55-01Z-ssis-master-4f2a9c.log');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

export const COMPONENT_SCREENS = {
  home: () => (
    <Home procedures={catalog} target="sandbox /home/admin/.local/state/certwalk/sandbox" onChoose={noop} onHelp={noop} onQuit={noop} onTranscripts={noop} active={false} />
  ),
  params: (title: string) => (
    <Params
      title={title}
      form={PARAM_FORM}
      values={PARAM_FORM.values}
      errors={{}}
      checking={false}
      active={false}
      onChange={noop}
      onSubmit={noop}
      onBack={noop}
      onHelp={noop}
      onQuit={noop}
    />
  ),
  plan: (title: string) => (
    <Plan
      title={title}
      steps={PLAN_STEPS}
      params={PARAM_FORM.values}
      summary={[`current  ${OLD} (master 0.0.0.0:8391)`, `new      ${NEW} (made now: RSA, SHA-256)`, 'workers  worker1, worker2, worker3']}
      active={false}
      onStart={noop}
      onBack={noop}
      onHelp={noop}
      onQuit={noop}
    />
  ),
  recovery: () => <Recovery sessions={recoverySessions()} onOpen={noop} onSkip={noop} onHelp={noop} onQuit={noop} active={false} />,
  help: () => <Help onClose={noop} />,
  transcript: () => <TranscriptView path={transcriptFile()} onClose={noop} />,
  sessions: () => <TranscriptList dir={join(transcriptFile(), '..')} onOpen={noop} onClose={noop} />,
} satisfies Record<string, (title: string) => ReactNode>;

export type ScreenName = keyof typeof COMPONENT_SCREENS | keyof typeof RUN_CASES;
export const SCREEN_NAMES: readonly ScreenName[] = [
  ...(Object.keys(COMPONENT_SCREENS) as (keyof typeof COMPONENT_SCREENS)[]),
  ...(Object.keys(RUN_CASES) as (keyof typeof RUN_CASES)[]),
];

/** Any screen, as the terminal shows it. */
export async function screen(name: ScreenName, ui: Ui, size: {columns: number; rows: number}): Promise<string> {
  if (name in RUN_CASES) return runScreen(name as keyof typeof RUN_CASES, ui, size);
  // Parameters and Plan show the procedure's title as the app hands it to them: translated.
  return frameOf(COMPONENT_SCREENS[name as keyof typeof COMPONENT_SCREENS](ui.procedure(catalog[0]!).title), ui, size);
}
