// The command line, read with the named command's own option table: an option of another command, an unknown one,
// a flag given a value or an option missing its value is a UsageError that names the command and lists its options.
import {parseArgs} from 'node:util';
import {mainHelp, commandHelp, optionLabel, sandboxHelp} from './help.ts';
import {COMMANDS, OPTIONS, commandLine, optionsOf, type CommandSpec, type OptionName, type OptionValues} from './options.ts';
import {closest} from './suggest.ts';
import {UsageError} from './usage-error.ts';
import {wrap, wrapWords} from './wrap.ts';

export type CommandLine =
  {readonly kind: 'help'; readonly text: string} | {readonly kind: 'command'; readonly command: CommandSpec; readonly args: string[]; readonly values: OptionValues};

const TOP_WORDS = [...new Set(COMMANDS.filter((c) => c.name).map((c) => c.name.split(' ')[0]!))];
const SANDBOX_ACTIONS = COMMANDS.filter((c) => c.name.startsWith('sandbox ')).map((c) => c.name.slice('sandbox '.length));

export function parseCommandLine(argv: readonly string[]): CommandLine {
  const words = commandWords(argv);
  const asksHelp = argv.some((arg) => arg === '--help' || arg === '-h');
  const command = findCommand(words, asksHelp);
  if ('text' in command) return {kind: 'help', text: command.text};
  const {values, positionals, tokens} = parseArgs({args: [...argv], options: parseTable(command), allowPositionals: true, strict: false, tokens: true});
  if (values.help) return {kind: 'help', text: command.name ? commandHelp(command) : mainHelp()};
  for (const token of tokens) if (token.kind === 'option') checkOption(command, token);
  const args = positionals.slice(command.name ? command.name.split(' ').length : 0);
  if (args.length > command.maxArgs) {
    const takes = command.maxArgs ? `it takes ${command.args}` : 'it takes options only';
    throw new UsageError(`unexpected argument "${args[command.maxArgs]}" for \`${commandLine(command)}\` (${takes})`);
  }
  return {kind: 'command', command, args, values: values as unknown as OptionValues};
}

/**
 * The command's words (`run`, `sandbox init`): the first arguments that are neither options nor their values. An
 * option's value is skipped using the shared definitions, since the command (hence its table) is not known yet.
 */
function commandWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const arg = argv[i]!;
    if (arg === '--') return [...words, ...argv.slice(i + 1, i + 1 + 2 - words.length)];
    if (!arg.startsWith('-') || arg === '-') words.push(arg);
    else if (takesNextArgument(arg)) i++;
  }
  return words;
}

function takesNextArgument(arg: string): boolean {
  // A mistyped option (`--Lang fr`, `--jurnal FILE`) most likely takes a value as the option it stands for does.
  if (arg.startsWith('--')) {
    const name = closest(arg.slice(2), Object.keys(OPTIONS)) as OptionName | undefined;
    return !arg.includes('=') && name !== undefined && OPTIONS[name].type === 'string';
  }
  // A group of short options (-yp): a string option takes the rest of the group as its value, or the next argument.
  for (let i = 1; i < arg.length; i++) {
    const spec = Object.values(OPTIONS).find((s) => 'short' in s && s.short === arg[i]);
    if (spec?.type === 'string') return i === arg.length - 1;
  }
  return false;
}

function findCommand(words: readonly string[], asksHelp: boolean): CommandSpec | {text: string} {
  const [first, second] = words;
  if (first === undefined) return COMMANDS[0]!;
  if (first === 'sandbox') {
    const action = COMMANDS.find((c) => c.name === `sandbox ${second}`);
    if (action) return action;
    if (asksHelp) return {text: sandboxHelp()};
    const guess = second === undefined ? undefined : closest(second, SANDBOX_ACTIONS);
    const what = second === undefined ? 'needs an action' : `has no action "${second}"${guess ? ` (did you mean ${guess}?)` : ''}`;
    throw new UsageError(`certwalk sandbox ${what}: certwalk sandbox init|show|fault DIR …; see certwalk sandbox --help`);
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (command) return command;
  const guess = closest(first, TOP_WORDS);
  throw new UsageError(`unknown command "${first}"${guess ? ` (did you mean ${guess}?)` : ''}; see certwalk --help`);
}

/** The command's table in parseArgs' form. No defaults: an absent flag stays undefined, as an absent string does. */
function parseTable(command: CommandSpec) {
  const table: Record<string, {type: 'string' | 'boolean'; short?: string; multiple?: boolean}> = {};
  for (const name of optionsOf(command)) {
    const spec = OPTIONS[name];
    table[name] = {type: spec.type, ...('short' in spec ? {short: spec.short} : {}), ...('multiple' in spec ? {multiple: true} : {})};
  }
  return table;
}

type OptionToken = {name: string; rawName: string; value?: string | undefined; inlineValue?: boolean | undefined};

function checkOption(command: CommandSpec, token: OptionToken): void {
  const own = optionsOf(command);
  if (!(own as string[]).includes(token.name)) throw new UsageError(unknownOption(command, token));
  const name = token.name as OptionName;
  const spec = OPTIONS[name];
  if (spec.type === 'boolean' && token.inlineValue) throw new UsageError(`${token.rawName} takes no value (given "${token.rawName}=${token.value}")`);
  if (spec.type === 'string') {
    const value = 'value' in spec ? spec.value : 'VALUE';
    if (token.value === undefined) throw new UsageError(`${token.rawName} needs a value: ${token.rawName} ${value}`);
    // `--sandbox --yes`: most likely a forgotten value, not a directory called "--yes".
    if (!token.inlineValue && token.value.startsWith('-') && token.value !== '-') {
      throw new UsageError(
        `${token.rawName} needs a value: ${token.rawName} ${value}, not "${token.value}" (for a value that starts with a dash write ${token.rawName}=${token.value})`,
      );
    }
  }
}

/** Which command the option belongs to (or the closest name this command has), then this command's options. */
function unknownOption(command: CommandSpec, token: OptionToken): string {
  const here = `\`${commandLine(command)}\`${command.name ? '' : ' (the interactive walk-through)'}`;
  const own = optionsOf(command);
  const long = token.rawName.startsWith('--') ? token.name : shortToLong(token.name);
  const owners = long === undefined ? [] : COMMANDS.filter((c) => long in c.options);
  const typed = long === undefined || long === token.name ? token.rawName : `${token.rawName} (--${long})`;
  const guess = token.rawName.startsWith('--') ? closest(token.name, own) : undefined;
  let message = owners.length ? `${typed} is an option of ${listing(owners.map((c) => `\`${commandLine(c)}\``))}, not of ${here}` : `unknown option ${typed} for ${here}`;
  if (guess) message += `; did you mean --${guess}?`;
  // `plan ssis-worker --workers worker2` most often means the procedure's parameter; `plan --check-only` does not.
  else if ('param' in command.options && token.rawName.startsWith('--') && !owners.some((c) => 'param' in c.options)) {
    message += ` (a procedure's parameters are given as --param KEY=VALUE, e.g. --param ${token.name}=…)`;
  }
  // Each option stays whole on its line: `--hosts FILE`, not `--hosts` at the end of one line and FILE on the next.
  const list = own.map((name, i) => `${optionLabel(name).replace(', ', '/')}${i < own.length - 1 ? ',' : ''}`);
  // The first line is printed after "certwalk: " (main.tsx): wrapped with it so that it too fits the width.
  const [first, ...rest] = wrap(message, 'certwalk: ', '  ');
  return [first!.slice('certwalk: '.length), ...rest, ...wrapWords([...`options of ${here}:`.split(' '), ...list], '', '  ')].join('\n');
}

/** `a`, `a and b`, `a, b and c`. */
function listing(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}` : (items[0] ?? '');
}

function shortToLong(short: string): OptionName | undefined {
  return (Object.keys(OPTIONS) as OptionName[]).find((name) => {
    const spec = OPTIONS[name];
    return 'short' in spec && spec.short === short;
  });
}
