// The interactive app's start in a real terminal (tmux): a --sandbox that is not a sandbox is an error before any
// screen (nothing made there), and the demo sandbox's first use says what it is waiting for and what it made (a line
// that stays on the terminal's own screen once the app leaves its alternate screen).
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, test} from 'node:test';
import {requireTmuxAndBuild, ROOT} from '../helpers/e2e.ts';
import {Tmux} from '../helpers/tmux.ts';

describe('certwalk (the app) and its sandbox', () => {
  const base = mkdtempSync(join(tmpdir(), 'certwalk-tui-sandbox-'));
  const sessions: Tmux[] = [];
  after(() => {
    for (const tmux of sessions) tmux.kill();
    rmSync(base, {recursive: true, force: true});
  });
  const start = (home: string, ...args: string[]) => {
    requireTmuxAndBuild();
    const tmux = Tmux.start([process.execPath, 'bin/certwalk.js', ...args], {width: 200, height: 30, env: {CERTWALK_HOME: home}, cwd: ROOT});
    sessions.push(tmux);
    return tmux;
  };

  test('a mistyped --sandbox: one error naming it, exit 2, no screen and no directory made', async () => {
    const missing = join(base, 'typo', 'sb');
    const tmux = start(join(base, 'home1'), '--sandbox', missing);
    const screen = await tmux.waitFor('[exited 2]');
    assert.match(
      screen,
      new RegExp(`^certwalk: no sandbox at ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: there is no such directory; make one with \`certwalk sandbox init `, 'm'),
    );
    assert.doesNotMatch(screen, /opening|Choose a procedure/);
    assert.equal(existsSync(join(base, 'typo')), false);
  });

  test('the demo sandbox on first use: a line while it is made, then Home; after quitting, one line that stays', async () => {
    const home = join(base, 'home2');
    const tmux = start(home);
    // Making it takes seconds: the terminal says why it waits meanwhile (on a fast machine Home may come first).
    await tmux.waitFor(/certwalk: (opening the demo sandbox|making the demo sandbox in .* \(first use\))…|Choose a procedure/);
    await tmux.waitFor('Choose a procedure');
    await tmux.keys('q');
    // The app draws on the alternate screen: the line it printed before stays on the terminal's own screen, which
    // quitting gives back, without the waiting lines.
    const screen = await tmux.waitFor('[exited 0]');
    assert.match(
      screen,
      new RegExp(
        `^certwalk: made the demo sandbox in ${join(home, 'sandbox').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(8 simulated nodes\\); \`certwalk sandbox init --force `,
        'm',
      ),
    );
    assert.doesNotMatch(screen, /opening the demo sandbox|making the demo sandbox|Choose a procedure/);
  });
});
