// Makes docs/screenshot.svg, the README's picture: the real binary in a real terminal (tmux), ssis-master run on a
// fresh demo sandbox to its Completed screen (before/after thumbprints), drawn by scripts/terminal-svg.ts.
//   npm run build && node --import tsx scripts/screenshot.ts       (needs tmux)
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {initSandbox} from '../src/hosts/sandbox/index.ts';
import {Tmux} from '../test/helpers/tmux.ts';
import {terminalSvg} from './terminal-svg.ts';

const root = join(import.meta.dirname, '..');
const COLS = 100;
const ROWS = 30;

const temp = mkdtempSync(join(tmpdir(), 'certwalk-screenshot-'));
await initSandbox(join(temp, 'sandbox'), {workers: 3});
const tmux = Tmux.start([process.execPath, join(root, 'bin', 'certwalk.js'), '--sandbox', join(temp, 'sandbox')], {
  width: COLS,
  height: ROWS,
  env: {NO_COLOR: '', CERTWALK_HOME: join(temp, 'home'), TERM: 'xterm-256color', COLORTERM: 'truecolor'},
});
try {
  await tmux.waitFor('Choose a procedure:');
  await tmux.keys('Enter');
  await tmux.waitFor('Continue to the plan →');
  for (let i = 0; i < 12 && !tmux.screen().includes('› Continue to the plan →'); i++) await tmux.keys('Down');
  await tmux.keys('Enter');
  await tmux.waitFor(/plan: \d+ steps/);
  await tmux.keys('s');
  // y at each Confirm box until the procedure completes.
  for (;;) {
    const screen = await tmux.waitFor((s) => s.includes('Confirm [') || s.includes('✔ Completed'), 60_000);
    if (screen.includes('✔ Completed')) break;
    const title = screen
      .split('\n')
      .find((line) => line.includes('Confirm ['))!
      .trim();
    await tmux.keys('y');
    await tmux.waitFor((s) => !s.includes(title), 60_000);
  }
  const out = join(root, 'docs', 'screenshot.svg');
  writeFileSync(out, await terminalSvg(tmux.screenWithEscapes(), COLS, ROWS));
  console.log(`wrote ${out}`);
} finally {
  tmux.kill();
  rmSync(temp, {recursive: true, force: true});
}
