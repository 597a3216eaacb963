// The Run screen as lines (src/screens/run-view.ts), without a terminal: snapshots are built the way the runner
// builds them (initialState + transition), then laid out at 80×24, 200×50 and 60×20. Whatever the state, the
// screen must fit the terminal, keep the confirm box's title and answer keys and the footer on screen, and show
// thumbprints in full when there is room and as distinguishable head…tail when there is not.
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import stringWidth from 'string-width';

import type {RunnerSnapshot} from '../../src/runner/runner.ts';
import {fit} from '../../src/screens/format.ts';
import type {Line} from '../../src/screens/lines.tsx';
import {runLines, type RunMode} from '../../src/screens/run-view.ts';
import {initialState, transition} from '../../src/state/reducer.ts';
import type {Change, ConfirmPrompt, ProcedureEvent, ProcedureState, StepInfo} from '../../src/state/types.ts';

// ---------------------------------------------------------------------------------------------------------------
// A 14-step procedure: the SSIS master rotation with three workers, as the procedure builds it.

const TITLE = 'SSIS Scale Out: change the Master certificate';
const OLD = '5EDA7F4F1FEDD2442F63874FE5650B17E704341D';
const NEW = '3883875B1547395C5A0B48C461DB04DE7BAFBEAE';
const BIN = 'C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn';
const SIZES = [
  {columns: 80, rows: 24},
  {columns: 200, rows: 50},
  {columns: 60, rows: 20},
] as const;

function info(id: string, node: string, title: string, kind: string, extra: Partial<StepInfo> = {}): StepInfo {
  return {id, title, node, kind, destructive: false, skippable: false, undoLast: false, hasUndo: true, ...extra};
}

const STEPS: readonly StepInfo[] = [
  info('master.import-cert', 'master', 'Add the new certificate to LocalMachine\\Root (with its private key)', 'import-pfx'),
  info('master.delete-binding', 'master', 'Delete the SSL binding on 0.0.0.0:8391 (kept to restore)', 'delete-binding', {destructive: true}),
  info('master.add-binding', 'master', 'Add the new certificate on 0.0.0.0:8391 (same appid and options)', 'add-binding'),
  info('master.settings', 'master', 'Set SSLCertThumbprint in MasterSettings.config', 'overwrite-setting', {destructive: true}),
  info('master.restart', 'master', 'Restart SSISScaleOutMaster140', 'restart-service', {undoLast: true}),
  ...[1, 2, 3].flatMap((n) => [
    info(`worker${n}.trust-master`, `worker${n}`, "Trust the master's new certificate (LocalMachine\\Root)", 'add-certificate'),
    info(`worker${n}.settings`, `worker${n}`, 'Set MasterHttpsCertThumbprint in WorkerSettings.config', 'overwrite-setting', {destructive: true}),
    info(`worker${n}.restart`, `worker${n}`, 'Restart SSISScaleOutWorker140', 'restart-service', {undoLast: true}),
  ]),
];
assert.equal(STEPS.length, 14);

/** Fourteen before/after rows (one per step), thumbprints that differ at the head and at the tail. */
function changesOf(index: number): Change[] {
  const step = STEPS[index]!;
  const labels: Record<string, string> = {
    'import-pfx': 'LocalMachine\\Root',
    'add-certificate': 'LocalMachine\\Root',
    'delete-binding': 'http.sys 0.0.0.0:8391 (deleted)',
    'add-binding': 'http.sys 0.0.0.0:8391',
    'overwrite-setting': step.node === 'master' ? 'MasterSettings.config SSLCertThumbprint' : 'WorkerSettings.config MasterHttpsCertThumbprint',
    'restart-service': `service ${step.node === 'master' ? 'SSISScaleOutMaster140' : 'SSISScaleOutWorker140'} process`,
  };
  const before = step.kind === 'import-pfx' || step.kind === 'add-certificate' ? null : OLD;
  return [{node: step.node, label: labels[step.kind]!, before, after: NEW}];
}

/** A confirmation prompt far longer than any screen: long commands, many references and warnings. */
const LONG_PROMPT: ConfirmPrompt = {
  title: 'Delete the SSL binding on 0.0.0.0:8391',
  commands: ['netsh http delete sslcert ipport=0.0.0.0:8391', `netsh http show sslcert ipport=0.0.0.0:8391 && certutil -store Root ${OLD} && certutil -verifystore Root ${OLD}`],
  removes: [`0.0.0.0:8391 → certificate ${OLD} in store Root, appid {6b9d1f0c-2f5a-4c1e-9d8e-1f2a3b4c5d6e}`],
  restoreWith: [
    `netsh http add sslcert ipport=0.0.0.0:8391 certhash=${OLD.toLowerCase()} appid={6b9d1f0c-2f5a-4c1e-9d8e-1f2a3b4c5d6e} certstorename=Root ` +
      'verifyclientcertrevocation=enable verifyrevocationwithcachedclientcertonly=disable usagecheck=enable revocationfreshnesstime=0 ' +
      'urlretrievaltimeout=0 dsmapperusage=disable clientcertnegotiation=enable reject=disable disablehttp2=disable disablequic=enable',
  ],
  // Long enough not to fit even 200×50: a cluster of 40 workers all pointing at the old certificate.
  references: [
    `${BIN}\\MasterSettings.config: SSLCertThumbprint = ${OLD} (a later step updates it)`,
    ...Array.from({length: 40}, (_, i) => `worker${i + 1}: ${BIN}\\WorkerSettings.config: MasterHttpsCertThumbprint = ${OLD} (a later step updates it)`),
    `another binding uses it too: 0.0.0.0:8392 → certificate ${OLD} in store Root, appid {4dc3e181-e14b-4a21-b022-59fc669b0914} (left unchanged)`,
  ],
  warnings: [
    '"sslctlidentifier" is set on this binding and netsh add has no parameter for it: it will be lost',
    'until the next step adds the new binding, 0.0.0.0:8391 has no certificate and workers cannot connect',
  ],
};

function settingPrompt(node: string, file: string, key: string): ConfirmPrompt {
  return {
    title: `Overwrite ${key} in ${file} on ${node}`,
    commands: [`set ${key} in ${BIN}\\${file}: "${OLD}" → "${NEW}" (in place: every other byte kept)`],
    removes: [`${key} = ${OLD}`],
    restoreWith: ['the original file (933 bytes, sha256 cb45a75a2710862e…), kept in the journal', `a backup copy at ${BIN}\\${file}.certwalk-20261123T110106Z.bak`],
    references: [],
    warnings: [],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Playing the runner through the reducer.

let clock = 1_000_000;
const at = () => (clock += 250);

class Play {
  state: ProcedureState;
  constructor(steps: readonly StepInfo[] = STEPS) {
    this.state = initialState(steps);
  }
  send(event: ProcedureEvent): this {
    const result = transition(this.state, event);
    assert.equal(result.ignored, undefined, `${event.type} was ignored: ${result.ignored}`);
    this.state = result.state;
    return this;
  }
  id(index: number): string {
    return this.state.steps[index]!.info.id;
  }
  /** Runs the current step to done (answering its confirmation with yes). */
  finishCurrent(): this {
    const index = this.state.current!;
    const stepId = this.id(index);
    const step = this.state.steps[index]!;
    if (step.status.kind === 'capturing') {
      this.send({type: 'capture-succeeded', at: at(), stepId, captured: {step: stepId}, prompt: step.info.destructive ? promptFor(index) : null});
    }
    if (this.state.steps[index]!.status.kind === 'awaiting-confirmation') this.send({type: 'confirmed', at: at(), stepId, scope: 'step'});
    this.send({type: 'do-succeeded', at: at(), stepId});
    this.send({type: 'verify-succeeded', at: at(), stepId, checks: [{what: stepId, expected: NEW, observed: NEW, ok: true}], changes: changesOf(index)});
    return this;
  }
  start(): this {
    return this.send({type: 'start', at: at()});
  }
  /** Starts and runs until `count` steps are done. */
  runFirst(count: number): this {
    this.start();
    for (let i = 0; i < count; i++) this.finishCurrent();
    return this;
  }
  /** Captures the current step; a destructive one then waits for its confirmation. */
  capture(prompt?: ConfirmPrompt): this {
    const index = this.state.current!;
    return this.send({type: 'capture-succeeded', at: at(), stepId: this.id(index), captured: {step: this.id(index)}, prompt: prompt ?? promptFor(index)});
  }
  fail(phase: 'capture' | 'do' | 'verify', error: string): this {
    return this.send({type: 'step-failed', at: at(), stepId: this.id(this.state.current!), phase, error});
  }
  rollBack(failing: readonly string[] = []): this {
    this.send({type: 'rollback-requested', at: at()});
    while (this.state.phase === 'rolling-back') {
      const stepId = this.id(this.state.current!);
      this.send(
        failing.includes(stepId)
          ? {type: 'undo-failed', at: at(), stepId, error: `${stepId}: the node changed since it was captured; not touching it (${BIN}\\WorkerSettings.config)`}
          : {type: 'undo-succeeded', at: at(), stepId, report: `restored ${stepId}`},
      );
    }
    return this;
  }
}

function promptFor(index: number): ConfirmPrompt {
  const step = STEPS[index] ?? STEPS[0]!;
  if (step.kind === 'delete-binding') return LONG_PROMPT;
  return step.node === 'master'
    ? settingPrompt('master', 'MasterSettings.config', 'SSLCertThumbprint')
    : settingPrompt(step.node, 'WorkerSettings.config', 'MasterHttpsCertThumbprint');
}

const ERROR_1312 =
  'netsh http add sslcert ipport=0.0.0.0:8391 certhash=3883875b1547395c5a0b48c461db04de7bafbeae appid={6b9d1f0c-2f5a-4c1e-9d8e-1f2a3b4c5d6e} ' +
  'certstorename=Root failed: SSL Certificate add failed, Error: 1312 A specified logon session does not exist. It may already have been terminated.';

function snapshot(state: ProcedureState, output: Partial<RunnerSnapshot['output']> = {}, hint: string | null = null): RunnerSnapshot {
  return {
    state,
    output: {
      command: 'netsh http show sslcert ipport=0.0.0.0:8391',
      node: 'master',
      lines: Array.from({length: 40}, (_, i) => `    Certificate Hash             : ${i % 2 ? OLD : NEW.toLowerCase()} (line ${i + 1} of a long output)`),
      ...output,
    },
    hint,
    busy: false,
  };
}

const TRANSCRIPT = '/home/admin/.local/state/certwalk/transcripts/2026-11-23T10-55-01Z-ssis-master-4f2a9c.log';
const JOURNAL = '/home/admin/.local/state/certwalk/journals/2026-11-23T10-55-01Z-ssis-master-4f2a9c.jsonl';

function layout(snap: RunnerSnapshot, size: {columns: number; rows: number}, extra: {mode?: RunMode; stepTop?: number | null; modalTop?: number} = {}): Line[] {
  return runLines({
    title: TITLE,
    snapshot: snap,
    mode: extra.mode ?? 'main',
    columns: size.columns,
    rows: size.rows,
    now: clock + 1_200,
    stepTop: extra.stepTop ?? null,
    modalTop: extra.modalTop ?? 0,
    transcriptPath: TRANSCRIPT,
    journalPath: JOURNAL,
  });
}

const texts = (lines: readonly Line[]) => lines.map((l) => l.text);
const dump = (lines: readonly Line[]) =>
  texts(lines)
    .map((t, i) => `${String(i).padStart(2)}|${t}`)
    .join('\n');
/** What the terminal shows: the Lines component fits every line to columns−1. */
const onScreen = (lines: readonly Line[], columns: number) => texts(lines).map((t) => fit(t, Math.max(20, columns - 1)));

// ---------------------------------------------------------------------------------------------------------------
// The states under test.

const STATES: Record<string, () => {snap: RunnerSnapshot; mode?: RunMode}> = {
  'awaiting confirmation of a long prompt (step 2 of 14)': () => ({snap: snapshot(new Play().runFirst(1).capture().state)}),
  'awaiting confirmation of a worker setting (step 13 of 14)': () => ({snap: snapshot(new Play().runFirst(12).capture().state)}),
  'step 14 of 14 running': () => {
    const play = new Play().runFirst(13);
    play.send({type: 'capture-succeeded', at: at(), stepId: play.id(13), captured: {}, prompt: null});
    assert.equal(play.state.steps[13]!.status.kind, 'running');
    return {snap: snapshot(play.state, {command: 'sc.exe start SSISScaleOutWorker140', node: 'worker3'})};
  },
  'step 3 failed with netsh error 1312': () => {
    const play = new Play().runFirst(2);
    play.send({type: 'capture-succeeded', at: at(), stepId: play.id(2), captured: {original: 'binding'}, prompt: null});
    play.send({type: 'step-failed', at: at(), stepId: play.id(2), phase: 'do', error: ERROR_1312});
    return {snap: snapshot(play.state)};
  },
  'completed with 14 change rows': () => ({snap: snapshot(new Play().runFirst(14).state)}),
  'rolled back after completion': () => ({snap: snapshot(new Play().runFirst(14).rollBack().state)}),
  'rolled back with undo failures': () => ({snap: snapshot(new Play().runFirst(14).rollBack(['worker3.settings', 'worker2.settings', 'master.settings']).state)}),
  'rollback confirmation listing 14 undos': () => ({snap: snapshot(new Play().runFirst(14).state), mode: 'rollback-confirm'}),
  'quit confirmation while paused': () => {
    const play = new Play().runFirst(4);
    play.send({type: 'pause-requested', at: at()});
    play.finishCurrent();
    assert.equal(play.state.phase, 'paused');
    return {snap: snapshot(play.state), mode: 'quit-confirm'};
  },
  'a hint after a key that did nothing': () => ({snap: snapshot(new Play().runFirst(1).capture().state, {}, 'Enter alone does not confirm: press y to run this step, n to stop')}),
};

/** How each footer starts (the rest may be cut on a narrow terminal). */
const FOOTER =
  /^(answer above · |r roll back again |p pause · r roll back|PAUSED · p resume|e retry · |rolling back…|Enter home · |Quit, leaving it as is\?|\(Enter alone does not confirm)/;

describe('run-view: every state fits every terminal', () => {
  for (const [name, make] of Object.entries(STATES)) {
    for (const size of SIZES) {
      test(`${name} at ${size.columns}×${size.rows}: at most ${size.rows - 1} lines, title first, footer last`, () => {
        // Given the Run screen in this state, When it is laid out for the terminal
        const {snap, mode} = make();
        const lines = layout(snap, size, mode ? {mode} : {});
        // Then it leaves the last row free (Ink redraws the whole screen once output reaches the terminal's height)
        assert.ok(lines.length <= size.rows - 1, `${lines.length} lines for ${size.rows} rows:\n${dump(lines)}`);
        // …starts with the title and the phase, and ends with the footer
        assert.match(lines[0]!.text, /^certwalk · SSIS Scale Out/);
        assert.match(lines[0]!.text, /(RUNNING|FAILED|COMPLETED|ROLLED BACK|ROLLBACK INCOMPLETE|PAUSED) \d+\/14$/);
        // (a hint wraps: its first line is the footer's)
        const hint = snap.hint ? lines.map((l) => l.text.startsWith('(')).lastIndexOf(true) : -1;
        const last = (hint >= 0 ? lines[hint]! : lines.at(-1)!).text;
        assert.match(last, FOOTER, `the footer is not the last line:\n${dump(lines)}`);
      });
    }
  }
});

describe('run-view: no line is wider than the terminal', () => {
  for (const size of SIZES) {
    test(`every state at ${size.columns}×${size.rows}: runLines gives lines of at most ${size.columns - 1} cells`, () => {
      // Given every state, When laid out, Then each line's display width already fits columns−1: nothing is left for
      // the terminal to wrap or for the Lines component to cut off
      const tooWide: string[] = [];
      for (const [name, make] of Object.entries(STATES)) {
        const {snap, mode} = make();
        for (const text of texts(layout(snap, size, mode ? {mode} : {}))) {
          if (stringWidth(text) > size.columns - 1) tooWide.push(`${name}: ${stringWidth(text)} cells: ${text}`);
        }
      }
      assert.deepEqual(tooWide, []);
    });
  }

  test('as the terminal shows them (fitted like the Lines component does), lines never exceed columns−1, from 40 to 220 columns', () => {
    for (const [name, make] of Object.entries(STATES)) {
      const {snap, mode} = make();
      for (let columns = 40; columns <= 220; columns += 9) {
        const lines = layout(snap, {columns, rows: 30}, mode ? {mode} : {});
        assert.ok(lines.length <= 29, `${name} at ${columns}×30: ${lines.length} lines`);
        for (const text of onScreen(lines, columns)) assert.ok(stringWidth(text) <= columns - 1, `${name} at ${columns} columns: ${text}`);
      }
    }
  });
});

describe('run-view: the confirmation box', () => {
  for (const size of SIZES) {
    test(`a prompt too long for ${size.columns}×${size.rows} keeps its title, answer keys and footer, with a scroll marker`, () => {
      // Given step 2 (delete the binding) waiting for a yes with a prompt longer than any screen
      const {snap} = STATES['awaiting confirmation of a long prompt (step 2 of 14)']!();
      // When the screen is laid out
      const lines = layout(snap, size);
      const shown = onScreen(lines, size.columns);
      assert.ok(lines.length <= size.rows - 1);
      // Then the box's title, the scroll marker, the answer line and the footer are on screen, in that order
      const title = shown.findIndex((t) => t.startsWith('Confirm [master]: Delete the SSL binding on 0.0.0.0:8391'));
      const marker = shown.findIndex((t) => /↑↓ scroll: \d+ more line\(s\) in this box/.test(t));
      const answer = shown.findIndex((t) => t.startsWith('y yes · n/Esc no'));
      assert.ok(title > 0, `no box title:\n${dump(lines)}`);
      assert.ok(marker > title, `no scroll marker below the title:\n${dump(lines)}`);
      assert.equal(answer, marker + 1, `the answer line must follow the marker:\n${dump(lines)}`);
      assert.match(shown[answer]!, /n\/Esc no/, 'the answer line names the No key');
      assert.equal(shown.length - 1, answer + 1, 'the footer is right below the answer line');
      assert.match(shown.at(-1)!, /^answer above · /);
      // …the step waiting for the answer is in the step list
      assert.ok(
        shown.some((t) => /^\?\s+2 master\s+Delete the SSL binding/.test(t) && t.includes('confirm?')),
        dump(lines),
      );
      // …and the marker counts exactly the box lines that are not shown
      const hidden = Number(/(\d+) more line/.exec(shown[marker]!)![1]);
      const contentShown = marker - title; // the title and the box lines up to the marker
      assert.equal(contentShown + hidden + 1, fullBoxLength(size), 'shown + hidden + answer line = the whole box');
    });

    test(`scrolling the long prompt to its end at ${size.columns}×${size.rows} reaches its last line and keeps the answer keys`, () => {
      // Given the same prompt, When the user scrolls the box down as far as it goes
      const {snap} = STATES['awaiting confirmation of a long prompt (step 2 of 14)']!();
      const lines = layout(snap, size, {modalTop: 1_000});
      const shown = onScreen(lines, size.columns);
      assert.ok(lines.length <= size.rows - 1);
      // Then the answer line and the footer are still there
      assert.ok(
        shown.some((t) => t.startsWith('y yes · n/Esc no')),
        dump(lines),
      );
      assert.match(shown.at(-1)!, /^answer above · /);
      // …and so is the restore command's last part (the box's last line before the answer)
      assert.ok(
        shown.some((t) => t.trim().endsWith('disablequic=enable')),
        `the end of the restore command is never shown:\n${dump(lines)}`,
      );
    });
  }

  test('one line of scroll moves the box by one line; scrolling past the end changes nothing', () => {
    // Given the long prompt at 80×24
    const {snap} = STATES['awaiting confirmation of a long prompt (step 2 of 14)']!();
    const size = {columns: 80, rows: 24};
    const at0 = onScreen(layout(snap, size, {modalTop: 0}), 80);
    const at1 = onScreen(layout(snap, size, {modalTop: 1}), 80);
    // When scrolled by one line, Then the box starts one line later, in the same row of the screen
    const row = at0.findIndex((t) => t.startsWith('Confirm ['));
    assert.equal(at0[row + 1], 'Will run:');
    assert.equal(at1[row], 'Will run:');
    assert.equal(at1[row + 1], at0[row + 2]);
    // …and the title line, the step list above the box, and the answer line below it do not move
    assert.deepEqual(at1.slice(0, row), at0.slice(0, row));
    assert.deepEqual(at1.slice(-2), at0.slice(-2));
    // When scrolled far past the end, Then the view is clamped (the same as a little less far)
    assert.deepEqual(layout(snap, size, {modalTop: 500}), layout(snap, size, {modalTop: 5_000}));
  });

  for (const size of SIZES) {
    test(`at ${size.columns}×${size.rows}, wherever the long prompt is scrolled, "N more line(s)" counts the box lines below; at the end there is no marker`, () => {
      // Given the long prompt, and the whole box as a screen tall enough to show it unscrolled
      const {snap} = STATES['awaiting confirmation of a long prompt (step 2 of 14)']!();
      const tall = onScreen(layout(snap, {columns: size.columns, rows: 400}), size.columns);
      const box = tall.slice(
        tall.findIndex((t) => t.startsWith('Confirm [')),
        tall.findIndex((t) => t.startsWith('y yes · n/Esc no')),
      );
      const marker = /↑↓ scroll: (\d+) more line\(s\) in this box/;
      let previous: string[] = [];
      for (let top = 0; top < box.length; top++) {
        // When scrolled down `top` lines
        const shown = onScreen(layout(snap, size, {modalTop: top}), size.columns);
        if (top > 0 && shown.join('\n') === previous.join('\n')) break; // clamped: the end was reached
        previous = shown;
        const answer = shown.findIndex((t) => t.startsWith('y yes · n/Esc no'));
        const at = shown.findIndex((t) => marker.test(t));
        // Then the box's lines from line `top` are shown between the rule and the marker (or the answer)…
        const content = shown.slice(shown.findIndex((t) => t.startsWith('───')) + 1, at === -1 ? answer : at);
        assert.deepEqual(content, box.slice(top, top + content.length), `scrolled ${top}:\n${shown.join('\n')}`);
        // …and the marker counts the box lines after them
        const below = box.length - top - content.length;
        if (below === 0) assert.equal(at, -1, `scrolled ${top}: nothing is left below, yet a marker says so:\n${shown.join('\n')}`);
        else assert.equal(Number(marker.exec(shown[at]!)?.[1]), below, `scrolled ${top}: ${below} box line(s) are below:\n${shown.join('\n')}`);
      }
      // …and scrolled as far as it goes, the box's last line is shown with no marker
      const end = onScreen(layout(snap, size, {modalTop: 1_000}), size.columns);
      assert.ok(!end.some((t) => marker.test(t)), `a marker at the end of the box:\n${end.join('\n')}`);
      assert.ok(end.includes(box.at(-1)!), end.join('\n'));
    });
  }

  test('the "a" answer names how many steps of the same kind remain', () => {
    // Given master.settings waiting (three worker settings of the same kind still pending)
    const play = new Play().runFirst(3).capture();
    const shown = onScreen(layout(snapshot(play.state), {columns: 200, rows: 50}), 200);
    // Then the answer line offers "a" for this and the 3 remaining like it
    assert.ok(
      shown.some((t) => t === 'y yes · n/Esc no (default) · a yes to this + 3 like it'),
      shown.join('\n'),
    );
    // …and at the last worker setting there is no "a" (nothing of that kind remains)
    const lastOfKind = new Play().runFirst(12).capture();
    const last = onScreen(layout(snapshot(lastOfKind.state), {columns: 200, rows: 50}), 200);
    assert.ok(
      last.some((t) => t === 'y yes · n/Esc no (default: nothing runs)'),
      last.join('\n'),
    );
  });

  for (const size of SIZES) {
    test(`at ${size.columns}×${size.rows} the answer line shows every answer key (y, a, n) as the terminal cuts it`, () => {
      // Given a setting confirmation that offers y, a and n
      const play = new Play().runFirst(3).capture();
      // When laid out and fitted to the terminal
      const shown = onScreen(layout(snapshot(play.state), size), size.columns);
      const answer = shown.find((t) => t.startsWith('y yes · n/Esc no'));
      // Then none of the three answers is cut off
      assert.ok(answer, shown.join('\n'));
      assert.match(answer, /\by yes\b/);
      assert.match(answer, /\ba yes to this\b/);
      assert.match(answer, /n\/Esc no/, `the No key is cut off at ${size.columns} columns: "${answer}"`);
    });

    test(`at ${size.columns}×${size.rows} the confirm box title names the node it changes`, () => {
      // Given worker3's setting waiting for a yes, When laid out and fitted
      const play = new Play().runFirst(12).capture();
      const shown = onScreen(layout(snapshot(play.state), size), size.columns);
      const title = shown.find((t) => t.startsWith('Confirm ['));
      // Then the title says which node is about to change
      assert.ok(title, shown.join('\n'));
      assert.match(title, /^Confirm \[worker3\]: /, `the node is not named first: "${title}"`);
    });
  }
});

/** The whole confirmation box of the long prompt at this width, counted from a screen tall enough to show it all. */
function fullBoxLength(size: {columns: number}): number {
  const {snap} = STATES['awaiting confirmation of a long prompt (step 2 of 14)']!();
  const shown = onScreen(layout(snap, {columns: size.columns, rows: 400}), size.columns);
  const title = shown.findIndex((t) => t.startsWith('Confirm ['));
  const answer = shown.findIndex((t) => t.startsWith('y yes · n/Esc no'));
  assert.ok(!shown.some((t) => t.includes('more line(s) in this box')), 'the tall screen should show the box unscrolled');
  return answer - title + 1;
}

/** The before/after rows: node, label, before, →, after. */
const changeRow = /^(\S+)\s+(.+?)\s+(\(none\)|[0-9A-F]+(?:…[0-9A-F]+)?)\s+→\s+([0-9A-F]+(?:…[0-9A-F]+)?)$/;

describe('run-view: before/after thumbprints', () => {
  test('at 200 columns the before/after rows show full 40-character thumbprints', () => {
    // Given a completed run with 14 change rows, When laid out at 200×50
    const {snap} = STATES['completed with 14 change rows']!();
    const lines = layout(snap, {columns: 200, rows: 50});
    const shown = onScreen(lines, 200);
    // Then all 14 rows are on screen under the panel's header, each with the whole old and new thumbprints
    assert.ok(
      shown.some((t) => /^node\s+what\s+before\s+after$/.test(t)),
      dump(lines),
    );
    const rows = shown.map((t) => changeRow.exec(t)).filter((m) => m !== null);
    assert.equal(rows.length, 14, dump(lines));
    for (const [row, , , before, after] of rows) {
      assert.ok(before === OLD || before === '(none)', row);
      assert.equal(after, NEW, row);
    }
    const binding = rows.find((m) => m[1] === 'master' && m[2] === 'http.sys 0.0.0.0:8391');
    assert.ok(binding, dump(lines));
    assert.equal(binding[3], OLD);
  });

  test('at 80 columns thumbprints are shortened to head…tail, and old and new stay distinguishable', () => {
    // Given the same completed run, When laid out at 80×24
    const {snap} = STATES['completed with 14 change rows']!();
    const lines = layout(snap, {columns: 80, rows: 24});
    const shown = onScreen(lines, 80);
    // Then the rows that fit show both thumbprints as head…tail: enough of the head to compare, the last four
    const rows = shown.map((t) => changeRow.exec(t)).filter((m) => m !== null && m[3] !== '(none)');
    assert.ok(rows.length >= 3, `too few before/after rows at 80×24:\n${dump(lines)}`);
    for (const [row, , , before, after] of rows as RegExpExecArray[]) {
      const [oldHead, oldTail] = before!.split('…');
      const [newHead, newTail] = after!.split('…');
      assert.ok(oldTail && newTail, `not shortened to head…tail: ${row}`);
      assert.ok(OLD.startsWith(oldHead!) && OLD.endsWith(oldTail), `old thumbprint shown as ${before}`);
      assert.ok(NEW.startsWith(newHead!) && NEW.endsWith(newTail), `new thumbprint shown as ${after}`);
      assert.ok(oldHead!.length >= 8 && newHead!.length >= 8, `too little of the head to compare: ${row}`);
      assert.notEqual(before, after);
    }
  });

  test('thumbprints that differ only at the end, or only at the start, stay distinguishable at 80 columns', () => {
    // Given changes whose before and after differ only in the last, or only in the first, character
    const pairs = [
      ['AB12CD34EF56AB12CD34EF56AB12CD34EF56AB10', 'AB12CD34EF56AB12CD34EF56AB12CD34EF56AB11'],
      ['0B12CD34EF56AB12CD34EF56AB12CD34EF56AB10', '1B12CD34EF56AB12CD34EF56AB12CD34EF56AB10'],
    ] as const;
    const steps = [info('one', 'master', 'Add the new certificate on 0.0.0.0:8391', 'add-binding')];
    const play = new Play(steps).start();
    play.send({type: 'capture-succeeded', at: at(), stepId: 'one', captured: null, prompt: null});
    play.send({type: 'do-succeeded', at: at(), stepId: 'one'});
    const changes = pairs.map(([before, after]) => ({node: 'master', label: 'http.sys 0.0.0.0:8391', before, after}));
    play.send({type: 'verify-succeeded', at: at(), stepId: 'one', checks: [], changes});
    // When laid out at 80×24, Then each row's shortened before and after differ
    const lines = layout(snapshot(play.state), {columns: 80, rows: 24});
    const rows = onScreen(lines, 80)
      .map((t) => changeRow.exec(t))
      .filter((m) => m !== null);
    assert.equal(rows.length, 2, dump(lines));
    for (const m of rows as RegExpExecArray[]) {
      assert.ok(m[3]!.includes('…') && m[4]!.includes('…'), m[0]);
      assert.notEqual(m[3], m[4], `before and after look the same: ${m[0]}`);
    }
  });

  test('at 60 columns thumbprints still keep their last characters', () => {
    const {snap} = STATES['completed with 14 change rows']!();
    const lines = layout(snap, {columns: 60, rows: 20});
    const rows = texts(lines).filter((t) => t.includes('→'));
    assert.ok(rows.length > 0, dump(lines));
    for (const row of rows) {
      assert.ok(stringWidth(row) <= 59, `${stringWidth(row)} cells: ${row}`);
      assert.match(row, new RegExp(`…${NEW.slice(-4)}$`), `the new thumbprint has lost its tail: ${row}`);
    }
  });

  test('while running, the newest changes are shown and the older ones are counted', () => {
    // Given 13 steps done (13 change rows) and step 14 running, When laid out at 80×24
    const {snap} = STATES['step 14 of 14 running']!();
    const lines = layout(snap, {columns: 80, rows: 24});
    const shown = onScreen(lines, 80);
    // Then the panel says how many earlier rows are only in the transcript, and the newest row (worker3) is shown
    const note = shown.find((t) => /… \d+ earlier change\(s\) in the transcript/.test(t));
    assert.ok(note, dump(lines));
    const rows = shown.filter((t) => changeRow.test(t));
    assert.equal(Number(/(\d+) earlier/.exec(note)![1]) + rows.length, 13, dump(lines));
    assert.match(rows.at(-1)!, /^worker3 /);
  });
});

describe('run-view: the step window follows the current step', () => {
  test('step 14 of 14 running at 80×24: the current step is in the visible window', () => {
    // Given 13 steps done and the last one running
    const {snap} = STATES['step 14 of 14 running']!();
    // When laid out at 80×24
    const lines = layout(snap, {columns: 80, rows: 24});
    const shown = onScreen(lines, 80);
    // Then step 14 is listed, and the window says how many steps are above it
    const rows = shown.filter((t) => /^[·✔?▶✘↺↶] +\d+ /.test(t));
    assert.ok(
      rows.some((t) => /^▶ 14 worker3\s+Restart SSISScaleOutWorker140/.test(t)),
      `step 14 is not in the visible step window:\n${dump(lines)}`,
    );
    const note = shown.find((t) => /^─── ↑\d+ above ─/.test(t));
    assert.ok(note, `the rule under the list says how many steps are above it:\n${dump(lines)}`);
    assert.equal(Number(/↑(\d+) above/.exec(note)![1]) + rows.length, 14);
  });

  test('step 14 of 14 running at 80×24: its status (running, elapsed time) is readable', () => {
    const {snap} = STATES['step 14 of 14 running']!();
    const shown = onScreen(layout(snap, {columns: 80, rows: 24}), 80);
    const row = shown.find((t) => /^▶ 14 /.test(t));
    assert.ok(row);
    assert.match(row, /running \d+\.\ds/, `step 14's status is cut: "${row}"`);
  });

  for (const size of SIZES) {
    test(`step 14 of 14 failed at ${size.columns}×${size.rows}: the failed step is in the window and the failure panel names it`, () => {
      // Given steps 1–13 done and step 14 failed (the failure panel takes the screen)
      const lines = layout(failedLast(), size);
      const shown = onScreen(lines, size.columns);
      assert.ok(lines.length <= size.rows - 1);
      // Then step 14 is visible
      assert.ok(
        shown.some((t) => /^✘ 14 worker3/.test(t)),
        `step 14 is not in the visible step window:\n${dump(lines)}`,
      );
      // …and the failure panel names the step, its error, and the choices (the restart cannot be skipped)
      assert.ok(shown.join(' ').replace(/\s+/g, ' ').includes('✘ FAILED during do · [worker3] Restart SSISScaleOutWorker140'), dump(lines));
      assert.ok(shown.join(' ').replace(/\s+/g, ' ').includes('[SC] StartService FAILED 1053: The service did not respond'), dump(lines));
      assert.ok(
        shown.some((t) => t.startsWith('e retry · r roll back')),
        dump(lines),
      );
      assert.match(shown.at(-1)!, /^e retry · r roll back/, 'the footer offers no skip for a step that cannot be skipped');
    });

    test(`step 14 of 14 failed at ${size.columns}×${size.rows}: its row says FAILED (do)`, () => {
      const shown = onScreen(layout(failedLast(), size), size.columns);
      const row = shown.find((t) => /^✘ 14 worker3/.test(t));
      assert.ok(row);
      assert.match(row, /FAILED \(do\)/, `step 14's status is cut: "${row}"`);
    });
  }

  test('step 2 of 14 waiting: the window starts at the top and shows what comes next', () => {
    const {snap} = STATES['awaiting confirmation of a long prompt (step 2 of 14)']!();
    const shown = onScreen(layout(snap, {columns: 80, rows: 24}), 80);
    const stepRows = shown.filter((t) => /^[·✔?▶✘↺] +\d+ /.test(t));
    assert.match(stepRows[0]!, /^✔  1 master/);
    assert.match(stepRows[1]!, /^\?  2 master/);
    assert.ok(stepRows.length >= 3);
    assert.ok(
      shown.some((t) => /^─── ↓\d+ below ─/.test(t)),
      'the rule under the list says how many steps are below',
    );
  });

  test('a manual scroll (stepTop) is clamped so the window never runs past the first or last step', () => {
    const {snap} = STATES['step 14 of 14 running']!();
    const bottom = onScreen(layout(snap, {columns: 80, rows: 24}, {stepTop: 99}), 80).filter((t) => /^[·✔?▶✘↺] +\d+ /.test(t));
    assert.match(bottom.at(-1)!, /^▶ 14 /);
    const topScreen = onScreen(layout(snap, {columns: 80, rows: 24}, {stepTop: 0}), 80);
    const top = topScreen.filter((t) => /^[·✔?▶✘↺] +\d+ /.test(t));
    assert.match(top[0]!, /^✔  1 /);
    assert.ok(
      topScreen.some((t) => /^─── ↓\d+ below ─/.test(t)),
      'the rule says how many steps are below',
    );
  });
});

function failedLast(): RunnerSnapshot {
  const play = new Play().runFirst(13);
  play.send({type: 'capture-succeeded', at: at(), stepId: play.id(13), captured: {}, prompt: null});
  play.fail('do', 'SSISScaleOutWorker140 did not start: [SC] StartService FAILED 1053: The service did not respond to the start or control request in a timely fashion.');
  assert.equal(play.state.phase, 'failed');
  return snapshot(play.state);
}

describe('run-view: a hint wraps', () => {
  for (const size of SIZES) {
    test(`at ${size.columns}×${size.rows} a hint longer than the line is wrapped at words, never cut, and the screen still fits`, () => {
      // Given x pressed while the procedure runs: the hint says what to do first, at its end
      const hint = 'a node can be rolled back on its own once the procedure is stopped: p pause first';
      for (const make of [STATES['awaiting confirmation of a long prompt (step 2 of 14)']!, STATES['step 14 of 14 running']!]) {
        const {snap} = make();
        const lines = layout({...snap, hint}, size);
        const shown = onScreen(lines, size.columns);
        assert.ok(lines.length <= size.rows - 1, dump(lines));
        // Then every word of it is on the last rows, none behind an ellipsis
        const footer = shown.slice(shown.map((t) => t.startsWith('(')).lastIndexOf(true));
        assert.equal(footer.join(' ').replace(/\s+/g, ' '), `(${hint})`, `the hint is cut:\n${dump(lines)}`);
        assert.ok(!footer.some((t) => t.endsWith('…')), dump(lines));
      }
      // …and the confirm box keeps its answer line above it
      const {snap} = STATES['awaiting confirmation of a long prompt (step 2 of 14)']!();
      assert.ok(onScreen(layout({...snap, hint}, size), size.columns).some((t) => t.startsWith('y yes · n/Esc no')));
    });
  }
});

describe('run-view: failures and endings', () => {
  for (const size of SIZES) {
    test(`step 3 failed with netsh 1312 at ${size.columns}×${size.rows}: the error is shown in full, later steps pending`, () => {
      const {snap} = STATES['step 3 failed with netsh error 1312']!();
      const lines = layout(snap, size);
      const shown = onScreen(lines, size.columns);
      assert.match(shown[0]!, /FAILED 2\/14$/);
      assert.ok(
        shown.some((t) => /^✘  3 master\s+Add the new certificate/.test(t) && t.endsWith('FAILED (do)')),
        dump(lines),
      );
      // the error text is wrapped, not cut: every word of it is on screen
      const panel = shown.join(' ').replace(/\s+/g, ' ');
      assert.ok(panel.includes('SSL Certificate add failed, Error: 1312'), dump(lines));
      assert.ok(panel.includes('It may already have been terminated.'), dump(lines));
      assert.ok(
        shown.some((t) => /^·  4 master/.test(t)),
        'the next step is still pending',
      );
    });

    test(`the failure heading at ${size.columns}×${size.rows} says in which phase the step failed`, () => {
      const {snap} = STATES['step 3 failed with netsh error 1312']!();
      const shown = onScreen(layout(snap, size), size.columns);
      const heading = shown.find((t) => t.startsWith('✘ FAILED during '));
      assert.ok(heading, shown.join('\n'));
      assert.match(heading, /^✘ FAILED during do · \[master\] /, `cut: "${heading}"`);
    });
  }

  test('a failed step that cannot be skipped: neither the failure panel nor the footer offers s skip', () => {
    // Given step 3 (add the binding, not skippable) failed
    const {snap} = STATES['step 3 failed with netsh error 1312']!();
    assert.equal(snap.state.steps[2]!.info.skippable, false);
    const shown = onScreen(layout(snap, {columns: 200, rows: 50}), 200);
    // Then the panel's choices leave out skip…
    assert.ok(shown.includes('e retry · r roll back · q quit (the session stays unfinished)'), shown.join('\n'));
    // …and so does the footer
    assert.doesNotMatch(shown.at(-1)!, /s skip/, `footer: "${shown.at(-1)}"`);
  });

  test('a failed step that can be skipped: the failure panel offers s skip', () => {
    const steps = [info('trust', 'worker1', "Trust the master's new certificate (LocalMachine\\Root)", 'add-certificate', {skippable: true}), ...STEPS.slice(6, 8)];
    const play = new Play(steps).start();
    play.fail('capture', 'certutil: the store could not be opened');
    const shown = onScreen(layout(snapshot(play.state), {columns: 200, rows: 50}), 200);
    assert.ok(shown.includes('e retry · s skip · r roll back · q quit (the session stays unfinished)'), shown.join('\n'));
    assert.match(shown.at(-1)!, /s skip/);
  });

  test('p while a step runs: the header and the footer say PAUSING at once, until the step ends and it is PAUSED', () => {
    const play = new Play().start();
    play.send({type: 'pause-requested', at: at()});
    const pausing = onScreen(layout(snapshot(play.state), {columns: 80, rows: 24}), 80);
    assert.match(pausing[0]!, /PAUSING 0\/14$/);
    assert.match(pausing.at(-1)!, /^PAUSING after the running step ends/);
    play.finishCurrent();
    const paused = onScreen(layout(snapshot(play.state), {columns: 80, rows: 24}), 80);
    assert.match(paused[0]!, /PAUSED 1\/14$/);
  });

  test('completed: the summary names the step count, the transcript and the journal', () => {
    const {snap} = STATES['completed with 14 change rows']!();
    const shown = onScreen(layout(snap, {columns: 200, rows: 50}), 200);
    assert.match(shown[0]!, /COMPLETED 14\/14$/);
    assert.ok(shown.includes('✔ Completed: all 14 steps done and read back'));
    assert.ok(shown.includes(`  ${TRANSCRIPT}`));
    assert.ok(shown.includes(`  ${JOURNAL}`));
    assert.match(shown.at(-1)!, /^Enter home · r roll back · t transcript · q quit$/);
  });

  test('completed at 80×24: the transcript path is wrapped, not cut', () => {
    const {snap} = STATES['completed with 14 change rows']!();
    const shown = onScreen(layout(snap, {columns: 80, rows: 24}), 80);
    const start = shown.findIndex((t) => t.startsWith('Transcript ('));
    assert.ok(start > 0);
    const joined = shown
      .slice(start + 1, start + 4)
      .map((t) => t.trim())
      .join('');
    assert.ok(joined.startsWith(TRANSCRIPT), `transcript path: ${joined}`);
  });

  test('rolled back: every step undone is counted and the footer no longer offers a rollback', () => {
    const {snap} = STATES['rolled back after completion']!();
    for (const size of SIZES) {
      const shown = onScreen(layout(snap, size), size.columns);
      assert.match(shown[0]!, /ROLLED BACK 0\/14$/);
      assert.ok(
        shown.some((t) => t.startsWith('↺ Rolled back: 14 step(s) undone')),
        shown.join('\n'),
      );
      assert.ok(shown.filter((t) => /^↺ +\d+ /.test(t)).length >= 3);
      assert.doesNotMatch(shown.at(-1)!, /roll back/);
    }
  });

  test('rolled back with undo failures: the rollback is incomplete; the summary counts them, names each with its error and says how to retry', () => {
    const {snap} = STATES['rolled back with undo failures']!();
    const lines = layout(snap, {columns: 200, rows: 50});
    const shown = onScreen(lines, 200);
    assert.equal(snap.state.phase, 'rollback-failed');
    assert.ok(shown.includes('✘ 3 undo(s) failed: the session stays unfinished and locked; fix the cause, then r retries them'), dump(lines));
    assert.match(shown.at(-1)!, /^r roll back again \(retries the failed undos\)/);
    for (const [node, title, id] of [
      ['master', 'Set SSLCertThumbprint in MasterSettings.config', 'master.settings'],
      ['worker2', 'Set MasterHttpsCertThumbprint in WorkerSettings.config', 'worker2.settings'],
      ['worker3', 'Set MasterHttpsCertThumbprint in WorkerSettings.config', 'worker3.settings'],
    ]) {
      assert.ok(
        shown.some((t) => t.startsWith(`  [${node}] ${title}: ${id}: the node changed`)),
        `${id} is not named:\n${dump(lines)}`,
      );
    }
    assert.ok(
      shown.some((t) => /^✘  4 master/.test(t) && t.includes('UNDO FAILED')),
      dump(lines),
    );
  });

  test('the rollback confirmation at 60×20 lists the undos newest first and keeps its answer line', () => {
    const {snap} = STATES['rollback confirmation listing 14 undos']!();
    const lines = layout(snap, {columns: 60, rows: 20}, {mode: 'rollback-confirm'});
    const shown = onScreen(lines, 60);
    assert.ok(lines.length <= 19);
    assert.ok(
      shown.some((t) => t.startsWith('Roll back: undo every step')),
      dump(lines),
    );
    assert.ok(
      shown.some((t) => t.startsWith('y start the rollback · n/Esc cancel')),
      dump(lines),
    );
    const undos = shown.filter((t) => /^\s+\d+\. undo \[/.test(t));
    assert.match(undos[0]!, /1\. undo \[worker3\] Set MasterHttpsCertThumbprint/);
    assert.ok(
      shown.some((t) => /↑↓ scroll: \d+ more line\(s\)/.test(t)),
      'the list is longer than the box: a marker says so',
    );
  });

  test('the rollback confirmation at 200×50 lists all 14 undos, service restarts last in their original order', () => {
    const {snap} = STATES['rollback confirmation listing 14 undos']!();
    const shown = onScreen(layout(snap, {columns: 200, rows: 50}, {mode: 'rollback-confirm'}), 200);
    const undos = shown.filter((t) => /^\s+\d+\. undo \[/.test(t));
    assert.equal(undos.length, 14, shown.join('\n'));
    assert.deepEqual(
      undos.slice(-4).map((t) => /undo \[(\w+)\] (.*)$/.exec(t)!.slice(1).join(' ')),
      ['master Restart SSISScaleOutMaster140', 'worker1 Restart SSISScaleOutWorker140', 'worker2 Restart SSISScaleOutWorker140', 'worker3 Restart SSISScaleOutWorker140'],
    );
  });

  for (const size of SIZES) {
    test(`the quit question at ${size.columns}×${size.rows} shows its answer keys`, () => {
      // Given a paused run and q pressed, When laid out and fitted to the terminal
      const {snap} = STATES['quit confirmation while paused']!();
      const shown = onScreen(layout(snap, size, {mode: 'quit-confirm'}), size.columns);
      // Then the quit box names the two ways back, and its question and both answers are on screen (the box's
      // last line stays in view however it is scrolled), the footer pointing at it
      assert.match(shown.at(-1)!, /^answer above/);
      const question = shown.find((l) => l.startsWith('Quit, leaving it unfinished?'));
      assert.ok(question, shown.join('\n'));
      assert.match(question, /y quit/, `the answer keys are cut off at ${size.columns} columns: "${question}"`);
      assert.match(question, /n stay/, `the answer keys are cut off at ${size.columns} columns: "${question}"`);
      assert.ok(
        shown.some((l) => l.includes('This session changed nodes and has not finished')),
        shown.join('\n'),
      );
    });
  }
});
