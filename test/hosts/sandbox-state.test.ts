// The sandbox's storage: Windows paths, the node lock, atomic state updates, init's safety rules, big fleets.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdirSync, writeFileSync} from 'node:fs';
import {mkdtemp, readdir, rm, utimes, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {initSandbox, showSandbox, windowsPathToSandbox} from '../../src/hosts/sandbox/index.ts';
import {withLock} from '../../src/hosts/sandbox/lock.ts';
import {readNodeState, sandboxPaths, updateNodeState} from '../../src/hosts/sandbox/state.ts';
import {addFault, listFaults, ruleMatches, takeFault} from '../../src/hosts/sandbox/faults.ts';
import {sandboxCertFromDer} from '../../src/hosts/sandbox/tools/stores.ts';
import {cmsCertificateFromDer} from '../../src/hosts/sandbox/tools/lync-cmdlets.ts';
import {createSelfSigned} from '../../src/certs/index.ts';

async function tempDir(t: {after: (fn: () => Promise<void>) => void}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'certwalk-state-'));
  t.after(() => rm(dir, {recursive: true, force: true}));
  return dir;
}

test('windowsPathToSandbox maps drive and segments, reusing the spelling already on disk', async (t) => {
  const node = await tempDir(t);
  assert.equal(windowsPathToSandbox(node, 'C:\\Program Files\\x.config'), join(node, 'fs', 'C', 'Program Files', 'x.config'));
  mkdirSync(join(node, 'fs', 'C', 'Program Files', 'Microsoft SQL Server'), {recursive: true});
  writeFileSync(join(node, 'fs', 'C', 'Program Files', 'Microsoft SQL Server', 'Settings.Config'), '{}');
  assert.equal(
    windowsPathToSandbox(node, 'c:/PROGRAM FILES\\microsoft sql server\\settings.config'),
    join(node, 'fs', 'C', 'Program Files', 'Microsoft SQL Server', 'Settings.Config'),
  );
  assert.equal(windowsPathToSandbox(node, 'd:\\New\\File.txt'), join(node, 'fs', 'D', 'New', 'File.txt'));
  assert.throws(() => windowsPathToSandbox(node, 'relative\\path'), /not an absolute Windows path/);
  assert.throws(() => windowsPathToSandbox(node, '\\\\server\\share\\x'), /not an absolute Windows path/);
  assert.throws(() => windowsPathToSandbox(node, 'C:\\Windows\\..\\..\\escape'), /'\.\.' is not allowed/);
});

test('withLock serialises concurrent holders and cleans up after itself', async (t) => {
  const dir = await tempDir(t);
  const lock = join(dir, 'x.lock');
  let inside = 0;
  let maxInside = 0;
  await Promise.all(
    Array.from({length: 25}, () =>
      withLock(lock, async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inside--;
      }),
    ),
  );
  assert.equal(maxInside, 1);
  assert.equal(existsSync(lock), false);
  await assert.rejects(
    withLock(lock, async () => Promise.reject(new Error('inner'))),
    /inner/,
  );
  assert.equal(existsSync(lock), false, 'released after a failure too');
});

test('a stale lock left by a crashed process is broken', async (t) => {
  const dir = await tempDir(t);
  const lock = join(dir, 'x.lock');
  await writeFile(lock, '99999 dead');
  const old = new Date(Date.now() - 60_000);
  await utimes(lock, old, old);
  const started = Date.now();
  assert.equal(await withLock(lock, async () => 'got it'), 'got it');
  assert.ok(Date.now() - started < 5_000);
});

test('updateNodeState: concurrent read-modify-writes lose nothing and leave no temp files', async (t) => {
  const dir = await tempDir(t);
  await initSandbox(dir, {workers: 0});
  await Promise.all(
    Array.from({length: 30}, (_, i) =>
      updateNodeState(dir, 'master', (state) => {
        state.services[`svc${i}`] = {displayName: `S${i}`, account: 'LocalSystem', status: 'stopped', win32ExitCode: 0, startType: 'auto'};
        return {state, result: undefined};
      }),
    ),
  );
  const state = await readNodeState(dir, 'master');
  assert.equal(Object.keys(state.services).filter((name) => name.startsWith('svc')).length, 30);
  assert.deepEqual((await readdir(sandboxPaths.nodeDir(dir, 'master'))).sort(), ['fs', 'state.json']);
});

test('initSandbox refuses a non-empty directory, and force never deletes foreign files', async (t) => {
  const dir = await tempDir(t);
  await initSandbox(dir, {workers: 1});
  const before = await showSandbox(dir);
  await assert.rejects(initSandbox(dir, {workers: 1}), /is not empty; use force/);
  await initSandbox(dir, {workers: 2, force: true});
  const after = await showSandbox(dir);
  assert.deepEqual(Object.keys(after.nodes), ['master', 'worker1', 'worker2', 'mlclient', 'fe1', 'fe2', 'fe3']);
  assert.notEqual(after.nodes['master']!.bindings[0]!.certhash, before.nodes['master']!.bindings[0]!.certhash, 'new certificates');
  await writeFile(join(dir, 'my-notes.txt'), 'precious');
  await assert.rejects(initSandbox(dir, {force: true}), /not part of a sandbox \(my-notes\.txt\)/);
  assert.ok(existsSync(join(dir, 'my-notes.txt')));
});

test('fault rules: matching by node, program (.exe optional) and argument substring; counted uses', async (t) => {
  const dir = await tempDir(t);
  assert.equal(ruleMatches({program: 'SC.EXE', match: 'START'}, 'n', 'sc', ['start', 'X']), true);
  assert.equal(ruleMatches({program: 'sc', node: 'other'}, 'n', 'sc', ['start']), false);
  assert.equal(ruleMatches({program: 'sc', match: 'stop'}, 'n', 'sc', ['start']), false);
  await addFault(dir, {program: 'netsh', times: 2});
  await addFault(dir, {program: 'certutil', times: 0});
  assert.ok(await takeFault(dir, 'n', 'netsh.exe', ['http'], undefined));
  assert.equal((await listFaults(dir))[0]!.times, 1);
  assert.ok(await takeFault(dir, 'n', 'netsh', ['http'], undefined));
  assert.equal(await takeFault(dir, 'n', 'netsh', ['http'], undefined), undefined);
  for (let i = 0; i < 3; i++) assert.ok(await takeFault(dir, 'n', 'certutil', [], undefined), 'times 0 = forever');
  const fromEnv = await takeFault(dir, 'n', 'sc', ['start'], JSON.stringify([{program: 'sc', output: 'x'}]));
  assert.equal(fromEnv?.output, 'x');
  await assert.rejects(addFault(dir, {program: ''}), /needs a "program"/);
});

test('a fleet of 251 workers initialises quickly; addresses roll over past .250', async (t) => {
  const dir = await tempDir(t);
  const started = performance.now();
  await initSandbox(dir, {workers: 251});
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 30_000, `took ${Math.round(elapsed)} ms`);
  const snapshot = await showSandbox(dir);
  assert.equal(snapshot.nodes['worker250']!.ip, '10.0.1.250');
  assert.equal(snapshot.nodes['worker251']!.ip, '10.0.2.1');
  const ssisNodes = Object.values(snapshot.nodes).filter((n) => n.roles.some((r) => r.startsWith('ssis-')));
  const thumbprints = new Set(ssisNodes.map((n) => n.stores['My']![0]!.thumbprint));
  assert.equal(thumbprints.size, 252, 'every node has its own certificate');
  assert.equal(snapshot.nodes['master']!.stores['Root']!.length, 252);
});

test('a stored certificate keeps the field names every sandbox made so far has in its state.json', async () => {
  const made = await createSelfSigned({commonNames: ['compat.contoso.com'], dnsNames: ['compat.contoso.com']});
  const stored = ['thumbprint', 'subject', 'issuer', 'serialNumber', 'notBefore', 'notAfter', 'derBase64'];
  assert.deepEqual(Object.keys(sandboxCertFromDer(made.der, {keyPem: made.keyPem, exportable: true})).sort(), [...stored, 'exportable', 'keyAcl', 'keyPem'].sort());
  const cms = cmsCertificateFromDer(made.der);
  assert.deepEqual(Object.keys(cms).sort(), [...stored, 'alternativeNames'].sort());
  assert.deepEqual(cms.alternativeNames, ['compat.contoso.com']);
  assert.equal(cms.notAfter, made.info.notAfter.toISOString(), 'dates are kept as ISO 8601');
});
