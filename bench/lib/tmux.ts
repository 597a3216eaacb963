// A program in a real terminal for timing: tmux on a private socket, driven through one control-mode client
// (`tmux -C`). Keys go in as control commands (no tmux process per key) and everything the program writes comes back
// as `%output` notifications, timestamped on arrival: no polling of capture-pane, which would spawn a process every
// few milliseconds on the same two cores as the program being timed.
import {spawn, execFileSync, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {StringDecoder} from 'node:string_decoder';

export interface Arrival {
  /** performance.now() when the output that completed the match arrived. */
  readonly at: number;
  /** Absolute offset in the output stream just past the match. */
  readonly end: number;
}

interface Waiter {
  readonly test: RegExp;
  readonly from: number;
  readonly resolve: (arrival: Arrival) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const SESSION = 'bench';
// Output kept in memory for matching: a long run redraws the screen for minutes.
const KEEP = 256 * 1024;

export class TmuxTerminal {
  readonly #socket: string;
  readonly #client: ChildProcessWithoutNullStreams;
  readonly #gate: string;
  readonly #gateDir: string;
  readonly #decoder = new StringDecoder('utf8');
  #pending: Buffer = Buffer.alloc(0);
  /** Output text from absolute offset #base on. */
  #text = '';
  #base = 0;
  #waiters: Waiter[] = [];
  #replies: {lines: string[]; resolve: (lines: string[]) => void; reject: (e: Error) => void}[] = [];
  #current: string[] | null = null;
  #exited = false;

  private constructor(socket: string, client: ChildProcessWithoutNullStreams, gateDir: string) {
    this.#socket = socket;
    this.#client = client;
    this.#gateDir = gateDir;
    this.#gate = join(gateDir, 'go');
    client.stdout.on('data', (chunk: Buffer) => this.#onData(chunk));
    client.on('exit', () => {
      this.#exited = true;
      for (const w of this.#waiters.splice(0)) {
        clearTimeout(w.timer);
        w.reject(new Error(`tmux exited while waiting for ${String(w.test)}`));
      }
      for (const r of this.#replies.splice(0)) r.reject(new Error('tmux exited'));
    });
  }

  /**
   * Opens a width×height terminal whose shell waits on a FIFO; `launch()` releases it, so the time from launch to a
   * frame does not include tmux's own start. The program sees a person's terminal: no CI variables (Ink draws only
   * a final frame under CI).
   */
  static async open(argv: readonly string[], options: {width: number; height: number; env: Record<string, string>; cwd: string}): Promise<TmuxTerminal> {
    const gateDir = mkdtempSync(join(tmpdir(), 'certwalk-bench-tty-'));
    const gate = join(gateDir, 'go');
    execFileSync('mkfifo', [gate]);
    const env = Object.entries(options.env).map(([k, v]) => `${k}=${shellQuote(v)}`);
    const unset = ['CI', 'CONTINUOUS_INTEGRATION', 'GITHUB_ACTIONS', 'BUILD_NUMBER', 'RUN_ID'].map((n) => `-u ${n}`).join(' ');
    const shell = `read _ < ${shellQuote(gate)}; exec env ${unset} ${env.join(' ')} ${argv.map(shellQuote).join(' ')}`;
    const socket = `certwalk-bench-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const client = spawn(
      'tmux',
      ['-L', socket, '-f', '/dev/null', '-C', 'new-session', '-s', SESSION, '-x', String(options.width), '-y', String(options.height), '-c', options.cwd, shell],
      {stdio: ['pipe', 'pipe', 'pipe'], env: cleanEnv()},
    );
    const terminal = new TmuxTerminal(socket, client, gateDir);
    // The reply to new-session itself comes first.
    const started = new Promise<string[]>((resolve, reject) => terminal.#replies.push({lines: [], resolve, reject}));
    await started;
    await terminal.command(`refresh-client -C ${options.width}x${options.height}`);
    await terminal.command(`set-option -t ${SESSION} status off`);
    return terminal;
  }

  /** Releases the shell: the program starts now. Returns performance.now() just before. */
  launch(): number {
    const at = performance.now();
    writeFileSync(this.#gate, '\n');
    return at;
  }

  /** Absolute offset of the end of the output received so far. */
  get offset(): number {
    return this.#base + this.#text.length;
  }

  /** One control command; resolves with its output lines. */
  command(line: string): Promise<string[]> {
    if (this.#exited) return Promise.reject(new Error('tmux has exited'));
    return new Promise((resolve, reject) => {
      this.#replies.push({lines: [], resolve, reject});
      this.#client.stdin.write(`${line}\n`);
    });
  }

  /** Sends one key (a tmux key name such as Escape, or one literal character); returns performance.now() just before. */
  key(key: string): number {
    const at = performance.now();
    const args = key.length === 1 ? `-l ${tmuxQuote(key)}` : key;
    this.#replies.push({lines: [], resolve: () => undefined, reject: () => undefined});
    this.#client.stdin.write(`send-keys -t ${SESSION} ${args}\n`);
    return at;
  }

  /** Resolves when output received after absolute offset `from` matches `test`. */
  waitFor(test: RegExp, from: number, timeoutMs: number): Promise<Arrival> {
    const found = this.#match(test, from);
    if (found !== null) return Promise.resolve({at: performance.now(), end: found});
    if (this.#exited) return Promise.reject(new Error('tmux has exited'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.timer !== timer);
        reject(new Error(`no ${String(test)} within ${timeoutMs} ms; the screen:\n${this.#lastScreen()}`));
      }, timeoutMs);
      this.#waiters.push({test, from, resolve, reject, timer});
    });
  }

  /** Output received from absolute offset `from` on (what is still kept), escape sequences removed. */
  textSince(from: number): string {
    return this.#text.slice(Math.max(0, from - this.#base)).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  }

  /** The visible screen (capture-pane). */
  async screen(): Promise<string> {
    return (await this.command(`capture-pane -p -t ${SESSION}`)).join('\n');
  }

  /** The pid of the program in the pane (the shell exec'd it). */
  async pid(): Promise<number> {
    const [line] = await this.command(`display-message -p -t ${SESSION} '#{pane_pid}'`);
    return Number(line);
  }

  close(): void {
    try {
      execFileSync('tmux', ['-L', this.#socket, 'kill-server'], {stdio: 'ignore'});
    } catch {
      // already gone
    }
    this.#client.kill();
    rmSync(this.#gateDir, {recursive: true, force: true});
  }

  #lastScreen(): string {
    return this.#text.slice(-4000).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  }

  #match(test: RegExp, from: number): number | null {
    const start = Math.max(0, from - this.#base);
    const re = new RegExp(test.source, test.flags.replace('g', '') + 'g');
    re.lastIndex = start;
    const m = re.exec(this.#text);
    return m ? this.#base + m.index + m[0].length : null;
  }

  #onData(chunk: Buffer): void {
    const at = performance.now();
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    let newline: number;
    let grew = false;
    while ((newline = this.#pending.indexOf(0x0a)) >= 0) {
      const line = this.#pending.subarray(0, newline);
      this.#pending = this.#pending.subarray(newline + 1);
      if (this.#onLine(line)) grew = true;
    }
    if (grew) this.#settle(at);
  }

  /** True when the line was pane output. */
  #onLine(raw: Buffer): boolean {
    if (this.#current !== null) {
      const text = raw.toString('utf8');
      if (text.startsWith('%end ') || text.startsWith('%error ')) {
        const reply = this.#replies.shift();
        const lines = this.#current;
        this.#current = null;
        if (text.startsWith('%error ')) reply?.reject(new Error(`tmux: ${lines.join(' ')}`));
        else reply?.resolve(lines);
      } else {
        this.#current.push(text);
      }
      return false;
    }
    if (raw.subarray(0, 8).toString() === '%output ') {
      const space = raw.indexOf(0x20, 8);
      this.#text += this.#decoder.write(unescapeOutput(raw.subarray(space + 1)));
      return true;
    }
    if (raw.subarray(0, 7).toString() === '%begin ') this.#current = [];
    return false;
  }

  #settle(at: number): void {
    for (const w of [...this.#waiters]) {
      const end = this.#match(w.test, w.from);
      if (end === null) continue;
      clearTimeout(w.timer);
      this.#waiters.splice(this.#waiters.indexOf(w), 1);
      w.resolve({at, end});
    }
    if (this.#text.length > 2 * KEEP) {
      const drop = this.#text.length - KEEP;
      this.#text = this.#text.slice(drop);
      this.#base += drop;
    }
  }
}

/** Control mode escapes bytes below 32 and the backslash as \ooo. */
function unescapeOutput(data: Buffer): Buffer {
  if (!data.includes(0x5c)) return data;
  const out = Buffer.alloc(data.length);
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0x5c && i + 3 < data.length + 0 && /^[0-7]{3}$/.test(data.subarray(i + 1, i + 4).toString())) {
      out[n++] = parseInt(data.subarray(i + 1, i + 4).toString(), 8);
      i += 3;
    } else {
      out[n++] = data[i]!;
    }
  }
  return out.subarray(0, n);
}

/** The tmux server (and so the program) starts from this: no CI variables, no certwalk test hooks. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CI|CONTINUOUS_INTEGRATION|CERTWALK_.*)$/.test(k)));
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function tmuxQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
