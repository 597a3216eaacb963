// `certwalk --help` and `certwalk COMMAND --help`, generated from the option tables (options.ts) so that help never
// lists an option a command refuses, nor leaves out one it takes. Every line fits 80 columns (wrap.ts).
import {COMMANDS, OPTIONS, commandLine, helpFor, optionsOf, type CommandSpec, type OptionName, type Synopsis} from './options.ts';
import {wrap, wrapWords} from './wrap.ts';

const TAGLINE = 'certwalk: walks you through Windows certificate rotations, step by step, with rollback.';
// Where an option's help starts: after the longest `  -p, --param key=value` and two spaces.
const HELP_COLUMN = 25;

/** `--sandbox DIR`, `-y, --yes`: an option as the help's left column shows it. */
export function optionLabel(name: OptionName): string {
  const spec = OPTIONS[name];
  const long = `--${name}${'value' in spec ? ` ${spec.value}` : ''}`;
  return 'short' in spec ? `-${spec.short}, ${long}` : long;
}

/** `--param key=value` in a usage line: `[--param key=value …]` when optional and repeatable. */
function synopsisWord(name: OptionName): string {
  const spec = OPTIONS[name];
  return `--${name}${'value' in spec ? ` ${spec.value}` : ''}${'multiple' in spec ? ' …' : ''}`;
}

function synopsisLines(command: CommandSpec, synopsis: Synopsis): string[] {
  const words = [commandLine(command)];
  const args = synopsis.args ?? command.args;
  if (args) words.push(args);
  for (const name of synopsis.required ?? []) words.push(synopsisWord(name));
  for (const choice of synopsis.optional ?? []) words.push(`[${(typeof choice === 'string' ? [choice] : choice).map(synopsisWord).join(' | ')}]`);
  // A usage line wraps only between options: `[--journal FILE]` stays whole, its continuation indented.
  const lines = wrapWords(words, '  ', '    ');
  return [...lines, ...wrap(synopsis.summary, '      ', '      ')];
}

function optionLines(label: string, help: string): string[] {
  const left = `  ${label}`;
  if (left.length + 2 > HELP_COLUMN) return [left, ...wrap(help, ' '.repeat(HELP_COLUMN), ' '.repeat(HELP_COLUMN))];
  return wrap(help, left.padEnd(HELP_COLUMN), ' '.repeat(HELP_COLUMN));
}

function usageSection(commands: readonly CommandSpec[]): string[] {
  return ['Usage', ...commands.flatMap((command) => command.synopses.flatMap((synopsis) => synopsisLines(command, synopsis)))];
}

/** One command's help: its usage lines, then every option it takes with what the option does there. */
export function commandHelp(command: CommandSpec): string {
  const options = optionsOf(command).flatMap((name) => optionLines(optionLabel(name), helpFor(command, name)));
  return [...usageSection([command]), '', 'Options', ...options].join('\n');
}

/** `certwalk sandbox --help`: its three actions. */
export function sandboxHelp(): string {
  const actions = COMMANDS.filter((c) => c.name.startsWith('sandbox '));
  return [...usageSection(actions), '', ...wrap("certwalk sandbox ACTION --help: that action's options.", '', '')].join('\n');
}

/**
 * `certwalk --help`: every command's usage, the walk-through's options, then the other commands' options, each with
 * the commands that take it (their own help says what it means there).
 */
export function mainHelp(): string {
  const [walkThrough, ...others] = COMMANDS;
  const own = new Set(optionsOf(walkThrough!));
  const elsewhere = (Object.keys(OPTIONS) as OptionName[]).filter((name) => !own.has(name));
  const takers = (name: OptionName) =>
    others
      .filter((c) => name in c.options)
      .map((c) => c.name)
      .join(', ');
  return [
    ...wrap(TAGLINE, '', ''),
    '',
    ...usageSection(COMMANDS),
    '',
    'Options of the walk-through (certwalk with no command)',
    ...optionsOf(walkThrough!).flatMap((name) => optionLines(optionLabel(name), helpFor(walkThrough!, name))),
    '',
    'Options of the other commands',
    ...elsewhere.flatMap((name) => optionLines(optionLabel(name), `${OPTIONS[name].help}; for ${takers(name)}`)),
    '',
    ...wrap("certwalk COMMAND --help: that command's usage and options, with what each option means there (e.g. certwalk run --help, certwalk sandbox init --help).", '', ''),
  ].join('\n');
}
