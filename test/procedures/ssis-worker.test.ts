// The SSIS Scale Out worker procedure end to end on the sandbox: the real runner, journal, transcript and the
// simulated Windows tools (each command a real process), and once through the real binary.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {createDecipheriv} from 'node:crypto';
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, test} from 'node:test';
import {createSelfSigned, toPfx} from '../../src/certs/index.ts';
import {addFault, initSandbox, SandboxFleet, showSandbox} from '../../src/hosts/sandbox/index.ts';
import type {InitOptions} from '../../src/hosts/sandbox/index.ts';
import {updateNodeState} from '../../src/hosts/sandbox/state.ts';
import {sandboxCertFromDer} from '../../src/hosts/sandbox/tools/stores.ts';
import {replaceSetting} from '../../src/ops/scale-out-settings.ts';
import {readJournal} from '../../src/runner/journal.ts';
import type {StepStatus} from '../../src/state/types.ts';
import type {Lab} from '../helpers/procedure.ts';
import {prepare, runner, send} from '../helpers/procedure.ts';
import {tempDir} from '../helpers/temp.ts';

// The kept copy of the old certificate is decrypted with a key file in the state directory: keep it in the test's.
const HOME = tempDir('certwalk-worker-home-');
process.env.CERTWALK_HOME = HOME;

const WORKER_SETTINGS = 'C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\WorkerSettings.config';
const ACCOUNT = 'NT Service\\SSISScaleOutWorker140';
const SERVICE = 'SSISScaleOutWorker140';

/** test/helpers/procedure.ts's lab, with the sandbox options these tests need. */
async function labWith(workers: number, options: InitOptions = {}): Promise<Lab> {
  const root = tempDir('certwalk-lab-');
  const dir = join(root, 'sandbox');
  await initSandbox(dir, {workers, ...options});
  return {dir, home: join(root, 'home'), fleet: new SandboxFleet(dir), snapshot: () => showSandbox(dir)};
}

type Snapshot = Awaited<ReturnType<typeof showSandbox>>;

function settingsOf(node: Snapshot['nodes'][string]): Record<string, unknown> {
  const entry = Object.entries(node.settings).find(([p]) => p.toLowerCase() === WORKER_SETTINGS.toLowerCase());
  assert.ok(entry, `no ${WORKER_SETTINGS} in ${Object.keys(node.settings).join(', ')}`);
  return entry[1].values ?? {};
}

function certIn(node: Snapshot['nodes'][string], store: string, thumbprint: string) {
  return node.stores[store]?.find((c) => c.thumbprint === thumbprint);
}

interface Plan {
  worker: string;
  account: string;
  old: {thumbprint: string; subject: string};
  cert: {thumbprint: string; subject: string};
  grantSearch: string;
}

interface Resolved {
  workers: Plan[];
}

/** The plan of the only worker of a one-worker run. */
function only(prepared: {resolved: unknown}): Plan {
  const {workers} = prepared.resolved as Resolved;
  assert.equal(workers.length, 1);
  return workers[0]!;
}

async function start(l: Lab, overrides: Record<string, string> = {}, autoConfirmAll = true) {
  const {params, result} = await prepare(l, 'ssis-worker', overrides);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  const resolved = only(result.value);
  const r = runner(l, 'ssis-worker', params, result.value, autoConfirmAll);
  await send(r, {type: 'start'});
  return {r, resolved, prepared: result.value};
}

function kinds(steps: readonly {status: StepStatus}[]): string[] {
  return steps.map((s) => s.status.kind);
}

function failure(status: StepStatus | undefined): string {
  return status?.kind === 'failed' ? status.error : `(not failed: ${status?.kind})`;
}

/** Replaces the worker's certificate (in My and in WorkerHttpsCertThumbprint) with one made to order. */
async function replaceWorkerCert(l: Lab, node: string, commonNames: string[], exportable: boolean) {
  const made = await createSelfSigned({commonNames, dnsNames: commonNames});
  await updateNodeState(l.dir, node, (state) => {
    state.stores['My'] = [sandboxCertFromDer(made.der, {keyPem: made.keyPem, exportable, keyAcl: [ACCOUNT]})];
    return {state, result: undefined};
  });
  const host = await l.fleet.host(node);
  await host.writeFile(WORKER_SETTINGS, replaceSetting(await host.readFile(WORKER_SETTINGS), 'WorkerHttpsCertThumbprint', made.info.thumbprint));
  return made;
}

/** Keys of kept certificate copies (not the sessions' own sealed-secret keys, which come and go with each session). */
function keyFiles(): string[] {
  const dir = join(HOME, 'keys');
  return existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith('session-')) : [];
}

describe('ssis-worker on the sandbox', () => {
  test("a completed run: new certificate with its key and the account's access, old one gone, settings, master trust, service; rollback restores the exact state", async () => {
    // Given a master and two workers, rotating worker2
    const l = await labWith(2);
    const before = await l.snapshot();
    const {r, resolved} = await start(l, {workers: 'worker2'});
    assert.equal(r.snapshot.state.phase, 'completed', JSON.stringify(r.snapshot.state.steps.map((s) => [s.info.id, s.status.kind, failure(s.status)])));
    const oldThumb = resolved.old.thumbprint;
    const newThumb = resolved.cert.thumbprint;
    // The demo certificate has the very CN the procedure gives the new one
    assert.equal(resolved.old.subject, 'CN=10.0.1.2, CN=WORKER2');
    assert.equal(resolved.cert.subject, resolved.old.subject);

    // Then the worker's My has the new certificate with its key and the service account's access, and not the old one
    const after = await l.snapshot();
    const w = after.nodes.worker2!;
    const inMy = certIn(w, 'My', newThumb);
    assert.ok(inMy?.hasPrivateKey, 'new certificate with its key in My');
    assert.ok(inMy.keyAcl.includes(ACCOUNT), `key ACL ${inMy.keyAcl.join(', ')}`);
    assert.equal(certIn(w, 'My', oldThumb), undefined, 'old certificate deleted');
    assert.deepEqual(
      w.stores.My!.map((c) => c.thumbprint),
      [newThumb],
    );
    assert.ok(certIn(w, 'Root', newThumb), 'the worker trusts its own new certificate');
    assert.equal(settingsOf(w).WorkerHttpsCertThumbprint, newThumb);
    assert.equal(w.services[SERVICE]!.status, 'running');
    assert.ok(certIn(after.nodes.master!, 'Root', newThumb), 'the master trusts the new certificate');
    // And nothing else changed: worker1 untouched, the master only gained the one certificate
    assert.deepEqual(after.nodes.worker1, before.nodes.worker1);
    assert.deepEqual(
      after.nodes.master!.stores.Root!.filter((c) => c.thumbprint !== newThumb),
      before.nodes.master!.stores.Root,
    );
    assert.equal(keyFiles().filter((f) => f.startsWith(oldThumb)).length, 1, 'the key of the kept copy waits for a rollback');

    // When the session is rolled back
    await send(r, {type: 'rollback-requested'});
    assert.equal(r.snapshot.state.phase, 'rolled-back');
    assert.ok(
      r.snapshot.state.steps.every((s) => s.status.kind === 'undone'),
      kinds(r.snapshot.state.steps).join(','),
    );
    r.close();

    // Then the sandbox is exactly as before: the old certificate with its thumbprint, key and ACL, the settings bytes,
    // the master's Root
    const rolledBack = await l.snapshot();
    assert.deepEqual(rolledBack, before);
    assert.deepEqual(certIn(rolledBack.nodes.worker2!, 'My', oldThumb), {...certIn(before.nodes.worker2!, 'My', oldThumb)!, hasPrivateKey: true});
    assert.equal(keyFiles().filter((f) => f.startsWith(oldThumb)).length, 0, 'the key file goes once the old certificate is back');
  });

  test('a failure at each changing command, then rollback, restores the exact prior state', async () => {
    // One fault per command that changes something (and the export the delete depends on), in procedure order.
    const faults: {name: string; rule: Parameters<typeof addFault>[1]; step: string}[] = [
      {name: 'import into My', rule: {node: 'worker1', program: 'powershell', match: 'Import-PfxCertificate'}, step: 'worker1.import-cert'},
      {name: 'add to Root', rule: {node: 'worker1', program: 'certutil', match: '-addstore'}, step: 'worker1.root'},
      {name: 'export of the old certificate', rule: {node: 'worker1', program: 'powershell', match: 'Export-PfxCertificate'}, step: 'worker1.delete-old'},
      {name: 'delete of the old certificate', rule: {node: 'worker1', program: 'certutil', match: '-delstore'}, step: 'worker1.delete-old'},
      {name: 'grant', rule: {node: 'worker1', program: 'winhttpcertcfg', match: '-g -c'}, step: 'worker1.grant-key'},
      {name: 'master trust', rule: {node: 'master', program: 'certutil', match: '-addstore'}, step: 'master.trust-worker1'},
      {name: 'worker service start', rule: {node: 'worker1', program: 'sc', match: 'start'}, step: 'worker1.restart'},
    ];
    for (const {name, rule, step} of faults) {
      const l = await labWith(1);
      const before = await l.snapshot();
      await addFault(l.dir, rule);
      const {r} = await start(l);
      assert.equal(r.snapshot.state.phase, 'failed', `${name}: the run stops`);
      const failed = r.snapshot.state.steps.find((s) => s.status.kind === 'failed');
      assert.equal(failed?.info.id, step, `${name}: fails at ${step}`);
      await send(r, {type: 'rollback-requested'});
      r.close();
      assert.equal(r.snapshot.state.phase, 'rolled-back', name);
      assert.ok(!r.snapshot.state.steps.some((s) => s.status.kind === 'undo-failed'), `${name}: every undo succeeded`);
      assert.deepEqual(await l.snapshot(), before, `${name}: state restored`);
    }
  });

  test('another certificate named like the worker stays: certwalk deletes only the old one, by thumbprint', async () => {
    // Given worker1's My also holds an unrelated certificate whose CN is the worker's name, listed after the old one
    const l = await labWith(1);
    const other = await createSelfSigned({commonNames: ['WORKER1'], dnsNames: ['WORKER1']});
    const host = await l.fleet.host('worker1');
    await host.writeFile('C:\\Windows\\Temp\\other.pfx', toPfx(other, 'pw-1234'));
    assert.equal((await host.run('certutil', ['-f', '-p', 'pw-1234', '-importpfx', 'My', 'C:\\Windows\\Temp\\other.pfx'])).exitCode, 0);
    await host.removeFile('C:\\Windows\\Temp\\other.pfx');
    const before = await l.snapshot();

    // When the plan is made: the documented certmgr line is shown, not run, with its trap spelled out
    const {params, result} = await prepare(l, 'ssis-worker');
    assert.ok(result.ok);
    const resolved = only(result.value);
    const r = runner(l, 'ssis-worker', params, result.value);
    const [makeCert] = r.steps[0]!.plan();
    assert.equal(makeCert?.preview, false);
    assert.match(makeCert!.text, /^MakeCert\.exe -n CN=WORKER1;CN=10\.0\.1\.1 SSISScaleOutWorker\.cer -r -ss My -sr LocalMachine .*not run/);
    const deletePlan = r.steps.find((s) => s.id === 'worker1.delete-old')!.plan();
    const manual = deletePlan.find((p) => p.text.startsWith('certmgr.exe'));
    assert.equal(manual?.preview, false);
    assert.match(manual!.text, /^certmgr\.exe \/del \/c \/s \/r localmachine My \/n WORKER1 .*not run.*EVERY certificate.*the new one too/);
    assert.ok(deletePlan.some((p) => p.text === `certutil -delstore My ${resolved.old.thumbprint}`));
    // "WORKER1" would find the other certificate first; the IP is the new certificate's alone
    assert.equal(resolved.grantSearch, '10.0.1.1');

    // When it runs
    await send(r, {type: 'start'});
    assert.equal(r.snapshot.state.phase, 'completed', JSON.stringify(r.snapshot.state.steps.map((s) => failure(s.status))));
    const deleteStatus = r.snapshot.state.steps.find((s) => s.info.id === 'worker1.delete-old')!;
    assert.ok(deleteStatus.status.kind === 'done');

    // Then only the old certificate left My; the other one is there with its key, and the new one has the grant
    const after = (await l.snapshot()).nodes.worker1!;
    assert.deepEqual(after.stores.My!.map((c) => c.thumbprint).sort(), [other.info.thumbprint, resolved.cert.thumbprint].sort());
    assert.deepEqual(certIn(after, 'My', other.info.thumbprint), certIn(before.nodes.worker1!, 'My', other.info.thumbprint));
    assert.ok(certIn(after, 'My', resolved.cert.thumbprint)!.keyAcl.includes(ACCOUNT));

    await send(r, {type: 'rollback-requested'});
    r.close();
    assert.deepEqual(await l.snapshot(), before);
  });

  test('the confirmation names what goes, what is kept, what still points at it, and warns about the equal CN', async () => {
    const l = await labWith(1);
    const {r, resolved} = await start(l, {}, false);
    const waiting = r.snapshot.state.steps.find((s) => s.status.kind === 'awaiting-confirmation');
    assert.equal(waiting?.info.id, 'worker1.delete-old');
    assert.ok(waiting.status.kind === 'awaiting-confirmation');
    const {prompt} = waiting.status;
    assert.deepEqual(prompt.commands, [`certutil -delstore My ${resolved.old.thumbprint}`]);
    assert.match(prompt.removes.join('\n'), new RegExp(`${resolved.old.thumbprint} CN=10\\.0\\.1\\.1, CN=WORKER1 .*with its private key`));
    assert.match(prompt.restoreWith.join('\n'), /encrypted \(AES-256-GCM\).*keys\/.*\.key \(0600\)/);
    assert.match(prompt.restoreWith.join('\n'), /NT Service\\SSISScaleOutWorker140/);
    assert.match(prompt.references.join('\n'), /WorkerSettings\.config: WorkerHttpsCertThumbprint = /);
    assert.match(prompt.references.join('\n'), /master: LocalMachine\\Root holds/);
    assert.match(
      prompt.warnings.join('\n'),
      /same CN \(10\.0\.1\.1, WORKER1\): certwalk deletes .* by its thumbprint only; the documented certmgr\.exe \/del … \/n WORKER1 would delete both/,
    );
    // Declining changes nothing more and pauses
    const beforeDecline = await l.snapshot();
    await send(r, {type: 'declined', stepId: 'worker1.delete-old'} as never);
    assert.equal(r.snapshot.state.phase, 'paused');
    assert.deepEqual(await l.snapshot(), beforeDecline);
    // The key of the kept copy was written when it was captured (a crash after the answer must not lose it), 0600
    const kept = keyFiles().filter((f) => f.startsWith(resolved.old.thumbprint));
    assert.equal(kept.length, 1);
    assert.equal(statSync(join(HOME, 'keys', kept[0]!)).mode & 0o777, 0o600);
    r.close();
  });

  test('an old key that cannot be exported: the plan keeps the old certificate; the rotation finishes around it; rollback restores everything', async () => {
    // Given worker1's certificate has another CN and a key made without -pe
    const l = await labWith(1);
    const old = await replaceWorkerCert(l, 'worker1', ['worker1.contoso.local'], false);
    const before = await l.snapshot();
    const keysBefore = keyFiles();

    // When the rotation runs with the default oldCertificate=delete
    const {r, resolved} = await start(l);

    // Then there was no delete step to dead-end in: the run completes, the old certificate is still there with its ACL
    assert.equal(r.snapshot.state.phase, 'completed', JSON.stringify(r.snapshot.state.steps.map((s) => [s.info.id, failure(s.status)])));
    assert.ok(!r.snapshot.state.steps.some((s) => s.info.id.startsWith('worker1.delete-old')));
    const after = (await l.snapshot()).nodes.worker1!;
    assert.deepEqual(certIn(after, 'My', old.info.thumbprint), certIn(before.nodes.worker1!, 'My', old.info.thumbprint));
    assert.ok(certIn(after, 'My', resolved.cert.thumbprint)!.keyAcl.includes(ACCOUNT));
    assert.equal(settingsOf(after).WorkerHttpsCertThumbprint, resolved.cert.thumbprint);
    assert.equal(after.services[SERVICE]!.status, 'running');
    assert.deepEqual(keyFiles(), keysBefore);

    // And a rollback restores the rest
    await send(r, {type: 'rollback-requested'});
    r.close();
    assert.equal(r.snapshot.state.phase, 'rolled-back');
    assert.deepEqual(await l.snapshot(), before);
  });

  test('same CN and a key that cannot be exported: the new certificate adds the FQDN CN, the grant finds it alone; delete-unrecoverable deletes the old one last', async () => {
    // Given the demo's worker keys made without -pe (the documents' MakeCert: same CNs as the new certificate)
    const l = await labWith(1, {exportableWorkerKeys: false});
    const before = await l.snapshot();

    // When the admin chose oldCertificate=delete-unrecoverable
    const {r, resolved} = await start(l, {oldCertificate: 'delete-unrecoverable'});

    // Then the grant went through the FQDN, which only the new certificate has, and the old certificate went last
    assert.equal(r.snapshot.state.phase, 'completed', JSON.stringify(r.snapshot.state.steps.map((s) => [s.info.id, failure(s.status)])));
    assert.equal(resolved.grantSearch, 'worker1.contoso.local');
    assert.equal(r.snapshot.state.steps.at(-1)!.info.id, 'worker1.delete-old-unrecoverable');
    const after = (await l.snapshot()).nodes.worker1!;
    assert.equal(certIn(after, 'My', resolved.old.thumbprint), undefined);
    assert.ok(certIn(after, 'My', resolved.cert.thumbprint)!.keyAcl.includes(ACCOUNT));
    assert.deepEqual(certIn(before.nodes.worker1!, 'My', resolved.old.thumbprint)?.thumbprint, resolved.old.thumbprint);

    // And a rollback stops at the certificate nothing can bring back, leaving the worker on the new one
    await send(r, {type: 'rollback-requested'});
    r.close();
    assert.equal(r.snapshot.state.phase, 'rollback-failed');
    const gone = r.snapshot.state.steps.at(-1)!.status;
    assert.match(gone.kind === 'undo-failed' ? gone.error : '', /deleted without a way back \(its private key is not exportable\)/);
    assert.equal(settingsOf((await l.snapshot()).nodes.worker1!).WorkerHttpsCertThumbprint, resolved.cert.thumbprint);
  });

  test('bad parameters and broken worker state are refused with specific errors before anything changes', async () => {
    const l = await labWith(1);
    const before = await l.snapshot();
    const cases: [Record<string, string>, string, RegExp][] = [
      [{workers: 'worker9'}, 'workers', /no node named "worker9"; known: worker1/],
      [{workers: 'master'}, 'workers', /master is not an SSIS Scale Out worker/],
      [{workers: ''}, 'workers', /name the workers to change/],
      [{keyBits: '1024'}, 'keyBits', /at least 2048/],
      [{keyBits: 'big'}, 'keyBits', /at least 2048/],
      [{validDays: '0'}, 'validDays', /number of days/],
      [{account: ''}, 'account', /not an account name/],
      [{account: '-a'}, 'account', /not an account name/],
    ];
    for (const [overrides, key, message] of cases) {
      const {result} = await prepare(l, 'ssis-worker', overrides);
      assert.equal(result.ok, false, JSON.stringify(overrides));
      assert.match(!result.ok ? (result.errors[key] ?? '') : '', message, JSON.stringify(overrides));
    }

    const host = await l.fleet.host('worker1');
    const original = await host.readFile(WORKER_SETTINGS);
    const text = original.toString('utf8');
    const line = /\r\n {2}"WorkerHttpsCertThumbprint": "([0-9A-F]{40})",/.exec(text)!;
    const oldThumb = line[1]!;
    const files: [string, RegExp][] = [
      [text.replace(line[0], ''), /WorkerSettings\.config has no WorkerHttpsCertThumbprint/],
      [text.replace(line[0], `${line[0]}${line[0]}`), /WorkerSettings\.config has WorkerHttpsCertThumbprint 2 times/],
      [
        text.replace(oldThumb, 'A'.repeat(40)),
        new RegExp(`${'A'.repeat(40)} is not in LocalMachine\\\\My; LocalMachine\\\\My holds ${oldThumb} \\(CN=10\\.0\\.1\\.1, CN=WORKER1\\)`),
      ],
      [text.replace(oldThumb, `\u200e${oldThumb}`), /not a 40-hex-digit thumbprint/],
    ];
    for (const [content, message] of files) {
      await host.writeFile(WORKER_SETTINGS, Buffer.from(content, 'utf8'));
      const {result} = await prepare(l, 'ssis-worker');
      assert.equal(result.ok, false, String(message));
      assert.match(!result.ok ? (result.errors.workers ?? '') : '', new RegExp(`^worker1: .*${message.source}`));
    }
    await host.writeFile(WORKER_SETTINGS, original);
    assert.deepEqual(await l.snapshot(), before);
  });

  test('no password or private key in the journal or transcript; the kept copy opens only with its 0600 key file', async () => {
    const l = await labWith(1);
    const {r, prepared} = await start(l);
    r.close();
    assert.equal(r.snapshot.state.phase, 'completed');
    const journal = readJournal(r.journalPath);
    const captureEvent = journal.events.find((e) => e.type === 'capture-succeeded' && e.stepId === 'worker1.delete-old');
    assert.ok(captureEvent?.type === 'capture-succeeded');
    const kept = (captureEvent.captured as {kept: {iv: string; tag: string; ciphertext: string; keyFile: string}; thumbprint: string}).kept;
    const thumbprint = (captureEvent.captured as {thumbprint: string}).thumbprint;

    // The key file is private and opens the kept copy: the old certificate's PFX and its one-time password
    assert.equal(statSync(kept.keyFile).mode & 0o777, 0o600);
    assert.equal(statSync(join(HOME, 'keys')).mode & 0o777, 0o700);
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(readFileSync(kept.keyFile, 'utf8').trim(), 'base64'), Buffer.from(kept.iv, 'base64'));
    decipher.setAAD(Buffer.from(thumbprint));
    decipher.setAuthTag(Buffer.from(kept.tag, 'base64'));
    const inside = JSON.parse(Buffer.concat([decipher.update(Buffer.from(kept.ciphertext, 'base64')), decipher.final()]).toString('utf8')) as {password: string; pfxBase64: string};
    assert.ok(inside.password.length >= 20);
    const {fromPfx} = await import('../../src/certs/index.ts');
    assert.ok(fromPfx(Buffer.from(inside.pfxBase64, 'base64'), inside.password).keyPem, 'the kept PFX holds the old private key');

    // None of it, nor the new certificate's PFX and password, is written in clear
    const secrets = prepared.secrets;
    for (const file of [r.transcriptPath, r.journalPath]) {
      const text = readFileSync(file, 'utf8');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      for (const [what, value] of [
        ['the new PFX password', secrets.pfxPassword!],
        ['the new PFX', secrets['pfx:worker1']!.slice(0, 64)],
        ['the export password', inside.password],
        ['the old PFX', inside.pfxBase64.slice(0, 64)],
        ['the old PFX (middle)', inside.pfxBase64.slice(1000, 1064)],
      ] as const) {
        assert.ok(!text.includes(value), `${file} holds ${what}`);
      }
      assert.ok(!/PRIVATE KEY/.test(text), `${file} holds a private key`);
    }
    assert.match(readFileSync(r.transcriptPath, 'utf8'), /Export-PfxCertificate -Cert 'Cert:\\LocalMachine\\My\\[0-9A-F]{40}' -FilePath '[^']+' -Password \$password/);
  });

  test('certwalk run ssis-worker through the real binary, then rollback --journal', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const base = tempDir('certwalk-worker-cli-');
    const home = join(base, 'home');
    const dir = join(base, 'sandbox');
    const certwalk = (args: string[]) => {
      const result = spawnSync(process.execPath, [join(root, 'bin', 'certwalk.js'), ...args], {
        cwd: root,
        encoding: 'utf8',
        env: {...process.env, CERTWALK_HOME: home, NO_COLOR: '1'},
        input: '',
      });
      return {code: result.status, out: result.stdout + result.stderr, stdout: result.stdout};
    };
    assert.equal(certwalk(['sandbox', 'init', dir, '--workers', '2']).code, 0);
    const before = certwalk(['sandbox', 'show', dir, '--json']).stdout;
    assert.match(certwalk(['list']).stdout, /ssis-worker/);

    const journal = join(base, 'run.jsonl');
    const run = certwalk(['run', 'ssis-worker', '--sandbox', dir, '--yes', '--journal', journal, '--param', 'worker=worker2']);
    assert.equal(run.code, 0, run.out);
    assert.match(run.stdout, /completed: 8 steps verified/);
    assert.match(run.stdout, /WorkerSettings\.config WorkerHttpsCertThumbprint [0-9A-F]{40} → [0-9A-F]{40}/);
    const after = JSON.parse(certwalk(['sandbox', 'show', dir, '--json']).stdout) as Snapshot;
    assert.deepEqual(after.nodes.worker1, (JSON.parse(before) as Snapshot).nodes.worker1, 'worker1 was not chosen');
    assert.equal(after.nodes.worker2!.services[SERVICE]!.status, 'running');

    const rollback = certwalk(['rollback', '--journal', journal, '--yes']);
    assert.equal(rollback.code, 0, rollback.out);
    assert.match(rollback.stdout, /restored [0-9A-F]{8}…[0-9A-F]{4} with its private key/);
    assert.equal(certwalk(['sandbox', 'show', dir, '--json']).stdout, before);
    const events = readJournal(journal).events.map((e) => e.type);
    assert.ok(events.includes('undo-succeeded'));
  });
});
