// Starts the Ink app on the terminal and resolves with the exit code when it ends.
import {render} from 'ink';
import type {Fleet} from '../hosts/host.ts';
import {procedures} from '../procedures/index.ts';
import {App} from './app.tsx';

export async function startApp(options: {fleet: Fleet; transcriptDir: string; concurrency?: number; onLaneFailure?: 'stop' | 'continue'}): Promise<number> {
  let code = 0;
  const instance = render(<App fleet={options.fleet} procedures={procedures} transcriptDir={options.transcriptDir} concurrency={options.concurrency ?? 1} onLaneFailure={options.onLaneFailure ?? 'stop'} onExit={(c) => (code = c)} />, {
    exitOnCtrlC: false,
  });
  await instance.waitUntilExit();
  return code;
}
