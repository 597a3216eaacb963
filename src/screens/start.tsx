// Starts the Ink app on the terminal and resolves with the exit code when it ends.
import {render} from 'ink';
import type {Fleet} from '../hosts/host.ts';
import {procedures} from '../procedures/index.ts';
import {unfinishedSessions, type UnfinishedSession} from '../runner/recovery.ts';
import {App} from './app.tsx';
import {TerminalRecorder} from './terminal-recorder.ts';

export async function startApp(options: {
  fleet: Fleet;
  transcriptDir: string;
  concurrency?: number;
  onLaneFailure?: 'stop' | 'continue';
  /** Sessions on this fleet that did not finish (default: read from the journals folder). */
  unfinished?: readonly UnfinishedSession[];
  /** The terminal (tests pass stand-ins). */
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}): Promise<number> {
  let code = 0;
  // Each procedure session records the screen next to its transcript (asciicast v2).
  const recorder = new TerminalRecorder(options.stdout ?? process.stdout);
  const instance = render(
    <App
      fleet={options.fleet}
      procedures={procedures}
      transcriptDir={options.transcriptDir}
      concurrency={options.concurrency ?? 1}
      onLaneFailure={options.onLaneFailure ?? 'stop'}
      screenRecorder={recorder}
      unfinished={options.unfinished ?? unfinishedSessions().filter((u) => u.read.header.fleet.location === options.fleet.location)}
      onExit={(c) => (code = c)}
    />,
    {exitOnCtrlC: false, stdout: recorder.stream, ...(options.stdin ? {stdin: options.stdin} : {})},
  );
  try {
    await instance.waitUntilExit();
  } finally {
    recorder.dispose();
  }
  return code;
}
