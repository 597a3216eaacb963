// Plays an asciicast v2 through a real terminal emulator (xterm.js, headless) and reads back what it ends up showing:
// what `asciinema play` would leave on a viewer's screen, without a player or a terminal. The emulator gets the
// recorded text as it is: no LF→CR LF conversion, exactly as a player writes to a terminal in raw mode.
import xterm from '@xterm/headless';
import {parseCast} from '../../src/runner/cast.ts';

export interface Replayed {
  /** The rows on screen at the end, trailing spaces trimmed, trailing empty rows dropped. */
  readonly screen: string[];
  /** Every line written, scrollback included, lines the terminal wrapped joined again, trailing empty lines dropped. */
  readonly lines: string[];
}

export async function replayCast(text: string): Promise<Replayed> {
  const {header, events} = parseCast(text);
  const term = new xterm.Terminal({cols: header.width, rows: header.height, scrollback: 10_000, allowProposedApi: true});
  try {
    for (const [, kind, data] of events) {
      if (kind === 'o') await new Promise<void>((resolve) => term.write(data, resolve));
      else if (kind === 'r') {
        const [cols, rows] = data.split('x').map(Number) as [number, number];
        term.resize(cols, rows);
      }
    }
    const buffer = term.buffer.active;
    const row = (y: number) => buffer.getLine(y)?.translateToString() ?? '';
    const screen = Array.from({length: term.rows}, (_, y) => row(buffer.baseY + y));
    const lines: string[] = [];
    for (let y = 0; y < buffer.length; y++) {
      // (a row continued on the next keeps its trailing spaces: they are the words' spaces at the wrap)
      if (buffer.getLine(y)?.isWrapped && lines.length) lines[lines.length - 1] += row(y);
      else lines.push(row(y));
    }
    return {screen: dropTrailingEmpty(screen.map((r) => r.trimEnd())), lines: dropTrailingEmpty(lines.map((l) => l.trimEnd()))};
  } finally {
    term.dispose();
  }
}

/** A screen as tmux's capture-pane (or anything else) printed it, in the same shape as Replayed.screen. */
export function screenRows(text: string): string[] {
  return dropTrailingEmpty(
    text
      .replace(/\n$/, '')
      .split('\n')
      .map((line) => line.trimEnd()),
  );
}

function dropTrailingEmpty(rows: string[]): string[] {
  const out = [...rows];
  while (out.length && out.at(-1) === '') out.pop();
  return out;
}
