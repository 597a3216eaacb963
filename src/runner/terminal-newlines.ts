// A terminal's line discipline turns each LF a program writes into CR LF (termios ONLCR), so a program may end its
// lines with a bare LF and still see the next line start in column 0. A recording holds what the program wrote, but a
// player writes it to a terminal in raw mode, where that translation is off: bare LFs replay as a staircase. Recorded
// text therefore gets the translation the live terminal applied.

export class TerminalNewlines {
  /** A CR ending one write and the LF starting the next are one CR LF: the pair must not become CR CR LF. */
  #afterCR = false;

  translate(text: string): string {
    if (!text) return text;
    const out = text.replace(/(\r?)\n/g, (pair: string, cr: string, offset: number) => (cr || (offset === 0 && this.#afterCR) ? pair : '\r\n'));
    this.#afterCR = text.endsWith('\r');
    return out;
  }
}
