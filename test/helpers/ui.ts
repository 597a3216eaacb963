// Driving Ink screens by keys: one key per stdin.write, wait for a frame to show a text instead of sleeping.
import {setTimeout as delay} from 'node:timers/promises';
import stripAnsi from 'strip-ansi';

export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  escape: '\u001B',
  pageDown: '\u001B[6~',
  pageUp: '\u001B[5~',
  ctrlC: '\u0003',
  backspace: '\u007F',
} as const;

export interface Rendered {
  readonly stdin: {write(data: string): void};
  lastFrame(): string | undefined;
}

export function frame(app: Rendered): string {
  return stripAnsi(app.lastFrame() ?? '');
}

/** Waits until the frame satisfies `test` (a text it contains, a pattern, or a predicate); throws with the frame. */
export async function waitForFrame(
  app: Rendered,
  test: string | RegExp | ((frame: string) => boolean),
  timeoutMs = 20_000,
): Promise<string> {
  const check = typeof test === 'string' ? (f: string) => f.includes(test) : test instanceof RegExp ? (f: string) => test.test(f) : test;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = frame(app);
    if (check(current)) return current;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(test)}; last frame:\n${current}`);
    await delay(20);
  }
}

/** Sends keys one write at a time, letting Ink's input handlers run between them. */
export async function press(app: Rendered, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    app.stdin.write(key);
    await delay(key === KEY.escape ? 80 : 30);
  }
}

/** Input handlers are registered in effects after the first frame: keys sent before that are lost. */
export async function ready(): Promise<void> {
  await delay(100);
}

/** Waits for `test`, then lets the screen's input handlers catch up (Ink re-subscribes them after each frame), then presses. */
export async function pressWhen(app: Rendered, test: string | RegExp | ((frame: string) => boolean), ...keys: string[]): Promise<string> {
  const shown = await waitForFrame(app, test);
  await delay(60);
  await press(app, ...keys);
  return shown;
}

/** Presses `key` until the frame satisfies `test` (a cursor reaching a row), at most `max` times; throws with the frame. */
export async function pressUntil(app: Rendered, key: string, test: string | RegExp | ((frame: string) => boolean), max = 20): Promise<string> {
  const check = typeof test === 'string' ? (f: string) => f.includes(test) : test instanceof RegExp ? (f: string) => test.test(f) : test;
  for (let i = 0; i <= max; i++) {
    await delay(40);
    const current = frame(app);
    if (check(current)) return current;
    if (i < max) await press(app, key);
  }
  throw new Error(`${JSON.stringify(key)} pressed ${max} times and still no ${String(test)}; last frame:\n${frame(app)}`);
}

/** Sends a text one character at a time (an admin typing into a field). */
export async function type(app: Rendered, text: string): Promise<void> {
  await press(app, ...text);
}
