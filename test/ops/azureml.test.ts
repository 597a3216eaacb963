// src/ops/azureml.ts against a scripted host: the exact argv of each command, the parsed results, and the errors
// turned into typed ToolErrors. The texts are the sandbox's (test/hosts/sandbox-az.test.ts pins those).
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {createSelfSigned} from '../../src/certs/index.ts';
import {
  createEnvironment,
  envCreateCommand,
  listRealtimeServices,
  parseAzError,
  parsePowershellError,
  resolveName,
  resourceGroupExists,
  scoringUsesCname,
  setClusterSsl,
  setClusterSslCommand,
  showCurrentEnvironment,
  showEnvironment,
  showRealtimeService,
} from '../../src/ops/azureml.ts';
import {UTF8_OUTPUT_LINE} from '../../src/ops/powershell.ts';
import {ToolError} from '../../src/ops/tool-error.ts';
import {FakeHost} from '../helpers/fake-host.ts';

const made = await createSelfSigned({commonNames: ['mlscore.contoso.com']});
const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const NOT_FOUND = "ERROR: The Resource 'Microsoft.MachineLearningCompute/operationalizationClusters/c1' under resource group 'rg' was not found.\n";

function envJson(ssl: Record<string, unknown>): string {
  return JSON.stringify({
    id: '/subscriptions/s/resourceGroups/rg/providers/x/c1',
    name: 'c1',
    location: 'eastus2',
    resourceGroup: 'rg',
    clusterType: 'ACS',
    provisioningState: 'Succeeded',
    publicIpAddress: '52.1.2.3',
    globalServiceConfiguration: {ssl},
  });
}

test("env show: parsed with the certificate's thumbprint; a missing cluster is null, a missing resource group throws", async () => {
  const host = new FakeHost([
    {command: 'az', args: ['ml', 'env', 'show', '-n', 'c1', '-g', 'rg'], stdout: envJson({status: 'Enabled', cname: 'mlscore.contoso.com', cert: made.certPem}), once: true},
    {command: 'az', args: ['ml', 'env', 'show', '-n', 'c1', '-g', 'rg'], stderr: NOT_FOUND, exitCode: 1, once: true},
    {command: 'az', args: ['ml', 'env', 'show', '-n', 'c1', '-g', 'nope'], stderr: "ERROR: Resource group 'nope' could not be found.\n", exitCode: 1},
  ]);
  const env = await showEnvironment(host, 'c1', 'rg');
  assert.deepEqual(env?.ssl, {status: 'Enabled', cname: 'mlscore.contoso.com', certPem: made.certPem, certThumbprint: made.info.thumbprint});
  assert.equal(env?.publicIpAddress, '52.1.2.3');
  assert.equal(await showEnvironment(host, 'c1', 'rg'), null);
  await assert.rejects(
    showEnvironment(host, 'c1', 'nope'),
    (error: unknown) => error instanceof ToolError && error.details.code === 'ResourceGroupNotFound' && /Resource group 'nope' could not be found/.test(error.message),
  );
});

test('the current environment, or null when none is set', async () => {
  const host = new FakeHost([
    {command: 'az', args: ['ml', 'env', 'show'], stdout: envJson({status: 'Disabled', cname: null, cert: null}), once: true},
    {command: 'az', args: ['ml', 'env', 'show'], stderr: 'ERROR: No environment is set. Set one with: az ml env set -n <environment name> -g <resource group>\n', exitCode: 1},
  ]);
  assert.equal((await showCurrentEnvironment(host))?.name, 'c1');
  assert.equal(await showCurrentEnvironment(host), null);
});

test('group show decides whether a resource group exists; other failures (not logged in) throw', async () => {
  const host = new FakeHost([
    {command: 'az', args: ['group', 'show', '--name', 'rg'], stdout: '{"name": "rg"}\n'},
    {command: 'az', args: ['group', 'show', '--name', 'nope'], stderr: "ERROR: Resource group 'nope' could not be found.\n", exitCode: 1},
    {command: 'az', args: ['group', 'show', '--name', 'x'], stderr: "ERROR: Please run 'az login' to setup account.\n", exitCode: 1},
  ]);
  assert.equal(await resourceGroupExists(host, 'rg'), true);
  assert.equal(await resourceGroupExists(host, 'nope'), false);
  await assert.rejects(resourceGroupExists(host, 'x'), /az login/);
});

test('env create runs the documented argv; an invalid certificate is a typed error', async () => {
  const spec = {group: 'rg', name: 'c2', cname: 'mlscore.contoso.com', certPemPath: 'C:\\t\\cert.pem', keyPemPath: 'C:\\t\\key.pem'};
  assert.deepEqual(envCreateCommand(spec).args, [
    'ml',
    'env',
    'create',
    '-c',
    '-g',
    'rg',
    '-n',
    'c2',
    '--cert-cname',
    'mlscore.contoso.com',
    '--cert-pem',
    'C:\\t\\cert.pem',
    '--key-pem',
    'C:\\t\\key.pem',
  ]);
  const host = new FakeHost([{command: 'az', args: envCreateCommand(spec).args, stderr: 'ERROR: The private key does not match the certificate.\n', exitCode: 1}]);
  await assert.rejects(
    createEnvironment(host, spec),
    (error: unknown) =>
      error instanceof ToolError && error.details.code === 'InvalidCertificate' && error.message === 'az ml env create: The private key does not match the certificate.',
  );
});

test('service show reads the documented keys; the doc sample itself is not JSON', async () => {
  assert.throws(() => JSON.parse(fixture('azureml-service-show-realtime.txt')), SyntaxError);
  const service = {id: 'irisapp.1', name: 'irisapp', state: 'Succeeded', createdAt: 'a', updatedAt: 'b', scoringUri: 'https://mlscore.contoso.com/api/v1/service/irisapp/score'};
  const host = new FakeHost([
    {command: 'az', args: ['ml', 'service', 'show', 'realtime', '-n', 'irisapp'], stdout: JSON.stringify(service)},
    {command: 'az', args: ['ml', 'service', 'show', 'realtime', '-n', 'gone'], stderr: 'ERROR: No service found with name gone in environment c1.\n', exitCode: 1},
    {command: 'az', args: ['ml', 'service', 'list', 'realtime'], stdout: JSON.stringify([service])},
  ]);
  assert.equal((await showRealtimeService(host, 'irisapp'))?.scoringUri, service.scoringUri);
  assert.equal(await showRealtimeService(host, 'gone'), null);
  assert.deepEqual(
    (await listRealtimeServices(host)).map((s) => s.name),
    ['irisapp'],
  );
});

test('scoringUsesCname: https and exactly the CNAME as host', () => {
  assert.equal(scoringUsesCname('https://MLScore.contoso.com/api/v1/service/a/score', 'mlscore.contoso.com'), true);
  assert.equal(scoringUsesCname('http://mlscore.contoso.com/api/v1/service/a/score', 'mlscore.contoso.com'), false);
  assert.equal(scoringUsesCname('https://52.1.2.3/api/v1/service/a/score', 'mlscore.contoso.com'), false);
  assert.equal(scoringUsesCname('https://mlscore.contoso.com.evil.com/x', 'mlscore.contoso.com'), false);
});

test('Set-AzureRmMlOpCluster: the script reads the PEM files on the node; no PEM text is on the command line', async () => {
  const cmd = setClusterSslCommand('rg', "o'brien", {status: 'Enabled', cname: 'mlscore.contoso.com', certPemPath: 'C:\\t\\cert.pem', keyPemPath: 'C:\\t\\key.pem'});
  assert.deepEqual(cmd.args.slice(0, 3), ['-NoProfile', '-NonInteractive', '-EncodedCommand']);
  const script = Buffer.from(cmd.args[3]!, 'base64').toString('utf16le');
  assert.equal(
    script,
    [
      UTF8_OUTPUT_LINE,
      "$ErrorActionPreference = 'Stop'",
      "$keyValueInPemFormat = [IO.File]::ReadAllText('C:\\t\\key.pem')",
      "$certValueInPemFormat = [IO.File]::ReadAllText('C:\\t\\cert.pem')",
      "Set-AzureRmMlOpCluster -ResourceGroupName 'rg' -Name 'o''brien' -SslStatus Enabled -SslCertificate $certValueInPemFormat -SslKey $keyValueInPemFormat -SslCName 'mlscore.contoso.com' | ConvertTo-Json -Depth 4",
    ].join('\n'),
  );
  const stderr =
    "Set-AzureRmMlOpCluster : Resource group 'rg' could not be found.\nAt line:4 char:1\n+ Set-AzureRmMlOpCluster …\n    + CategoryInfo          : CloseError: (:) [Set-AzureRmMlOpCluster], CloudException\n";
  assert.equal(parsePowershellError(stderr), "Resource group 'rg' could not be found.");
  const host = new FakeHost([{command: 'powershell', args: /-EncodedCommand/, stderr, exitCode: 1}]);
  await assert.rejects(setClusterSsl(host, 'rg', 'c1', {status: 'Disabled'}), /Set-AzureRmMlOpCluster: Resource group 'rg' could not be found\./);
});

test('nslookup: addresses, none for a name that does not exist, an error for a timeout', async () => {
  const host = new FakeHost([
    {command: 'nslookup', args: ['a.contoso.com'], stdout: 'Server:  dns\nAddress:  10.0.0.2\n\nName:    a.contoso.com\nAddress:  52.1.2.3\n\n'},
    {command: 'nslookup', args: ['b.contoso.com'], stdout: 'Server:  dns\nAddress:  10.0.0.2\n\n', stderr: "*** dns can't find b.contoso.com: Non-existent domain\n", exitCode: 1},
    {command: 'nslookup', args: ['c.contoso.com'], stdout: 'DNS request timed out.\n', stderr: '*** Request to UnKnown timed-out\n', exitCode: 1},
  ]);
  assert.deepEqual(await resolveName(host, 'a.contoso.com'), ['52.1.2.3']);
  assert.deepEqual(await resolveName(host, 'b.contoso.com'), []);
  await assert.rejects(resolveName(host, 'c.contoso.com'), /timed-out/);
});

test('parseAzError keeps the whole message after ERROR: and classifies it', () => {
  assert.deepEqual(parseAzError('WARNING: x\nERROR: Azure Error: InternalServerError\nMessage: try again\n', 1), {
    code: 'Other',
    message: 'Azure Error: InternalServerError\nMessage: try again',
  });
  assert.equal(parseAzError('ERROR: unrecognized arguments: --x\n', 2).code, 'ArgumentError');
});
