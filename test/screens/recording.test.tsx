// The real app entry (startApp) on a stand-in terminal records each procedure session's screen as an asciicast v2
// file next to its transcript: valid header and events, resizes recorded, and the frames the admin saw replay from it.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {test} from 'node:test';
import stripAnsi from 'strip-ansi';
import {pretendInteractiveTerminal, Terminal} from '../helpers/terminal.ts';

pretendInteractiveTerminal();
const {startApp} = await import('../../src/screens/start.tsx');
const {initSandbox, SandboxFleet} = await import('../../src/hosts/sandbox/index.ts');
const {parseCast} = await import('../../src/runner/cast.ts');

const root = fileURLToPath(new URL('../..', import.meta.url));
const ENTER = '\r';
const DOWN = '\u001B[B';
const CONFIRMS = [
  'Confirm [master]: Delete the SSL binding on 0.0.0.0:8391',
  'Confirm [master]: Overwrite SSLCertThumbprint in MasterSettings.config',
  'Confirm [worker1]: Overwrite MasterHttpsCertThumbprint in WorkerSettings.config',
];

function onPath(program: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', program]).status === 0;
}

test('a TUI session is recorded as asciicast v2 next to its transcript and replays the frames shown', async (t) => {
  assert.ok(existsSync(join(root, 'dist', 'sandbox-tool.js')), 'dist/sandbox-tool.js is missing: run `node scripts/build.mjs` first');
  const tmp = mkdtempSync(join(tmpdir(), 'certwalk-cast-'));
  t.after(() => rmSync(tmp, {recursive: true, force: true}));
  await initSandbox(join(tmp, 'sandbox'), {workers: 1});
  process.env.CERTWALK_HOME = join(tmp, 'home');
  const transcripts = join(tmp, 'transcripts');
  const term = new Terminal();
  const exited = startApp({
    fleet: new SandboxFleet(join(tmp, 'sandbox')),
    transcriptDir: transcripts,
    stdout: term.stdout as unknown as NodeJS.WriteStream,
    stdin: term.stdin as unknown as NodeJS.ReadStream,
  });

  // Home → Parameters → Plan → Run, answering each confirmation, with the window resized along the way
  await term.pressWhen('❯ SSIS Scale Out: change the Master certificate', ENTER);
  await term.waitFor('Continue to the plan →');
  await term.pressUntil(DOWN, '› Continue to the plan →');
  await term.pressWhen('› Continue to the plan →', ENTER);
  await term.pressWhen(/plan: \d+ steps/, 's');
  await term.waitFor(/RUNNING \d+\/9/);
  term.stdout.resize(90, 28);
  for (const title of CONFIRMS) await term.pressWhen(title, 'y');
  await term.waitFor('✔ Completed: all 9 steps done and read back', 60_000);
  await term.press('q');
  assert.equal(await exited, 0);

  const names = readdirSync(transcripts).sort();
  assert.equal(names.length, 2, names.join(', '));
  const [castName, logName] = names as [string, string];
  assert.equal(castName.replace(/\.cast$/, ''), logName.replace(/\.log$/, ''), 'the cast is named after its transcript');
  const castPath = join(transcripts, castName);
  assert.equal(statSync(castPath).mode & 0o777, 0o600);

  const text = readFileSync(castPath, 'utf8');
  const lines = text.trimEnd().split('\n');
  const header = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.deepEqual(Object.keys(header).sort(), ['env', 'height', 'timestamp', 'title', 'version', 'width']);
  assert.equal(header.version, 2);
  assert.equal(header.width, 100);
  assert.equal(header.height, 30);
  assert.ok(Math.abs((header.timestamp as number) - Date.now() / 1000) < 300, `timestamp ${String(header.timestamp)} is now`);
  assert.match(String(header.title), /^certwalk ssis-master \S+-ssis-master-[0-9a-f]{6}$/);
  const {events} = parseCast(text);
  assert.equal(events.length, lines.length - 1);
  for (const line of lines.slice(1)) assert.match(line, /^\[\d+(\.\d+)?,"[or]",".*"\]$/);
  assert.deepEqual(
    events.filter((e) => e[1] === 'r').map((e) => e[2]),
    ['90x28'],
  );

  // The recording starts with this session: a cleared screen, then the Run screen, never the menus before it
  const shown = stripAnsi(
    events
      .filter((e) => e[1] === 'o')
      .map((e) => e[2])
      .join(''),
  );
  assert.ok(events[0]![2].startsWith('\u001B[H\u001B[2J'), 'starts on a cleared screen');
  assert.ok(!shown.includes('Choose a procedure:'));
  for (const title of CONFIRMS) assert.ok(shown.includes(title), `the recording shows "${title}"`);
  assert.ok(shown.includes('✔ Completed: all 9 steps done and read back'));
  assert.doesNotMatch(text, /PRIVATE KEY/);

  // asciinema itself reads it back (it wants a terminal: `script` gives it one)
  if (onPath('asciinema') && onPath('script')) {
    const cat = spawnSync('script', ['-qec', `asciinema cat '${castPath}'`, '/dev/null'], {encoding: 'utf8', input: ''});
    assert.equal(cat.status, 0, cat.stdout + cat.stderr);
    assert.ok(stripAnsi(cat.stdout).includes('✔ Completed: all 9 steps done and read back'), cat.stdout.slice(-2000));
  } else {
    t.diagnostic('asciinema (or script) is not installed: `asciinema cat` not tried');
  }
});
