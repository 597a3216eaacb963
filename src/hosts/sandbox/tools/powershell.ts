// powershell.exe (Windows PowerShell 5.1) for the small subset certwalk's ops emit (powershell-parse.ts): variables,
// single-quoted literals, [Console]::In.ReadLine() (a password arrives on stdin), [DateTime]::Parse(…,
// InvariantCulture, …), [IO.File]::ReadAllText(path) (a PEM read on the node), (…).Property, and pipelines of product cmdlets (cmdlets.ts) into Select-Object,
// ConvertTo-Json and Out-String. Output and errors are printed as PowerShell 5.1 prints them (docs/TOOL-OUTPUT.md,
// "PowerShell"); a script outside the subset gets a `certwalk sandbox:` error, never a guessed meaning.
import {setsUtf8Output} from '../../../ops/powershell.ts';
import type {NodeState} from '../state.ts';
import {findCmdlet} from './cmdlets.ts';
import {NotSimulated} from './powershell-cmdlet.ts';
import type {CmdletContext, CmdletDefinition, CmdletError, CmdletTable, PsObject, PsValue} from './powershell-cmdlet.ts';
import {convertToJson, JsonLimitError} from './powershell-json.ts';
import {parseScript, SandboxSyntaxError} from './powershell-parse.ts';
import type {CommandElement, Expression, Extent, Pipeline, Statement} from './powershell-parse.ts';
import type {SandboxProgram, ToolContext, ToolResult} from './program.ts';

/** What the sandbox needs to know of the fleet beyond the node (computed by dispatch.ts per run). */
export interface PowershellEnvironment {
  readonly replicationFaults?: readonly string[];
}

/** The script powershell.exe would run for these arguments, or an explanation why there is none. */
export function scriptOf(args: readonly string[]): {readonly script: string} | {readonly error: string} {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const flag = arg.toLowerCase();
    if (/^[-/](noprofile|nop|noninteractive|noni|nologo)$/.test(flag)) continue;
    if (/^[-/](executionpolicy|ep|ex|inputformat|outputformat|windowstyle)$/.test(flag)) {
      i++;
      continue;
    }
    if (/^[-/](encodedcommand|enc|ec|e)$/.test(flag)) {
      const encoded = args[i + 1];
      if (encoded === undefined) return {error: 'Cannot process the command because of a missing parameter. A command must follow -EncodedCommand.'};
      return {script: Buffer.from(encoded, 'base64').toString('utf16le')};
    }
    if (/^[-/](command|c)$/.test(flag)) return {script: args.slice(i + 1).join(' ')};
    return {error: `powershell.exe ${arg}: only -NoProfile, -NonInteractive, -NoLogo, -ExecutionPolicy, -EncodedCommand and -Command are simulated`};
  }
  return {error: 'an interactive powershell.exe (no -Command or -EncodedCommand) is not simulated'};
}

export function powershellProgram(environment: PowershellEnvironment = {}): SandboxProgram {
  return {
    run(context, args) {
      const found = scriptOf(args);
      if ('error' in found) return sandboxError(found.error);
      return runScript(context, found.script, environment);
    },
    fault(_context, args) {
      // The first cmdlet of the script fails the way a lost connection to the pool fails it.
      const found = scriptOf(args);
      const name = 'script' in found ? (/\b([A-Za-z]+-Cs[A-Za-z]+)\b/.exec(found.script)?.[1] ?? 'powershell') : 'powershell';
      return {stdout: '', stderr: `${name} : Command execution failed: The RPC server is unavailable. (Exception from HRESULT: 0x800706BA)\n`, exitCode: 1};
    },
  };
}

export const powershell: SandboxProgram = powershellProgram();

const STDIN = Symbol('[Console]::In');
const INVARIANT_CULTURE = Symbol('[CultureInfo]::InvariantCulture');
type Value = PsValue | typeof STDIN | typeof INVARIANT_CULTURE;

/** A PowerShell error record, printed the way the console host prints it. */
interface ErrorRecord {
  /** The command the error came from; method exceptions print no `Name : ` prefix. */
  readonly command?: string;
  readonly message: string;
  readonly category: string;
  readonly target: string;
  readonly targetType: string;
  readonly reason: string;
  readonly fullyQualifiedErrorId: string;
}

class PsError extends Error {
  constructor(
    readonly record: ErrorRecord,
    readonly extent: Extent,
  ) {
    super(record.message);
  }
}

class ExitRequest {
  constructor(readonly code: number) {}
}

class SandboxLimit extends Error {}

const REASON_BY_CATEGORY: Record<string, string> = {
  InvalidArgument: 'ArgumentException',
  InvalidOperation: 'InvalidOperationException',
  ObjectNotFound: 'ItemNotFoundException',
  InvalidData: 'InvalidDataException',
  NotSpecified: 'Exception',
  PermissionDenied: 'UnauthorizedAccessException',
};

class Session {
  readonly variables = new Map<string, Value>();
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  state: NodeState;
  changed = false;
  #stdinLine = 0;

  constructor(
    readonly context: ToolContext,
    readonly lines: readonly string[],
    readonly environment: PowershellEnvironment,
  ) {
    this.state = context.state;
    this.variables.set('erroractionpreference', 'Continue');
  }

  get stopOnError(): boolean {
    return String(this.variables.get('erroractionpreference')).toLowerCase() === 'stop';
  }

  readStdinLine(): string | null {
    const line = this.context.stdin?.[this.#stdinLine];
    if (line === undefined) return null;
    this.#stdinLine++;
    return line;
  }

  cmdletContext(): CmdletContext {
    return {
      node: this.context.node,
      state: this.state,
      files: this.context.files,
      now: this.context.now,
      stdin: (this.context.stdin ?? []).slice(this.#stdinLine),
      ...(this.environment.replicationFaults ? {replicationFaults: this.environment.replicationFaults} : {}),
    };
  }

  write(values: readonly Value[]): void {
    for (const value of values) this.stdout.push(outDefault(value));
  }

  printError(error: PsError): void {
    const {record, extent} = error;
    const line = this.lines[extent.line - 1] ?? '';
    const target = `(${record.target}:${record.targetType})`;
    // A command that does not exist ran no activity, so PowerShell prints empty brackets for it.
    const activity = record.reason === 'CommandNotFoundException' ? '' : (record.command ?? '');
    this.stderr.push(
      `${record.command ? `${record.command} : ` : ''}${record.message}`,
      `At line:${extent.line} char:${extent.column}`,
      `+ ${line}`,
      `+ ${' '.repeat(extent.column - 1)}${'~'.repeat(extent.length)}`,
      `    + CategoryInfo          : ${record.category}: ${target} [${activity}], ${record.reason}`,
      `    + FullyQualifiedErrorId : ${record.fullyQualifiedErrorId}`,
      ' ',
    );
  }
}

/**
 * The line that makes a script's output UTF-8 (certwalk's scripts start with it: src/ops/powershell.ts) decides only
 * the bytes the tool process writes (dispatch.ts); it is blanked, not removed, so error records keep their line numbers.
 */
function withoutOutputEncodingLine(script: string): string {
  return script
    .split('\n')
    .map((line) => (setsUtf8Output(line) ? '' : line))
    .join('\n');
}

function runScript(context: ToolContext, script: string, environment: PowershellEnvironment): ToolResult {
  let statements: Statement[];
  try {
    statements = parseScript(withoutOutputEncodingLine(script));
  } catch (error) {
    if (error instanceof SandboxSyntaxError) return sandboxError(`powershell: ${error.message}`);
    throw error;
  }
  const session = new Session(context, script.replace(/\r\n?/g, '\n').split('\n'), environment);
  let exitCode: number;
  let lastFailed = false;
  try {
    for (const statement of statements) {
      try {
        lastFailed = false;
        runStatement(session, statement);
      } catch (error) {
        if (!(error instanceof PsError)) throw error;
        session.printError(error);
        lastFailed = true;
        if (session.stopOnError) throw new ExitRequest(1);
      }
    }
    exitCode = lastFailed ? 1 : 0;
  } catch (error) {
    if (error instanceof ExitRequest) exitCode = error.code;
    else if (error instanceof SandboxLimit || error instanceof JsonLimitError || error instanceof NotSimulated) return sandboxError(`powershell: ${error.message}`, session);
    else throw error;
  }
  return {
    stdout: session.stdout.map((l) => `${l}\n`).join(''),
    stderr: session.stderr.map((l) => `${l}\n`).join(''),
    exitCode,
    ...(session.changed ? {state: session.state} : {}),
  };
}

function runStatement(session: Session, statement: Statement): void {
  switch (statement.kind) {
    case 'assign': {
      const results = runPipeline(session, statement.pipeline);
      session.variables.set(statement.variable.toLowerCase(), collapse(results));
      return;
    }
    case 'exit': {
      const code = statement.code ? evaluate(session, statement.code, statement.extent) : 0;
      throw new ExitRequest(typeof code === 'number' ? code & 0xff : Number(code) || 0);
    }
    case 'pipeline':
      session.write(runPipeline(session, statement.pipeline));
  }
}

/** What `$x = …` holds: nothing is $null, one value itself, several an array. */
function collapse(values: readonly Value[]): Value {
  if (values.length === 0) return null;
  if (values.length === 1) return values[0]!;
  return values.map(asPsValue);
}

function runPipeline(session: Session, pipeline: Pipeline): Value[] {
  let flowing: Value[] = [];
  for (const element of pipeline.elements) {
    if (element.kind === 'expression') {
      // Only the first element can be an expression; $null sends nothing down the pipeline, an array each item.
      const value = evaluate(session, element.expression, element.extent);
      flowing = Array.isArray(value) ? [...(value as PsValue[])] : value === null ? [] : [value];
      continue;
    }
    flowing = runCommand(session, element, flowing.map(asPsValue));
  }
  return flowing;
}

function runCommand(session: Session, element: CommandElement, input: readonly PsValue[]): Value[] {
  const builtin = BUILTINS[element.name.toLowerCase()];
  const found = builtin ? {name: builtin.name, definition: builtin.definition} : findCmdlet(element.name);
  // PowerShell underlines only the name of a command it cannot find.
  const nameExtent = {...element.extent, length: element.name.length};
  if (!found) {
    throw new PsError(
      {
        command: element.name,
        message: `The term '${element.name}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`,
        category: 'ObjectNotFound',
        target: element.name,
        targetType: 'String',
        reason: 'CommandNotFoundException',
        fullyQualifiedErrorId: 'CommandNotFoundException',
      },
      nameExtent,
    );
  }
  const parameters = bindParameters(session, found.name, found.definition, element);
  const result = found.definition.run(session.cmdletContext(), {name: found.name, parameters, input});
  if (result.state) {
    session.state = result.state;
    session.changed = true;
  }
  if ('error' in result) {
    throw new PsError(cmdletRecord(found.name, result.error), result.error.reason === 'CommandNotFoundException' ? nameExtent : element.extent);
  }
  return [...result.output];
}

function cmdletRecord(command: string, error: CmdletError): ErrorRecord {
  return {
    command,
    message: error.message,
    category: error.category,
    target: error.target ?? '',
    targetType: error.target ? 'String' : '',
    reason: error.reason ?? REASON_BY_CATEGORY[error.category] ?? 'Exception',
    fullyQualifiedErrorId: error.errorId ? `${error.id ?? error.category},${error.errorId}` : (error.id ?? error.category),
  };
}

function bindingError(command: string, definition: CmdletDefinition, element: CommandElement, message: string, id: string, category = 'InvalidArgument'): PsError {
  return new PsError(
    {command, message, category, target: '', targetType: '', reason: 'ParameterBindingException', fullyQualifiedErrorId: `${id},${definition.typeName ?? command}`},
    element.extent,
  );
}

function bindParameters(session: Session, command: string, definition: CmdletDefinition, element: CommandElement): Record<string, PsValue> {
  const bound: Record<string, PsValue> = {};
  const switches = new Set((definition.switches ?? []).map((s) => s.toLowerCase()));
  const positional = [...(definition.positional ?? [])];
  for (const arg of element.args) {
    if (arg.parameter === undefined) {
      const value = asPsValue(evaluate(session, arg.value!, element.extent));
      const name = positional.find((p) => !(p in bound));
      if (!name) {
        throw bindingError(command, definition, element, `A positional parameter cannot be found that accepts argument '${displayValue(value)}'.`, 'PositionalParameterNotFound');
      }
      bound[name] = value;
      continue;
    }
    const name = resolveParameter(command, definition, element, arg.parameter);
    if (switches.has(name.toLowerCase())) {
      if (arg.value === undefined) {
        bound[name] = true;
        continue;
      }
      const value = evaluate(session, arg.value, element.extent);
      if (typeof value !== 'boolean') {
        // `-Roll 'x'`: a switch takes no value, so 'x' is a positional argument.
        throw bindingError(
          command,
          definition,
          element,
          `A positional parameter cannot be found that accepts argument '${displayValue(asPsValue(value))}'.`,
          'PositionalParameterNotFound',
        );
      }
      bound[name] = value;
      continue;
    }
    if (arg.value === undefined) {
      throw bindingError(
        command,
        definition,
        element,
        `Missing an argument for parameter '${name}'. Specify a parameter of type 'System.String' and try again.`,
        'MissingArgument',
      );
    }
    bound[name] = asPsValue(evaluate(session, arg.value, element.extent));
  }
  return bound;
}

/** PowerShell accepts a parameter by any unambiguous prefix of its name or alias, in any case. */
function resolveParameter(command: string, definition: CmdletDefinition, element: CommandElement, given: string): string {
  const lower = given.toLowerCase();
  const names = new Map<string, string>();
  for (const p of definition.parameters) names.set(p.toLowerCase(), p);
  for (const [alias, canonical] of Object.entries(definition.aliases ?? {})) names.set(alias.toLowerCase(), canonical);
  const exact = names.get(lower);
  if (exact) return exact;
  const matches = [...new Set([...names.entries()].filter(([n]) => n.startsWith(lower)).map(([, canonical]) => canonical))];
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw bindingError(
      command,
      definition,
      element,
      `Parameter cannot be processed because the parameter name '${given}' is ambiguous. Possible matches include: ${matches.map((m) => `-${m}`).join(' ')}.`,
      'AmbiguousParameter',
    );
  }
  throw bindingError(command, definition, element, `A parameter cannot be found that matches parameter name '${given}'.`, 'NamedParameterNotFound');
}

function evaluate(session: Session, expression: Expression, extent: Extent): Value {
  switch (expression.kind) {
    case 'literal':
      return expression.value;
    case 'variable':
      return session.variables.get(expression.name.toLowerCase()) ?? null;
    case 'subexpression':
      return collapse(runPipeline(session, expression.pipeline));
    case 'static':
      return staticMember(expression.type, expression.member);
    case 'member':
      return member(evaluate(session, expression.target, extent), expression.member);
    case 'call':
      return call(session, expression, extent);
  }
}

function normaliseType(type: string): string {
  return type.toLowerCase().replace(/^system\./, '');
}

function staticMember(type: string, name: string): Value {
  const t = normaliseType(type);
  const m = name.toLowerCase();
  if (t === 'console' && m === 'in') return STDIN;
  if (t === 'globalization.cultureinfo' && m === 'invariantculture') return INVARIANT_CULTURE;
  if (t === 'globalization.datetimestyles' && ['adjusttouniversal', 'assumeuniversal', 'none', 'roundtripkind'].includes(m)) return name;
  throw new SandboxLimit(`[${type}]::${name} is not simulated`);
}

function member(target: Value, name: string): Value {
  if (target === null) return null;
  if (Array.isArray(target)) {
    // Member enumeration (PowerShell 3+): the property of each element.
    return collapse((target as PsValue[]).map((item) => member(item, name)).filter((v) => v !== null));
  }
  if (typeof target === 'object' && !(target instanceof Date)) {
    const object = target as PsObject;
    const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? null : object[key]!;
  }
  throw new SandboxLimit(`the property ${name} of a ${typeof target === 'symbol' ? 'static object' : typeof target} is not simulated`);
}

function call(session: Session, expression: Extract<Expression, {kind: 'call'}>, extent: Extent): Value {
  const method = expression.method.toLowerCase();
  if (expression.target.kind === 'static' && expression.target.member === '') {
    const type = normaliseType(expression.target.type);
    if (type === 'datetime' && method === 'parse') {
      return parseDateTime(
        expression.args.map((a) => evaluate(session, a, extent)),
        extent,
      );
    }
    if (type === 'io.file' && method === 'readalltext' && expression.args.length === 1) {
      return readAllText(session, evaluate(session, expression.args[0]!, extent), extent);
    }
    throw new SandboxLimit(`[${expression.target.type}]::${expression.method}() is not simulated`);
  }
  const target = evaluate(session, expression.target, extent);
  if (target === STDIN && method === 'readline' && expression.args.length === 0) return session.readStdinLine();
  throw new SandboxLimit(`the method ${expression.method}() is not simulated here`);
}

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * `[DateTime]::Parse(text, [Globalization.CultureInfo]::InvariantCulture[, style])` for ISO 8601 text, the only
 * form certwalk passes. Without a zone the time is read as UTC (the sandbox's nodes run on UTC).
 */
function parseDateTime(args: readonly Value[], extent: Extent): Date {
  const [text, culture] = args;
  if (args.length < 2 || culture !== INVARIANT_CULTURE) {
    throw new SandboxLimit(
      '[DateTime]::Parse is simulated only with [Globalization.CultureInfo]::InvariantCulture (a culture-dependent parse is what certwalk must never rely on)',
    );
  }
  const match = typeof text === 'string' ? ISO_8601.exec(text.trim()) : null;
  const date = match ? new Date(match[8] ? (text as string) : `${(text as string).trim()}Z`) : null;
  if (!date || Number.isNaN(date.getTime())) {
    throw new PsError(
      {
        message: `Exception calling "Parse" with "${args.length}" argument(s): "String was not recognized as a valid DateTime."`,
        category: 'NotSpecified',
        target: '',
        targetType: '',
        reason: 'MethodInvocationException',
        fullyQualifiedErrorId: 'FormatException',
      },
      extent,
    );
  }
  return date;
}

/** `[IO.File]::ReadAllText(path)`: the node's file as UTF-8 text (a BOM is dropped, as .NET does). */
function readAllText(session: Session, path: Value, extent: Extent): string {
  const bytes = typeof path === 'string' ? session.context.files.read(path) : undefined;
  if (!bytes) {
    throw new PsError(
      {
        message: `Exception calling "ReadAllText" with "1" argument(s): "Could not find file '${String(path)}'."`,
        category: 'NotSpecified',
        target: '',
        targetType: '',
        reason: 'MethodInvocationException',
        fullyQualifiedErrorId: 'FileNotFoundException',
      },
      extent,
    );
  }
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

function asPsValue(value: Value): PsValue {
  if (typeof value === 'symbol') throw new SandboxLimit('passing [Console]::In or a CultureInfo as a value is not simulated');
  return value;
}

function displayValue(value: PsValue): string {
  if (value instanceof Date) return value.toISOString();
  if (value === null) return '';
  if (typeof value === 'object') return Array.isArray(value) ? 'System.Object[]' : 'System.Management.Automation.PSCustomObject';
  return String(value);
}

/** Out-Default for what the subset can print; objects need ConvertTo-Json (their table/list views are not simulated). */
function outDefault(value: Value): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  throw new SandboxLimit('printing objects without ConvertTo-Json (the Format-Table/Format-List views) is not simulated');
}

function sandboxError(message: string, session?: Session): ToolResult {
  return {stdout: session ? session.stdout.map((l) => `${l}\n`).join('') : '', stderr: `certwalk sandbox: ${message}\n`, exitCode: 1};
}

// Select-Object, ConvertTo-Json and Out-String: the only general cmdlets the subset pipes into.
const BUILTIN_TABLE: CmdletTable = {
  'Select-Object': {
    parameters: ['Property', 'First'],
    positional: ['Property'],
    typeName: 'Microsoft.PowerShell.Commands.SelectObjectCommand',
    run(_context, {parameters, input}) {
      const property = parameters['Property'];
      const names = property === undefined ? ['*'] : Array.isArray(property) ? property.map(String) : [String(property)];
      const first = typeof parameters['First'] === 'number' ? (parameters['First'] as number) : input.length;
      const output = input.slice(0, first).map((item) => {
        if (item === null || typeof item !== 'object' || item instanceof Date || Array.isArray(item)) {
          throw new SandboxLimit('Select-Object on anything but objects is not simulated');
        }
        const object = item as PsObject;
        if (names.length === 1 && names[0] === '*') return {...object};
        const picked: Record<string, PsValue> = {};
        for (const name of names) {
          if (name.includes('*')) throw new SandboxLimit('Select-Object with wildcard property names is not simulated');
          const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
          picked[key ?? name] = key === undefined ? null : object[key]!;
        }
        return picked;
      });
      return {output};
    },
  },
  'ConvertTo-Json': {
    parameters: ['InputObject', 'Depth', 'Compress'],
    switches: ['Compress'],
    typeName: 'Microsoft.PowerShell.Commands.ConvertToJsonCommand',
    run(_context, {parameters, input}) {
      if (parameters['Compress']) throw new SandboxLimit('ConvertTo-Json -Compress is not simulated');
      if ('InputObject' in parameters) throw new SandboxLimit('ConvertTo-Json -InputObject is not simulated; pipe the objects in');
      const depth = parameters['Depth'] === undefined ? 2 : Number(parameters['Depth']);
      const text = convertToJson(input, depth);
      return {output: text === undefined ? [] : [text]};
    },
  },
  'Out-String': {
    parameters: [],
    typeName: 'Microsoft.PowerShell.Commands.OutStringCommand',
    run(_context, {input}) {
      return {output: [input.map((v) => `${outDefault(v)}\n`).join('')]};
    },
  },
};

const BUILTINS: Record<string, {readonly name: string; readonly definition: CmdletDefinition}> = Object.fromEntries(
  Object.entries(BUILTIN_TABLE).map(([name, definition]) => [name.toLowerCase(), {name, definition}]),
);
