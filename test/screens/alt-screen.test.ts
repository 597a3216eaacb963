// The app draws on the alternate screen and gives the normal one back however it ends: startApp on a stand-in
// terminal (the switch is written only to a terminal, only when asked), and each way out of a process that
// crashes, exits or is signalled (a child process, its "terminal" a stand-in writing to stderr so the order with Node's
// own error message shows).
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, describe, test} from 'node:test';
import {FakeStdout, pretendInteractiveTerminal, Terminal} from '../helpers/terminal.ts';

pretendInteractiveTerminal();
const {startApp} = await import('../../src/screens/start.tsx');
const {initSandbox, SandboxFleet} = await import('../../src/hosts/sandbox/index.ts');
const {ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, openScreen} = await import('../../src/screens/alt-screen.ts');

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'certwalk-alt-screen-'));
after(() => rmSync(tmp, {recursive: true, force: true}));
await initSandbox(join(tmp, 'sandbox'), {workers: 1});
process.env.CERTWALK_HOME = join(tmp, 'home');

/** startApp on a stand-in terminal until Home shows, then q: everything written to the terminal, in order. */
async function homeAndQuit(options: {altScreen?: boolean}, isTTY = true): Promise<string> {
  const term = new Terminal();
  term.stdout.isTTY = isTTY;
  const exited = startApp({
    fleet: new SandboxFleet(join(tmp, 'sandbox')),
    transcriptDir: join(tmp, 'transcripts'),
    unfinished: [],
    stdout: term.stdout as unknown as NodeJS.WriteStream,
    stdin: term.stdin as unknown as NodeJS.ReadStream,
    ...options,
  });
  await term.pressWhen('Choose a procedure:', 'q');
  assert.equal(await exited, 0);
  return term.stdout.writes.join('');
}

describe('startApp and the alternate screen', () => {
  test('by default: the first thing written switches to the alternate screen, the last switches back with the cursor shown', async () => {
    const written = await homeAndQuit({});
    assert.ok(written.startsWith(ENTER_ALT_SCREEN), JSON.stringify(written.slice(0, 40)));
    assert.ok(written.endsWith(LEAVE_ALT_SCREEN), JSON.stringify(written.slice(-40)));
    assert.equal(written.split('\u001B[?1049h').length, 2, 'entered once');
    assert.equal(written.split('\u001B[?1049l').length, 2, 'left once');
    assert.equal(process.listenerCount('uncaughtExceptionMonitor'), 0, 'the crash hook goes with the screen');
  });

  test('altScreen: false draws in the normal screen: no switch either way', async () => {
    const written = await homeAndQuit({altScreen: false});
    assert.ok(written.includes('Choose a procedure:'));
    assert.doesNotMatch(written, /\?1049/);
  });

  test('not a terminal (output piped): no switch', async () => {
    const written = await homeAndQuit({}, false);
    assert.ok(written.includes('Choose a procedure:'));
    assert.doesNotMatch(written, /\?1049/);
  });

  test("once the screen is given back its hooks go, and what Ink still draws is dropped, not left on the shell's screen", async () => {
    const stdout = new FakeStdout();
    const hooks = () => ['exit', 'uncaughtExceptionMonitor', 'SIGINT', 'SIGTERM'].map((event) => process.listenerCount(event));
    const before = hooks();
    const screen = openScreen(stdout as unknown as NodeJS.WriteStream, true);
    assert.deepEqual(
      hooks(),
      before.map((n) => n + 1),
      'hooked on every way out',
    );
    screen.stream.write('frame');
    screen.restore();
    let called = false;
    screen.stream.write('late frame', () => (called = true));
    screen.restore();
    assert.deepEqual(stdout.writes, [ENTER_ALT_SCREEN, 'frame', LEAVE_ALT_SCREEN]);
    assert.deepEqual(hooks(), before, 'the hooks go with the screen');
    await new Promise(setImmediate);
    assert.ok(called, 'a dropped write still reports done (Ink waits on it)');
  });
});

describe('every way out of the process gives the normal screen back', () => {
  // A child process whose "terminal" writes to stderr: the screen is left before Node prints its error there.
  const ways: [string, string, number | NodeJS.Signals, RegExp | null][] = [
    ['an uncaught exception', `throw new Error('boom')`, 1, /Error: boom/],
    ['a rejected promise nobody handled', `Promise.reject(new Error('rejected boom'))`, 1, /Error: rejected boom/],
    ['process.exit (the hang-up handler exits with 129 or 143)', `process.exit(143)`, 143, null],
    ['the event loop running dry without a quit', `void 0`, 0, null],
    // (kept alive by a timer: the signal, not the end of the work, ends it; and it still ends it)
    ['a SIGINT from outside nobody else handles', `setTimeout(() => {}, 60_000); process.kill(process.pid, 'SIGINT')`, 'SIGINT', null],
    ['a SIGTERM from outside nobody else handles', `setTimeout(() => {}, 60_000); process.kill(process.pid, 'SIGTERM')`, 'SIGTERM', null],
  ];
  for (const [what, ending, end, message] of ways) {
    test(what, () => {
      const script = [
        `import {writeSync} from 'node:fs';`,
        `import {openScreen} from './src/screens/alt-screen.ts';`,
        `const terminal = {isTTY: true, write: (text) => (writeSync(2, text), true)};`,
        `openScreen(terminal, true).stream.write('FRAME');`,
        ending,
      ].join('\n');
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {cwd: root, encoding: 'utf8'});
      if (typeof end === 'number') assert.equal(child.status, end, child.stderr);
      else assert.equal(child.signal, end, child.stderr);
      const said = child.stderr;
      assert.ok(said.startsWith(`${ENTER_ALT_SCREEN}FRAME${LEAVE_ALT_SCREEN}`), JSON.stringify(said.slice(0, 200)));
      assert.equal(said.split(LEAVE_ALT_SCREEN).length, 2, 'left once');
      if (message) assert.match(said.slice(said.indexOf(LEAVE_ALT_SCREEN)), message);
    });
  }
});
