// The simulated Azure ML admin node: `az` (group, ml env, ml service), nslookup, and the AzureRM cmdlets through the
// powershell cmdlet contract, as pure functions of the node's state; plus one fault through the dispatcher.
import assert from 'node:assert/strict';
import {readFileSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, test} from 'node:test';
import {createSelfSigned} from '../../src/certs/index.ts';
import type {NodeInfo} from '../../src/hosts/host.ts';
import {AZUREML_DEMO, azuremlClientNode, buildAzureMlClient} from '../../src/hosts/sandbox/azureml-demo.ts';
import {summarizeAzureMl} from '../../src/hosts/sandbox/azureml-snapshot.ts';
import {runSandboxCommand} from '../../src/hosts/sandbox/dispatch.ts';
import {addFault, initSandbox, showSandbox} from '../../src/hosts/sandbox/index.ts';
import type {NodeState} from '../../src/hosts/sandbox/state.ts';
import {az} from '../../src/hosts/sandbox/tools/az.ts';
import {azureMlCmdlets} from '../../src/hosts/sandbox/tools/azureml-cmdlets.ts';
import {findCmdlet} from '../../src/hosts/sandbox/tools/cmdlets.ts';
import {nslookup} from '../../src/hosts/sandbox/tools/nslookup.ts';
import type {CmdletResult, PsValue} from '../../src/hosts/sandbox/tools/powershell-cmdlet.ts';
import type {NodeFiles, ToolResult} from '../../src/hosts/sandbox/tools/program.ts';
import {parseAzError, parseEnvironment, parseNslookup, parseService} from '../../src/ops/azureml.ts';

const NODE: NodeInfo = azuremlClientNode();
const CNAME = 'mlscore.contoso.com';
const made = await createSelfSigned({commonNames: [CNAME], dnsNames: [CNAME]});
const other = await createSelfSigned({commonNames: ['other.contoso.com']});
const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

function memoryFiles(initial: Record<string, string> = {}): NodeFiles {
  const map = new Map<string, Buffer>(Object.entries(initial).map(([k, v]) => [k.toLowerCase(), Buffer.from(v)]));
  return {read: (p) => map.get(p.toLowerCase()), write: (p, d) => void map.set(p.toLowerCase(), d), exists: (p) => map.has(p.toLowerCase())};
}

const PEM_FILES = {'C:\\pem\\cert.pem': made.certPem, 'C:\\pem\\key.pem': made.keyPem, 'C:\\pem\\other-key.pem': other.keyPem};

function run(state: NodeState, args: string[], files = memoryFiles(PEM_FILES)): ToolResult {
  return az.run({node: NODE, state, files, now: new Date('2026-11-23T12:00:00Z')}, args);
}

function stdoutJson(result: ToolResult): Record<string, unknown> {
  assert.equal(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('az', () => {
  const demo = buildAzureMlClient(new Date('2026-11-23T12:00:00Z'));

  test("az group show: the resource group, or ARM's not-found text on stderr, exit 1", () => {
    assert.equal(stdoutJson(run(demo, ['group', 'show', '--name', 'ML-RG'])).name, 'ml-rg', 'case-insensitive');
    const missing = run(demo, ['group', 'show', '--name', 'nope-rg']);
    assert.deepEqual([missing.exitCode, missing.stdout, missing.stderr], [1, '', "ERROR: Resource group 'nope-rg' could not be found.\n"]);
  });

  test('az ml env show: JSON with publicIpAddress, provisioningState and the SSL fields, never the key', () => {
    const result = run(demo, ['ml', 'env', 'show', '-n', AZUREML_DEMO.cluster, '-g', AZUREML_DEMO.resourceGroup]);
    const env = parseEnvironment(stdoutJson(result));
    assert.deepEqual(
      [env.name, env.resourceGroup, env.provisioningState, env.publicIpAddress, env.ssl.status, env.ssl.cname],
      ['mlcluster', 'ml-rg', 'Succeeded', AZUREML_DEMO.publicIpAddress, 'Disabled', null],
    );
    assert.doesNotMatch(result.stdout, /PRIVATE KEY/);
    const missing = run(demo, ['ml', 'env', 'show', '-n', 'nocluster', '-g', 'ml-rg']);
    assert.equal(missing.exitCode, 1);
    assert.equal(missing.stderr, "ERROR: The Resource 'Microsoft.MachineLearningCompute/operationalizationClusters/nocluster' under resource group 'ml-rg' was not found.\n");
    assert.equal(parseAzError(missing.stderr, 1).code, 'ResourceNotFound');
    assert.equal(parseAzError(run(demo, ['ml', 'env', 'show', '-n', 'x1x', '-g', 'zz']).stderr, 1).code, 'ResourceGroupNotFound');
  });

  test('argument errors exit 2: missing, unknown, and an option without its value', () => {
    const missing = run(demo, ['ml', 'env', 'set', '-n', 'mlcluster']);
    assert.deepEqual([missing.exitCode, missing.stderr], [2, 'ERROR: the following arguments are required: --resource-group/-g\n']);
    assert.equal(run(demo, ['ml', 'env', 'show', '-n', 'a', '-g', 'b', '--bogus']).stderr, 'ERROR: unrecognized arguments: --bogus\n');
    assert.equal(run(demo, ['ml', 'env', 'show', '-n']).stderr, 'ERROR: argument --name/-n: expected one argument\n');
    assert.equal(run(demo, ['ml', 'envs', 'show']).exitCode, 2);
    assert.equal(parseAzError(missing.stderr, 2).code, 'ArgumentError');
  });

  test('az ml env create with SSL: reads the PEM files on the node, and the new cluster scores on https://CNAME', () => {
    const args = ['ml', 'env', 'create', '-c', '-g', 'ml-rg', '-n', 'mlprod', '--cert-cname', CNAME, '--cert-pem', 'C:\\pem\\cert.pem', '--key-pem', 'C:\\pem\\key.pem'];
    const created = run(demo, args);
    assert.equal(created.exitCode, 0, created.stderr);
    const cluster = created.state!.azureml!.resourceGroups[0]!.clusters.find((c) => c.name === 'mlprod')!;
    assert.deepEqual([cluster.clusterType, cluster.ssl.status, cluster.ssl.cname, cluster.ssl.key], ['ACS', 'Enabled', CNAME, made.keyPem]);
    const shown = parseEnvironment(stdoutJson(run(created.state!, ['ml', 'env', 'show', '-n', 'mlprod', '-g', 'ml-rg'])));
    assert.equal(shown.ssl.certThumbprint, made.info.thumbprint);
    assert.match(shown.publicIpAddress ?? '', /^52\.\d+\.\d+\.\d+$/);
    assert.equal(run(created.state!, args).stderr, "ERROR: Environment 'mlprod' already exists in resource group 'ml-rg'.\n");
    // A deployed service on it scores on the CNAME, over https.
    const withService = structuredClone(created.state!);
    withService
      .azureml!.resourceGroups[0]!.clusters.find((c) => c.name === 'mlprod')!
      .services.push({id: 'svc.1', name: 'svc', state: 'Succeeded', createdAt: 'x', updatedAt: 'x'});
    const set = run(withService, ['ml', 'env', 'set', '-n', 'mlprod', '-g', 'ml-rg']);
    assert.equal(set.stdout, 'Compute set to mlprod.\n');
    assert.equal(parseService(stdoutJson(run(set.state!, ['ml', 'service', 'show', 'realtime', '-n', 'svc']))).scoringUri, `https://${CNAME}/api/v1/service/svc/score`);
  });

  test("az ml env create refuses a key that is not the certificate's, a key with a passphrase, a missing file", () => {
    const base = ['ml', 'env', 'create', '-c', '-g', 'ml-rg', '-n', 'mlprod', '--cert-cname', CNAME, '--cert-pem', 'C:\\pem\\cert.pem'];
    const mismatch = run(demo, [...base, '--key-pem', 'C:\\pem\\other-key.pem']);
    assert.deepEqual([mismatch.exitCode, mismatch.stderr, mismatch.state], [1, 'ERROR: The private key does not match the certificate.\n', undefined]);
    assert.equal(parseAzError(mismatch.stderr, 1).code, 'InvalidCertificate');
    const encrypted = memoryFiles({...PEM_FILES, 'C:\\pem\\enc.pem': '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n'});
    assert.match(run(demo, [...base, '--key-pem', 'C:\\pem\\enc.pem'], encrypted).stderr, /protected by a passphrase/);
    assert.equal(run(demo, [...base, '--key-pem', 'C:\\pem\\gone.pem']).stderr, "ERROR: [Errno 2] No such file or directory: 'C:\\pem\\gone.pem'\n");
    assert.equal(run(demo, ['ml', 'env', 'create', '-c', '-g', 'ml-rg', '-n', 'mlprod', '--cert-cname', CNAME]).exitCode, 2, 'cert options go together');
  });

  test('az ml service show realtime: the shape of the documented sample, as valid JSON; http on the IP without SSL', () => {
    // The doc's sample is not valid JSON (a typographic quote), so compare its keys, not its text.
    const sampleKeys = [...fixture('azureml-service-show-realtime.txt').matchAll(/"(\w+)"\s*:/g)].map((m) => m[1]);
    const shown = stdoutJson(run(demo, ['ml', 'service', 'show', 'realtime', '-n', AZUREML_DEMO.service]));
    assert.deepEqual(Object.keys(shown), sampleKeys);
    assert.equal(shown.scoringUri, `http://${AZUREML_DEMO.publicIpAddress}:80/api/v1/service/irisapp/score`);
    assert.equal(parseAzError(run(demo, ['ml', 'service', 'show', 'realtime', '-n', 'nosvc']).stderr, 1).code, 'ServiceNotFound');
    const noCurrent = structuredClone(demo);
    noCurrent.azureml!.current = null;
    assert.equal(parseAzError(run(noCurrent, ['ml', 'service', 'list', 'realtime']).stderr, 1).code, 'NoEnvironment');
  });

  test('az ml env delete removes the cluster and clears it as the current environment', () => {
    const deleted = run(demo, ['ml', 'env', 'delete', '-n', 'mlcluster', '-g', 'ml-rg', '--yes']);
    assert.equal(deleted.exitCode, 0);
    assert.deepEqual([deleted.state!.azureml!.resourceGroups[0]!.clusters.length, deleted.state!.azureml!.current], [0, null]);
  });

  test('a node without Azure state is not logged in', () => {
    const result = run({stores: {}, bindings: [], services: {}}, ['ml', 'env', 'list']);
    assert.deepEqual([result.exitCode, result.stderr], [1, "ERROR: Please run 'az login' to setup account.\n"]);
  });
});

describe('nslookup', () => {
  const demo = buildAzureMlClient(new Date());
  test("a name in the node's DNS answers its address; an unknown name is Non-existent domain on stderr", () => {
    const found = nslookup.run({node: NODE, state: demo, files: memoryFiles(), now: new Date()}, [CNAME]);
    assert.deepEqual(parseNslookup(found.stdout), [AZUREML_DEMO.publicIpAddress]);
    const missing = nslookup.run({node: NODE, state: demo, files: memoryFiles(), now: new Date()}, ['nothere.contoso.com']);
    assert.deepEqual([missing.exitCode, parseNslookup(missing.stdout)], [1, []]);
    assert.match(missing.stderr, /can't find nothere\.contoso\.com: Non-existent domain/);
  });

  test('the parser reads the multi-address form Windows prints', () => {
    const text = 'Server:  dns.contoso.local\nAddress:  10.0.0.2\n\nNon-authoritative answer:\nName:    a.contoso.com\nAddresses:  52.1.1.1\n          52.1.1.2\n\n';
    assert.deepEqual(parseNslookup(text), ['52.1.1.1', '52.1.1.2']);
  });
});

describe('AzureRM cmdlets (through the powershell cmdlet contract)', () => {
  const demo = buildAzureMlClient(new Date('2026-11-23T12:00:00Z'));
  const invoke = (state: NodeState, name: string, parameters: Record<string, PsValue>): CmdletResult => {
    const found = findCmdlet(name);
    assert.ok(found, `${name} is in the merged cmdlet table`);
    assert.equal(found.definition, azureMlCmdlets[found.name]);
    return found.definition.run({node: NODE, state, files: memoryFiles(), now: new Date('2026-11-23T13:00:00Z'), stdin: []}, {name, parameters, input: []});
  };
  const target = {ResourceGroupName: 'ml-rg', Name: 'mlcluster'};

  test('Set-AzureRmMlOpCluster -SslStatus Enabled sets the certificate, key and CNAME; Disabled drops them', () => {
    const enabled = invoke(demo, 'set-azurermmlopcluster', {...target, SslStatus: 'Enabled', SslCertificate: made.certPem, SslKey: made.keyPem, SslCName: CNAME});
    assert.ok('output' in enabled && enabled.state);
    const cluster = enabled.state.azureml!.resourceGroups[0]!.clusters[0]!;
    assert.deepEqual([cluster.ssl.status, cluster.ssl.cname, cluster.ssl.cert, cluster.ssl.key], ['Enabled', CNAME, made.certPem, made.keyPem]);
    const printed = JSON.stringify(enabled.output);
    assert.doesNotMatch(printed, /PRIVATE KEY/, 'the key is write-only');
    const got = invoke(enabled.state, 'Get-AzureRmMlOpCluster', target);
    assert.ok('output' in got);
    assert.equal(((got.output[0] as Record<string, PsValue>).GlobalServiceConfiguration as {Ssl: {Status: string}}).Ssl.Status, 'Enabled');
    const disabled = invoke(enabled.state, 'Set-AzureRmMlOpCluster', {...target, SslStatus: 'Disabled'});
    assert.ok('output' in disabled && disabled.state);
    assert.deepEqual(disabled.state.azureml!.resourceGroups[0]!.clusters[0]!.ssl, {status: 'Disabled', cert: null, key: null, cname: null});
  });

  test("errors: ARM's not-found texts, ValidateSet, a key that is not the certificate's, a module that is not there", () => {
    const noGroup = invoke(demo, 'Set-AzureRmMlOpCluster', {ResourceGroupName: 'zz', Name: 'mlcluster', SslStatus: 'Disabled'});
    assert.ok('error' in noGroup);
    assert.deepEqual([noGroup.error.message, noGroup.error.category], ["Resource group 'zz' could not be found.", 'CloseError']);
    const noCluster = invoke(demo, 'Get-AzureRmMlOpCluster', {ResourceGroupName: 'ml-rg', Name: 'zz'});
    assert.ok('error' in noCluster);
    assert.match(noCluster.error.message, /operationalizationClusters\/zz' under resource group 'ml-rg' was not found/);
    const badStatus = invoke(demo, 'Set-AzureRmMlOpCluster', {...target, SslStatus: 'On'});
    assert.ok('error' in badStatus);
    assert.match(badStatus.error.message, /does not belong to the set "Enabled,Disabled"/);
    const mismatch = invoke(demo, 'Set-AzureRmMlOpCluster', {...target, SslStatus: 'Enabled', SslCertificate: made.certPem, SslKey: other.keyPem, SslCName: CNAME});
    assert.ok('error' in mismatch && mismatch.state === undefined);
    assert.equal(mismatch.error.message, 'The private key does not match the certificate.');
    const missing = invoke(demo, 'Set-AzureRmMlOpCluster', {Name: 'mlcluster'});
    assert.ok('error' in missing);
    assert.match(missing.error.message, /missing mandatory parameters: ResourceGroupName/);
    const bare = invoke({stores: {}, bindings: [], services: {}}, 'Get-AzureRmMlOpCluster', target);
    assert.ok('error' in bare);
    assert.match(bare.error.message, /is not recognized as the name of a cmdlet/);
  });
});

describe('the demo fleet and fault injection', () => {
  test('sandbox init adds mlclient with one cluster without SSL and a service; an injected az fault prints an Azure error and changes nothing', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'certwalk-az-')), 'sandbox');
    await initSandbox(dir, {workers: 0});
    const before = await showSandbox(dir, {node: 'mlclient'});
    const cluster = before.nodes.mlclient!.azureml!.clusters[0]!;
    assert.deepEqual([cluster.name, cluster.ssl.status, Object.keys(cluster.services)], ['mlcluster', 'Disabled', ['irisapp']]);
    assert.deepEqual(summarizeAzureMl(before.nodes.mlclient!.azureml!), [
      '  azureml  ml-rg/mlcluster (current) Succeeded, front end 52.168.40.17, SSL Disabled',
      '  azureml    service irisapp Succeeded: http://52.168.40.17:80/api/v1/service/irisapp/score',
      '  dns      mlscore.contoso.com A 52.168.40.17',
    ]);
    await addFault(dir, {program: 'az', match: 'ml env create'});
    const args = ['ml', 'env', 'create', '-c', '-g', 'ml-rg', '-n', 'mlprod'];
    const failed = await runSandboxCommand({dir, node: 'mlclient', program: 'az', args});
    assert.deepEqual([failed.exitCode, failed.stderr.split('\n')[0]], [1, 'ERROR: Azure Error: InternalServerError']);
    assert.deepEqual(await showSandbox(dir, {node: 'mlclient'}), before);
    const again = await runSandboxCommand({dir, node: 'mlclient', program: 'az', args});
    assert.equal(again.exitCode, 0, 'the fault fired once');
    const without = join(mkdtempSync(join(tmpdir(), 'certwalk-az-')), 'sandbox');
    await initSandbox(without, {workers: 0, azureml: false});
    assert.equal('mlclient' in (await showSandbox(without)).nodes, false);
  });
});
