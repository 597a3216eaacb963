// holdYoungGeneration keeps V8's young generation from growing after a burst of surviving allocations (what forge
// and a long command output cause): measured in a child process, whose heap the test runner's own work cannot move.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {test} from 'node:test';

const root = fileURLToPath(new URL('../..', import.meta.url));

function newSpaceAfterBurst(hold: boolean): number {
  const script = `
    import {getHeapSpaceStatistics} from 'node:v8';
    import {holdYoungGeneration} from './src/cli/young-generation.ts';
    if (${hold}) holdYoungGeneration();
    // Many short-lived strings, some of each round kept: most survive a scavenge or two, which makes V8 grow.
    const kept = [];
    for (let round = 0; round < 200; round++) {
      const batch = [];
      for (let i = 0; i < 20000; i++) batch.push('line ' + i + ' of round ' + round);
      kept.push(batch.slice(0, 50));
    }
    const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(space.space_size);
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {cwd: root, encoding: 'utf8'});
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

test('the young generation stays the size it had when held; without it, the same burst grows it', () => {
  const free = newSpaceAfterBurst(false);
  const held = newSpaceAfterBurst(true);
  assert.ok(held <= 4 * 1024 * 1024, `held: ${held} bytes`);
  assert.ok(free >= 4 * held, `grew to ${free} bytes without the hold, ${held} with it`);
});
