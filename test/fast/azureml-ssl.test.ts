// azureml-ssl (existing cluster) through the real runner on the fake fleet: the PEM pair made at prepare goes to the
// cluster with Set-AzureRmMlOpCluster, the cluster and the scoring URL are read back; the rollback turns SSL off again
// (test/procedures/azureml.test.ts runs it on the sandbox).
import assert from 'node:assert/strict';
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
