// End-to-end tests through the real binary in a real terminal: tmux on a private socket.
import {execFileSync} from 'node:child_process';
import {setTimeout as delay} from 'node:timers/promises';

export class Tmux {
  readonly #socket: string;
  readonly #session = 'certwalk';

  private constructor(socket: string) {
    this.#socket = socket;
  }

  /** Starts `argv` (no shell string built from user data: the words are quoted here) in a width×height window. */
  static start(argv: readonly string[], options: {width: number; height: number; env?: Record<string, string>; cwd?: string}): Tmux {
    const socket = `certwalk-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const tmux = new Tmux(socket);
    // The screens speak the locale's language and draw ASCII on some consoles: English and Unicode unless a test says
    // otherwise, whatever the machine running the tests has.
    const env = Object.entries({NO_COLOR: '1', LC_ALL: 'C.UTF-8', CERTWALK_ASCII: '0', ...options.env})
      .filter(([, v]) => v !== '')
      .map(([k, v]) => `${k}=${shellQuote(v)}`);
    // Ink renders only a final frame when it believes it runs in CI (is-in-ci reads CI and friends), and the tmux
    // server inherits the test runner's environment: the program must see what a person's terminal has.
    const ciVars = ['CI', 'CONTINUOUS_INTEGRATION'];
    // An empty value in options.env removes the variable (NO_COLOR: '' for a coloured run).
    const removed = Object.entries(options.env ?? {})
      .filter(([, v]) => v === '')
      .map(([k]) => k);
    const unset = [...ciVars, ...removed].map((name) => `-u ${name}`).join(' ');
    const command = `env ${unset} ${env.join(' ')} ${argv.map(shellQuote).join(' ')}; echo "[exited $?]"; sleep 600`;
    tmux.#tmux('new-session', '-d', '-s', tmux.#session, '-x', String(options.width), '-y', String(options.height), ...(options.cwd ? ['-c', options.cwd] : []), command);
    return tmux;
  }

  #tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.#socket, '-f', '/dev/null', ...args], {encoding: 'utf8'});
  }

  /**
   * Keys as a person types them, one after another with no pause: names like Enter, Escape, Up, Down, or a literal
   * letter. certwalk queues keys and hands each to the screen the previous one left, so none need waiting for.
   */
  async keys(...keys: string[]): Promise<void> {
    for (const key of keys) this.#tmux('send-keys', '-t', this.#session, ...(key.length === 1 ? ['-l', key] : [key]));
  }

  /** Keys in one burst: one send-keys, so the terminal gets them as one chunk (auto-repeat, a burst over RDP). */
  burst(...keys: string[]): void {
    this.#tmux('send-keys', '-t', this.#session, ...keys);
  }

  /** Letters typed as one burst (one send-keys -l): the terminal gets them in one chunk. */
  burstText(text: string): void {
    this.#tmux('send-keys', '-t', this.#session, '-l', text);
  }

  /** Text pasted into the terminal: bracketed (ESC[200~ … ESC[201~) when the program asked for it, as terminals do. */
  paste(text: string): void {
    this.#tmux('set-buffer', '-b', 'certwalk-test', text);
    this.#tmux('paste-buffer', '-p', '-d', '-b', 'certwalk-test', '-t', this.#session);
  }

  screen(): string {
    return this.#tmux('capture-pane', '-p', '-t', this.#session);
  }

  /** One of tmux's formats for the pane, e.g. `#{alternate_on}` (the program is on the alternate screen: 1 or 0). */
  pane(format: string): string {
    return this.#tmux('display-message', '-p', '-t', this.#session, format).trim();
  }

  /** The screen with its colour and style escapes, to check what the program coloured. */
  screenWithEscapes(): string {
    return this.#tmux('capture-pane', '-e', '-p', '-t', this.#session);
  }

  async waitFor(test: string | RegExp | ((screen: string) => boolean), timeoutMs = 30_000): Promise<string> {
    const check = typeof test === 'string' ? (s: string) => s.includes(test) : test instanceof RegExp ? (s: string) => test.test(s) : test;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.screen();
      if (check(text)) return text;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(test)}; screen:\n${text}`);
      await delay(50);
    }
  }

  kill(): void {
    try {
      this.#tmux('kill-server');
    } catch {
      // already gone
    }
  }
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
