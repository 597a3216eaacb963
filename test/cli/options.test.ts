// Every flag means something (issue 14): each command parses with its own option table, help is generated from the
// tables and fits 80 columns, and whatever else is typed is a usage error (exit 2) that says what was meant.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, test} from 'node:test';
import {commandHelp, mainHelp, sandboxHelp} from '../../src/cli/help.ts';
import {COMMANDS, OPTIONS, commandLine, helpFor, optionsOf, type CommandSpec} from '../../src/cli/options.ts';
import {parseCommandLine} from '../../src/cli/parse.ts';
import {closest, editDistance} from '../../src/cli/suggest.ts';
import {unknownParams} from '../../src/cli/unattended.ts';
import {UsageError} from '../../src/cli/usage-error.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function certwalk(args: string[], home: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.tsx', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: {...process.env, CERTWALK_HOME: home, NO_COLOR: '1'},
    input: '',
  });
  return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

/** The usage error `argv` is refused with, its wrapped lines joined by single spaces. */
function refusal(argv: string[]): string {
  return rawRefusal(argv).replace(/\s+/g, ' ');
}

function rawRefusal(argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (error) {
    assert.ok(error instanceof UsageError, `a UsageError, not ${String(error)}`);
    return error.message;
  }
  assert.fail(`${argv.join(' ')} was accepted`);
}

function command(name: string): CommandSpec {
  const found = COMMANDS.find((c) => c.name === name);
  assert.ok(found, name);
  return found;
}

/** Every line at most 80 columns, and every word of `texts` whole somewhere in `output` (none split by wrapping). */
function assertWrapped(output: string, texts: readonly string[], label: string): void {
  for (const line of output.split('\n')) assert.ok(line.length <= 80, `${label}: ${line.length} columns: ${line}`);
  // certwalk --help adds "; for run, rollback" after the help of an option of other commands.
  const words = new Set(output.split(/\s+/).flatMap((word) => [word, word.replace(/;$/, '')]));
  for (const text of texts) for (const word of text.split(/\s+/).filter(Boolean)) assert.ok(words.has(word), `${label}: "${word}" split or missing`);
}

describe('option tables', () => {
  test('plan ssis-worker --workers worker2 is refused, naming the command --workers belongs to', () => {
    const message = refusal(['plan', 'ssis-worker', '--workers', 'worker2']);
    assert.match(message, /--workers is an option of `certwalk sandbox init`, not of `certwalk plan`/);
    assert.match(message, /--param KEY=VALUE/);
    assert.match(message, /options of `certwalk plan`: --sandbox DIR, --hosts FILE, --user DOMAIN\\NAME, -p\/--param key=value, -h\/--help/);
  });

  test('an unknown option gets the closest option of the same command', () => {
    assert.match(refusal(['sandbox', 'init', 'dir', '--worker', '2']), /unknown option --worker for `certwalk sandbox init`; did you mean --workers\?/);
    assert.match(refusal(['run', 'ssis-master', '--jurnal', 'j', '--yes']), /did you mean --journal\?/);
    assert.match(refusal(['--Lang', 'fr']), /did you mean --lang\?/);
    // A short alias of another command's option says which one it is.
    assert.match(refusal(['rollback', '--journal', 'j', '-p', 'a=b']), /-p \(--param\) is an option of `certwalk plan` and `certwalk run`, not of `certwalk rollback`/);
    assert.match(refusal(['list', '--bogus']), /unknown option --bogus for `certwalk list` options of `certwalk list`: -h\/--help$/);
  });

  test('refusals are certwalk sentences, not parseArgs messages, with balanced quotes', () => {
    const lines = [
      ['plan', 'ssis-worker', '--workers', 'worker2'],
      ['--bogus'],
      ['-x'],
      ['run', 'ssis-master', '--yes=no'],
      ['run', 'ssis-master', '--journal'],
      ['run', 'ssis-master', '--journal', '--yes'],
      ['plan', 'ssis-master', 'extra'],
      ['list', '-v'],
      ['frobnicate'],
      ['sandbox', 'shw'],
    ];
    for (const argv of lines) {
      const message = rawRefusal(argv);
      assert.doesNotMatch(message, /Unknown option '|To specify a positional|argument is ambiguous|ERR_PARSE_ARGS/, argv.join(' '));
      assert.equal(message.split('`').length % 2, 1, `backticks balanced: ${message}`);
      assert.equal(message.split('"').length % 2, 1, `double quotes balanced: ${message}`);
      const [first, ...rest] = message.split('\n');
      // The first line follows "certwalk: ".
      if (first!.includes(' option')) assert.ok(`certwalk: ${first}`.length <= 80, first);
      for (const line of rest) assert.ok(line.length <= 80, line);
    }
    assert.match(refusal(['run', 'ssis-master', '--yes=no']), /^--yes takes no value/);
    assert.match(refusal(['run', 'ssis-master', '--journal']), /^--journal needs a value: --journal FILE$/);
    assert.match(refusal(['plan', 'ssis-master', 'worker2']), /unexpected argument "worker2" for `certwalk plan`/);
    assert.match(refusal(['rn']), /unknown command "rn" \(did you mean run\?\)/);
    assert.match(refusal(['sandbox', 'shw']), /did you mean show\?/);
  });

  test("each command's own options parse, wherever they stand", () => {
    const line = parseCommandLine(['--sandbox', 'dir', 'run', 'ssis-master', '-y', '-p', 'a=1', '--param=b=2', '--journal', 'j.jsonl']);
    assert.equal(line.kind, 'command');
    if (line.kind !== 'command') return;
    assert.equal(line.command.name, 'run');
    assert.deepEqual(line.args, ['ssis-master']);
    assert.deepEqual({...line.values}, {sandbox: 'dir', yes: true, param: ['a=1', 'b=2'], journal: 'j.jsonl'});
    const init = parseCommandLine(['sandbox', 'init', '--workers', '2', 'dir', '--force']);
    assert.ok(init.kind === 'command' && init.command.name === 'sandbox init');
    assert.deepEqual(init.args, ['dir']);
    const walk = parseCommandLine(['--no-alt-screen', '--lang', 'fr']);
    assert.ok(walk.kind === 'command' && walk.command.name === '');
    assert.deepEqual({...walk.values}, {'no-alt-screen': true, lang: 'fr'});
  });
});

describe('generated help', () => {
  test('certwalk run --help lists --journal and not --workers', () => {
    const line = parseCommandLine(['run', '--help']);
    assert.equal(line.kind, 'help');
    if (line.kind !== 'help') return;
    assert.match(line.text, /^ {2}--journal FILE {9}where the session journal goes/m);
    assert.doesNotMatch(line.text, /--workers/);
    assert.equal(line.text, commandHelp(command('run')));
  });

  test('every help fits 80 columns, wrapped between words', () => {
    for (const spec of COMMANDS) {
      const texts = [...spec.synopses.map((s) => s.summary), ...optionsOf(spec).map((name) => helpFor(spec, name))];
      assertWrapped(commandHelp(spec), texts, commandLine(spec));
      const argv = spec.name ? [...spec.name.split(' '), '--help'] : ['--help'];
      const line = parseCommandLine(argv);
      assert.ok(line.kind === 'help', argv.join(' '));
      assertWrapped(line.text, texts, argv.join(' '));
    }
    const everything = [...COMMANDS.flatMap((c) => c.synopses.map((s) => s.summary)), ...Object.values(OPTIONS).map((o) => o.help)];
    assertWrapped(mainHelp(), everything, 'certwalk --help');
    const sandbox = parseCommandLine(['sandbox', '--help']);
    assert.ok(sandbox.kind === 'help' && sandbox.text === sandboxHelp());
    assertWrapped(sandboxHelp(), [], 'certwalk sandbox --help');
  });

  test("each command's help lists exactly its options; certwalk --help keeps --hosts and --user", () => {
    for (const spec of COMMANDS) {
      const listed = [...commandHelp(spec).matchAll(/^ {2}(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1]);
      assert.deepEqual(listed, optionsOf(spec), commandLine(spec));
    }
    const help = mainHelp();
    for (const name of Object.keys(OPTIONS)) assert.match(help, new RegExp(`^ {2}(-\\w, )?--${name}\\b`, 'm'), name);
    assert.match(help, /--user DOMAIN\\NAME {5}credential for remoting/);
    assert.match(help, /--no-alt-screen {8}draw in the normal screen instead of the terminal's\s+alternate screen \(for consoles that need it\)/);
  });
});

describe('did you mean', () => {
  test('edit distance and the closest name', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(closest('worker', ['workers', 'force']), 'workers');
    assert.equal(closest('keybits', ['keyBits', 'validDays']), 'keyBits');
    assert.equal(closest('trans', ['transcript-dir', 'json']), 'transcript-dir');
    assert.equal(closest('colour', ['keyBits', 'validDays', 'workers']), undefined);
  });

  test('an unknown --param key names the closest known one, case-insensitively', () => {
    assert.equal(
      unknownParams(['keybits', 'colour'], ['master', 'keyBits', 'validDays'], 'ssis-master'),
      'unknown parameters keybits (did you mean keyBits?), colour for ssis-master; known: master, keyBits, validDays',
    );
  });
});

describe('through the command line', () => {
  const home = join(mkdtempSync(join(tmpdir(), 'certwalk-options-')), 'home');

  test('plan ssis-worker --workers worker2 exits 2 and plans nothing', () => {
    const r = certwalk(['plan', 'ssis-worker', '--workers', 'worker2'], home);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^certwalk: --workers is an option of `certwalk sandbox init`, not of `certwalk\n/);
  });

  test('an unknown option, procedure or command exits 2', () => {
    const option = certwalk(['run', 'ssis-master', '--jurnal', 'j', '--yes'], home);
    assert.equal(option.code, 2);
    assert.match(option.stderr, /^certwalk: unknown option --jurnal for `certwalk run`; did you mean --journal\?\n/);
    const procedure = certwalk(['run', 'ssis-mastr', '--yes'], home);
    assert.equal(procedure.code, 2);
    assert.match(procedure.stderr, /^certwalk: unknown procedure "ssis-mastr" \(did you mean ssis-master\?\); known: /);
    assert.equal(certwalk(['frobnicate'], home).code, 2);
  });

  test('run --help prints the command help', () => {
    const r = certwalk(['run', '--help'], home);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--journal FILE/);
    assert.doesNotMatch(r.stdout, /--workers/);
    for (const line of r.stdout.split('\n')) assert.ok(line.length <= 80, line);
  });

  test('--param keybits=4096 is refused before anything runs, naming keyBits', () => {
    const dir = join(home, '..', 'sandbox');
    assert.equal(certwalk(['sandbox', 'init', dir, '--workers', '1'], home).code, 0);
    const r = certwalk(['plan', 'ssis-master', '--sandbox', dir, '--param', 'keybits=4096'], home);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^certwalk: unknown parameter keybits \(did you mean keyBits\?\) for ssis-master; known: .*keyBits/m);
  });
});
