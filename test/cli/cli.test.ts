// The unattended twins through the real binary: `sandbox init|show`, `plan`, `run --yes`, `rollback --yes`.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, test} from 'node:test';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'certwalk.js');

function certwalk(args: string[], home: string) {
  const result = spawnSync(process.execPath, [bin, ...args], {cwd: root, encoding: 'utf8', env: {...process.env, CERTWALK_HOME: home, NO_COLOR: '1'}, input: ''});
  return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

describe('certwalk command line', () => {
  const base = mkdtempSync(join(tmpdir(), 'certwalk-cli-'));
  const home = join(base, 'home');
  const dir = join(base, 'sandbox');

  test('sandbox init and show', () => {
    const init = certwalk(['sandbox', 'init', dir, '--workers', '2'], home);
    assert.equal(init.code, 0, init.stderr);
    const shown = JSON.parse(certwalk(['sandbox', 'show', dir, '--json'], home).stdout);
    assert.deepEqual(Object.keys(shown.nodes), ['master', 'worker1', 'worker2', 'mlclient', 'fe1', 'fe2', 'fe3']);
    const again = certwalk(['sandbox', 'init', dir], home);
    assert.notEqual(again.code, 0, 'refuses to overwrite a sandbox without --force');
  });

  test('run --yes then rollback --yes through the journal restores the sandbox exactly', () => {
    const before = certwalk(['sandbox', 'show', dir, '--json'], home).stdout;
    const journal = join(base, 'run.jsonl');
    const run = certwalk(['run', 'ssis-master', '--sandbox', dir, '--yes', '--journal', journal, '--param', 'workers=worker2'], home);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /completed: 9 steps verified/);
    assert.match(run.stdout, /http\.sys 0\.0\.0\.0:8391\s+[0-9A-F]{40} → [0-9A-F]{40}/);
    const after = JSON.parse(certwalk(['sandbox', 'show', dir, '--json'], home).stdout);
    const newThumb = after.nodes.master.bindings.find((b: {ipport: string}) => b.ipport === '0.0.0.0:8391').certhash.toUpperCase();
    const workerSettings = Object.values(after.nodes.worker2.settings)[0] as {values: Record<string, string>};
    assert.equal(workerSettings.values.MasterHttpsCertThumbprint, newThumb);
    const untouched = Object.values(after.nodes.worker1.settings)[0] as {values: Record<string, string>};
    assert.notEqual(untouched.values.MasterHttpsCertThumbprint, newThumb, 'worker1 was not chosen');

    const rollback = certwalk(['rollback', '--journal', journal, '--yes'], home);
    assert.equal(rollback.code, 0, rollback.stdout + rollback.stderr);
    assert.match(rollback.stdout, /rolled back: every completed step was undone/);
    assert.equal(certwalk(['sandbox', 'show', dir, '--json'], home).stdout, before);
  });

  test('run refuses without --yes, and refuses bad parameters before changing anything', () => {
    const before = certwalk(['sandbox', 'show', dir, '--json'], home).stdout;
    const noYes = certwalk(['run', 'ssis-master', '--sandbox', dir], home);
    assert.equal(noYes.code, 2);
    assert.match(noYes.stderr, /--yes/);
    const bad = certwalk(['run', 'ssis-master', '--sandbox', dir, '--yes', '--param', 'keyBits=512', '--param', 'workers=nope'], home);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /keyBits: key size must be at least 2048 bits/);
    assert.match(bad.stderr, /workers: no node named "nope"/);
    const unknown = certwalk(['plan', 'ssis-master', '--sandbox', dir, '--param', 'colour=blue'], home);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown parameter colour/);
    assert.equal(certwalk(['sandbox', 'show', dir, '--json'], home).stdout, before);
  });

  test('a failed unattended run exits 1, names the rollback command, and the rollback restores the state', () => {
    const before = certwalk(['sandbox', 'show', dir, '--json'], home).stdout;
    assert.equal(certwalk(['sandbox', 'fault', dir, '--program', 'netsh', '--match', 'add sslcert', '--node', 'master'], home).code, 0);
    const journal = join(base, 'failed.jsonl');
    const run = certwalk(['run', 'ssis-master', '--sandbox', dir, '--yes', '--journal', journal], home);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Error 1312: A specified logon session does not exist/);
    assert.match(run.stderr, new RegExp(`certwalk rollback --journal ${journal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} --yes`));
    const rollback = certwalk(['rollback', '--journal', journal, '--yes'], home);
    assert.equal(rollback.code, 0, rollback.stderr);
    assert.equal(certwalk(['sandbox', 'show', dir, '--json'], home).stdout, before);
  });

  test('plan prints every step with its exact command and no secret', () => {
    const plan = certwalk(['plan', 'ssis-master', '--sandbox', dir], home);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /\$ netsh http delete sslcert ipport=0\.0\.0\.0:8391/);
    assert.match(plan.stdout, /Import-PfxCertificate -FilePath '[^']+' -CertStoreLocation 'Cert:\\LocalMachine\\Root' -Password \$password -Exportable/);
    assert.doesNotMatch(plan.stdout, /certutil[^\n]* -p /);
    assert.match(plan.stdout, /appid=\{6b9d1f0c-2f5a-4c1e-9d8e-1f2a3b4c5d6e\}/);
  });

  test('usage errors are specific', () => {
    assert.match(certwalk(['frobnicate'], home).stderr, /unknown command "frobnicate"/);
    assert.match(certwalk(['run'], home).stderr, /needs a procedure/);
    assert.match(certwalk(['rollback'], home).stderr, /needs --journal/);
    assert.match(certwalk(['run', 'nope', '--yes'], home).stderr, /unknown procedure "nope"/);
    const noTty = certwalk([], home);
    assert.equal(noTty.code, 2);
    assert.match(noTty.stderr, /needs a terminal/);
  });
});
