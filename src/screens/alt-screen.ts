// The app draws on the terminal's alternate screen, as full-screen programs (less, vim) do: its frames never land in
// the scrollback, and quitting gives back the shell's screen as it was. Leaving it again must happen however certwalk
// ends, or the shell is left on a blank screen with no cursor: a quit, a crash, a process.exit (the hang-up handler
// in app.tsx; the process 'exit' hook covers every path that runs JavaScript on the way out), or a signal nobody else
// turns into an exit (a `kill -INT` from outside: in raw mode Ctrl-C is a key, not a signal).
import {constants} from 'node:os';
import {BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON} from './key-events.ts';

/**
 * Save the cursor and switch to the alternate screen (cleared), start drawing from its top-left corner, and ask for
 * pastes in brackets (key-events.ts: a paste is one event, its letters no commands). Both are given back together.
 */
export const ENTER_ALT_SCREEN = `\u001B[?1049h\u001B[H\u001B[2J${BRACKETED_PASTE_ON}`;
/** Stop bracketing pastes, show the cursor (Ink hides it while drawing), go back to the normal screen and its cursor. */
export const LEAVE_ALT_SCREEN = `${BRACKETED_PASTE_OFF}\u001B[?25h\u001B[?1049l`;

/** Signals whose default action ends the process without a process 'exit' event. */
const ENDING_SIGNALS: readonly NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT', 'SIGHUP', 'SIGTERM'] : ['SIGINT', 'SIGHUP', 'SIGTERM', 'SIGQUIT'];

export interface Screen {
  /** Hand this to Ink: once the screen has been given back, whatever Ink still draws is dropped, not left in the shell. */
  readonly stream: NodeJS.WriteStream;
  /** Gives the normal screen back (once; later calls do nothing). */
  restore(): void;
}

/** Switches `stdout` to the alternate screen when it is a terminal and `enabled`; otherwise draws where it is. */
export function openScreen(stdout: NodeJS.WriteStream, enabled: boolean): Screen {
  if (!enabled || !stdout.isTTY) return {stream: stdout, restore: () => {}};
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    process.off('exit', restore);
    process.off('uncaughtExceptionMonitor', restore);
    for (const signal of ENDING_SIGNALS) process.off(signal, onSignal);
    writeNow(stdout, LEAVE_ALT_SCREEN);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    restore();
    // The signal stays whoever else's to handle: Ink's signal-exit (which re-raises it once it is the only listener
    // left, this one having just gone) or the hang-up handler. With nobody, it is raised again to end the process as
    // it would have without this listener.
    if (process.listenerCount(signal) === 0) raiseAgain(signal);
  };
  writeNow(stdout, ENTER_ALT_SCREEN);
  process.on('exit', restore);
  // Runs before Node prints an uncaught error (a rejected promise included): the message lands on the normal screen,
  // where it stays, instead of on the alternate one that is about to be left.
  process.on('uncaughtExceptionMonitor', restore);
  // First in line: signal-exit only ends the process when it counts no listener but its own.
  for (const signal of ENDING_SIGNALS) process.prependListener(signal, onSignal);
  const stream = new Proxy(stdout, {
    get(target, property) {
      if (property === 'write' && restored) return dropped;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {stream, restore};
}

/** A terminal that has gone away (the hang-up) must not turn the way out into a crash. */
function writeNow(stdout: NodeJS.WriteStream, text: string): void {
  // A terminal's writes are synchronous (Node makes TTY writes blocking), so this lands even in a process 'exit' hook.
  try {
    stdout.write(text);
  } catch {
    // the terminal is gone: there is nothing left to restore
  }
}

function raiseAgain(signal: NodeJS.Signals): void {
  try {
    process.kill(process.pid, signal);
  } catch {
    // (a signal this platform cannot send itself: the exit status a shell reports for it)
    process.exit(128 + (constants.signals[signal] ?? 0));
  }
}

/** A write after the screen was given back: reported done, so whoever waits on it (Ink's unmount) is not left hanging. */
function dropped(_chunk: unknown, ...rest: unknown[]): boolean {
  const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
  if (callback) setImmediate(callback);
  return true;
}
