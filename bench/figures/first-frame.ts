// First interactive frame of `certwalk` against the minimal bundled Ink app, both in tmux at 80x24.
import {build, type BuildOptions} from 'esbuild';
// @ts-expect-error: a plain ES module of the build script, without types
import {bundleOptions} from '../../scripts/build.mjs';
import {mkdirSync} from 'node:fs';
import {join} from 'node:path';
import {TmuxTerminal} from '../lib/tmux.ts';
import {bin, delay, root, sandboxTemplate, tempDir} from '../lib/env.ts';
import {stats, type Figure} from '../lib/stats.ts';

const KEY_EVERY_MS = 20;
const TARGET = 1.3;

/** The baseline app bundled the way scripts/build.mjs bundles certwalk (the same options). */
async function bundleMinimal(): Promise<string> {
  const outfile = join(tempDir('minimal-ink'), 'minimal-ink.js');
  await build({...bundleOptions, entryPoints: [join(root, 'bench', 'minimal-ink.tsx')], outfile} as BuildOptions);
  return outfile;
}

interface App {
  readonly name: string;
  readonly argv: () => string[];
  readonly env: () => Record<string, string>;
  /** In the first frame. */
  readonly ready: RegExp;
  /** Only in a frame drawn after a key. */
  readonly answered: RegExp;
}

export interface Sample {
  /** Launch to the first frame (ms). */
  readonly frame: number;
  /** Launch to the first frame that shows a key's effect (ms). */
  readonly interactive: number;
  readonly keys: number;
}

/**
 * One launch: release the program, wait for its first frame, then type `j` every 20 ms until a frame shows it.
 * "Interactive" is the arrival of that frame, from launch.
 */
async function measure(app: App): Promise<Sample> {
  const term = await TmuxTerminal.open(app.argv(), {width: 80, height: 24, env: app.env(), cwd: root});
  try {
    const launched = term.launch();
    const first = await term.waitFor(app.ready, 0, 60_000);
    let answered: {at: number} | null = null;
    const waiting = term.waitFor(app.answered, first.end, 60_000).then((a) => (answered = a));
    let keys = 0;
    while (!answered) {
      term.key('j');
      keys++;
      await Promise.race([waiting, delay(KEY_EVERY_MS)]);
    }
    const done = answered as {at: number};
    return {frame: first.at - launched, interactive: done.at - launched, keys};
  } finally {
    term.close();
  }
}

export async function firstFrame(options: {runs: number; log: (line: string) => void}): Promise<Figure> {
  const minimal = await bundleMinimal();
  const sandbox = await sandboxTemplate(3);
  const homes = tempDir('first-frame-home');
  let n = 0;
  const certwalk: App = {
    name: 'certwalk',
    argv: () => [process.execPath, bin, '--sandbox', sandbox],
    env: () => {
      const home = join(homes, String(n++));
      mkdirSync(home, {recursive: true});
      return {CERTWALK_HOME: home};
    },
    ready: /Choose a procedure:/,
    // Home shows the highlighted procedure's summary, `id: …`: any id but the first one's means the highlight moved.
    answered: /(?:ssis-worker|azureml-ssl|lync-[a-z-]+): /,
  };
  const baseline: App = {name: 'minimal Ink app', argv: () => [process.execPath, minimal], env: () => ({}), ready: /bench: ready for a key/, answered: /bench: key received/};

  // One untimed launch of each first: the files are in the page cache for every timed one.
  await measure(certwalk);
  await measure(baseline);
  const ours: Sample[] = [];
  const theirs: Sample[] = [];
  for (let i = 0; i < options.runs; i++) {
    // Alternate which goes first, so a change in the machine's load falls on both.
    for (const app of i % 2 ? [baseline, certwalk] : [certwalk, baseline]) {
      const s = await measure(app);
      (app === certwalk ? ours : theirs).push(s);
      options.log(
        `  run ${i + 1}/${options.runs} ${app.name.padEnd(16)} first frame ${s.frame.toFixed(0)} ms, interactive ${s.interactive.toFixed(0)} ms (${s.keys} key${s.keys > 1 ? 's' : ''})`,
      );
      await delay(200);
    }
  }
  const a = stats(ours.map((s) => s.interactive));
  const b = stats(theirs.map((s) => s.interactive));
  const ratio = a.median / b.median;
  return {
    id: 'first-frame',
    title: 'First interactive frame of `certwalk` (Home) against the minimal bundled Ink app',
    measures:
      'In tmux (80x24, control mode, output timestamped as tmux receives it): from releasing the program (node bin/certwalk.js --sandbox DIR, ' +
      'a prepared sandbox, a fresh CERTWALK_HOME) to the first frame that shows a key: `j` is typed every 20 ms from the first frame on, and ' +
      "the frame counts once Home's highlight has moved (its summary line names another procedure); for the baseline, once its <Text> says the key arrived " +
      "(it stays mounted a while after that, so its answer is drawn by Ink's throttled render like certwalk's, not flushed by an unmount).",
    rows: [
      {label: 'certwalk interactive', stats: a, unit: 'ms'},
      {label: 'minimal Ink interactive', stats: b, unit: 'ms'},
      {label: 'certwalk first frame', stats: stats(ours.map((s) => s.frame)), unit: 'ms'},
      {label: 'minimal Ink first frame', stats: stats(theirs.map((s) => s.frame)), unit: 'ms'},
    ],
    ratio,
    target: `<= ${TARGET}x`,
    met: ratio <= TARGET,
    notes: [`keys typed before one showed: certwalk median ${stats(ours.map((s) => s.keys)).median}, baseline ${stats(theirs.map((s) => s.keys)).median}`],
  };
}
