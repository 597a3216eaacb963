// A line saying what the interactive app's start waits for (opening the fleet, making the demo sandbox), erased
// before the first frame is drawn: a slow start (a loaded machine, a cold disk) is not a silent blank terminal.

export interface StatusLine {
  /** A line that stays (the demo sandbox was made): printed in place of the status. */
  say(line: string): void;
  /** Erases the status; call before the first frame and before an error is printed. */
  clear(): void;
}

export function statusLine(stream: NodeJS.WriteStream, text: string): StatusLine {
  // Not a terminal: nothing to erase later, so nothing transient is written.
  if (!stream.isTTY) return {say: (line) => stream.write(`${line}\n`), clear: () => undefined};
  let shown = true;
  stream.write(text);
  const clear = () => {
    if (!shown) return;
    shown = false;
    stream.write('\r\x1b[2K');
  };
  return {
    say(line) {
      clear();
      stream.write(`${line}\n`);
    },
    clear,
  };
}
