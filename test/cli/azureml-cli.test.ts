// `certwalk run azureml-ssl --sandbox DIR --yes` through the real binary, both cluster variants, each undone with
// `certwalk rollback --journal` back to the exact sandbox it started from.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, test} from 'node:test';
import {createSelfSigned, toPfx} from '../../src/certs/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'certwalk.js');

function certwalk(args: string[], home: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {cwd: root, encoding: 'utf8', env: {...process.env, CERTWALK_HOME: home, NO_COLOR: '1', ...env}, input: ''});
  return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

describe('certwalk run azureml-ssl', () => {
  const base = mkdtempSync(join(tmpdir(), 'certwalk-azcli-'));
  const home = join(base, 'home');
  const dir = join(base, 'sandbox');
  const show = () => certwalk(['sandbox', 'show', dir, '--json'], home).stdout;

  test('new cluster: run --yes creates it with SSL; rollback --journal deletes it', () => {
    assert.equal(certwalk(['sandbox', 'init', dir, '--workers', '0'], home).code, 0);
    const before = show();
    const journal = join(base, 'new.jsonl');
    const run = certwalk(
      ['run', 'azureml-ssl', '--sandbox', dir, '--yes', '--journal', journal, '--param', 'variant=new', '--param', 'cluster=mlprod', '--param', 'cname=mlscore.contoso.com'],
      home,
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /mlprod SSL\s+\(none\) → Enabled \(mlscore\.contoso\.com\)/);
    assert.match(run.stdout, /completed: 6 steps verified/);
    const after = JSON.parse(show());
    assert.deepEqual(
      after.nodes.mlclient.azureml.clusters.map((c: {name: string}) => c.name),
      ['mlcluster', 'mlprod'],
    );
    const back = certwalk(['rollback', '--journal', journal, '--yes', '--sandbox', dir], home);
    assert.equal(back.code, 0, back.stdout + back.stderr);
    assert.match(back.stdout, /deleted cluster mlprod from ml-rg/);
    assert.equal(show(), before);
  });

  test('existing cluster from a PFX (password from the environment, never on the command line): run, then rollback', async () => {
    const made = await createSelfSigned({commonNames: ['mlscore.contoso.com'], dnsNames: ['mlscore.contoso.com']});
    const pfx = join(base, 'scoring.pfx');
    writeFileSync(pfx, toPfx(made, 'Env-Pass-42'));
    const before = show();
    const refused = certwalk(
      ['run', 'azureml-ssl', '--sandbox', dir, '--yes', '--param', 'cname=mlscore.contoso.com', '--param', `certificate=${pfx}`, '--param', 'passphrase=Env-Pass-42'],
      home,
    );
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /passphrase is a secret: it is never given on a command line/);
    const journal = join(base, 'existing.jsonl');
    const run = certwalk(['run', 'azureml-ssl', '--sandbox', dir, '--yes', '--journal', journal, '--param', 'cname=mlscore.contoso.com', '--param', `certificate=${pfx}`], home, {
      CERTWALK_CERT_PASSPHRASE: 'Env-Pass-42',
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /irisapp scoringUri\s+http:\/\/52\.168\.40\.17:80\/api\/v1\/service\/irisapp\/score → https:\/\/mlscore\.contoso\.com\/api\/v1\/service\/irisapp\/score/,
    );
    const transcript = /transcript (\S+)/.exec(run.stdout)?.[1] ?? '';
    assert.doesNotMatch(readFileSync(journal, 'utf8') + readFileSync(transcript, 'utf8') + run.stdout, /Env-Pass-42|PRIVATE KEY/);
    assert.equal(JSON.parse(show()).nodes.mlclient.azureml.clusters[0].ssl.status, 'Enabled');
    const back = certwalk(['rollback', '--journal', journal, '--yes', '--sandbox', dir], home);
    assert.equal(back.code, 0, back.stdout + back.stderr);
    assert.equal(show(), before);
  });
});
