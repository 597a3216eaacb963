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
