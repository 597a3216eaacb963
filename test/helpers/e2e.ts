// What the end-to-end tests share: the real binary, a fresh sandbox and CERTWALK_HOME per test, certwalk started in
// tmux on them, and checks of what a terminal shows. Sessions and folders are removed when the test file ends.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after} from 'node:test';
import {fileURLToPath} from 'node:url';
import stringWidth from 'string-width';
import {Tmux} from './tmux.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'certwalk.js');

const sessions: Tmux[] = [];
const temps: string[] = [];
after(() => {
  for (const tmux of sessions.splice(0)) tmux.kill();
  for (const dir of temps.splice(0)) rmSync(dir, {recursive: true, force: true});
});

/** `certwalk ARGS…` through the real binary with this test's CERTWALK_HOME; its stdout (throws on a non-zero exit). */
export function certwalkText(home: string, ...args: string[]): string {
  return execFileSync(process.execPath, [BIN, ...args], {cwd: ROOT, encoding: 'utf8', env: {...process.env, CERTWALK_HOME: home}});
}

/** tmux and the built bundle are part of the test environment: their absence fails with the reason. */
export function requireTmuxAndBuild(): void {
  try {
    execFileSync('tmux', ['-V']);
  } catch (error) {
    assert.fail(`tmux is required for the end-to-end tests (${(error as Error).message}); install it (apt-get install tmux)`);
  }
  assert.ok(existsSync(join(ROOT, 'dist', 'certwalk.js')) && existsSync(join(ROOT, 'dist', 'sandbox-tool.js')), 'dist/ is missing: run `node scripts/build.mjs` first');
}

export interface World {
  readonly dir: string;
  readonly home: string;
}

/** A fresh sandbox (`sandbox init DIR …initArgs`) and CERTWALK_HOME. */
export function world(prefix: string, ...initArgs: string[]): World {
  requireTmuxAndBuild();
  const tmp = mkdtempSync(join(tmpdir(), `certwalk-e2e-${prefix}-`));
  temps.push(tmp);
  const w = {dir: join(tmp, 'sandbox'), home: join(tmp, 'home')};
  certwalkText(w.home, 'sandbox', 'init', w.dir, ...initArgs);
  return w;
}

/** certwalk on the world's sandbox in a width×height terminal. */
export function open(w: World, width: number, height: number, ...extra: string[]): Tmux {
  const tmux = Tmux.start([process.execPath, 'bin/certwalk.js', '--sandbox', w.dir, ...extra], {width, height, env: {CERTWALK_HOME: w.home}, cwd: ROOT});
  sessions.push(tmux);
  return tmux;
}

export function assertFits(screen: string, width: number, height: number): void {
  const lines = screen.replace(/\n$/, '').split('\n');
  assert.ok(lines.length <= height, `${lines.length} lines on a ${height}-row terminal`);
  for (const line of lines) assert.ok(stringWidth(line) <= width, `${stringWidth(line)} columns on a ${width}-column terminal: ${line}`);
}

/** Presses `key` until the screen passes `test` (at most `tries` times). */
export async function pressUntil(tmux: Tmux, key: string, test: (screen: string) => boolean, what: string, tries = 12): Promise<string> {
  for (let i = 0; i < tries; i++) {
    const screen = tmux.screen();
    if (test(screen)) return screen;
    await tmux.keys(key);
    // The next look must see what this key did: wait for the screen to change (a key that changes nothing times out).
    await tmux.waitFor((now) => now !== screen, 5_000).catch(() => undefined);
  }
  assert.fail(`never reached ${what}:\n${tmux.screen()}`);
}

export async function waitUntilGone(tmux: Tmux, text: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (tmux.screen().includes(text)) {
    if (Date.now() > deadline) assert.fail(`"${text}" is still on screen:\n${tmux.screen()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
