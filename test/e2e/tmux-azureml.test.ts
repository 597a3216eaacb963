// End to end, the Azure ML new-cluster path: the real binary in a real terminal (tmux), keys typed one at a time,
// at 80×24 and at 200×50. Parameters are edited on the screen (variant picker, cluster name, CNAME), the plan is
// started, the completed screen shows the before/after rows, and r y rolls the sandbox back to exactly what it was.
// tmux is required: without it these tests fail, they do not skip.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import type {Tmux} from '../helpers/tmux.ts';
import {assertFits, certwalkText as certwalk, open, pressUntil, world} from '../helpers/e2e.ts';

const CNAME = 'mlscore.contoso.com';

interface AzureSnapshot {
  clusters: {name: string; ssl: {status: string; cname: string | null; certThumbprint: string | null}}[];
  current: string | null;
}

function show(home: string, dir: string): {text: string; azure: AzureSnapshot} {
  const text = certwalk(home, 'sandbox', 'show', dir, '--json');
  return {text, azure: (JSON.parse(text) as {nodes: {mlclient: {azureml: AzureSnapshot}}}).nodes.mlclient.azureml};
}

function launch(width: number, height: number) {
  const w = world('az', '--workers', '0');
  const before = show(w.home, w.dir);
  return {tmux: open(w, width, height), dir: w.dir, home: w.home, before};
}

/** Moves the cursor (Down) until `selected` matches the screen, pressing at most `max` times. */
async function downUntil(tmux: Tmux, selected: RegExp, max = 20): Promise<void> {
  await pressUntil(tmux, 'Down', (screen) => selected.test(screen), String(selected), max);
}

/** Enter on the selected free-text row, clear its value, type `value`, Enter. */
async function retype(tmux: Tmux, current: string, value: string): Promise<void> {
  await tmux.keys('Enter');
  await tmux.waitFor('Enter accept · Esc cancel');
  for (let i = 0; i < current.length; i++) await tmux.keys('BSpace');
  await tmux.keys(...value);
  await tmux.keys('Enter');
}

describe('azureml-ssl in a real terminal (tmux): a new cluster with SSL', () => {
  for (const [width, height] of [
    [80, 24],
    [200, 50],
  ] as const) {
    test(`${width}×${height}: parameters on screen, plan, s, completed with before/after rows; r y rolls back to the exact sandbox`, async () => {
      // Given the demo Azure state and certwalk started on it
      const {tmux, dir, home, before} = launch(width, height);
      await tmux.waitFor('Choose a procedure:');
      // When the admin picks the Azure ML procedure
      await downUntil(tmux, /❯ Azure ML cluster: SSL for real-time scoring/);
      await tmux.keys('Enter');
      const form = await tmux.waitFor('Continue to the plan →');
      assertFits(form, width, height);
      assert.match(form, /Cluster name\s+mlcluster/);
      // …chooses a new cluster in the picker, names it and gives the CNAME
      await downUntil(tmux, /› Cluster\s+existing/);
      await tmux.keys('Enter');
      await tmux.waitFor('new cluster: az ml env create');
      await tmux.keys('Down', 'Enter');
      await tmux.waitFor(/› Cluster\s+new/);
      await downUntil(tmux, /› Cluster name\s+mlcluster/);
      await retype(tmux, 'mlcluster', 'mlprod');
      await tmux.waitFor(/Cluster name\s+mlprod/);
      await downUntil(tmux, /› CNAME\s+\(empty\)/);
      await retype(tmux, '', CNAME);
      await tmux.waitFor(new RegExp(`CNAME\\s+${CNAME.replace(/\./g, '\\.')}`));
      // …and continues to the plan
      await downUntil(tmux, /› Continue to the plan →/);
      await tmux.keys('Enter');
      const plan = await tmux.waitFor(/plan: 6 steps/, 60_000);
      assertFits(plan, width, height);
      if (height >= 50) {
        assert.match(plan, new RegExp(`\\$ az ml env create -c -g ml-rg -n mlprod --cert-cname ${CNAME.replace(/\./g, '\\.')} --cert-pem`));
        assert.match(plan, /Create cluster mlprod with SSL \(a rollback deletes it\)/);
      }

      // When the plan is started (a new cluster asks no confirmation: nothing existing is changed)
      await tmux.keys('s');
      const done = await tmux.waitFor('✔ Completed: all 6 steps done and read back', 60_000);
      assertFits(done, width, height);
      assert.match(done.split('\n')[0]!, /COMPLETED 6\/6$/);
      // Then the before/after rows show the new cluster's SSL, certificate, DNS record and scoring URL
      assert.match(done, /mlclient\s+mlprod SSL\s+\(none\)\s+→ Enabled \(mlscore/);
      assert.match(done, /mlclient\s+mlprod certificate\s+\(none\)\s+→ [0-9A-F]{6,}/);
      assert.match(done, /mlclient\s+current environment\s+ml-rg\/mlcluster\s+→ ml-rg\/mlprod/);
      if (width >= 200) {
        assert.match(done, new RegExp(`DNS ${CNAME.replace(/\./g, '\\.')}\\s+\\(not checked\\)\\s+→ A 52\\.\\d+\\.\\d+\\.\\d+`));
        assert.match(done, /mlprod scoring\s+\(no cluster\)\s+→ https:\/\/mlscore\.contoso\.com\/api\/v1\//);
      }
      // …and the sandbox has the new cluster with SSL for the CNAME, now the current environment
      const afterRun = show(home, dir).azure;
      const created = afterRun.clusters.find((c) => c.name === 'mlprod');
      assert.deepEqual([created?.ssl.status, created?.ssl.cname], ['Enabled', CNAME]);
      assert.equal(afterRun.current, 'ml-rg/mlprod');

      // When the admin presses r and then y
      await tmux.keys('r');
      const list = await tmux.waitFor('Roll back: undo every step that changed something');
      assertFits(list, width, height);
      assert.match(list, /undo \[mlclient\] Create cluster mlprod with SSL \(a rollback deletes it\)/);
      await tmux.keys('y');
      const rolled = await tmux.waitFor('↺ Rolled back', 60_000);
      assertFits(rolled, width, height);
      // Then the cluster is gone and the sandbox is exactly as before
      assert.equal(show(home, dir).text, before.text);

      // And q leaves with exit code 0
      await tmux.keys('q');
      await tmux.waitFor('[exited 0]');
    });
  }
});
