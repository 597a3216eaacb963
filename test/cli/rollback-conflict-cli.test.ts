// Issue 17: rolling back a session whose values a later session replaced. Through the real binary: two ssis-master
// runs (J1, J2), then `rollback --journal J1`: it must change nothing (no setting, binding or certificate put back over
// J2's, no service restarted), exit non-zero, and say what it expected (J1's thumbprint) and found (J2's), naming J2.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, describe, test} from 'node:test';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'certwalk.js');

function certwalk(args: string[], home: string) {
  const result = spawnSync(process.execPath, [bin, ...args], {cwd: root, encoding: 'utf8', env: {...process.env, CERTWALK_HOME: home, NO_COLOR: '1'}, input: ''});
  return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

interface Shown {
  nodes: Record<string, {bindings: {ipport: string; certhash: string}[]; settings: Record<string, {values: Record<string, string>}>; services: Record<string, {status: string}>}>;
}

describe('rollback of a session a later session built on', () => {
  const base = mkdtempSync(join(tmpdir(), 'certwalk-cli-conflict-'));
  const home = join(base, 'home');
  const dir = join(base, 'sandbox');
  after(() => rmSync(base, {recursive: true, force: true}));
  const show = () => certwalk(['sandbox', 'show', dir, '--json'], home).stdout;
  const bound = (shown: Shown) => shown.nodes.master!.bindings.find((b) => b.ipport === '0.0.0.0:8391')!.certhash.toUpperCase();

  test('rollback --journal J1 after J2 changes nothing, exits non-zero and names both thumbprints and J2', () => {
    assert.equal(certwalk(['sandbox', 'init', dir, '--workers', '2'], home).code, 0);
    const j1 = join(base, 'J1.jsonl');
    const j2 = join(base, 'J2.jsonl');
    const beforeAll = show();
    const run1 = certwalk(['run', 'ssis-master', '--sandbox', dir, '--yes', '--journal', j1], home);
    assert.equal(run1.code, 0, run1.stdout + run1.stderr);
    const afterJ1 = show();
    const run2 = certwalk(['run', 'ssis-master', '--sandbox', dir, '--yes', '--journal', j2], home);
    assert.equal(run2.code, 0, run2.stdout + run2.stderr);
    const afterJ2 = show();
    const t1 = bound(JSON.parse(afterJ1) as Shown);
    const t2 = bound(JSON.parse(afterJ2) as Shown);
    assert.notEqual(t1, t2);

    const rollback = certwalk(['rollback', '--journal', j1, '--yes'], home);
    const said = rollback.stdout + rollback.stderr;
    assert.notEqual(rollback.code, 0, said);
    // Nothing changed: the binding, MasterSettings, every WorkerSettings and the services are as J2 left them
    assert.equal(show(), afterJ2);
    const shown = JSON.parse(show()) as Shown;
    assert.equal(bound(shown), t2);
    for (const [name, node] of Object.entries(shown.nodes).filter(([n]) => /^(master|worker\d)$/.test(n))) {
      for (const [path, file] of Object.entries(node.settings)) {
        const value = file.values.SSLCertThumbprint ?? file.values.MasterHttpsCertThumbprint;
        assert.equal(value, t2, `${name} ${path}`);
      }
      for (const [service, status] of Object.entries(node.services)) assert.equal(status.status, 'running', `${name} ${service}`);
    }
    // The refusal says what it found (J2's), what it expected (J1's), and which session changed it
    assert.match(said, new RegExp(`SSLCertThumbprint .* on master holds ${t2}, but this session left ${t1} there; certwalk changed nothing`));
    assert.match(said, new RegExp(`MasterHttpsCertThumbprint .* on worker2 holds ${t2}, but this session left ${t1} there`));
    assert.match(said, new RegExp(`journal ${j2.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(said, /not restarted: SSLCertThumbprint/);

    // And J2's own rollback is untouched by the refused one: it brings back exactly what J1 left
    // (the refused rollback changed nothing, so it left the nodes free for J2 to lock)
    assert.match(said, /only conflicts: nothing was changed by them/);
    const rollback2 = certwalk(['rollback', '--journal', j2, '--yes'], home);
    assert.equal(rollback2.code, 0, rollback2.stdout + rollback2.stderr);
    assert.equal(show(), afterJ1);

    // And J1's rollback, retried now, undoes exactly what it had not: the fleet is back where it started
    const rollback3 = certwalk(['rollback', '--journal', j1, '--yes'], home);
    assert.equal(rollback3.code, 0, rollback3.stdout + rollback3.stderr);
    assert.equal(show(), beforeAll);
  });

  test('a run that stops after deleting the binding lists the deleted binding among its changes', () => {
    const before = show();
    const shownBefore = JSON.parse(before) as Shown;
    assert.equal(certwalk(['sandbox', 'fault', dir, '--program', 'netsh', '--match', 'add sslcert', '--node', 'master'], home).code, 0);
    const journal = join(base, 'failed.jsonl');
    const run = certwalk(['run', 'ssis-master', '--sandbox', dir, '--yes', '--journal', journal, '--param', 'workers=worker1'], home);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`http\\.sys 0\\.0\\.0\\.0:8391 \\(deleted\\)\\s+${bound(shownBefore)} → \\(none\\)`));
    const rollback = certwalk(['rollback', '--journal', journal, '--yes'], home);
    assert.equal(rollback.code, 0, rollback.stdout + rollback.stderr);
    assert.equal(show(), before);
  });
});
