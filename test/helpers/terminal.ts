// A stand-in terminal for the real app entry (startApp): Ink writes frames to it as to a TTY, and keys arrive one
// per write as a person types. Unlike ink-testing-library, nothing is switched to debug mode, so what the screen
// recorder sees is exactly what a terminal would get.
import {EventEmitter} from 'node:events';
import {setTimeout as delay} from 'node:timers/promises';
import stripAnsi from 'strip-ansi';

/**
 * Ink renders only a final frame when it believes it runs in CI (is-in-ci reads CI when Ink first loads): call this
 * before the first import of anything that loads Ink.
 */
export function pretendInteractiveTerminal(): void {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
}

/**
 * The app's keyboard module, loaded when a key is first pressed: it loads Ink, which must not load before
 * pretendInteractiveTerminal() has run.
 */
function keyboard(): Promise<typeof import('../../src/screens/keyboard.tsx')> {
  return import('../../src/screens/keyboard.tsx');
}

export class FakeStdout extends EventEmitter {
  isTTY = true;
  columns: number;
  rows: number;
  readonly writes: string[] = [];

  constructor(columns = 100, rows = 30) {
    super();
    this.columns = columns;
    this.rows = rows;
  }

  write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    this.writes.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  };

  /** The last frame Ink drew (each frame is written whole, after the escapes that erase the previous one). */
  frame(): string {
    for (let i = this.writes.length - 1; i >= 0; i--) {
      const text = stripAnsi(this.writes[i]!);
      if (text.trim()) return text;
    }
    return '';
  }

  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export class FakeStdin extends EventEmitter {
  isTTY = true;
  #data: string | null = null;

  write(data: string): void {
    this.#data = data;
    this.emit('readable');
    this.emit('data', data);
  }

  read = (): string | null => {
    const data = this.#data;
    this.#data = null;
    return data;
  };

  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export class Terminal {
  readonly stdout = new FakeStdout();
  readonly stdin = new FakeStdin();

  async waitFor(test: string | RegExp | ((screen: string) => boolean), timeoutMs = 30_000): Promise<string> {
    const check = typeof test === 'string' ? (s: string) => s.includes(test) : test instanceof RegExp ? (s: string) => test.test(s) : test;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.stdout.frame();
      if (check(text)) return text;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(test)}; screen:\n${text}`);
      await delay(25);
    }
  }

  /** Writes each key as a person types it and waits until the app has handled them all (never a fixed pause). */
  async press(...keys: string[]): Promise<void> {
    // Like ink-testing-library's, this stdin drops what is written before the app listens (a terminal would keep it).
    const {keysListening} = await keyboard();
    await keysListening(this.stdin);
    for (const key of keys) {
      this.stdin.write(key);
      // A lone Esc is held by Ink until the next turn (it may start an arrow key's sequence).
      if (key === '\u001B') await this.#handled();
    }
    await this.#handled();
  }

  async #handled(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    const {keysHandled} = await keyboard();
    await keysHandled(this.stdin);
  }

  /** Waits for `test`, then presses. */
  async pressWhen(test: string | RegExp | ((screen: string) => boolean), ...keys: string[]): Promise<string> {
    const shown = await this.waitFor(test);
    await this.press(...keys);
    return shown;
  }

  /** Presses `key` until the screen satisfies `test` (a cursor reaching a row), at most `max` times. */
  async pressUntil(key: string, test: string | RegExp, max = 20): Promise<string> {
    const check = typeof test === 'string' ? (s: string) => s.includes(test) : (s: string) => test.test(s);
    for (let i = 0; i <= max; i++) {
      const screen = this.stdout.frame();
      if (check(screen)) return screen;
      if (i === max) break;
      const frames = this.stdout.writes.length;
      await this.press(key);
      // Ink draws at most 60 frames a second: the key's frame may come a moment after the key was handled.
      await this.waitFor(() => this.stdout.writes.length > frames, 5_000).catch(() => undefined);
    }
    throw new Error(`${JSON.stringify(key)} pressed ${max} times and still no ${String(test)}; screen:\n${this.stdout.frame()}`);
  }
}
