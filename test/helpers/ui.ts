// Driving Ink screens by keys: written as a person types them, then waiting until the app has handled them (the
// keyboard's queue is empty and rendered) or a frame shows a text; never a fixed sleep.
import {setTimeout as delay} from 'node:timers/promises';
import stripAnsi from 'strip-ansi';
import {createElement, type ReactElement} from 'react';
import {KeyboardProvider, keysHandled, keysListening} from '../../src/screens/keyboard.tsx';

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

/** A screen rendered on its own gets its keys as the app's screens do: through the keyboard. */
export function withKeyboard(tree: ReactElement): ReactElement {
  return createElement(KeyboardProvider, null, tree);
}

export interface Rendered {
  readonly stdin: {write(data: string): void} & object;
  lastFrame(): string | undefined;
}

export function frame(app: Rendered): string {
  return stripAnsi(app.lastFrame() ?? '');
}

/** Waits until the frame satisfies `test` (a text it contains, a pattern, or a predicate); throws with the frame. */
export async function waitForFrame(app: Rendered, test: string | RegExp | ((frame: string) => boolean), timeoutMs = 20_000): Promise<string> {
  const check = typeof test === 'string' ? (f: string) => f.includes(test) : test instanceof RegExp ? (f: string) => test.test(f) : test;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = frame(app);
    if (check(current)) return current;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(test)}; last frame:\n${current}`);
    await delay(20);
  }
}

/** Every key written so far has been handled and its changes rendered (Ink flushes a lone Esc on the next turn). */
export async function settled(app: Rendered): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await keysHandled(app.stdin);
}

/** Sends keys one write each, as a person types them, and waits until the app has handled them all. */
export async function press(app: Rendered, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    app.stdin.write(key);
    // A lone Esc is held by Ink until the next turn (it may start an arrow key's sequence): the next key must wait.
    if (key === KEY.escape) await settled(app);
  }
  await settled(app);
}

/**
 * The app listens for keys: ink-testing-library drops what is written before (a real terminal keeps it for later),
 * so a test's first key waits for this.
 */
export async function ready(app: Rendered): Promise<void> {
  await keysListening(app.stdin);
}

/** Waits for `test`, then presses. */
export async function pressWhen(app: Rendered, test: string | RegExp | ((frame: string) => boolean), ...keys: string[]): Promise<string> {
  const shown = await waitForFrame(app, test);
  await press(app, ...keys);
  return shown;
}

/** Presses `key` until the frame satisfies `test` (a cursor reaching a row), at most `max` times; throws with the frame. */
export async function pressUntil(app: Rendered, key: string, test: string | RegExp | ((frame: string) => boolean), max = 20): Promise<string> {
  const check = typeof test === 'string' ? (f: string) => f.includes(test) : test instanceof RegExp ? (f: string) => test.test(f) : test;
  for (let i = 0; i <= max; i++) {
    // ink-testing-library draws each render at once: once the key is handled, the frame shows what it did.
    const current = frame(app);
    if (check(current)) return current;
    if (i < max) await press(app, key);
  }
  throw new Error(`${JSON.stringify(key)} pressed ${max} times and still no ${String(test)}; last frame:\n${frame(app)}`);
}

/** Sends a text one character per write (an admin typing into a field). */
export async function type(app: Rendered, text: string): Promise<void> {
  await press(app, ...text);
}
