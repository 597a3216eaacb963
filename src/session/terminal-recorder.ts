// Tees what the app writes to the terminal into the session's asciicast, so the recording holds exactly the frames
// the admin saw. Ink gets a stand-in for stdout that forwards everything to the real one.
import {CastWriter, type ScreenRecorder} from '../runner/cast.ts';

/** Clears the screen at the start of a recording: Ink's next frame redraws the whole screen from there. */
const CLEAR = '\u001B[H\u001B[2J';

export class TerminalRecorder implements ScreenRecorder {
  /** Hand this to Ink's render instead of the terminal's stdout. */
  readonly stream: NodeJS.WriteStream;
  #cast: CastWriter | null = null;

  constructor(
    private readonly stdout: NodeJS.WriteStream,
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
  ) {
    const tee = (chunk: unknown) => this.#cast?.output(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    // A Proxy rather than a wrapper stream: Ink reads columns, rows, isTTY and the writable state of the real one.
    this.stream = new Proxy(stdout, {
      get(target, property) {
        if (property === 'write') {
          return (chunk: unknown, ...rest: unknown[]) => {
            tee(chunk);
            return (target.write as (...args: unknown[]) => boolean)(chunk, ...rest);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    stdout.on('resize', this.#onResize);
  }

  begin(castPath: string, options: {readonly title: string; readonly redact: (text: string) => string}): void {
    this.end();
    this.#cast = new CastWriter(castPath, {
      width: this.stdout.columns || 80,
      height: this.stdout.rows || 24,
      title: options.title,
      env: {TERM: this.env.TERM || 'xterm-256color', SHELL: this.env.SHELL || '/bin/sh'},
      redact: options.redact,
    });
    this.#cast.output(CLEAR);
  }

  end(): void {
    this.#cast?.close();
    this.#cast = null;
  }

  dispose(): void {
    this.end();
    this.stdout.off('resize', this.#onResize);
  }

  #onResize = (): void => {
    this.#cast?.resize(this.stdout.columns || 80, this.stdout.rows || 24);
  };
}
