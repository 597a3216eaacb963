// BENCHMARKS.md from one `npm run bench` run: written by the bench itself (`--markdown FILE`), so the figures in it
// are the ones printed, never copied by hand.
import {fmt, SUMMARY_HEADER, summaryCells, type Figure} from './stats.ts';

export interface RunInfo {
  readonly machine: Readonly<Record<string, string>>;
  readonly loadAtEnd: string;
  readonly commit: string;
  readonly command: string;
  readonly minutes: number;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function benchmarksMarkdown(run: RunInfo, figures: readonly Figure[]): string {
  const m = run.machine;
  const out: string[] = [
    '# certwalk benchmarks',
    '',
    `Written by \`${run.command}\` (bench/run.ts) on ${m.date?.slice(0, 10)}; do not edit by hand, run it again. Every figure`,
    'is measured against a baseline in the same run (medians of repeated runs, alternating which goes first); the',
    'targets are those of the issue that asked for them. Nothing here is a test (`npm test` checks behaviour).',
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.os}; commit ${run.commit}; load average ${m.load} at the start,`,
    `${run.loadAtEnd} at the end; ${run.minutes.toFixed(0)} min in all.`,
    '',
    `| ${SUMMARY_HEADER.join(' | ')} |`,
    `|${SUMMARY_HEADER.map(() => '---|').join('')}`,
  ];
  for (const f of figures) out.push(`| ${summaryCells(f, '**missed**').map(cell).join(' | ')} |`);
  for (const f of figures) {
    out.push('', `## ${f.title}`, '', f.measures, '', '| | median | min | max | n | |', '|---|---|---|---|---|---|');
    for (const r of f.rows)
      out.push(`| ${[r.label, fmt(r.stats.median, r.unit), fmt(r.stats.min, r.unit), fmt(r.stats.max, r.unit), String(r.stats.n), r.note ?? ''].map(cell).join(' | ')} |`);
    out.push('');
    if (f.ratio !== undefined) out.push(`Ratio of the medians: **${f.ratio.toFixed(2)}x**. `);
    out.push(`Target ${f.target}: **${f.met ? 'met' : 'missed'}**.`);
    if (f.notes.length) out.push('', ...f.notes.map((n) => `- ${n}`));
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}
