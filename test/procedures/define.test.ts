// defineStep / defineProcedure: the typed code gets back, through the journal's JSON, what its own capture or
// prepare made, and the runner sees the erased shapes. The `@ts-expect-error` lines are checked by tsc (npm test
// runs it first): each one fails the type check if the mistake it names ever compiles.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import type {Fleet} from '../../src/hosts/host.ts';
import {capturedBy, defineProcedure, defineStep, type StepCode} from '../../src/procedures/define.ts';
import type {StepContext} from '../../src/procedures/types.ts';
import {prepareContext, stateFiles, stateSealing} from '../../src/runner/step-files.ts';
import type {Json} from '../../src/state/types.ts';
import {tempDir} from '../helpers/temp.ts';

const state = tempDir('certwalk-define-');

interface Kept {
  readonly thumbprint: string;
  readonly accounts: readonly string[];
  readonly previous: {readonly name: string} | null;
}

const info = {node: 'n', kind: 'k', destructive: false, skippable: false, undoLast: false, hasUndo: true, plan: () => []};

/** A step whose code records what it was given. */
function keptStep(seen: Kept[]) {
  return defineStep<Kept>({
    ...info,
    id: 'keep',
    title: 'Keep',
    capture: async () => ({captured: {thumbprint: 'AB', accounts: ['svc'], previous: {name: 'old'}}}),
    do: async (_ctx, captured) => void seen.push(captured),
    verify: async (_ctx, captured) => ({checks: [{what: 'thumbprint', expected: 'AB', observed: captured.thumbprint, ok: true}], changes: []}),
    undo: async (_ctx, captured) => `back to ${captured.previous?.name ?? 'nothing'} for ${captured.accounts.join(', ')}`,
  });
}

function contextWith(captures: Record<string, Json>): StepContext {
  return {
    host: () => Promise.reject(new Error('no host here')),
    capturedOf: (stepId) => captures[stepId],
    note: () => undefined,
    secret: () => undefined,
    now: () => new Date(),
    files: stateFiles(state),
    sealing: stateSealing(state),
  };
}

/** What a resume or rollback hands a step: the capture as the journal stored it. */
const throughJournal = (value: Json): Json => JSON.parse(JSON.stringify(value)) as Json;

describe('defineStep', () => {
  test('do, verify and undo get the capture back typed, from memory and from the journal', async () => {
    const seen: Kept[] = [];
    const step = keptStep(seen);
    const ctx = contextWith({});
    const {captured} = await step.capture(ctx);
    await step.do(ctx, captured);
    await step.do(ctx, throughJournal(captured));
    assert.deepEqual(seen, [
      {thumbprint: 'AB', accounts: ['svc'], previous: {name: 'old'}},
      {thumbprint: 'AB', accounts: ['svc'], previous: {name: 'old'}},
    ]);
    assert.equal((await step.verify(ctx, captured)).checks[0]?.observed, 'AB');
    assert.equal(await step.undo(ctx, throughJournal(captured)), 'back to old for svc');
  });

  test("another step's capture is read through that step, typed; undefined before it captured", async () => {
    const step = keptStep([]);
    assert.equal(capturedBy(contextWith({}), step), undefined);
    const {captured} = await step.capture(contextWith({}));
    assert.equal(capturedBy(contextWith({keep: throughJournal(captured)}), step)?.accounts[0], 'svc');
  });

  test('the type checker refuses what would not survive the journal, and a capture read as another type', () => {
    const code = (capture: StepCode<{readonly at: Date}>['capture']): StepCode<{readonly at: Date}> => ({
      ...info,
      id: 'dated',
      title: 'Dated',
      capture,
      do: async () => undefined,
      verify: async () => ({checks: [], changes: []}),
      undo: async () => '',
    });
    // @ts-expect-error a Date comes back from the journal as a string
    void code(async () => ({captured: {at: new Date()}}));
    defineStep<Kept>({
      ...info,
      id: 'typed',
      title: 'Typed',
      capture: async () => ({captured: {thumbprint: 'AB', accounts: [], previous: null}}),
      // @ts-expect-error the capture has no such field
      do: async (_ctx, captured) => void captured.pfxPassword,
      verify: async () => ({checks: [], changes: []}),
      undo: async () => '',
    });
    const other = defineStep<{readonly count: number}>({
      ...info,
      id: 'count',
      title: 'Count',
      capture: async () => ({captured: {count: 1}}),
      do: async () => undefined,
      verify: async () => ({checks: [], changes: []}),
      undo: async () => '',
    });
    // @ts-expect-error `other` captures a count, not a Kept
    const wrong: Kept | undefined = capturedBy(contextWith({}), other);
    assert.equal(wrong, undefined);
  });
});

describe('defineProcedure', () => {
  interface Resolved {
    readonly node: string;
    readonly thumbprints: readonly string[];
  }
  const procedure = defineProcedure<Resolved>({
    id: 'p',
    title: 'P',
    summary: 'p',
    form: async () => ({specs: [], values: {}}),
    prepare: async (_fleet, params) => ({ok: true, value: {resolved: {node: params.node ?? '', thumbprints: ['AB', 'CD']}, secrets: {}}}),
    steps: (r) => [keptStep([])].map((step) => ({...step, node: r.node})),
    describe: (r) => [`${r.node}: ${r.thumbprints.join(', ')}`],
  });

  test('steps and describe get the resolved parameters prepare made, from the journal header too', async () => {
    // This procedure reads no fleet.
    const prepared = await procedure.prepare({} as Fleet, {node: 'master'}, prepareContext(state));
    assert.ok(prepared.ok);
    const fromHeader = throughJournal(prepared.value.resolved);
    assert.deepEqual(procedure.describe(fromHeader), ['master: AB, CD']);
    assert.deepEqual(
      procedure.steps(fromHeader, {}).map((s) => s.node),
      ['master'],
    );
  });

  test('the type checker refuses resolved parameters that would not survive the journal header', () => {
    void defineProcedure<{readonly when: Date}>({
      id: 'd',
      title: 'D',
      summary: 'd',
      form: async () => ({specs: [], values: {}}),
      // @ts-expect-error a Date comes back from the journal as a string
      prepare: async () => ({ok: true, value: {resolved: {when: new Date()}, secrets: {}}}),
      steps: () => [],
      describe: () => [],
    });
  });
});
