// Medians and spreads of repeated runs, and how a figure is printed.

export interface Stats {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** 90th percentile (nearest rank): for latencies, where the tail matters as much as the middle. */
  readonly p90: number;
}

export function stats(samples: readonly number[]): Stats {
  if (!samples.length) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const p90 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.9) - 1)]!;
  return {n: sorted.length, median, min: sorted[0]!, max: sorted.at(-1)!, p90};
}

export type Unit = 'ms' | 's' | 'MB';

export function fmt(value: number, unit: Unit): string {
  if (unit === 's') return `${(value / 1000).toFixed(value >= 100_000 ? 1 : value >= 10_000 ? 2 : 3)} s`;
  if (unit === 'MB') return `${value.toFixed(1)} MB`;
  return `${value.toFixed(value >= 100 ? 0 : 1)} ms`;
}

export function fmtStats(s: Stats, unit: Unit): string {
  return `median ${fmt(s.median, unit)} (min ${fmt(s.min, unit)}, max ${fmt(s.max, unit)}, n=${s.n})`;
}

/** One line of a figure: what was measured and its samples. */
export interface Row {
  readonly label: string;
  readonly stats: Stats;
  readonly unit: Unit;
  /** Shown after the numbers (e.g. the p90 of a latency). */
  readonly note?: string;
}

/** A figure: certwalk against its baseline (or against an absolute target), and whether it meets the target. */
export interface Figure {
  readonly id: string;
  readonly title: string;
  /** Exactly what is measured, one sentence or two (BENCHMARKS.md quotes it). */
  readonly measures: string;
  readonly rows: readonly Row[];
  /** certwalk median / baseline median, when the figure is a ratio. */
  readonly ratio?: number;
  /** Human-readable target, e.g. `<= 1.3x`. */
  readonly target: string;
  readonly met: boolean;
  readonly notes: readonly string[];
}

export function printFigure(f: Figure, log: (line: string) => void = console.log): void {
  log('');
  log(`== ${f.title} [${f.id}]`);
  log(`   ${f.measures}`);
  const width = Math.max(...f.rows.map((r) => r.label.length));
  for (const r of f.rows) log(`   ${r.label.padEnd(width)}  ${fmtStats(r.stats, r.unit)}${r.note ? `  ${r.note}` : ''}`);
  if (f.ratio !== undefined) log(`   ${'ratio (medians)'.padEnd(width)}  ${f.ratio.toFixed(2)}x`);
  log(`   ${'target'.padEnd(width)}  ${f.target}: ${f.met ? 'met' : 'MISSED'}`);
  for (const n of f.notes) log(`   note: ${n}`);
}

export const SUMMARY_HEADER = ['figure', 'certwalk (median)', 'baseline (median)', 'ratio', 'target', 'result'];

/** A figure's row in the summary table (printed at the end of a run, and in BENCHMARKS.md). */
export function summaryCells(f: Figure, missed: string): string[] {
  const [a, b] = f.rows;
  return [
    f.id,
    a ? fmt(a.stats.median, a.unit) : '',
    f.ratio === undefined || !b ? '' : fmt(b.stats.median, b.unit),
    f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}x`,
    f.target,
    f.met ? 'met' : missed,
  ];
}

/** The closing table: one line per figure, columns as wide as their widest cell. */
export function printSummary(figures: readonly Figure[], log: (line: string) => void = console.log): void {
  const rows = figures.map((f) => summaryCells(f, 'MISSED'));
  const header = SUMMARY_HEADER;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  log('');
  for (const r of [header, ...rows])
    log(
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
}
