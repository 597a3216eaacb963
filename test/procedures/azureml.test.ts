// The Azure ML SSL procedure on the sandbox: every refusal of bad input (nothing changed), both cluster variants run
// and roll back to the exact prior state, and a fault on `az ml env create`. The real runner, journal, transcript
// and simulated tools (each command a real process) take part.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {createPrivateKey} from 'node:crypto';
import {existsSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, test} from 'node:test';
import {createSelfSigned, toPfx} from '../../src/certs/index.ts';
import {AZUREML_DEMO} from '../../src/hosts/sandbox/azureml-demo.ts';
import {addFault, initSandbox, SandboxFleet, showSandbox} from '../../src/hosts/sandbox/index.ts';
import {updateNodeState} from '../../src/hosts/sandbox/state.ts';
import type {StepStatus} from '../../src/state/types.ts';
import type {Lab} from '../helpers/procedure.ts';
import {prepare, runner, send} from '../helpers/procedure.ts';
import {useFreshSandboxTool} from '../helpers/sandbox-tool.ts';
import {tempDir} from '../helpers/temp.ts';

const HOME = tempDir('certwalk-azureml-home-');
process.env.CERTWALK_HOME = HOME;
await useFreshSandboxTool(tempDir('certwalk-azureml-tool-'));

const CNAME = AZUREML_DEMO.cname;
const files = tempDir('certwalk-azureml-files-');
const good = await createSelfSigned({commonNames: [CNAME], dnsNames: [CNAME]});
const other = await createSelfSigned({commonNames: ['other.contoso.com'], dnsNames: ['other.contoso.com']});
const expired = await createSelfSigned({commonNames: [CNAME], notBefore: new Date(Date.now() - 60 * 86_400_000), validDays: 30});

function fifo(name: string): string {
  const path = join(files, name);
  const made = spawnSync('mkfifo', [path]);
  assert.equal(made.status, 0, `mkfifo: ${made.stderr}`);
  return path;
}

/** A file of `size` bytes that takes no disk space (a hole). */
function sparse(name: string, size: number): string {
  const path = file(name, '');
  truncateSync(path, size);
  return path;
}

function file(name: string, data: string | Buffer): string {
  const path = join(files, name);
  writeFileSync(path, data);
  return path;
}

async function labOnlyAzure(): Promise<Lab> {
  const root = tempDir('certwalk-lab-');
  const dir = join(root, 'sandbox');
  await initSandbox(dir, {workers: 0, lyncFrontEnds: 0});
  return {dir, home: join(root, 'home'), fleet: new SandboxFleet(dir), snapshot: () => showSandbox(dir)};
}

function failure(status: StepStatus | undefined): string {
  return status?.kind === 'failed' ? status.error : `(not failed: ${status?.kind})`;
}

function summary(r: ReturnType<typeof runner>): string {
  return JSON.stringify(r.snapshot.state.steps.map((s) => [s.info.id, s.status.kind, s.status.kind === 'failed' ? s.status.error : '']));
}

function pemDirs(): string[] {
  const dir = join(HOME, 'azureml');
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe('azureml-ssl refuses bad input, with nothing changed', () => {
  const cases: [string, () => Record<string, string>, string, RegExp][] = [
    [
      'a PEM key with a passphrase, none given',
      () => ({
        certificate: file('c1.pem', good.certPem),
        key: file('k1.pem', createPrivateKey(good.keyPem).export({type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'p4ss'}).toString()),
      }),
      'passphrase',
      /protected by a passphrase: give it/,
    ],
    ['a PFX with a wrong password', () => ({certificate: file('c2.pfx', toPfx(good, 'right')), passphrase: 'wrong'}), 'passphrase', /PFX password is not correct/],
    [
      'a key that does not match the certificate',
      () => ({certificate: file('c3.pem', good.certPem), key: file('k3.pem', other.keyPem)}),
      'key',
      /the private key does not belong to the certificate [0-9A-F]{40} \(CN=mlscore\.contoso\.com\)/,
    ],
    [
      "a PEM file whose key is not its certificate's",
      () => ({certificate: file('c3b.pem', `${good.certPem}${other.keyPem}`)}),
      'certificate',
      /does not belong to the certificate/,
    ],
    [
      'a CNAME the certificate does not name',
      () => ({certificate: file('c4.pem', `${other.certPem}${other.keyPem}`)}),
      'cname',
      /is not for mlscore\.contoso\.com: it names CN other\.contoso\.com, DNS other\.contoso\.com/,
    ],
    ['an expired certificate', () => ({certificate: file('c5.pem', `${expired.certPem}${expired.keyPem}`)}), 'certificate', /expired on/],
    ['a malformed CNAME', () => ({cname: 'ml score.contoso'}), 'cname', /is not a DNS name/],
    ['a wildcard CNAME', () => ({cname: '*.contoso.com'}), 'cname', /is a wildcard/],
    ['an IP address as CNAME', () => ({cname: '52.1.2.3'}), 'cname', /is an IP address/],
    [
      'a resource group that does not exist',
      () => ({resourceGroup: 'nope-rg'}),
      'resourceGroup',
      /resource group nope-rg does not exist \(az group show: Resource group 'nope-rg' could not be found\.\)/,
    ],
    [
      'a cluster that does not exist (existing variant)',
      () => ({cluster: 'nocluster'}),
      'cluster',
      /cluster nocluster does not exist in ml-rg \(az ml env show: The Resource 'Microsoft\.MachineLearningCompute\/operationalizationClusters\/nocluster' under resource group 'ml-rg' was not found\.\)/,
    ],
    ['a cluster that exists already (new variant)', () => ({variant: 'new'}), 'cluster', /cluster mlcluster already exists in ml-rg/],
    ['a certificate file that is not there', () => ({certificate: join(files, 'missing.pfx')}), 'certificate', /does not exist on this computer/],
    // Reading one of these never ends (or blocks until a writer comes): refused before a byte is read.
    ['a device as the certificate file', () => ({certificate: '/dev/zero'}), 'certificate', /the certificate file \/dev\/zero is not a regular file \(a device\)/],
    [
      'a named pipe as the key file',
      () => ({certificate: file('c7.pem', good.certPem), key: fifo('k7.pem')}),
      'key',
      /the key file .*k7\.pem is not a regular file \(a named pipe\)/,
    ],
    ['a certificate file of many MiB', () => ({certificate: sparse('huge.pem', 5 * 1024 * 1024)}), 'certificate', /is 5242880 bytes; a certificate or key file is far smaller/],
    ['a directory as the certificate file', () => ({certificate: files}), 'certificate', /is not a regular file \(a directory\)/],
    ['a service the cluster does not have', () => ({service: 'nosvc'}), 'service', /no real-time service nosvc on mlcluster; services: irisapp/],
  ];

  test('each refusal names its parameter and says why', async () => {
    const l = await labOnlyAzure();
    const before = await l.snapshot();
    for (const [what, overrides, key, message] of cases) {
      const {result} = await prepare(l, 'azureml-ssl', {cname: CNAME, ...overrides()});
      assert.equal(result.ok, false, `${what}: accepted`);
      if (result.ok) continue;
      const error = result.errors[key];
      assert.ok(error !== undefined, `${what}: no error for ${key}, but ${JSON.stringify(result.errors)}`);
      assert.match(error, message, what);
    }
    assert.deepEqual(await l.snapshot(), before, 'the sandbox is unchanged');
    assert.deepEqual(pemDirs(), [], 'no PEM file was written');
  });

  test('Azure unreachable from the admin node: the az error is shown, nothing changed', async () => {
    const l = await labOnlyAzure();
    await addFault(l.dir, {program: 'az', match: 'group show'});
    const {result} = await prepare(l, 'azureml-ssl', {cname: CNAME});
    assert.ok(!result.ok);
    assert.equal(
      result.errors.resourceGroup,
      'cannot read Azure from mlclient: az group show: Azure Error: InternalServerError\nMessage: An internal server error occurred. Please try again.',
    );
    assert.deepEqual(pemDirs(), []);
  });

  test('the passphrase opens the key; a PFX with its password is accepted', async () => {
    const l = await labOnlyAzure();
    const key = file('k6.pem', createPrivateKey(good.keyPem).export({type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'p4ss'}).toString());
    const withPass = await prepare(l, 'azureml-ssl', {cname: CNAME, certificate: file('c6.pem', good.certPem), key, passphrase: 'p4ss'});
    assert.ok(withPass.result.ok, JSON.stringify(!withPass.result.ok && withPass.result.errors));
    assert.doesNotMatch(JSON.stringify(withPass.result.value.resolved), /p4ss|PRIVATE KEY/, 'neither the passphrase nor the key is in what the journal records');
    const pfx = await prepare(l, 'azureml-ssl', {cname: CNAME, certificate: file('c7.pfx', toPfx(good, 'right')), passphrase: 'right'});
    assert.ok(pfx.result.ok);
  });

  test("SSL already on: the current key is required (Azure never returns it) and must be the cluster's", async () => {
    const l = await labOnlyAzure();
    const current = await createSelfSigned({commonNames: ['old.contoso.com']});
    await updateNodeState(l.dir, 'mlclient', (state) => {
      state.azureml!.resourceGroups[0]!.clusters[0]!.ssl = {status: 'Enabled', cert: current.certPem, key: current.keyPem, cname: 'old.contoso.com'};
      return {state, result: undefined};
    });
    const without = await prepare(l, 'azureml-ssl', {cname: CNAME});
    assert.ok(!without.result.ok);
    assert.match(without.result.errors.currentKey ?? '', /SSL is already on for mlcluster .*give the current key file/);
    const wrong = await prepare(l, 'azureml-ssl', {cname: CNAME, currentKey: file('wrong-current.pem', other.keyPem)});
    assert.ok(!wrong.result.ok);
    assert.match(wrong.result.errors.currentKey ?? '', /is not the key of mlcluster's current certificate/);
    const right = await prepare(l, 'azureml-ssl', {cname: CNAME, currentKey: file('current.pem', current.keyPem)});
    assert.ok(right.result.ok, JSON.stringify(!right.result.ok && right.result.errors));
  });
});

describe('azureml-ssl on the sandbox', () => {
  test('new cluster: created with SSL, the current environment, key.pem 0600 then removed; rollback deletes the cluster and restores the exact state', async () => {
    // Given the demo Azure state
    const l = await labOnlyAzure();
    const before = await l.snapshot();
    const {params, result} = await prepare(l, 'azureml-ssl', {variant: 'new', cluster: 'mlprod', cname: CNAME, keyFiles: 'remove'});
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    const resolved = result.value.resolved as unknown as {pemDir: string; cert: {thumbprint: string}};
    const r = runner(l, 'azureml-ssl', params, result.value);
    // The key file is 0600 while the cluster is created: look at it the moment the create step starts
    let keyMode = '';
    const seen = setInterval(() => {
      const key = join(resolved.pemDir, 'key.pem');
      if (!keyMode && existsSync(key)) keyMode = (statSync(key).mode & 0o777).toString(8);
    }, 1);
    await send(r, {type: 'start'});
    clearInterval(seen);
    assert.equal(r.snapshot.state.phase, 'completed', summary(r));
    assert.equal(keyMode, '600');

    // Then the new cluster has SSL with the certificate for the CNAME, and is the current environment
    const after = (await l.snapshot()).nodes.mlclient!.azureml!;
    const created = after.clusters.find((c) => c.name === 'mlprod');
    assert.deepEqual(created?.ssl.status, 'Enabled');
    assert.equal(created?.ssl.cname, CNAME);
    assert.equal(created?.ssl.certThumbprint, resolved.cert.thumbprint);
    assert.equal(after.current, 'ml-rg/mlprod');
    // And the existing cluster is untouched, key.pem is gone and cert.pem stays
    assert.deepEqual(
      after.clusters.find((c) => c.name === 'mlcluster'),
      before.nodes.mlclient!.azureml!.clusters[0],
    );
    assert.equal(existsSync(join(resolved.pemDir, 'key.pem')), false);
    assert.equal(existsSync(join(resolved.pemDir, 'cert.pem')), true);
    // And the before/after rows name SSL, the certificate and the scoring URL
    const rows = r.snapshot.state.steps.flatMap((s) => (s.status.kind === 'done' ? s.status.changes : []));
    assert.deepEqual(
      rows.find((c) => c.label === 'mlprod certificate'),
      {node: 'mlclient', label: 'mlprod certificate', before: null, after: resolved.cert.thumbprint},
    );
    assert.equal(rows.find((c) => c.label === 'mlprod scoring')?.after, `https://${CNAME}/api/v1/service/<service>/score`);
    // And no private key went to the journal or the transcript
    const journal = readFileSync(r.journalPath, 'utf8');
    assert.doesNotMatch(journal + readFileSync(r.transcriptPath, 'utf8'), /PRIVATE KEY/);

    // When the session is rolled back
    await send(r, {type: 'rollback-requested'});
    assert.equal(r.snapshot.state.phase, 'rolled-back', summary(r));
    r.close();
    // Then the cluster is deleted, the previous environment is current again, the PEM files are gone
    assert.deepEqual(await l.snapshot(), before);
    assert.equal(existsSync(resolved.pemDir), false);
  });

  test('new cluster, checkDns=yes: the step fails until the CNAME points at the new front end, then a retry passes', async () => {
    const l = await labOnlyAzure();
    const {params, result} = await prepare(l, 'azureml-ssl', {
      variant: 'new',
      cluster: 'mldns',
      cname: 'scoring.contoso.com',
      certificate: 'new',
      checkDns: 'yes',
      keyFiles: 'keep',
    });
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    const r = runner(l, 'azureml-ssl', params, result.value);
    await send(r, {type: 'start'});
    const dns = r.snapshot.state.steps.find((s) => s.info.id === 'dns')!;
    assert.equal(dns.status.kind, 'failed', summary(r));
    assert.ok(dns.info.skippable);
    const ip = (await l.snapshot()).nodes.mlclient!.azureml!.clusters.find((c) => c.name === 'mldns')!.publicIpAddress;
    assert.match(
      failure(dns.status),
      new RegExp(
        `scoring\\.contoso\\.com resolves to: expected ${ip.replace(/\./g, '\\.')}, observed does not resolve \\(create: scoring\\.contoso\\.com\\. 3600 IN A ${ip.replace(/\./g, '\\.')}\\)`,
      ),
    );
    // When the admin creates the record and retries
    await updateNodeState(l.dir, 'mlclient', (state) => {
      state.azureml!.dns['scoring.contoso.com'] = ip;
      return {state, result: undefined};
    });
    await send(r, {type: 'retry-requested'});
    assert.equal(r.snapshot.state.phase, 'completed', summary(r));
    // keyFiles=keep: key.pem stays, 0600
    const pemDir = (result.value.resolved as unknown as {pemDir: string}).pemDir;
    assert.equal((statSync(join(pemDir, 'key.pem')).mode & 0o777).toString(8), '600');
    r.close();
  });

  /** The sandbox keeps clusters created from now on Creating for `creatingReads` reads of az ml env show, then `outcome`. */
  async function provisionSlowly(l: Lab, creatingReads: number, outcome: 'Succeeded' | 'Failed' | 'Canceled'): Promise<void> {
    await updateNodeState(l.dir, 'mlclient', (state) => {
      state.azureml!.provisioning = {creatingReads, outcome};
      return {state, result: undefined};
    });
  }

  /** The provisioningState of each read of `cluster` the transcript shows, in order. */
  const provisioningLines = (r: ReturnType<typeof runner>, cluster: string): string[] =>
    readFileSync(r.transcriptPath, 'utf8')
      .split('\n')
      .flatMap((line) => new RegExp(`\\s${cluster}: provisioningState (\\w+)`).exec(line)?.[1] ?? []);

  test('new cluster still Creating after az ml env create: read until Succeeded, a line per read, then the later steps run', async () => {
    // Given new clusters that stay Creating for three reads
    const l = await labOnlyAzure();
    await provisionSlowly(l, 3, 'Succeeded');
    const {params, result} = await prepare(l, 'azureml-ssl', {variant: 'new', cluster: 'mlslow', cname: CNAME, provisioningInterval: '0'});
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));

    // When the procedure runs
    const r = runner(l, 'azureml-ssl', params, result.value);
    await send(r, {type: 'start'});

    // Then it completed after three Creating reads, each one a transcript line
    assert.equal(r.snapshot.state.phase, 'completed', summary(r));
    r.close();
    assert.deepEqual(provisioningLines(r, 'mlslow'), ['Creating', 'Creating', 'Creating', 'Succeeded']);
    const created = (await l.snapshot()).nodes.mlclient!.azureml!.clusters.find((c) => c.name === 'mlslow');
    assert.equal(created?.provisioningState, 'Succeeded');
  });

  test('new cluster whose creation ends Failed: the step fails naming it; rollback deletes the cluster and restores the exact state', async () => {
    const l = await labOnlyAzure();
    await provisionSlowly(l, 1, 'Failed');
    const before = await l.snapshot();
    const {params, result} = await prepare(l, 'azureml-ssl', {variant: 'new', cluster: 'mlfails', cname: CNAME, provisioningInterval: '0'});
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    const r = runner(l, 'azureml-ssl', params, result.value);
    await send(r, {type: 'start'});
    const create = r.snapshot.state.steps.find((s) => s.info.id === 'create-cluster')!;
    assert.match(failure(create.status), /the creation of cluster mlfails in ml-rg ended Failed after \d+ s/);
    assert.equal((await l.snapshot()).nodes.mlclient!.azureml!.clusters.find((c) => c.name === 'mlfails')?.provisioningState, 'Failed');

    await send(r, {type: 'rollback-requested'});
    assert.equal(r.snapshot.state.phase, 'rolled-back', summary(r));
    r.close();
    assert.deepEqual(await l.snapshot(), before);
  });

  test('a fault on az ml env create: the step fails with the Azure error, nothing was created; rollback removes the PEM files', async () => {
    const l = await labOnlyAzure();
    const before = await l.snapshot();
    await addFault(l.dir, {program: 'az', match: 'ml env create'});
    const {params, result} = await prepare(l, 'azureml-ssl', {variant: 'new', cluster: 'mlfault', cname: CNAME});
    assert.ok(result.ok);
    const r = runner(l, 'azureml-ssl', params, result.value);
    await send(r, {type: 'start'});
    const create = r.snapshot.state.steps.find((s) => s.info.id === 'create-cluster')!;
    assert.match(failure(create.status), /az ml env create: Azure Error: InternalServerError/);
    assert.deepEqual((await l.snapshot()).nodes.mlclient!.azureml, before.nodes.mlclient!.azureml, 'no cluster was created');
    await send(r, {type: 'rollback-requested'});
    assert.equal(r.snapshot.state.phase, 'rolled-back', summary(r));
    r.close();
    assert.deepEqual(await l.snapshot(), before);
    assert.equal(existsSync((result.value.resolved as unknown as {pemDir: string}).pemDir), false);
  });

  test('existing cluster: Set-AzureRmMlOpCluster enables SSL, irisapp scores on https://CNAME; rollback restores SSL Disabled exactly', async () => {
    const l = await labOnlyAzure();
    const before = await l.snapshot();
    const {params, result} = await prepare(l, 'azureml-ssl', {cname: CNAME, certificate: file('existing.pfx', toPfx(good, 'pfx-pw')), passphrase: 'pfx-pw'});
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    const r = runner(l, 'azureml-ssl', params, result.value);
    await send(r, {type: 'start'});
    assert.equal(r.snapshot.state.phase, 'completed', summary(r));
    const cluster = (await l.snapshot()).nodes.mlclient!.azureml!.clusters[0]!;
    assert.deepEqual([cluster.ssl.status, cluster.ssl.cname, cluster.ssl.certThumbprint], ['Enabled', CNAME, good.info.thumbprint]);
    assert.equal(cluster.services.irisapp?.scoringUri, `https://${CNAME}/api/v1/service/irisapp/score`);
    const rows = r.snapshot.state.steps.flatMap((s) => (s.status.kind === 'done' ? s.status.changes : []));
    assert.deepEqual(
      rows.find((c) => c.label === 'irisapp scoringUri'),
      {
        node: 'mlclient',
        label: 'irisapp scoringUri',
        before: `http://${AZUREML_DEMO.publicIpAddress}:80/api/v1/service/irisapp/score`,
        after: `https://${CNAME}/api/v1/service/irisapp/score`,
      },
    );
    assert.deepEqual(
      rows.find((c) => c.label === 'mlcluster SSL'),
      {node: 'mlclient', label: 'mlcluster SSL', before: 'Disabled', after: `Enabled (${CNAME})`},
    );
    assert.doesNotMatch(readFileSync(r.journalPath, 'utf8') + readFileSync(r.transcriptPath, 'utf8'), /PRIVATE KEY|pfx-pw/);
    await send(r, {type: 'rollback-requested'});
    assert.equal(r.snapshot.state.phase, 'rolled-back', summary(r));
    r.close();
    assert.deepEqual(await l.snapshot(), before);
  });

  test('a fault on Set-AzureRmMlOpCluster: the step fails, SSL stays as it was; rollback leaves the exact state', async () => {
    const l = await labOnlyAzure();
    const before = await l.snapshot();
    await addFault(l.dir, {program: 'powershell', match: 'Set-AzureRmMlOpCluster'});
    const {params, result} = await prepare(l, 'azureml-ssl', {cname: CNAME});
    assert.ok(result.ok);
    const r = runner(l, 'azureml-ssl', params, result.value);
    await send(r, {type: 'start'});
    const enable = r.snapshot.state.steps.find((s) => s.info.id === 'enable-ssl')!;
    assert.match(failure(enable.status), /^Set-AzureRmMlOpCluster: /);
    assert.deepEqual((await l.snapshot()).nodes.mlclient!.azureml, before.nodes.mlclient!.azureml);
    await send(r, {type: 'rollback-requested'});
    assert.equal(r.snapshot.state.phase, 'rolled-back', summary(r));
    r.close();
    assert.deepEqual(await l.snapshot(), before);
  });

  test('existing cluster with SSL already on: rollback puts the previous certificate and key back', async () => {
    const l = await labOnlyAzure();
    const current = await createSelfSigned({commonNames: ['old.contoso.com']});
    await updateNodeState(l.dir, 'mlclient', (state) => {
      state.azureml!.resourceGroups[0]!.clusters[0]!.ssl = {status: 'Enabled', cert: current.certPem, key: current.keyPem, cname: 'old.contoso.com'};
      return {state, result: undefined};
    });
    const before = await l.snapshot();
    const {params, result} = await prepare(l, 'azureml-ssl', {cname: CNAME, currentKey: file('current2.pem', current.keyPem)});
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    const r = runner(l, 'azureml-ssl', params, result.value);
    await send(r, {type: 'start'});
    assert.equal(r.snapshot.state.phase, 'completed', summary(r));
    assert.equal((await l.snapshot()).nodes.mlclient!.azureml!.clusters[0]!.ssl.cname, CNAME);
    // The previous pair waits for a rollback in the state directory, its key 0600
    const pemDir = (result.value.resolved as unknown as {pemDir: string}).pemDir;
    const keptKey = join(pemDir, 'previous', 'key.pem');
    assert.equal((statSync(keptKey).mode & 0o777).toString(8), '600');
    assert.equal(
      createPrivateKey(readFileSync(keptKey)).export({type: 'pkcs8', format: 'pem'}).toString(),
      createPrivateKey(current.keyPem).export({type: 'pkcs8', format: 'pem'}).toString(),
    );
    await send(r, {type: 'rollback-requested'});
    assert.equal(r.snapshot.state.phase, 'rolled-back', summary(r));
    r.close();
    assert.deepEqual(await l.snapshot(), before, 'same certificate, same key (by fingerprint), same CNAME');
    assert.equal(existsSync(pemDir), false, 'the kept pair and the new one are gone');
  });
});
