// A procedure is data: parameters validated up front, and ordered steps with capture / do / verify / undo.
import type {Fleet, Host} from '../hosts/host.ts';
import type {Sealed, Unsealed} from '../secrets/sealing.ts';
import type {Check, Change, ConfirmPrompt, Json, StepInfo} from '../state/types.ts';

/** What a step's code may use. Commands run through `host()` are recorded in the journal and transcript. */
export interface StepContext {
  host(node: string): Promise<Host>;
  /** Another step's captured value (a later step may need what an earlier one read). */
  capturedOf(stepId: string): Json | undefined;
  /** A line for the output pane and the transcript. */
  note(text: string): void;
  /** Masks a value (a one-time PFX password) everywhere certwalk writes or shows text. */
  secret(value: string): void;
  readonly now: () => Date;
  /**
   * Other certwalk sessions whose journals show a change on `node` after this session's own, oldest first: an undo
   * that finds a value this session did not write names them. Optional so a context made outside the runner needs none.
   */
  sessionsOn?(node: string): readonly SessionOnNode[];
  /** Files on the computer certwalk runs on, in its state directory (src/runner/step-files.ts). */
  readonly files: StateFiles;
  /** Secrets that must outlive this process (a deleted certificate's kept copy), sealed with a key in the state directory. */
  readonly sealing: SecretSealing;
}

/**
 * Files a step keeps on the computer certwalk runs on, in certwalk's state directory: a resume or a rollback started
 * later finds them there. Paths are absolute (the journal records them so); one outside the state directory is
 * refused (throws) before anything is read or written.
 */
export interface StateFiles {
  /** The state directory. */
  readonly root: string;
  /** The absolute path of `parts` in the state directory; nothing is made. */
  path(...parts: string[]): string;
  exists(path: string): Promise<boolean>;
  /** The file's bytes, or null when it is not there. */
  read(path: string): Promise<Buffer | null>;
  /** The permission bits (0o600), or null when the file is not there. */
  mode(path: string): Promise<number | null>;
  /** Creates a file only this account can read (0600, its folders 0700); never over an existing one (EEXIST). */
  createPrivate(path: string, data: string | Buffer): Promise<void>;
  /** Writes a file others may read (0644 under the umask; its folders 0700), over an existing one. */
  writePublic(path: string, data: string | Buffer): Promise<void>;
  /** Removes a file; one not there is fine. */
  remove(path: string): Promise<void>;
  /** Removes a folder and everything in it; one not there is fine. */
  removeTree(path: string): Promise<void>;
  /** Removes a folder if it is empty; a folder with files in it, or none, is left as it is. */
  removeDirIfEmpty(path: string): Promise<void>;
}

/** src/secrets/sealing.ts for a step: the key of a new sealed value goes to `keys/<keyName>` in the state directory. */
export interface SecretSealing {
  /** Encrypts `value` (as JSON) bound to `boundTo`; its key file (0600) is written at once. */
  seal(value: unknown, boundTo: string, keyName: string): Sealed;
  /** The value back, or why not; never throws. */
  unseal<T>(sealed: Sealed, boundTo: string): Unsealed<T>;
  hasKey(sealed: Sealed): boolean;
  /** Removes the key file: what was sealed with it cannot be opened any more. */
  discardKey(sealed: Sealed): void;
}

/** What a procedure's `prepare` may use on the computer certwalk runs on (src/runner/step-files.ts prepareContext). */
export interface PrepareContext {
  /** A certificate or key file the admin named, anywhere on this computer: regular files only, a few MiB at most. */
  readParameterFile(path: string, what: string): Buffer;
  /** Where the steps will keep this session's local files: `STATE/<area>/<time stamp>-<name>`, absolute; nothing is made. */
  newStateFolder(area: string, name: string): string;
}

/** A session that changed a node, as its journal tells. */
export interface SessionOnNode {
  readonly journal: string;
  readonly transcript: string;
  readonly sessionId: string;
  readonly procedure: string;
  /** user@machine */
  readonly by: string;
  /** When it first started a change on the node (ISO 8601). */
  readonly changedAt: string;
  /** Its rollback ran to the end: it no longer relies on anything on the node. */
  readonly rolledBack: boolean;
  /** Whether its journal holds this text (a thumbprint; case-insensitive): it read or wrote that value. */
  mentions(value: string): boolean;
}

export interface CaptureResult {
  readonly captured: Json;
  /** Built from what was captured; required for destructive steps. */
  readonly prompt?: ConfirmPrompt;
}

export interface VerifyResult {
  readonly checks: readonly Check[];
  readonly changes: readonly Change[];
}

/** A command the step will run, as the Plan screen shows it. `preview: false` marks a line that is not a command. */
export interface PlannedCommand {
  readonly node: string;
  readonly text: string;
  readonly preview?: boolean;
}

export interface StepDefinition extends StepInfo {
  /**
   * Work a person does by hand (an MMC, a wizard) and ticks: only a person can answer it, so `run --yes` and
   * `resume --yes` refuse a procedure that has such steps left.
   */
  readonly manual?: boolean;
  plan(): readonly PlannedCommand[];
  capture(ctx: StepContext): Promise<CaptureResult>;
  do(ctx: StepContext, captured: Json): Promise<void>;
  verify(ctx: StepContext, captured: Json): Promise<VerifyResult>;
  /** Uses only `captured`; re-reads the node first and reports what it did. Never throws on its own account. */
  undo(ctx: StepContext, captured: Json): Promise<string>;
}

export interface ParamSpec {
  readonly key: string;
  readonly label: string;
  readonly help: string;
  /** Other names the command line accepts for it (`worker` for `workers`). */
  readonly aliases?: readonly string[];
  /** A password: typed without echo, never shown, journaled or given on a command line (`run` reads it elsewhere). */
  readonly secret?: boolean;
  /** For a secret: the environment variable `certwalk run` reads it from (else it asks without echo). */
  readonly env?: string;
  /** Offered choices (the Parameters screen shows a picker); free text when absent. */
  readonly choices?: readonly {readonly value: string; readonly label: string}[];
}

export interface ParamForm {
  readonly specs: readonly ParamSpec[];
  /** Defaults read from the hosts (machine names, current settings). */
  readonly values: Readonly<Record<string, string>>;
}

export type Validation<T> = {readonly ok: true; readonly value: T} | {readonly ok: false; readonly errors: Readonly<Record<string, string>>};

/** Private material the steps need and that must never reach the journal or transcript. */
export interface Secrets {
  readonly [key: string]: string;
}

export interface Prepared {
  /** JSON-safe: stored in the journal header, enough to rebuild the steps for a later rollback. */
  readonly resolved: Json;
  readonly secrets: Secrets;
}

export interface ProcedureDefinition {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  /** Reads defaults from the fleet. */
  form(fleet: Fleet): Promise<ParamForm>;
  /** Validates every parameter against the fleet before anything changes; makes new certificates. */
  prepare(fleet: Fleet, params: Readonly<Record<string, string>>, local: PrepareContext): Promise<Validation<Prepared>>;
  steps(resolved: Json, secrets: Secrets): readonly StepDefinition[];
  /** What the plan is about, in a few lines (current and new certificate), shown above the steps. */
  describe(resolved: Json): readonly string[];
}

export function stepInfo(step: StepDefinition): StepInfo {
  const {id, title, node, kind, destructive, skippable, undoLast, hasUndo, lane, window} = step;
  return {id, title, node, kind, destructive, skippable, undoLast, hasUndo, ...(lane === undefined ? {} : {lane}), ...(window === undefined ? {} : {window})};
}
