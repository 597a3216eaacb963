// Typed procedures and steps. A procedure's code sees its resolved parameters as its own type R (from prepare to
// steps and describe), and a step's code sees what it captured as its own type C (from capture to do, verify and
// undo, and in the steps given a reference to it). The runner and the journal keep working with the erased shapes,
// ProcedureDefinition and StepDefinition, whose values are Json: the helpers here convert at the one boundary.
import type {Fleet} from '../hosts/host.ts';
import type {ConfirmPrompt, Json} from '../state/types.ts';
import type {ParamForm, PrepareContext, ProcedureDefinition, Secrets, StepContext, StepDefinition, Validation, VerifyResult} from './types.ts';

/**
 * T when it is plain JSON data: strings, numbers, booleans, null, arrays and objects of them (an optional property may
 * be absent). What is not (a Date, a Buffer, a Map, a function, `unknown`) becomes never, as it would not come back
 * from the journal as it went in: a capture or resolved value is typed `T & JsonSafe<T>`, so the type checker refuses
 * one that would not survive the journal. (A bound `T extends JsonSafe<T>` would be circular.)
 */
export type JsonSafe<T> = T extends string | number | boolean | null
  ? T
  : T extends (...args: never[]) => unknown
    ? never
    : T extends readonly (infer Item)[]
      ? readonly JsonSafe<Item>[]
      : T extends object
        ? {readonly [K in keyof T]: JsonSafe<T[K]>}
        : never;

/**
 * The journal boundary. Going in, the type checker has seen that the value is plain JSON data (JsonSafe). Coming back,
 * the runner hands a procedure only the resolved parameters its own prepare made, and a step only what its own capture
 * returned (the same object in this process, its JSON once read from a journal by resume or rollback), so the value
 * is of the type that code gave it; capturedBy reads a step's capture by that step. These two functions are the only
 * place a Json is taken for a typed value.
 */
function toJournal<T>(value: JsonSafe<T>): Json {
  const data: unknown = value;
  return data as Json;
}

function fromJournal<T>(json: Json): T {
  const data: unknown = json;
  return data as T;
}

export interface Captured<C> {
  readonly captured: C & JsonSafe<C>;
  /** Built from what was captured; required for destructive steps. */
  readonly prompt?: ConfirmPrompt;
}

/** A step's code, typed by what it captures: the runner's StepDefinition with C where it has Json. */
export interface StepCode<C> extends Omit<StepDefinition, 'capture' | 'do' | 'verify' | 'undo'> {
  capture(ctx: StepContext): Promise<Captured<C>>;
  do(ctx: StepContext, captured: C): Promise<void>;
  verify(ctx: StepContext, captured: C): Promise<VerifyResult>;
  /** Uses only `captured`; re-reads the node first and reports what it did. Never throws on its own account. */
  undo(ctx: StepContext, captured: C): Promise<string>;
}

declare const capturesType: unique symbol;

/**
 * A step as the runner takes it, which also tells the type checker what it captures, so another step can read that
 * capture typed (capturedBy). The mark exists for the type checker only: at run time this is a StepDefinition.
 */
export type Step<C> = StepDefinition & {readonly [capturesType]: C};

export function defineStep<C>(code: StepCode<C>): Step<C> {
  const step: StepDefinition = {
    ...code,
    capture: async (ctx) => {
      const result = await code.capture(ctx);
      return {...result, captured: toJournal<C>(result.captured)};
    },
    do: (ctx, captured) => code.do(ctx, fromJournal<C>(captured)),
    verify: (ctx, captured) => code.verify(ctx, fromJournal<C>(captured)),
    undo: (ctx, captured) => code.undo(ctx, fromJournal<C>(captured)),
  };
  // Only the type changes: the mark has no value.
  return step as Step<C>;
}

/** What `step` captured in this session, typed as that step's code returned it; undefined until it has captured. */
export function capturedBy<C>(ctx: StepContext, step: Step<C>): C | undefined {
  const captured = ctx.capturedOf(step.id);
  return captured === undefined ? undefined : fromJournal<C>(captured);
}

export interface PreparedAs<R> {
  /** Stored in the journal header (so JSON data only), enough to rebuild the steps for a later rollback. */
  readonly resolved: R & JsonSafe<R>;
  readonly secrets: Secrets;
}

/** A procedure's code, typed by its resolved parameters: the runner's ProcedureDefinition with R where it has Json. */
export interface ProcedureCode<R> {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  form(fleet: Fleet): Promise<ParamForm>;
  prepare(fleet: Fleet, params: Readonly<Record<string, string>>, local: PrepareContext): Promise<Validation<PreparedAs<R>>>;
  steps(resolved: R, secrets: Secrets): readonly StepDefinition[];
  describe(resolved: R): readonly string[];
}

export function defineProcedure<R>(code: ProcedureCode<R>): ProcedureDefinition {
  return {
    id: code.id,
    title: code.title,
    summary: code.summary,
    form: (fleet) => code.form(fleet),
    prepare: async (fleet, params, local) => {
      const result = await code.prepare(fleet, params, local);
      return result.ok ? {ok: true, value: {resolved: toJournal<R>(result.value.resolved), secrets: result.value.secrets}} : result;
    },
    steps: (resolved, secrets) => code.steps(fromJournal<R>(resolved), secrets),
    describe: (resolved) => code.describe(fromJournal<R>(resolved)),
  };
}
