// azureml-ssl (existing cluster) through the real runner on the fake fleet: the PEM pair made at prepare goes to the
// cluster with Set-AzureRmMlOpCluster, the cluster and the scoring URL are read back; the rollback turns SSL off again
// (test/procedures/azureml.test.ts runs it on the sandbox).
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {describe, test} from 'node:test';
import type {NodeInfo} from '../../src/hosts/host.ts';
import {FakeFleet, type ToolRow} from '../helpers/fake-fleet.ts';
import {assertCommands, assertPhase, prepareOn, runnerOn, send, statusOf} from '../helpers/fake-run.ts';
import {JsonDate, convertToJson} from '../helpers/fake-tool-output.ts';

const CLIENT: NodeInfo = {name: 'mlclient', machineName: 'MLCLIENT', fqdn: 'mlclient.contoso.local', ip: '10.0.3.1', roles: ['azureml-client']};
const CNAME = 'mlscore.contoso.com';
const FRONT_END_IP = '52.168.40.17';
const PARAMS = {
  client: 'mlclient',
  variant: 'existing',
  resourceGroup: 'ml-rg',
  cluster: 'mlcluster',
  cname: CNAME,
  certificate: 'new',
  key: '',
  passphrase: '',
  currentKey: '',
  service: 'irisapp',
  checkDns: 'no',
  keyFiles: 'remove',
  keyBits: '2048',
  validDays: '730',
};
const CLUSTER_ID = '/subscriptions/ec7bd497-ea15-41c4-a20f-4fab6982f5c2/resourceGroups/ml-rg/providers/Microsoft.MachineLearningCompute/operationalizationClusters/mlcluster';

// No full `az ml env show` sample exists (SOURCES.md §5, §6): the fields the docs name, in the ARM model's shape, as
// the CLI prints JSON (two-space indent).
function envShow(ssl: {status: string; cname: string | null; cert: string | null}): string {
  const env = {
    id: CLUSTER_ID,
    name: 'mlcluster',
    location: 'eastus2',
    resourceGroup: 'ml-rg',
    type: 'Microsoft.MachineLearningCompute/operationalizationClusters',
    clusterType: 'ACS',
    agentCount: 3,
    provisioningState: 'Succeeded',
    publicIpAddress: FRONT_END_IP,
    globalServiceConfiguration: {ssl},
  };
  return `${JSON.stringify(env, null, 2)}\n`;
}

/** The cluster object Set-AzureRmMlOpCluster returns, through ConvertTo-Json (Windows PowerShell 5.1). */
function clusterObject(ssl: {Status: string; Cert: string | null; Cname: string | null}): string {
  return convertToJson({
    Id: CLUSTER_ID,
    Name: 'mlcluster',
    Location: 'eastus2',
    Type: 'Microsoft.MachineLearningCompute/operationalizationClusters',
    ClusterType: 'ACS',
    CreatedOn: new JsonDate(new Date('2026-09-03T16:33:17.788Z')),
    ProvisioningState: 'Succeeded',
    ResourceGroupName: 'ml-rg',
    ContainerService: {AgentCount: 3, FrontEndIpAddress: FRONT_END_IP},
    GlobalServiceConfiguration: {Ssl: {...ssl, Key: null}},
  });
}

function service(scoringUri: string): {id: string; name: string; state: string; createdAt: string; updatedAt: string; scoringUri: string} {
  return {id: 'irisapp.mlcluster-79784e28.eastus2', name: 'irisapp', state: 'Succeeded', createdAt: '2026-11-02T16:33:17.788Z', updatedAt: '2026-11-02T16:33:17.788Z', scoringUri};
}

const HTTP = service(`http://${FRONT_END_IP}:80/api/v1/service/irisapp/score`);
const HTTPS = service(`https://${CNAME}/api/v1/service/irisapp/score`);
const setCluster = (status: string) => new RegExp(`Set-AzureRmMlOpCluster -ResourceGroupName 'ml-rg' -Name 'mlcluster' -SslStatus ${status}`);

/** The client's fact `ssl` is `disabled` or `enabled` (with the certificate prepare made). */
function tableFor(certPem: string | null): ToolRow[] {
  const node = 'mlclient';
  const rows: ToolRow[] = [
    {
      node,
      command: 'az',
      args: ['group', 'show', '--name', 'ml-rg'],
      stdout: `${JSON.stringify({id: '/subscriptions/ec7bd497-ea15-41c4-a20f-4fab6982f5c2/resourceGroups/ml-rg', location: 'eastus2', managedBy: null, name: 'ml-rg', properties: {provisioningState: 'Succeeded'}, tags: null, type: 'Microsoft.Resources/resourceGroups'}, null, 2)}\n`,
    },
    {node, command: 'az', args: ['ml', 'env', 'show', '-n', 'mlcluster', '-g', 'ml-rg'], when: {ssl: 'disabled'}, stdout: envShow({status: 'Disabled', cname: null, cert: null})},
    {node, command: 'az', args: ['ml', 'env', 'show'], when: {ssl: 'disabled'}, stdout: envShow({status: 'Disabled', cname: null, cert: null})},
    {node, command: 'az', args: ['ml', 'service', 'list', 'realtime'], when: {ssl: 'disabled'}, stdout: `${JSON.stringify([HTTP], null, 2)}\n`},
    {node, command: 'az', args: ['ml', 'service', 'show', 'realtime', '-n', 'irisapp'], when: {ssl: 'disabled'}, stdout: `${JSON.stringify(HTTP, null, 2)}\n`},
    {node, command: 'az', args: ['ml', 'service', 'show', 'realtime', '-n', 'irisapp'], when: {ssl: 'enabled'}, stdout: `${JSON.stringify(HTTPS, null, 2)}\n`},
    {
      node,
      command: 'powershell',
      args: setCluster('Disabled'),
      when: {ssl: 'enabled'},
      stdout: clusterObject({Status: 'Disabled', Cert: null, Cname: null}),
      then: {ssl: 'disabled'},
    },
  ];
  if (certPem === null) return rows;
  return [
    ...rows,
    {node, command: 'az', args: ['ml', 'env', 'show', '-n', 'mlcluster', '-g', 'ml-rg'], when: {ssl: 'enabled'}, stdout: envShow({status: 'Enabled', cname: CNAME, cert: certPem})},
    {
      node,
      command: 'powershell',
      args: setCluster(`Enabled -SslCertificate \\$certValueInPemFormat -SslKey \\$keyValueInPemFormat -SslCName '${CNAME}'`),
      when: {ssl: 'disabled'},
      stdout: clusterObject({Status: 'Enabled', Cert: certPem, Cname: CNAME}),
      then: {ssl: 'enabled'},
    },
  ];
}

async function prepared() {
  const fleet = new FakeFleet([{info: CLIENT, facts: {ssl: 'disabled'}}], tableFor(null));
  const value = await prepareOn(fleet, 'azureml-ssl', PARAMS);
  const cert = (value.resolved as unknown as {cert: {certPem: string; thumbprint: string}}).cert;
  fleet.addRows(tableFor(cert.certPem).slice(-2));
  return {fleet, value, cert, ranInPrepare: fleet.commandLines()};
}

const ENV_SHOW = 'mlclient: az ml env show -n mlcluster -g ml-rg';
const SERVICE_SHOW = 'mlclient: az ml service show realtime -n irisapp';

describe('azureml-ssl on the fake fleet', () => {
  test('main path: the PEM pair reaches Set-AzureRmMlOpCluster only through files, SSL and the https scoring URL read back', async () => {
    // Given a cluster without SSL
    const {fleet, value, cert, ranInPrepare} = await prepared();
    // (the CLI's current environment and its services: the service parameter is checked against them)
    assert.deepEqual(ranInPrepare, ['mlclient: az group show --name ml-rg', ENV_SHOW, 'mlclient: az ml env show', 'mlclient: az ml service list realtime']);

    // When the procedure runs
    const r = runnerOn(fleet, 'azureml-ssl', PARAMS, value);
    await send(r, {type: 'start'});

    // Then it completes with exactly these commands; the key is never in a command line
    assertPhase(r, fleet, 'completed');
    const ran = fleet.commandLines(ranInPrepare.length);
    assertCommands(ran, [ENV_SHOW, SERVICE_SHOW, /^mlclient: powershell .*Set-AzureRmMlOpCluster .* -SslStatus Enabled /, ENV_SHOW, ENV_SHOW, ENV_SHOW, SERVICE_SHOW]);
    assert.ok(!ran.some((line) => line.includes('PRIVATE KEY') || line.includes('BEGIN CERTIFICATE')), 'no PEM on a command line');
    // And the PEM files were copied for the one command and removed
    assert.deepEqual(
      fleet.paths('mlclient').filter((path) => path.endsWith('.pem')),
      [],
    );
    for (const step of r.snapshot.state.steps) {
      assert.equal(step.status.kind, 'done', step.info.id);
      if (step.status.kind === 'done')
        assert.ok(
          step.status.checks.every((c) => c.ok),
          `${step.info.id}: ${JSON.stringify(step.status.checks)}`,
        );
    }
    const changes = r.snapshot.state.steps.flatMap((s) => (s.status.kind === 'done' ? s.status.changes : []));
    assert.ok(
      changes.some((c) => c.after?.includes(cert.thumbprint)),
      `a row with the new certificate: ${JSON.stringify(changes)}`,
    );
    assert.ok(
      changes.some((c) => c.before === HTTP.scoringUri && c.after === HTTPS.scoringUri),
      `the scoring URL row: ${JSON.stringify(changes)}`,
    );
    r.close();
  });

  test('rollback: SSL is turned off again as captured, after reading the cluster', async () => {
    // Given a completed run
    const {fleet, value} = await prepared();
    const r = runnerOn(fleet, 'azureml-ssl', PARAMS, value);
    await send(r, {type: 'start'});
    assertPhase(r, fleet, 'completed');
    const ranBefore = fleet.commands.length;

    // When it is rolled back
    await send(r, {type: 'rollback-requested'});

    // Then the cluster goes back to SSL disabled
    assertPhase(r, fleet, 'rolled-back');
    assertCommands(fleet.commandLines(ranBefore), [
      ENV_SHOW,
      /^mlclient: powershell .*Set-AzureRmMlOpCluster -ResourceGroupName 'ml-rg' -Name 'mlcluster' -SslStatus Disabled \| ConvertTo-Json -Depth 4$/,
    ]);
    assert.equal(fleet.facts('mlclient').ssl, 'disabled');
    r.close();
  });

  test('Set-AzureRmMlOpCluster refuses the key: the step fails with its message, nothing is read back', async () => {
    // Given the cmdlet refuses (a PowerShell error record)
    const {fleet, value} = await prepared();
    const refusal =
      'Set-AzureRmMlOpCluster : The private key does not match the certificate.\r\nAt line:4 char:1\r\n    + CategoryInfo          : CloseError: (:) [Set-AzureRmMlOpCluster], CloudException\r\n    + FullyQualifiedErrorId : Microsoft.Azure.Commands.MachineLearningCompute.Cmdlets.SetAzureRmMlOpCluster\r\n \r\n';
    fleet.override([{node: 'mlclient', command: 'powershell', args: setCluster('Enabled'), stderr: refusal, exitCode: 1}]);

    // When the procedure runs
    const r = runnerOn(fleet, 'azureml-ssl', PARAMS, value);
    await send(r, {type: 'start'});

    // Then the SSL step failed in do, and the last command was the refused one
    assertPhase(r, fleet, 'failed');
    const failed = r.snapshot.state.steps.find((s) => s.status.kind === 'failed')!;
    const status = statusOf(r, failed.info.id);
    assert.equal(status.kind === 'failed' && status.phase, 'do');
    assert.match(status.kind === 'failed' ? status.error : '', /The private key does not match/);
    assert.match(fleet.commandLines().at(-1)!, /Set-AzureRmMlOpCluster .* -SslStatus Enabled /);
    assert.deepEqual(fleet.unanswered, []);
    r.close();
  });
});

// A new cluster: `az ml env create` returns while it is Creating; the step reads `az ml env show` until its
// provisioningState is final. The client's fact `cluster` is `none` or `readN`: the Nth read of the new cluster.
const NEW = 'newcl';
const NEW_PARAMS = {...PARAMS, variant: 'new', cluster: NEW, service: '', provisioningTimeout: '600', provisioningInterval: '0'};
const NEW_SHOW = ['ml', 'env', 'show', '-n', NEW, '-g', 'ml-rg'];
const NEW_SHOW_LINE = `mlclient: ${['az', ...NEW_SHOW].join(' ')}`;
const NOT_FOUND = `ERROR: The Resource 'Microsoft.MachineLearningCompute/operationalizationClusters/${NEW}' under resource group 'ml-rg' was not found.\n`;

function newClusterShow(provisioningState: string, certPem: string): string {
  const env = JSON.parse(envShow({status: 'Enabled', cname: CNAME, cert: certPem})) as Record<string, unknown>;
  return `${JSON.stringify({...env, id: CLUSTER_ID.replace(/mlcluster$/, NEW), name: NEW, provisioningState}, null, 2)}\n`;
}

/** What the reads of the new cluster print, in order (the last one again for any later read); and its deletion. */
function newClusterRows(states: readonly string[], certPem: string): ToolRow[] {
  const node = 'mlclient';
  const reads = states.map((state, i): ToolRow => ({
    node,
    command: 'az',
    args: NEW_SHOW,
    when: {cluster: `read${i}`},
    stdout: newClusterShow(state, certPem),
    then: {cluster: `read${Math.min(i + 1, states.length - 1)}`},
  }));
  return [
    {node, command: 'az', args: NEW_SHOW, when: {cluster: 'none'}, stderr: NOT_FOUND, exitCode: 1},
    {
      node,
      command: 'az',
      args: /^ml env create -c -g ml-rg -n newcl --cert-cname mlscore\.contoso\.com --cert-pem \S+ --key-pem \S+$/,
      when: {cluster: 'none'},
      stdout: newClusterShow('Creating', certPem),
      then: {cluster: 'read0'},
    },
    ...reads,
    ...states.map((_s, i): ToolRow => ({
      node,
      command: 'az',
      args: ['ml', 'env', 'delete', '-n', NEW, '-g', 'ml-rg', '--yes'],
      when: {cluster: `read${i}`},
      then: {cluster: 'none'},
    })),
  ];
}

async function preparedNew(states: readonly string[], later: (certPem: string) => ToolRow[]) {
  const fleet = new FakeFleet([{info: CLIENT, facts: {ssl: 'disabled', cluster: 'none'}}], tableFor(null));
  fleet.override([{node: 'mlclient', command: 'az', args: NEW_SHOW, when: {cluster: 'none'}, stderr: NOT_FOUND, exitCode: 1}]);
  const value = await prepareOn(fleet, 'azureml-ssl', NEW_PARAMS);
  const cert = (value.resolved as unknown as {cert: {certPem: string; thumbprint: string}}).cert;
  fleet.override([...later(cert.certPem), ...newClusterRows(states, cert.certPem)]);
  return {fleet, value, ranInPrepare: fleet.commandLines()};
}

/** The transcript's lines without their time (ctx.note lines are `HH:MM:SS    text` there). */
function transcriptLines(r: {readonly transcriptPath: string}): string[] {
  return readFileSync(r.transcriptPath, 'utf8')
    .split('\n')
    .map((line) => line.replace(/^\d{2}:\d{2}:\d{2}\s+/, ''));
}

/** Runs until the create-cluster step is no longer running, one simulated minute per command. */
async function runNew(states: readonly string[], later: (certPem: string) => ToolRow[] = () => []) {
  const {fleet, value, ranInPrepare} = await preparedNew(states, later);
  const start = Date.now();
  const r = runnerOn(fleet, 'azureml-ssl', NEW_PARAMS, value, {clock: () => start + fleet.commands.length * 60_000});
  await send(r, {type: 'start'});
  return {fleet, r, ran: fleet.commandLines(ranInPrepare.length)};
}

describe('azureml-ssl, new cluster: provisioning is polled until it is final', () => {
  test('Creating for two reads, then Succeeded: each read is a progress line, and the step is done', async () => {
    // Given a cluster that Azure reports Creating twice after az ml env create
    // (and the later steps' reads: the new cluster becomes the current environment, with no service yet)
    const {fleet, r, ran} = await runNew(['Creating', 'Creating', 'Succeeded'], (certPem) => [
      {node: 'mlclient', command: 'az', args: ['ml', 'env', 'set', '-n', NEW, '-g', 'ml-rg'], stdout: `Compute set to ${NEW}.\n`, then: {current: NEW}},
      {node: 'mlclient', command: 'az', args: ['ml', 'env', 'show'], when: {current: NEW}, stdout: newClusterShow('Succeeded', certPem)},
      {node: 'mlclient', command: 'az', args: ['ml', 'service', 'list', 'realtime'], when: {current: NEW}, stdout: '[]\n'},
    ]);
    assertPhase(r, fleet, 'completed');

    // Then create-cluster read it until Succeeded and passed its checks
    const create = statusOf(r, 'create-cluster');
    assert.equal(create.kind, 'done', JSON.stringify(create));
    assertCommands(ran.slice(0, 6), [NEW_SHOW_LINE, NEW_SHOW_LINE, /^mlclient: az ml env create -c -g ml-rg -n newcl /, NEW_SHOW_LINE, NEW_SHOW_LINE, NEW_SHOW_LINE]);
    r.close();
    // And every read was a line in the transcript (the output pane shows each while it is the last one)
    const progress = transcriptLines(r).filter((line) => line.startsWith(`${NEW}: provisioningState`));
    assert.deepEqual(
      progress.map((line) => line.replace(/, \d+ s of 600 s; reading again in 0 s$/, '').replace(/after \d+ s$/, 'after')),
      [`${NEW}: provisioningState Creating`, `${NEW}: provisioningState Creating`, `${NEW}: provisioningState Succeeded after`],
    );
    assert.ok(create.kind === 'done' && create.checks.some((c) => c.what === `${NEW} provisioning` && c.ok));
    assert.deepEqual(fleet.unanswered, []);
  });

  for (const outcome of ['Failed', 'Canceled'] as const) {
    test(`Creating, then ${outcome}: the step fails naming the state, and a rollback deletes the cluster this session created`, async () => {
      // Given a creation that ends ${outcome}
      const {fleet, r} = await runNew(['Creating', outcome]);

      // Then the step failed in do with the state and where to look
      assertPhase(r, fleet, 'failed');
      const create = statusOf(r, 'create-cluster');
      assert.equal(create.kind === 'failed' && create.phase, 'do');
      assert.match(create.kind === 'failed' ? create.error : '', new RegExp(`the creation of cluster ${NEW} in ml-rg ended ${outcome} after \\d+ s .*activity log`));
      assert.equal(fleet.facts('mlclient').cluster, 'read1', 'read until the final state, not after');

      // When it is rolled back, the cluster is deleted
      const ranBefore = fleet.commands.length;
      await send(r, {type: 'rollback-requested'});
      assertPhase(r, fleet, 'rolled-back');
      assertCommands(fleet.commandLines(ranBefore), [NEW_SHOW_LINE, `mlclient: az ml env delete -n ${NEW} -g ml-rg --yes`]);
      assert.match(statusOf(r, 'create-cluster').kind === 'undone' ? (statusOf(r, 'create-cluster') as {report: string}).report : '', /which this session created/);
      assert.equal(fleet.facts('mlclient').cluster, 'none');
      r.close();
    });
  }

  test('still Creating at the timeout: the step fails saying what to check; retry waits without creating twice; rollback deletes it', async () => {
    // Given a cluster that stays Creating, and a clock that moves a minute per command (timeout 600 s)
    const {fleet, r} = await runNew(['Creating']);

    // Then the step failed at the timeout, naming the command to check with
    assertPhase(r, fleet, 'failed');
    const create = statusOf(r, 'create-cluster');
    assert.match(
      create.kind === 'failed' ? create.error : '',
      /cluster newcl in ml-rg is still Creating after 600 s \(the provisioningTimeout\): check its provisioningState with az ml env show -g ml-rg -n newcl/,
    );
    const reads = fleet.commandLines().filter((line) => line === NEW_SHOW_LINE).length;
    assert.ok(reads > 3 && reads < 20, `a bounded number of reads: ${reads}`);

    // When it is retried, it waits again without a second az ml env create
    const creates = () => fleet.commandLines().filter((line) => / az ml env create /.test(line)).length;
    assert.equal(creates(), 1);
    await send(r, {type: 'retry-requested'});
    assert.equal(creates(), 1);

    // And a rollback deletes it
    await send(r, {type: 'rollback-requested'});
    assertPhase(r, fleet, 'rolled-back');
    assert.equal(fleet.facts('mlclient').cluster, 'none');
    r.close();
    assert.ok(transcriptLines(r).some((line) => line.startsWith(`${NEW}: already created by this session (Creating)`)));
  });
});
