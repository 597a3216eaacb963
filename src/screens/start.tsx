// Starts the Ink app on the terminal and resolves with the exit code when it ends.
import {render} from 'ink';
import type {Fleet} from '../hosts/host.ts';
import {catalog} from '../procedures/catalog.ts';
import {unfinishedSessions, type UnfinishedSession} from '../session/history.ts';
import {openScreen} from './alt-screen.ts';
import {App} from './app.tsx';
import {TerminalRecorder} from '../session/terminal-recorder.ts';
import type {Language} from '../i18n/resolve.ts';
import {UiProvider} from './ui-context.tsx';
import {makeUi} from './ui.ts';

// Ink draws at most this many frames a second (its default is 30). A key's answer waits for the next frame slot, and
// Ink's throttle counts its wait from the first change after a frame: at 30 a key pressed just after a frame was
// drawn showed 35-50 ms later. The screens change on events (keys, steps, the output pane at 10 a second), not
// continuously, so the higher cap costs no frames when nothing happens.
const MAX_FPS = 60;

export async function startApp(options: {
  fleet: Fleet;
  transcriptDir: string;
  concurrency?: number;
  onLaneFailure?: 'stop' | 'continue';
  /** Sessions on this fleet that did not finish (default: read from the journals folder). */
  unfinished?: readonly UnfinishedSession[];
  /** The screens' language (default English) and whether to draw ASCII only (default Unicode): see console.ts. */
  language?: Language;
  ascii?: boolean;
  /** Draw on the terminal's alternate screen, given back on the way out (default true; only on a terminal; false with `--no-alt-screen`). */
  altScreen?: boolean;
  /** The terminal (tests pass stand-ins). */
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}): Promise<number> {
  let code = 0;
  // Ink 6.8 has no alternate-screen option of its own. The switches go to the terminal, not into the recordings: a
  // cast starts on a cleared screen and replays its frames wherever the player draws.
  const screen = openScreen(options.stdout ?? process.stdout, options.altScreen ?? true);
  // Each procedure session records the screen next to its transcript (asciicast v2).
  const recorder = new TerminalRecorder(screen.stream);
  const ui = makeUi({language: options.language ?? 'en', ascii: options.ascii ?? false});
  const instance = render(
    <UiProvider ui={ui}>
      <App
        fleet={options.fleet}
        procedures={catalog}
        transcriptDir={options.transcriptDir}
        concurrency={options.concurrency ?? 1}
        onLaneFailure={options.onLaneFailure ?? 'stop'}
        screenRecorder={recorder}
        unfinished={options.unfinished ?? unfinishedSessions().filter((u) => u.read.header.fleet.location === options.fleet.location)}
        onExit={(c) => (code = c)}
      />
    </UiProvider>,
    {exitOnCtrlC: false, maxFps: MAX_FPS, stdout: recorder.stream, ...(options.stdin ? {stdin: options.stdin} : {})},
  );
  try {
    await instance.waitUntilExit();
  } finally {
    recorder.dispose();
    screen.restore();
  }
  return code;
}
