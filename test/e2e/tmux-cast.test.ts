// Recordings replay as the terminal showed them, and the terminal is given back on the way out (tmux, 80×24). A
// session's .cast played through a terminal emulator (xterm.js, headless) ends on the screen tmux showed before the
// quit; `asciinema play` itself, in tmux, ends on that screen too; a `run --yes` cast replays its lines as printed.
// (Before casts recorded CR LF, both players drew the app's frames as a staircase.)
// After a quit, Ctrl-C or a SIGINT from outside the shell's screen is back, with none of the app's frame on it (the
// alternate screen).
// asciinema is required under CI (.ci/run installs it); elsewhere its test skips when it is missing.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, test, type TestContext} from 'node:test';
import {parseCast} from '../../src/runner/cast.ts';
import {certwalkText, open, pressUntil, ROOT, waitUntilGone, world, type World} from '../helpers/e2e.ts';
import {replayCast, screenRows} from '../helpers/replay.ts';
import {Tmux} from '../helpers/tmux.ts';

const WORKER_TITLE = 'SSIS Scale Out: change a Worker certificate';
const DONE = '✔ Completed: all 8 steps done and read back';

const temps: string[] = [];
after(() => {
  for (const temp of temps.splice(0)) rmSync(temp, {recursive: true, force: true});
});

interface Session {
  readonly w: World;
  /** The session's .cast, read once the screen it ends on was captured. */
  readonly cast: string;
  /** What tmux showed at that moment, the app still running. */
  readonly screen: string;
}

/** The worker procedure run to completion in tmux, then quit; shared by the tests that replay its cast. */
let recorded: Promise<Session> | undefined;
function recordedSession(): Promise<Session> {
  recorded ??= recordSession();
  return recorded;
}

async function recordSession(): Promise<Session> {
  const w = world('cast', '--workers', '1');
  const tmux = open(w, 80, 24);
  try {
    await tmux.waitFor('Choose a procedure:');
    await pressUntil(tmux, 'Down', (s) => s.split('\n').some((l) => l.includes('❯') && l.includes(WORKER_TITLE)), 'the worker procedure on Home');
    await tmux.keys('Enter');
    await tmux.waitFor('Continue to the plan →');
    await pressUntil(tmux, 'Down', (s) => s.includes('› Continue to the plan →'), 'Continue to the plan');
    await tmux.keys('Enter');
    await tmux.waitFor('plan: 8 steps', 120_000);
    await tmux.keys('s');
    const box = 'Confirm [worker1]: Delete the old certificate';
    await tmux.waitFor(box, 60_000);
    await tmux.keys('y');
    await waitUntilGone(tmux, box);
    await tmux.waitFor(DONE, 60_000);
    const {screen, cast} = settled(tmux, join(w.home, 'transcripts'));
    assert.equal(tmux.pane('#{alternate_on}'), '1', 'the app draws on the alternate screen');

    // Quitting leaves the alternate screen: the shell's screen is back, without the app's last frame
    await tmux.keys('q');
    const shell = await tmux.waitFor('[exited 0]');
    assert.doesNotMatch(shell, /Completed|certwalk ·|WorkerSettings/, `the app's frame is still on screen after the quit:\n${shell}`);
    assert.deepEqual([tmux.pane('#{alternate_on}'), tmux.pane('#{cursor_flag}')], ['0', '1'], 'the normal screen, and the cursor shown');
    return {w, cast, screen};
  } finally {
    tmux.kill();
  }
}

/** The screen and the cast at one moment: read again until no frame was drawn between the two reads. */
function settled(tmux: Tmux, transcripts: string): {screen: string; cast: string} {
  const casts = readdirSync(transcripts).filter((name) => name.endsWith('.cast'));
  assert.equal(casts.length, 1, casts.join(', '));
  for (let tries = 0; ; tries++) {
    const screen = tmux.screen();
    const cast = readFileSync(join(transcripts, casts[0]!), 'utf8');
    if (tmux.screen() === screen || tries === 20) return {screen, cast};
  }
}

function onPath(program: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', program]).status === 0;
}

/** asciinema is part of CI's test environment (.ci/run installs it): missing there, the test fails; elsewhere it skips. */
function asciinemaOrSkip(t: TestContext): boolean {
  if (onPath('asciinema')) return true;
  if (process.env.CI) assert.fail('asciinema is required under CI and is not installed (.ci/run installs it: apt-get install asciinema)');
  t.skip('asciinema not installed');
  return false;
}

/** Polls for a file another process writes when it is done. */
async function waitForFile(path: string, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('recordings replay as the terminal showed them; the terminal is given back (tmux, 80×24)', () => {
  test("an app session's cast, played through a terminal emulator, ends on the screen tmux showed before the quit", async () => {
    const {cast, screen} = await recordedSession();
    const {header} = parseCast(cast);
    assert.deepEqual([header.width, header.height], [80, 24]);
    const replayed = await replayCast(cast);
    assert.ok(screen.includes(DONE), screen);
    assert.deepEqual(replayed.screen, screenRows(screen));
  });

  test('asciinema play, in tmux, ends on the screen tmux showed before the quit', async (t) => {
    if (!asciinemaOrSkip(t)) return;
    const {w, cast, screen} = await recordedSession();
    const castPath = join(w.home, 'played.cast');
    const done = join(w.home, 'played');
    writeFileSync(castPath, cast);
    const {header} = parseCast(cast);
    // Idle time capped and sped up: the replay takes a second or two. The shell then waits, printing nothing over it.
    const player = Tmux.start(['sh', '-c', 'asciinema play -i 0.1 -s 5 "$1" && touch "$2"; exec sleep 600', 'sh', castPath, done], {width: header.width, height: header.height});
    try {
      await waitForFile(done, `asciinema play to finish; screen:\n${player.screen()}`);
      assert.deepEqual(screenRows(player.screen()), screenRows(screen));
    } finally {
      player.kill();
    }
  });

  test('a run --yes cast replays its lines as printed', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'certwalk-cast-run-'));
    temps.push(tmp);
    const home = join(tmp, 'home');
    const dir = join(tmp, 'sandbox');
    certwalkText(home, 'sandbox', 'init', dir, '--workers', '1');
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'certwalk.js'), 'run', 'ssis-master', '--sandbox', dir, '--yes'], {
      cwd: ROOT,
      encoding: 'utf8',
      // (the simulated commands in certwalk's own process: the same output, in a third of the time)
      env: {...process.env, CERTWALK_HOME: home, NO_COLOR: '1', CERTWALK_SANDBOX_IN_PROCESS: '1'},
      input: '',
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.equal(run.stderr, '', 'everything went to stdout, in the order the cast has it');
    const transcripts = join(home, 'transcripts');
    const casts = readdirSync(transcripts).filter((name) => name.endsWith('.cast'));
    assert.equal(casts.length, 1, casts.join(', '));
    const replayed = await replayCast(readFileSync(join(transcripts, casts[0]!), 'utf8'));
    assert.deepEqual(replayed.lines, screenRows(run.stdout));
  });

  test("a kill -INT from outside ends certwalk (130) and gives the shell's screen back", async () => {
    const tmux = open(world('sigint'), 80, 24);
    try {
      await tmux.waitFor('Choose a procedure:');
      // the pane runs a shell, whose child is certwalk (env execs node)
      const shell = tmux.pane('#{pane_pid}');
      const certwalk = Number(readFileSync(`/proc/${shell}/task/${shell}/children`, 'utf8').trim());
      process.kill(certwalk, 'SIGINT');
      const screen = await tmux.waitFor('[exited 130]');
      assert.doesNotMatch(screen, /Choose a procedure:|certwalk ·/, `the app's frame is still on screen after SIGINT:\n${screen}`);
      assert.deepEqual([tmux.pane('#{alternate_on}'), tmux.pane('#{cursor_flag}')], ['0', '1'], 'the normal screen, and the cursor shown');
    } finally {
      tmux.kill();
    }
  });

  test("Ctrl-C on Home quits and gives the shell's screen back", async () => {
    const tmux = open(world('ctrl-c'), 80, 24);
    try {
      await tmux.waitFor('Choose a procedure:');
      await tmux.keys('C-c');
      const shell = await tmux.waitFor('[exited 0]');
      assert.doesNotMatch(shell, /Choose a procedure:|certwalk ·/, `the app's frame is still on screen after Ctrl-C:\n${shell}`);
      assert.deepEqual([tmux.pane('#{alternate_on}'), tmux.pane('#{cursor_flag}')], ['0', '1'], 'the normal screen, and the cursor shown');
    } finally {
      tmux.kill();
    }
  });
});
