// 100k lines of command output streamed through the Run screen's output pane, in the real binary in tmux: keystroke
// to frame while it streams, and certwalk's peak RSS.
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {TmuxTerminal} from '../lib/tmux.ts';
import {bin, delay, root, sandboxCopy, sandboxTemplate, tempDir} from '../lib/env.ts';
import {stats, type Figure} from '../lib/stats.ts';
import {driveToRun, keystrokeSample} from '../lib/tui.ts';

const LATENCY_TARGET_MS = 50;
const RSS_TARGET_MB = 150;

/** The fault rule's output: numbered lines about as long as certutil's. */
function outputText(lines: number): string {
  const out: string[] = [];
  for (let i = 1; i <= lines; i++) out.push(`bench output line ${String(i).padStart(6, '0')} of ${lines}: CertUtil: -addstore command streaming a long dump`);
  return out.join('\n');
}

function memory(pid: number): {rss: number; hwm: number} {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return {rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024};
}

interface RunResult {
  readonly latencies: number[];
  readonly idle: number[];
  readonly streamMs: number;
  readonly rssBefore: number;
  readonly peak: number;
}

/** A command streaming its output this fast (lines a second): 100k lines take five seconds, long enough to type at. */
const STREAM_RATE = 20_000;

async function once(template: string, lines: number, text: string, paced: boolean, log: (line: string) => void): Promise<RunResult> {
  const dir = sandboxCopy(template, 'output');
  // `certwalk sandbox fault --output` takes the text as one argument (at most 128 KiB on Linux): the rule is written
  // into faults.json directly, in the format faults.ts reads. It fires once, on worker1's `certutil -addstore Root`
  // (step 2 of ssis-worker), which prints the text (paced: STREAM_RATE lines a second) and fails.
  const rule = {program: 'certutil', node: 'worker1', match: '-addstore root', times: 1, exitCode: 1, output: text, ...(paced ? {linesPerSecond: STREAM_RATE} : {})};
  writeFileSync(join(dir, 'faults.json'), JSON.stringify([rule]));
  const home = tempDir('output-home');
  const term = await TmuxTerminal.open([process.execPath, bin, '--sandbox', dir], {width: 80, height: 24, env: {CERTWALK_HOME: home}, cwd: root});
  try {
    term.launch();
    const pid = await term.pid();
    await driveToRun(term, {procedure: 'ssis-worker'});
    const rssBefore = memory(pid).rss;
    const from = term.offset;
    term.key('s');
    const streaming = await term.waitFor(/bench output line/, from, 120_000);
    let failed: number | null = null;
    void term.waitFor(/FAILED during/, from, 600_000).then(
      (a) => (failed = a.at),
      () => undefined,
    );
    const latencies: number[] = [];
    // 'g' on a one-node procedure shows a hint in the footer; the next key ('k', scroll up) clears it.
    let hint = false;
    while (paced && failed === null) {
      const sample = hint
        ? await keystrokeSample(term, 'k', /p pause · r roll back|e retry · r roll back/, 10_000)
        : await keystrokeSample(term, 'g', /one node at a time here/, 10_000);
      hint = !hint;
      // Only keys typed before the failure frame arrived were answered while the output streamed.
      if (failed === null || sample.sentAt < failed) latencies.push(sample.latency);
      await delay(30);
    }
    await term.waitFor(/FAILED during/, from, 600_000);
    const streamMs = (failed as unknown as number) - streaming.at;
    const {hwm} = memory(pid);
    // The same keys once the stream is over: what the Run screen's own frame costs, without the stream.
    const idle: number[] = [];
    await delay(500);
    for (let i = 0; i < 6; i++) {
      const sample = hint ? await keystrokeSample(term, 'k', /e retry · r roll back/, 10_000) : await keystrokeSample(term, 'g', /one node at a time here/, 10_000);
      hint = !hint;
      idle.push(sample.latency);
      await delay(100);
    }
    log(
      `  ${lines} lines ${paced ? `streamed at ${STREAM_RATE}/s` : 'written at once'}: shown over ${(streamMs / 1000).toFixed(2)} s; ` +
        (paced ? `${latencies.length} keystrokes answered in median ${stats(latencies.length ? latencies : [NaN]).median.toFixed(0)} ms; ` : '') +
        `after it ${stats(idle).median.toFixed(0)} ms; RSS ${rssBefore.toFixed(0)} MB before, peak ${hwm.toFixed(0)} MB`,
    );
    return {latencies, idle, streamMs, rssBefore, peak: hwm};
  } finally {
    term.close();
  }
}

export async function outputPane(options: {runs: number; lines: number; log: (line: string) => void}): Promise<Figure> {
  const template = await sandboxTemplate(3);
  const text = outputText(options.lines);
  const paced: RunResult[] = [];
  for (let i = 0; i < options.runs; i++) paced.push(await once(template, options.lines, text, true, options.log));
  // And once written all at once: how fast certwalk takes it in, and the memory that costs.
  const burst = await once(template, options.lines, text, false, options.log);
  const all = [...paced, burst];
  const latencies = paced.flatMap((r) => r.latencies);
  const latency = stats(latencies.length ? latencies : [NaN]);
  const peak = stats(all.map((r) => r.peak));
  return {
    id: 'output',
    title: `${options.lines} lines of command output through the Run screen's output pane`,
    measures:
      `The real binary in tmux (80x24): ssis-worker on worker1, whose \`certutil -addstore Root\` prints ${options.lines} lines ` +
      `(${(text.length / 1e6).toFixed(1)} MB, from a sandbox fault rule) and fails. The command streams them at ${STREAM_RATE} lines a second ` +
      `(${options.runs} runs); while they stream a key is typed, answered, and the next one typed 30 ms later (g shows a hint in the footer, ` +
      'k clears it), timed from the key to the first frame showing the change. Once more with the whole output written at once (certwalk ' +
      "reads it as fast as it can). RSS is certwalk's VmHWM (peak resident set) once the failure is shown, the highest of all runs.",
    rows: [
      {label: 'keystroke to frame, streaming', stats: latency, unit: 'ms', note: `p90 ${latency.p90.toFixed(0)} ms`},
      {label: 'same keys after the stream', stats: stats(all.flatMap((r) => r.idle)), unit: 'ms'},
      {label: 'peak RSS (VmHWM)', stats: peak, unit: 'MB'},
      {label: 'RSS on the Plan screen', stats: stats(all.map((r) => r.rssBefore)), unit: 'MB'},
      {label: `all at once: read and shown in`, stats: stats([burst.streamMs]), unit: 's'},
    ],
    target: `<= ${LATENCY_TARGET_MS} ms, <= ${RSS_TARGET_MB} MB`,
    met: latency.median <= LATENCY_TARGET_MS && peak.max <= RSS_TARGET_MB,
    notes: [],
  };
}
