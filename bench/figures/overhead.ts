// The tool's own overhead: a sandbox procedure run by `certwalk run --yes` against a plain script running the same
// commands on a fresh copy of the same sandbox.
import {sandboxTemplate} from '../lib/env.ts';
import {fmt, type Figure} from '../lib/stats.ts';
import {versusReplay} from '../lib/versus-replay.ts';

const TARGET = 1.1;

export async function overhead(options: {runs: number; log: (line: string) => void}): Promise<Figure> {
  const template = await sandboxTemplate(3);
  const r = await versusReplay({template, procedure: 'ssis-master', params: {}, concurrency: 1, runs: options.runs, log: options.log});
  const ratio = r.certwalk.median / r.replay.median;
  return {
    id: 'overhead',
    title: `certwalk's own overhead: ssis-master (${r.steps} steps) by \`certwalk run --yes\` against a plain script`,
    measures:
      `Wall time of \`node bin/certwalk.js run ssis-master --yes --sandbox COPY\` (the demo sandbox: master and 3 workers; ${r.steps} steps, ` +
      `${r.commands.prepare + r.commands.run} simulated commands) against bench/replay.mjs running the same commands (exact argv, recorded from an ` +
      `untimed run of the same code) and writing the same files, one after the other, on a fresh copy of the same sandbox. Both start every ` +
      `simulated command as \`node dist/sandbox-tool.js\`.`,
    rows: [
      {label: 'certwalk run --yes', stats: r.certwalk, unit: 's'},
      {label: 'plain replay', stats: r.replay, unit: 's'},
      {label: 'certwalk: until its first step', stats: r.certwalkBefore, unit: 's', note: '(start, parameters read from the nodes, certificate made, nodes locked)'},
      {label: "replay: prepare's commands", stats: r.replayPrepare, unit: 's'},
    ],
    ratio,
    target: `<= ${TARGET}x`,
    met: ratio <= TARGET,
    notes: [...r.notes, `certwalk spends ${fmt(r.certwalk.median - r.replay.median, 's')} more (medians)`],
  };
}
