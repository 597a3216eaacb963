// `npm run bench`: certwalk's figures, each against a baseline measured in the same run (medians of repeated runs).
// No pass/fail exit code and no timed tests: the targets are printed beside the figures and kept in BENCHMARKS.md.
//
//   npm run bench                                   every figure, the issue's sizes
//   npm run bench -- --only first-frame,cert        some of them (first-frame, overhead, cert, output, fleet)
//   npm run bench -- --only fleet --workers 20 --runs 1   a quick look at a smaller fleet
//   npm run bench -- --markdown BENCHMARKS.md       and write the figures down (what BENCHMARKS.md is)
import {parseArgs} from 'node:util';
import {cpus, loadavg, release, type as osType} from 'node:os';
import {writeFileSync} from 'node:fs';
import {execFileSync} from 'node:child_process';
import {benchmarksMarkdown} from './lib/markdown.ts';
import {cleanUp} from './lib/env.ts';
import {printFigure, printSummary, type Figure} from './lib/stats.ts';
import {firstFrame} from './figures/first-frame.ts';
import {overhead} from './figures/overhead.ts';
import {certificateCreation} from './figures/cert.ts';
import {outputPane} from './figures/output.ts';
import {fleet} from './figures/fleet.ts';

const FIGURES = ['first-frame', 'overhead', 'cert', 'output', 'fleet'] as const;
type FigureId = (typeof FIGURES)[number];

const {values} = parseArgs({
  options: {
    only: {type: 'string', multiple: true},
    runs: {type: 'string'},
    workers: {type: 'string'},
    lines: {type: 'string'},
    json: {type: 'string'},
    markdown: {type: 'string'},
    help: {type: 'boolean', short: 'h', default: false},
  },
});

if (values.help) {
  console.log(`npm run bench [-- options]
  --only LIST     figures to run, comma-separated: ${FIGURES.join(', ')} (default: all)
  --runs N        repeated runs of every figure chosen (default: first-frame 10, overhead 5, cert 20,
                  output 3 streamed + 1 all at once, fleet 3 + 1 TUI run); --runs fleet=2,cert=40 for some
  --workers N     fleet size for the fleet figure (default 200)
  --lines N       output lines for the output figure (default 100000)
  --json FILE     also write the figures as JSON
  --markdown FILE also write them as Markdown (BENCHMARKS.md is such a file)
The whole set takes about 70 minutes on two cores, 64 of them the fleet (BENCHMARKS.md).`);
  process.exit(0);
}

const only = (values.only ?? [])
  .flatMap((v) => v.split(','))
  .map((v) => v.trim())
  .filter(Boolean);
for (const id of only) if (!(FIGURES as readonly string[]).includes(id)) throw new Error(`unknown figure "${id}"; figures: ${FIGURES.join(', ')}`);
const selected = (only.length ? only : FIGURES) as FigureId[];
function whole(name: string, value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a whole number >= 1, not "${value}"`);
  return n;
}
// `--runs 5` for every figure, or `--runs fleet=2,cert=40` for some of them.
const runsByFigure = new Map<FigureId, number>();
let runs: number | undefined;
for (const part of (values.runs ?? '')
  .split(',')
  .map((p) => p.trim())
  .filter(Boolean)) {
  const eq = part.indexOf('=');
  if (eq < 0) {
    runs = whole('runs', part, undefined);
    continue;
  }
  const id = part.slice(0, eq) as FigureId;
  if (!FIGURES.includes(id)) throw new Error(`--runs ${part}: unknown figure "${id}"; figures: ${FIGURES.join(', ')}`);
  runsByFigure.set(id, whole('runs', part.slice(eq + 1), undefined)!);
}
const runsOf = (id: FigureId, fallback: number) => runsByFigure.get(id) ?? runs ?? fallback;
const workers = whole('workers', values.workers, 200)!;
const lines = whole('lines', values.lines, 100_000)!;

const log = (line: string) => console.log(line);

function machine(): Record<string, string> {
  return {
    cpu: `${cpus()[0]?.model ?? 'unknown'}`,
    cores: String(cpus().length),
    node: process.version,
    os: `${osType()} ${release()}`,
    date: new Date().toISOString(),
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

const before = machine();
const benchStarted = performance.now();
log(`certwalk bench · ${before.cpu} · ${before.cores} cores · Node ${before.node} · ${before.os} · ${before.date} · load ${before.load}`);
const figures: Figure[] = [];
try {
  for (const id of selected) {
    log('');
    log(
      `-- ${id} (load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')})`,
    );
    const loadBefore = loadavg()[0]!;
    const started = performance.now();
    const measured = await runFigure(id);
    const loadAfter = loadavg()[0]!;
    // Only the load before says anything of other work: the figure's own processes raise the load after it.
    const busy = loadBefore > cpus().length ? ' (more runnable processes than cores before it started: other work shared the machine, figures are noisy)' : '';
    const figure = {
      ...measured,
      notes: [
        ...measured.notes,
        `took ${((performance.now() - started) / 60_000).toFixed(1)} min; 1-minute load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after${busy}`,
      ],
    };
    figures.push(figure);
    printFigure(figure, log);
  }
} finally {
  cleanUp();
}
printSummary(figures, log);
const after = machine();
log(`load average at the end: ${after.load}`);
if (values.markdown) {
  const commit = (() => {
    try {
      const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {encoding: 'utf8'}).trim();
      const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {encoding: 'utf8'}).trim() ? ' (with uncommitted changes)' : '';
      return sha + dirty;
    } catch {
      return 'unknown';
    }
  })();
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  writeFileSync(
    values.markdown,
    benchmarksMarkdown({machine: before, loadAtEnd: after.load ?? '', commit, command, minutes: (performance.now() - benchStarted) / 60_000}, figures),
  );
}
if (values.json) writeFileSync(values.json, `${JSON.stringify({machine: {...before, loadAtEnd: after.load}, figures}, null, 2)}\n`);

async function runFigure(id: FigureId): Promise<Figure> {
  switch (id) {
    case 'first-frame':
      return firstFrame({runs: runsOf(id, 10), log});
    case 'overhead':
      return overhead({runs: runsOf(id, 5), log});
    case 'cert':
      return certificateCreation({runs: runsOf(id, 20), log});
    case 'output':
      return outputPane({runs: runsOf(id, 3), lines, log});
    case 'fleet':
      return fleet({runs: runsOf(id, 3), workers, log});
  }
}
