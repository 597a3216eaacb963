// Draws a terminal screen (text with colour escapes, as `tmux capture-pane -e` prints it) as an SVG image, through a
// real terminal emulator (xterm.js, headless) so colours, bold and inverse land on the cells a terminal would give
// them. Used for the README's screenshot (scripts/screenshot.ts); no image tool is needed.
import xterm from '@xterm/headless';

// The 16 ANSI colours of a dark theme (VS Code's terminal defaults): fixed, so the image does not depend on a viewer.
const ANSI = [
  '#000000',
  '#cd3131',
  '#0dbc79',
  '#e5e510',
  '#2472c8',
  '#bc3fbc',
  '#11a8cd',
  '#e5e5e5',
  '#666666',
  '#f14c4c',
  '#23d18b',
  '#f5f543',
  '#3b8eea',
  '#d670d6',
  '#29b8db',
  '#ffffff',
];
const FOREGROUND = '#cccccc';
const BACKGROUND = '#1e1e1e';
const CELL_WIDTH = 8.4;
const ROW_HEIGHT = 17;
const FONT_SIZE = 14;
const PADDING = 12;

interface Run {
  readonly col: number;
  text: string;
  /** Cells covered: a wide (CJK) character takes two. */
  cells: number;
  readonly fg: string;
  readonly bg: string | null;
  readonly bold: boolean;
}

export async function terminalSvg(escaped: string, cols: number, rows: number): Promise<string> {
  const term = new xterm.Terminal({cols, rows, allowProposedApi: true});
  try {
    // capture-pane ends rows with a bare LF: a terminal needs CR LF to start the next row at column 0, and none after
    // the last row, which would scroll the first one away.
    await new Promise<void>((resolve) => term.write(escaped.replace(/\r?\n$/, '').replace(/\r?\n/g, '\r\n'), resolve));
    const buffer = term.buffer.active;
    const width = Math.ceil(cols * CELL_WIDTH + 2 * PADDING);
    const height = rows * ROW_HEIGHT + 2 * PADDING;
    const parts = [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
      `<rect width="100%" height="100%" rx="6" fill="${BACKGROUND}"/>`,
      `<g font-family="'DejaVu Sans Mono', Menlo, Consolas, monospace" font-size="${FONT_SIZE}" xml:space="preserve">`,
    ];
    for (let y = 0; y < rows; y++) {
      const line = buffer.getLine(buffer.baseY + y);
      if (!line) continue;
      const top = PADDING + y * ROW_HEIGHT;
      for (const run of runsOf(line, cols)) {
        const x = (PADDING + run.col * CELL_WIDTH).toFixed(1);
        const span = (run.cells * CELL_WIDTH).toFixed(1);
        if (run.bg) parts.push(`<rect x="${x}" y="${top}" width="${span}" height="${ROW_HEIGHT}" fill="${run.bg}"/>`);
        const drawn = run.text.trimEnd();
        if (!drawn.trim()) continue;
        // textLength pins each run to its cells, whatever the viewer's monospace font measures.
        const length = ((run.cells - (run.text.length - drawn.length)) * CELL_WIDTH).toFixed(1);
        parts.push(
          `<text x="${x}" y="${top + FONT_SIZE - 1}" fill="${run.fg}"${run.bold ? ' font-weight="bold"' : ''} textLength="${length}" lengthAdjust="spacingAndGlyphs">${escapeXml(drawn)}</text>`,
        );
      }
    }
    parts.push('</g>', '</svg>');
    return `${parts.join('\n')}\n`;
  } finally {
    term.dispose();
  }
}

function runsOf(line: xterm.IBufferLine, cols: number): Run[] {
  const runs: Run[] = [];
  for (let x = 0; x < cols; x++) {
    const cell = line.getCell(x);
    if (!cell || cell.getWidth() === 0) continue;
    const style = styleOf(cell);
    const last = runs.at(-1);
    const chars = cell.getChars() || ' ';
    if (last && last.fg === style.fg && last.bg === style.bg && last.bold === style.bold && last.col + last.cells === x) {
      last.text += chars;
      last.cells += cell.getWidth();
    } else runs.push({col: x, text: chars, cells: cell.getWidth(), ...style});
  }
  return runs;
}

function styleOf(cell: xterm.IBufferCell): Pick<Run, 'fg' | 'bg' | 'bold'> {
  let fg = colour(cell.isFgDefault(), cell.isFgRGB(), cell.getFgColor()) ?? FOREGROUND;
  let bg = colour(cell.isBgDefault(), cell.isBgRGB(), cell.getBgColor());
  if (cell.isInverse()) [fg, bg] = [bg ?? BACKGROUND, fg];
  return {fg: cell.isDim() ? `${fg}b0` : fg, bg, bold: cell.isBold() !== 0};
}

function colour(isDefault: boolean, isRgb: boolean, value: number): string | null {
  if (isDefault) return null;
  if (isRgb) return `#${value.toString(16).padStart(6, '0')}`;
  return value < 16 ? ANSI[value]! : xterm256(value);
}

/** The xterm 256-colour palette past the first 16: a 6×6×6 cube, then 24 greys. */
function xterm256(index: number): string {
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  if (index >= 232) {
    const grey = 8 + (index - 232) * 10;
    return `#${hex(grey)}${hex(grey)}${hex(grey)}`;
  }
  const cube = index - 16;
  const level = (n: number) => (n === 0 ? 0 : 55 + n * 40);
  return `#${hex(level(Math.floor(cube / 36)))}${hex(level(Math.floor(cube / 6) % 6))}${hex(level(cube % 6))}`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
