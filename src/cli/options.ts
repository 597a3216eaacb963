// Every command's options, one table each: parsing (parse.ts), `--help` (help.ts) and the usage errors all read
// these, so an option is accepted exactly where its help says it is and nowhere else.

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** What the value stands for, in help and errors (DIR, FILE, key=value). */
  readonly value?: string;
  /** What it does; a command whose use of it says more has its own text in CommandSpec.options. */
  readonly help: string;
}

// The shared definitions: one type, alias and value name per option, whichever commands take it.
export const OPTIONS = {
  sandbox: {
    type: 'string',
    value: 'DIR',
    help: 'simulated nodes to work on: a sandbox `certwalk sandbox init DIR` made (default: the demo sandbox in your state directory, made on first use)',
  },
  hosts: {
    type: 'string',
    value: 'FILE',
    help: 'real Windows nodes: an inventory (JSON); this machine runs locally, others through PowerShell remoting (Invoke-Command)',
  },
  user: {
    type: 'string',
    value: 'DOMAIN\\NAME',
    help: 'credential for remoting (with --hosts); the password is asked for without echo and kept in memory only',
  },
  'transcript-dir': {type: 'string', value: 'DIR', help: 'where session transcripts (.log) and screen recordings (.cast) go'},
  param: {type: 'string', short: 'p', multiple: true, value: 'key=value', help: 'a procedure parameter, repeatable (`certwalk plan PROCEDURE` shows them with their defaults)'},
  yes: {type: 'boolean', short: 'y', help: 'confirm every destructive step up front'},
  'check-only': {type: 'boolean', help: "run only the read-only steps of a procedure with items done by hand (lync-manual's last check)"},
  concurrency: {type: 'string', value: 'N', help: 'workers handled at once in a fan-out, 1 to 64 (default 1: one after another)'},
  'on-failure': {type: 'string', value: 'MODE', help: 'when a worker fails: stop (start no other worker; default) or continue (the others go on)'},
  journal: {type: 'string', value: 'FILE', help: "a session's journal (its path is printed when a run starts)"},
  workers: {type: 'string', value: 'N', help: 'how many SSIS workers to simulate, 0 to 5000 (default 3)'},
  force: {type: 'boolean', help: 'overwrite a sandbox already in DIR (made anew)'},
  locale: {
    type: 'string',
    value: 'LOCALE',
    help: "the simulated nodes' Windows display language: en-US (default), fr-FR, zh-CN or ko-KR; their tools print its labels and messages in its console code page (437, 850, 936, 949)",
  },
  drive: {type: 'string', value: 'D', help: 'the drive SQL Server (SSIS Scale Out: settings, services, certificates) is installed on, C to Z (default C)'},
  node: {type: 'string', value: 'NAME', help: 'only this node'},
  json: {type: 'boolean', help: 'print JSON'},
  program: {type: 'string', value: 'P', help: 'the simulated program that fails: netsh, certutil, sc.exe, powershell, az, …'},
  match: {type: 'string', value: 'TEXT', help: 'only a command whose arguments contain TEXT (case-insensitive), e.g. "add sslcert"'},
  times: {type: 'string', value: 'N', help: 'how many times it fails (default 1; 0: every time)'},
  'exit-code': {type: 'string', value: 'N', help: 'the exit code it fails with (default 1)'},
  output: {type: 'string', value: 'TEXT', help: "what it prints instead of the program's own error text"},
  lang: {
    type: 'string',
    value: 'LANG',
    help: "the app's language: en, fr, zh (Simplified Chinese) or ko (default: from the locale, LC_ALL, LC_MESSAGES, LANG; on Windows the display language)",
  },
  ascii: {type: 'boolean', help: 'draw ASCII only (automatic on consoles that cannot draw Unicode, e.g. Windows conhost; CERTWALK_ASCII=1 does the same)'},
  unicode: {type: 'boolean', help: 'draw Unicode symbols even where certwalk would choose ASCII'},
  'no-alt-screen': {type: 'boolean', help: "draw in the normal screen instead of the terminal's alternate screen (for consoles that need it)"},
  help: {type: 'boolean', short: 'h', help: 'this text'},
  version: {type: 'boolean', short: 'v', help: "certwalk's version"},
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

/** What an option holds once parsed: a string, a flag, or every value of a repeatable option. */
export type OptionValues = {
  [K in OptionName]?: (typeof OPTIONS)[K] extends {type: 'boolean'} ? boolean : (typeof OPTIONS)[K] extends {multiple: true} ? string[] : string;
};

/** One way of calling a command, as the help's usage line shows it: `|` separates options that exclude each other. */
export interface Synopsis {
  readonly args?: string;
  readonly required?: readonly OptionName[];
  readonly optional?: readonly (OptionName | readonly OptionName[])[];
  readonly summary: string;
}

export interface CommandSpec {
  /** As typed after `certwalk`: '' for the interactive walk-through, 'sandbox init' for a sandbox action. */
  readonly name: string;
  /** The words after the command (PROCEDURE, [DIR]) and how many it takes at most. */
  readonly args?: string;
  readonly maxArgs: number;
  readonly synopses: readonly Synopsis[];
  /** Its options besides --help: `true` for the shared help text, or what the option means for this command. */
  readonly options: Partial<Record<OptionName, true | string>>;
}

const fleet = {sandbox: true, hosts: true, user: true} as const;
const sandboxDir = 'the sandbox, the same as DIR (default: the demo sandbox)';

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: '',
    maxArgs: 0,
    synopses: [{optional: [['sandbox', 'hosts'], 'user', 'transcript-dir', 'lang', ['ascii', 'unicode']], summary: 'the interactive walk-through (the demo sandbox by default)'}],
    options: {...fleet, 'transcript-dir': true, concurrency: true, 'on-failure': true, lang: true, ascii: true, unicode: true, 'no-alt-screen': true, version: true},
  },
  {name: 'list', maxArgs: 0, synopses: [{summary: 'the procedures'}], options: {}},
  {
    name: 'plan',
    args: 'PROCEDURE',
    maxArgs: 1,
    synopses: [{optional: ['param'], summary: 'print every step and the exact commands'}],
    options: {...fleet, param: true},
  },
  {
    name: 'run',
    args: 'PROCEDURE',
    maxArgs: 1,
    synopses: [
      {required: ['yes'], optional: ['param', 'journal'], summary: 'run unattended (each confirmation given by --yes; refused for items done by hand, as in lync-manual)'},
      {required: ['check-only'], optional: ['param'], summary: "of a procedure with items done by hand: its read-only steps alone (lync-manual's last check)"},
    ],
    options: {
      ...fleet,
      param: true,
      yes: 'confirm every destructive step up front (run changes servers without asking: it refuses to start without --yes or --check-only)',
      'check-only': true,
      concurrency: true,
      'on-failure': true,
      journal: 'where the session journal goes (default: in your state directory; its path is printed when the run starts)',
      'transcript-dir': true,
    },
  },
  {
    name: 'rollback',
    maxArgs: 0,
    synopses: [{required: ['journal', 'yes'], summary: 'undo every completed step of a session, in reverse'}],
    options: {
      ...fleet,
      journal: "the session's journal (its path is printed when a run starts); its fleet unless --sandbox or --hosts names another",
      yes: 'confirm undoing every completed step',
      'transcript-dir': true,
    },
  },
  {
    name: 'resume',
    args: '[JOURNAL]',
    maxArgs: 1,
    synopses: [{optional: ['yes'], summary: 'without JOURNAL: the sessions that did not finish; with it: continue where it stopped (uncertain steps are read back first)'}],
    options: {
      ...fleet,
      journal: 'the same as JOURNAL',
      yes: 'continue unattended: every remaining destructive step runs without asking, as with run --yes',
      'transcript-dir': true,
    },
  },
  {
    name: 'unlock',
    args: 'NODE',
    maxArgs: 1,
    synopses: [{optional: ['yes'], summary: "who holds a node's lock; --yes breaks it"}],
    options: {...fleet, yes: 'break the lock: only once that certwalk is gone and the node has been checked'},
  },
  {
    name: 'transcripts',
    maxArgs: 0,
    synopses: [{optional: ['json', 'transcript-dir'], summary: 'past sessions, newest first: time, procedure, user, final state, transcript path'}],
    options: {
      json: 'print JSON, with the session id, machine and screen recording too',
      'transcript-dir': 'where to look (default: the transcripts folder in your state directory)',
    },
  },
  {
    name: 'sandbox init',
    args: '[DIR]',
    maxArgs: 1,
    synopses: [{optional: ['workers', 'locale', 'drive', 'force'], summary: 'make a demo fleet of simulated Windows nodes'}],
    options: {sandbox: 'where to make it, the same as DIR (default: the demo sandbox)', workers: true, locale: true, drive: true, force: true},
  },
  {
    name: 'sandbox show',
    args: '[DIR]',
    maxArgs: 1,
    synopses: [{optional: ['node', 'json'], summary: "print the simulated nodes' state (all of it with --json)"}],
    options: {sandbox: sandboxDir, node: true, json: 'all of the state, as JSON'},
  },
  {
    name: 'sandbox fault',
    args: '[DIR]',
    maxArgs: 1,
    synopses: [{required: ['program'], optional: ['match', 'node', 'times'], summary: 'make the next matching command fail'}],
    options: {sandbox: sandboxDir, program: true, match: true, node: 'only on this node (default: any node)', times: true, 'exit-code': true, output: true},
  },
];

/** A command's options in table order, --help last: the order help and errors list them in. */
export function optionsOf(command: CommandSpec): OptionName[] {
  return [...(Object.keys(command.options) as OptionName[]), 'help'];
}

/** The text an option's help shows for this command. */
export function helpFor(command: CommandSpec, name: OptionName): string {
  const own = command.options[name];
  return typeof own === 'string' ? own : OPTIONS[name].help;
}

/** `certwalk plan`, `certwalk` for the walk-through: how help and errors name a command. */
export function commandLine(command: CommandSpec): string {
  return command.name ? `certwalk ${command.name}` : 'certwalk';
}
