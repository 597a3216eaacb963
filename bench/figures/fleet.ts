// The fleet: ssis-worker over every worker of a large sandbox at --concurrency 16, by `certwalk run --yes` against a
// plain script with the same per-worker command sequences at the same concurrency; and the TUI doing the same run in
// tmux, typed at while it runs.
import {TmuxTerminal} from '../lib/tmux.ts';
import {bin, delay, root, sandboxCopy, sandboxTemplate, tempDir} from '../lib/env.ts';
import {stats, type Figure} from '../lib/stats.ts';
import {driveToRun, keystrokeSample} from '../lib/tui.ts';
import {versusReplay} from '../lib/versus-replay.ts';

const RATIO_TARGET = 1.2;
const LATENCY_TARGET_MS = 50;
const CONCURRENCY = 16;

interface TuiResult {
  readonly latencies: number[];
  /** Keys with no frame showing them within 60 s. */
  readonly unanswered: number;
  /** `s` typed to the COMPLETED frame. */
  readonly runMs: number;
}

/**
 * The interactive run: Home → ssis-worker → Workers: all → Plan → s; each kind of confirmation answered with `a`
 * (yes to every step of that kind); meanwhile `?` opens the help and `?` closes it again, about once a second, each
 * timed from the key to the first frame showing the help, or the Run screen again.
 */
async function tuiRun(template: string, workers: number, log: (line: string) => void): Promise<TuiResult> {
  const dir = sandboxCopy(template, 'tui');
  const term = await TmuxTerminal.open([process.execPath, bin, '--sandbox', dir, '--concurrency', String(CONCURRENCY)], {
    width: 80,
    height: 24,
    env: {CERTWALK_HOME: tempDir('tui-home')},
    cwd: root,
  });
  try {
    term.launch();
    await driveToRun(term, {procedure: 'ssis-worker', allWorkers: true, planTimeoutMs: 60 * 60_000});
    const from = term.offset;
    let started = term.key('s');
    // Locking 201 nodes and opening the session take a while; a key typed as the Plan appears can be lost (see tui.ts).
    const running = /Locking the nodes|RUNNING \d+\/\d+/;
    await term.waitFor(running, from, 30_000).catch(async () => {
      if (!/plan: \d+ steps/.test(await term.screen())) return;
      started = term.key('s');
      await term.waitFor(running, from, 10 * 60_000);
    });
    let completed: number | null = null;
    void term.waitFor(/COMPLETED \d+\/\d+/, from, 4 * 60 * 60_000).then(
      (a) => (completed = a.at),
      () => undefined,
    );
    const latencies: number[] = [];
    let unanswered = 0;
    let lastReport = performance.now();
    // A key not answered within a minute is counted, not timed; the help is closed again if it opened late.
    const sample = (shows: RegExp) => keystrokeSample(term, '?', shows, 60_000).catch(() => null);
    while (completed === null) {
      const screen = await term.screen();
      if (/a yes to this \+ \d+ like it|answer above/.test(screen)) {
        term.key('a');
        await delay(500);
        continue;
      }
      if (/(FAILED|PAUSED|ROLLED BACK|ABORTED) \d+\/\d+/.test(screen)) throw new Error(`the TUI run stopped:\n${screen}`);
      if (/certwalk keys/.test(screen)) {
        term.key('Escape');
        await delay(500);
        continue;
      }
      const open = await sample(/certwalk keys/);
      if (!open) {
        unanswered++;
        continue;
      }
      await delay(150);
      const close = await sample(/certwalk · SSIS Scale Out/);
      if (!close) {
        unanswered++;
        continue;
      }
      latencies.push(open.latency, close.latency);
      if (performance.now() - lastReport > 30_000) {
        lastReport = performance.now();
        const done = /COMPLETED|RUNNING (\d+)\/(\d+)/.exec(await term.screen());
        log(`    TUI: ${done?.[1] ?? '?'} of ${done?.[2] ?? '?'} steps done, ${latencies.length} keystrokes, median ${stats(latencies).median.toFixed(0)} ms`);
      }
      await delay(700);
    }
    const runMs = (completed as number) - started;
    log(
      `  TUI run of ${workers} workers: ${(runMs / 1000).toFixed(1)} s from s to COMPLETED; ${latencies.length} keystrokes, median ` +
        `${stats(latencies).median.toFixed(0)} ms, p90 ${stats(latencies).p90.toFixed(0)} ms; ${unanswered} not answered within 60 s`,
    );
    return {latencies, runMs, unanswered};
  } finally {
    term.close();
  }
}

export async function fleet(options: {runs: number; workers: number; log: (line: string) => void}): Promise<Figure> {
  const {runs, workers, log} = options;
  log(`  sandbox init --workers ${workers} (the template every run copies)…`);
  const template = await sandboxTemplate(workers);
  const r = await versusReplay({template, procedure: 'ssis-worker', params: {workers: 'all'}, concurrency: CONCURRENCY, runs, log});
  const tui = await tuiRun(template, workers, log);
  const ratio = r.certwalk.median / r.replay.median;
  const latency = stats(tui.latencies);
  return {
    id: 'fleet',
    title: `Fleet: ssis-worker on ${workers} sandbox workers at --concurrency ${CONCURRENCY}`,
    measures:
      `Wall time of \`node bin/certwalk.js run ssis-worker --yes --param workers=all --concurrency ${CONCURRENCY}\` on a fresh copy of a ` +
      `${workers}-worker sandbox (${r.steps} steps, ${r.commands.prepare + r.commands.run} simulated commands) against bench/replay.mjs on ` +
      `another copy: prepare's commands (each worker's reads) at the concurrency prepare used, then each worker's step commands and file ` +
      `writes as one sequence, ${CONCURRENCY} sequences at a time, every command a \`node dist/sandbox-tool.js\` process as in certwalk. ` +
      `Keystrokes: the same run in the TUI in tmux (80x24), \`?\` typed about once a second (help opens, then closes), from the key to the ` +
      `first frame showing the change.`,
    rows: [
      {label: 'certwalk run --yes', stats: r.certwalk, unit: 's'},
      {label: 'plain replay', stats: r.replay, unit: 's'},
      {label: 'certwalk: until its first step', stats: r.certwalkBefore, unit: 's', note: `(start, each worker read, ${workers} certificates made, nodes locked)`},
      {label: "replay: prepare's commands", stats: r.replayPrepare, unit: 's'},
      {label: 'TUI keystroke to frame', stats: latency, unit: 'ms', note: `p90 ${latency.p90.toFixed(0)} ms`},
      {label: 'TUI run (s to COMPLETED)', stats: stats([tui.runMs]), unit: 's'},
    ],
    ratio,
    target: `<= ${RATIO_TARGET}x, <= ${LATENCY_TARGET_MS} ms`,
    met: ratio <= RATIO_TARGET && latency.median <= LATENCY_TARGET_MS && tui.unanswered === 0,
    notes: [...r.notes, ...(tui.unanswered ? [`${tui.unanswered} keystroke(s) in the TUI run had no answering frame within 60 s`] : [])],
  };
}
