// The SSIS Scale Out master procedure end to end on the sandbox: the real runner, journal, transcript and the
// simulated Windows tools (each command a real process).
import assert from 'node:assert/strict';
import {readFileSync, rmSync, statSync} from 'node:fs';
import {dirname} from 'node:path';
import {describe, test} from 'node:test';
import {addFault} from '../../src/hosts/sandbox/index.ts';
import {readJournal} from '../../src/runner/journal.ts';
import {giveForeignKey} from '../helpers/foreign-key.ts';
import {lab, prepare, runner, send} from '../helpers/procedure.ts';

const MASTER_SETTINGS = 'C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\MasterSettings.config';
const WORKER_SETTINGS = 'C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\WorkerSettings.config';

function settingsOf(node: {settings: Record<string, {values: Record<string, unknown> | null}>}, path: string) {
  const entry = Object.entries(node.settings).find(([p]) => p.toLowerCase() === path.toLowerCase());
  assert.ok(entry, `no ${path} in ${Object.keys(node.settings).join(', ')}`);
  return entry[1].values ?? {};
}

describe('ssis-master on the sandbox', () => {
  test('a completed run puts the new thumbprint everywhere, keeps the appid and options; rollback restores the exact state', async () => {
    // Given a master and two workers
    const l = await lab(2);
    const before = await l.snapshot();
    const oldBinding = before.nodes.master!.bindings.find((b) => b.ipport === '0.0.0.0:8391')!;
    const {params, result} = await prepare(l, 'ssis-master');
    assert.ok(result.ok);
    const r = runner(l, 'ssis-master', params, result.value);

    // When the procedure runs with every confirmation given up front
    await send(r, {type: 'start'});
    assert.equal(r.snapshot.state.phase, 'completed', JSON.stringify(r.snapshot.state.steps.map((s) => s.status.kind)));
    const newThumb = (result.value.resolved as {cert: {thumbprint: string}}).cert.thumbprint;

    // Then the master binding carries the new hash with the original appid, store and options
    const after = await l.snapshot();
    const binding = after.nodes.master!.bindings.find((b) => b.ipport === '0.0.0.0:8391')!;
    assert.equal(binding.certhash.toUpperCase(), newThumb);
    assert.equal(binding.appid.toLowerCase(), oldBinding.appid.toLowerCase());
    assert.equal(binding.certstorename, oldBinding.certstorename);
    assert.deepEqual(binding.options, oldBinding.options);
    // And the unrelated binding is untouched
    assert.deepEqual(
      after.nodes.master!.bindings.filter((b) => b.ipport !== '0.0.0.0:8391'),
      before.nodes.master!.bindings.filter((b) => b.ipport !== '0.0.0.0:8391'),
    );
    assert.equal(settingsOf(after.nodes.master!, MASTER_SETTINGS).SSLCertThumbprint, newThumb);
    assert.ok(after.nodes.master!.stores.Root!.some((c) => c.thumbprint === newThumb && c.hasPrivateKey));
    for (const worker of ['worker1', 'worker2']) {
      const node = after.nodes[worker]!;
      assert.ok(
        node.stores.Root!.some((c) => c.thumbprint === newThumb),
        `${worker} trusts the new certificate`,
      );
      assert.equal(settingsOf(node, WORKER_SETTINGS).MasterHttpsCertThumbprint, newThumb);
      assert.equal(node.services.SSISScaleOutWorker140!.status, 'running');
    }
    assert.equal(after.nodes.master!.services.SSISScaleOutMaster140!.status, 'running');

    // When the session is rolled back
    await send(r, {type: 'rollback-requested'});
    assert.equal(r.snapshot.state.phase, 'rolled-back');
    assert.ok(r.snapshot.state.steps.every((s) => s.status.kind === 'undone'));
    r.close();

    // Then the sandbox is exactly as before the run (file bytes included, through their hashes)
    assert.deepEqual(await l.snapshot(), before);
  });

  test('workers run side by side with --concurrency: every worker reconnected, and rollback is exact', async () => {
    // Given a master and four workers, three handled at once
    const l = await lab(4);
    const before = await l.snapshot();
    const {params, result} = await prepare(l, 'ssis-master');
    assert.ok(result.ok);
    const r = runner(l, 'ssis-master', params, result.value, true, 3);
    const newThumb = (result.value.resolved as {cert: {thumbprint: string}}).cert.thumbprint;
    // When it runs, Then at some moment several workers are in flight together
    let widest = 0;
    r.subscribe(() => {
      const lanes = new Set(r.snapshot.state.steps.filter((s) => s.info.lane && ['capturing', 'running', 'verifying'].includes(s.status.kind)).map((s) => s.info.lane));
      widest = Math.max(widest, lanes.size);
    });
    await send(r, {type: 'start'});
    assert.equal(r.snapshot.state.phase, 'completed');
    assert.equal(widest, 3, 'three workers ran at once');
    const after = await l.snapshot();
    for (const worker of ['worker1', 'worker2', 'worker3', 'worker4']) {
      assert.equal(settingsOf(after.nodes[worker]!, WORKER_SETTINGS).MasterHttpsCertThumbprint, newThumb, worker);
      assert.equal(after.nodes[worker]!.services.SSISScaleOutWorker140!.status, 'running', worker);
    }
    // When rolled back, Then the fleet is exactly as before
    await send(r, {type: 'rollback-requested'});
    r.close();
    assert.deepEqual(await l.snapshot(), before);
  });

  test('a fault on one worker with --on-failure continue: the others are reconnected, that one is named failed, rollback is exact', async () => {
    // Given three workers, two at once, and worker2's settings write failing
    const l = await lab(3);
    const before = await l.snapshot();
    await addFault(l.dir, {node: 'worker2', program: 'certutil', match: '-addstore'});
    const {params, result} = await prepare(l, 'ssis-master');
    assert.ok(result.ok);
    const r = runner(l, 'ssis-master', params, result.value, true, 2, 'continue');
    const newThumb = (result.value.resolved as {cert: {thumbprint: string}}).cert.thumbprint;
    // When it runs
    await send(r, {type: 'start'});
    // Then the procedure ends failed, worker2's trust step failed and its later steps never ran
    const {state} = r.snapshot;
    assert.equal(state.phase, 'failed');
    const status = (id: string) => state.steps.find((s) => s.info.id === id)!.status.kind;
    assert.equal(status('worker2.trust-master'), 'failed');
    assert.equal(status('worker2.settings'), 'pending');
    // And workers 1 and 3 are reconnected
    const after = await l.snapshot();
    for (const worker of ['worker1', 'worker3']) {
      assert.equal(status(`${worker}.restart`), 'done', worker);
      assert.equal(settingsOf(after.nodes[worker]!, WORKER_SETTINGS).MasterHttpsCertThumbprint, newThumb, worker);
    }
    assert.notEqual(settingsOf(after.nodes.worker2!, WORKER_SETTINGS).MasterHttpsCertThumbprint, newThumb);
    // When rolled back, Then everything is as before
    await send(r, {type: 'rollback-requested'});
    r.close();
    assert.deepEqual(await l.snapshot(), before);
  });

  test('netsh add fails after the delete: the failure stops the run, rollback re-adds the original binding', async () => {
    // Given the add of the new binding will fail the way Windows fails (error 1312)
    const l = await lab(1);
    const before = await l.snapshot();
    await addFault(l.dir, {node: 'master', program: 'netsh', match: 'add sslcert'});
    const {params, result} = await prepare(l, 'ssis-master');
    assert.ok(result.ok);
    const r = runner(l, 'ssis-master', params, result.value);

    // When it runs
    await send(r, {type: 'start'});

    // Then the add step failed with netsh's own words, and nothing after it ran
    const {state} = r.snapshot;
    assert.equal(state.phase, 'failed');
    const ids = state.steps.map((s) => s.info.id);
    const failedAt = ids.indexOf('master.add-binding');
    const failed = state.steps[failedAt]!.status;
    assert.equal(failed.kind, 'failed');
    assert.match(failed.kind === 'failed' ? failed.error : '', /1312/);
    assert.deepEqual(
      state.steps.slice(failedAt + 1).map((s) => s.status.kind),
      state.steps.slice(failedAt + 1).map(() => 'pending'),
    );
    // And the master has no binding on 8391 at this moment (the delete ran)
    const during = await l.snapshot();
    assert.equal(
      during.nodes.master!.bindings.find((b) => b.ipport === '0.0.0.0:8391'),
      undefined,
    );

    // When the user rolls back
    await send(r, {type: 'rollback-requested'});
    r.close();

    // Then the original binding is back with its hash and appid, and everything else is as before
    const after = await l.snapshot();
    assert.deepEqual(
      after.nodes.master!.bindings.find((b) => b.ipport === '0.0.0.0:8391'),
      before.nodes.master!.bindings.find((b) => b.ipport === '0.0.0.0:8391'),
    );
    assert.deepEqual(after, before);
  });

  test('a failure at any step, then rollback, always restores the exact prior state', async () => {
    // One fault per command that changes something, in procedure order (1 worker: 9 steps).
    const faults: {name: string; rule: Parameters<typeof addFault>[1]}[] = [
      {name: 'import into Root', rule: {node: 'master', program: 'powershell', match: 'Import-PfxCertificate'}},
      {name: 'netsh delete', rule: {node: 'master', program: 'netsh', match: 'delete sslcert'}},
      {name: 'netsh add', rule: {node: 'master', program: 'netsh', match: 'add sslcert'}},
      {name: 'master service start', rule: {node: 'master', program: 'sc', match: 'start'}},
      {name: 'worker trust', rule: {node: 'worker1', program: 'certutil', match: '-addstore'}},
      {name: 'worker service start', rule: {node: 'worker1', program: 'sc', match: 'start'}},
    ];
    for (const {name, rule} of faults) {
      const l = await lab(1);
      const before = await l.snapshot();
      await addFault(l.dir, rule);
      const {params, result} = await prepare(l, 'ssis-master');
      assert.ok(result.ok);
      const r = runner(l, 'ssis-master', params, result.value);
      await send(r, {type: 'start'});
      assert.equal(r.snapshot.state.phase, 'failed', `${name}: the run stops`);
      await send(r, {type: 'rollback-requested'});
      r.close();
      assert.equal(r.snapshot.state.phase, 'rolled-back', name);
      assert.ok(!r.snapshot.state.steps.some((s) => s.status.kind === 'undo-failed'), `${name}: every undo succeeded`);
      assert.deepEqual(await l.snapshot(), before, `${name}: state restored`);
    }
  });

  test('the journal replays to the same state and the transcript is private and names every command', async () => {
    const l = await lab(1);
    const {params, result} = await prepare(l, 'ssis-master');
    assert.ok(result.ok);
    const r = runner(l, 'ssis-master', params, result.value);
    await send(r, {type: 'start'});
    r.close();
    const journal = readJournal(r.journalPath);
    assert.equal(journal.header.procedure, 'ssis-master');
    assert.equal(journal.events.at(-1)?.type, 'verify-succeeded');
    // Effects are journaled before they run: every command record follows an effect record.
    const kinds = journal.records.map((rec) => rec.kind);
    assert.ok(kinds.indexOf('effect') < kinds.indexOf('command'));
    const transcript = readFileSync(r.transcriptPath, 'utf8');
    assert.equal(statSync(r.transcriptPath).mode & 0o777, 0o600);
    assert.equal(statSync(r.journalPath).mode & 0o777, 0o600);
    assert.match(transcript, /netsh http delete sslcert ipport=0\.0\.0\.0:8391/);
    assert.match(transcript, /CONFIRMED by .*--yes/);
    // The one-time PFX password and the private key never reach the disk in clear
    const secrets = result.value.secrets;
    for (const file of [r.transcriptPath, r.journalPath]) {
      const text = readFileSync(file, 'utf8');
      assert.ok(!text.includes(secrets.pfxPassword!), `${file} holds the PFX password`);
      assert.ok(!text.includes(secrets.pfxBase64!.slice(0, 64)), `${file} holds the PFX`);
      assert.ok(!/PRIVATE KEY/.test(text), `${file} holds a private key`);
    }
  });

  test('declining a confirmation changes nothing and pauses', async () => {
    const l = await lab(1);
    const {params, result} = await prepare(l, 'ssis-master');
    assert.ok(result.ok);
    const r = runner(l, 'ssis-master', params, result.value, false);
    await send(r, {type: 'start'});
    const waiting = r.snapshot.state.steps.find((s) => s.status.kind === 'awaiting-confirmation');
    assert.equal(waiting?.info.id, 'master.delete-binding');
    const beforeDecline = await l.snapshot();
    await send(r, {type: 'declined', stepId: 'master.delete-binding'} as never);
    assert.equal(r.snapshot.state.phase, 'paused');
    assert.deepEqual(await l.snapshot(), beforeDecline);
    r.close();
  });

  test("an existing certificate from the master's Root store can be chosen, and the workers get its public part", async () => {
    // Given a second certificate with a private key in the master's Root store
    const l = await lab(1);
    const {createSelfSigned, toPfx} = await import('../../src/certs/index.ts');
    const made = await createSelfSigned({commonNames: ['master.contoso.local'], dnsNames: ['master.contoso.local']});
    const host = await l.fleet.host('master');
    await host.writeFile('C:\\Windows\\Temp\\other.pfx', toPfx(made, 'pw-1234'));
    const imported = await host.run('certutil', ['-f', '-p', 'pw-1234', '-importpfx', 'Root', 'C:\\Windows\\Temp\\other.pfx']);
    assert.equal(imported.exitCode, 0, imported.stdout);
    // When it is chosen by a pasted thumbprint (with the invisible mark the Certificates console copies)
    const {params, result} = await prepare(l, 'ssis-master', {certificate: `\u200e${made.info.thumbprint.toLowerCase()}`});
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    const r = runner(l, 'ssis-master', params, result.value);
    assert.ok(!r.steps.some((s) => s.id === 'master.import-cert'), 'nothing to import');
    await send(r, {type: 'start'});
    r.close();
    // Then it is bound and trusted by the worker
    const after = await l.snapshot();
    assert.equal(r.snapshot.state.phase, 'completed');
    assert.equal(after.nodes.master!.bindings.find((b) => b.ipport === '0.0.0.0:8391')!.certhash.toUpperCase(), made.info.thumbprint);
    assert.ok(after.nodes.worker1!.stores.Root!.some((c) => c.thumbprint === made.info.thumbprint));
  });

  test('an existing certificate whose key is not its own is refused, naming it, before anything changes', async () => {
    const l = await lab(1);
    try {
      // Given a second certificate imported with its key into the master's Root store
      const {createSelfSigned, toPfx} = await import('../../src/certs/index.ts');
      const made = await createSelfSigned({commonNames: ['master.contoso.local'], dnsNames: ['master.contoso.local']});
      const thumb = made.info.thumbprint;
      const host = await l.fleet.host('master');
      await host.writeFile('C:\\Windows\\Temp\\other.pfx', toPfx(made, 'pw-1234'));
      const imported = await host.run('certutil', ['-f', '-p', 'pw-1234', '-importpfx', 'Root', 'C:\\Windows\\Temp\\other.pfx']);
      assert.equal(imported.exitCode, 0, imported.stdout);
      // And its store entry then linked to a key that is not its own (the store still reports a private key)
      await giveForeignKey(l.dir, 'master', 'Root', thumb);
      const before = await l.snapshot();
      assert.ok(before.nodes.master!.stores.Root!.some((c) => c.thumbprint === thumb && c.hasPrivateKey));

      // When it is chosen by its thumbprint
      const {definition, result} = await prepare(l, 'ssis-master', {certificate: thumb.toLowerCase()});

      // Then the parameters are refused: the message names the thumbprint, the failed test and what to do
      assert.equal(result.ok, false);
      const message = !result.ok ? (result.errors.certificate ?? '') : '';
      assert.match(message, new RegExp(`^${thumb} in LocalMachine\\\\Root on master failed certutil's key test \\("Encryption test FAILED"\\)`));
      assert.match(message, /re-import the certificate with its own key \(its PFX\), choose another certificate, or use certificate=new/);
      // And the form does not offer it, while it still offers a certificate whose key passes
      const choices = (await definition.form(l.fleet)).specs.find((s) => s.key === 'certificate')!.choices!.map((c) => c.value);
      assert.ok(!choices.includes(thumb), choices.join(' '));
      const current = before.nodes.master!.bindings.find((b) => b.ipport === '0.0.0.0:8391')!.certhash.toUpperCase();
      assert.ok(choices.includes(current), choices.join(' '));
      // And when certutil cannot list the store at all (a failed key test might end it with an error), that is a refusal too
      await addFault(l.dir, {node: 'master', program: 'certutil', match: '-store Root', times: 0});
      const unlisted = (await prepare(l, 'ssis-master', {certificate: thumb})).result;
      assert.match(!unlisted.ok ? (unlisted.errors.certificate ?? '') : '', new RegExp(`^cannot list LocalMachine\\\\Root on master to check ${thumb}: `));
      // And nothing changed on any node
      assert.deepEqual(await l.snapshot(), before);
    } finally {
      rmSync(dirname(l.dir), {recursive: true, force: true});
    }
  });

  test('bad parameters are refused with specific errors before anything changes', async () => {
    const l = await lab(1);
    const before = await l.snapshot();
    const cases: [Record<string, string>, string, RegExp][] = [
      [{keyBits: '1024'}, 'keyBits', /at least 2048/],
      [{workers: 'worker9'}, 'workers', /no node named "worker9"/],
      [{port: '8392'}, 'port', /no SSL binding on 0\.0\.0\.0:8392/],
      [{port: 'http'}, 'port', /whole number/],
      [{certificate: 'ABC'}, 'certificate', /40|hex/i],
      [{certificate: 'A'.repeat(40)}, 'certificate', /not in LocalMachine\\Root/],
      [{commonNames: 'bad host!'}, 'commonNames', /not a host name/],
      [{master: 'worker1'}, 'master', /not an SSIS Scale Out master/],
    ];
    for (const [overrides, key, message] of cases) {
      const {result} = await prepare(l, 'ssis-master', overrides);
      assert.equal(result.ok, false, JSON.stringify(overrides));
      assert.match(!result.ok ? (result.errors[key] ?? '') : '', message, JSON.stringify(overrides));
    }
    // The certificate that is already bound is refused too
    const current = before.nodes.master!.bindings.find((b) => b.ipport === '0.0.0.0:8391')!.certhash;
    const {result} = await prepare(l, 'ssis-master', {certificate: current});
    assert.match(!result.ok ? (result.errors.certificate ?? '') : '', /already uses/);
    assert.deepEqual(await l.snapshot(), before);
  });
});
