// The Azure CLI with the Azure ML Model Management ("o16n") extension, as far as certwalk uses it: `az group show`,
// `az ml env create|show|list|set|delete`, `az ml service show|list realtime`. Output is JSON on stdout; errors are
// `ERROR: …` on stderr with exit 1, argument errors exit 2 (docs/TOOL-OUTPUT.md). State: NodeState.azureml.
import {X509Certificate, createPrivateKey} from 'node:crypto';
import type {AzureMlCluster, AzureMlResourceGroup, AzureMlState} from '../azureml-state.ts';
import {clusterResourceId, findCluster, findGroup, scoringUri} from '../azureml-state.ts';
import type {NodeState} from '../state.ts';
import {cloneState, lines} from './program.ts';
import type {NodeFiles, SandboxProgram, ToolContext, ToolResult} from './program.ts';

interface OptionSpec {
  /** `--name`, with its short alias `-n` when there is one. */
  readonly long: string;
  readonly short?: string;
  readonly flag?: boolean;
  readonly required?: boolean;
}

interface CommandSpec {
  readonly options: readonly OptionSpec[];
  run(context: ToolContext, azure: AzureMlState, values: Readonly<Record<string, string | true>>): ToolResult;
}

const NAME: OptionSpec = {long: '--name', short: '-n', required: true};
const GROUP: OptionSpec = {long: '--resource-group', short: '-g', required: true};
const NOT_LOGGED_IN = "Please run 'az login' to setup account.";

const COMMANDS: Record<string, CommandSpec> = {
  'group show': {options: [NAME], run: (_c, azure, v) => groupShow(azure, String(v['--name']))},
  'ml env create': {
    options: [
      NAME,
      {long: '--resource-group', short: '-g'},
      {long: '--cluster', short: '-c', flag: true},
      {long: '--location', short: '-l'},
      {long: '--agent-count', short: '-z'},
      {long: '--cert-cname'},
      {long: '--cert-pem'},
      {long: '--key-pem'},
      {long: '--yes', short: '-y', flag: true},
    ],
    run: envCreate,
  },
  'ml env show': {
    options: [
      {long: '--name', short: '-n'},
      {long: '--resource-group', short: '-g'},
    ],
    run: envShow,
  },
  'ml env list': {options: [{long: '--resource-group', short: '-g'}], run: envList},
  'ml env set': {options: [NAME, GROUP], run: envSet},
  'ml env delete': {options: [NAME, GROUP, {long: '--yes', short: '-y', flag: true}], run: envDelete},
  'ml service show realtime': {
    options: [
      {long: '--name', short: '-n'},
      {long: '--id', short: '-i'},
    ],
    run: serviceShow,
  },
  'ml service list realtime': {options: [], run: serviceList},
};

export const az: SandboxProgram = {
  run(context, args) {
    const parsed = parse(args);
    if ('error' in parsed) return parsed.error;
    const azure = context.state.azureml;
    if (!azure) return fail(NOT_LOGGED_IN);
    return parsed.spec.run(context, azure, parsed.values);
  },
  fault() {
    // What an ARM call that failed on Azure's side prints; nothing changes.
    return fail('Azure Error: InternalServerError', 'Message: An internal server error occurred. Please try again.');
  },
};

type Parsed = {spec: CommandSpec; values: Record<string, string | true>} | {error: ToolResult};

function parse(args: readonly string[]): Parsed {
  const words: string[] = [];
  let i = 0;
  while (i < args.length && !args[i]!.startsWith('-')) words.push(args[i++]!);
  const name = words.join(' ').toLowerCase();
  const spec = COMMANDS[name];
  if (!spec) {
    const known = Object.keys(COMMANDS).some((c) => c.startsWith(`${name} `));
    return {
      error: usageError(known ? `the following arguments are required: <command> after 'az ${name}'` : `'${words.at(-1) ?? ''}' is misspelled or not recognized by the system.`),
    };
  }
  const values: Record<string, string | true> = {};
  const unknown: string[] = [];
  while (i < args.length) {
    const arg = args[i++]!;
    const option = spec.options.find((o) => o.long === arg.toLowerCase() || o.short === arg);
    if (!option) {
      unknown.push(arg);
      continue;
    }
    if (option.flag) {
      values[option.long] = true;
      continue;
    }
    const value = args[i];
    if (value === undefined || (value.startsWith('-') && value.length > 1)) return {error: usageError(`argument ${label(option)}: expected one argument`)};
    values[option.long] = value;
    i += 1;
  }
  if (unknown.length) return {error: usageError(`unrecognized arguments: ${unknown.join(' ')}`)};
  const missing = spec.options.filter((o) => o.required && values[o.long] === undefined);
  if (missing.length) return {error: usageError(`the following arguments are required: ${missing.map(label).join(', ')}`)};
  return {spec, values};
}

function label(option: OptionSpec): string {
  return option.short ? `${option.long}/${option.short}` : option.long;
}

function usageError(message: string): ToolResult {
  return {stdout: '', stderr: lines(`ERROR: ${message}`), exitCode: 2};
}

function fail(...message: string[]): ToolResult {
  return {stdout: '', stderr: lines(`ERROR: ${message[0] ?? ''}`, ...message.slice(1)), exitCode: 1};
}

function json(value: unknown): ToolResult {
  return {stdout: `${JSON.stringify(value, null, 2)}\n`, stderr: '', exitCode: 0};
}

function changed(context: ToolContext, output: ToolResult, change: (azure: AzureMlState) => void): ToolResult {
  const state: NodeState = cloneState(context.state);
  change(state.azureml!);
  return {...output, state};
}

function groupNotFound(name: string): ToolResult {
  return fail(`Resource group '${name}' could not be found.`);
}

function clusterNotFound(group: string, name: string): ToolResult {
  return fail(`The Resource 'Microsoft.MachineLearningCompute/operationalizationClusters/${name}' under resource group '${group}' was not found.`);
}

function groupShow(azure: AzureMlState, name: string): ToolResult {
  const group = findGroup(azure, name);
  if (!group) return groupNotFound(name);
  return json({
    id: `/subscriptions/${azure.subscriptionId}/resourceGroups/${group.name}`,
    location: group.location,
    managedBy: null,
    name: group.name,
    properties: {provisioningState: 'Succeeded'},
    tags: null,
    type: 'Microsoft.Resources/resourceGroups',
  });
}

/** `az ml env show`'s JSON: the ARM resource, flattened the way the CLI prints it; the SSL key is never printed. */
export function envJson(azure: AzureMlState, group: AzureMlResourceGroup, cluster: AzureMlCluster): Record<string, unknown> {
  return {
    id: clusterResourceId(azure.subscriptionId, group.name, cluster.name),
    name: cluster.name,
    location: cluster.location,
    resourceGroup: group.name,
    type: 'Microsoft.MachineLearningCompute/operationalizationClusters',
    clusterType: cluster.clusterType,
    agentCount: cluster.agentCount,
    provisioningState: cluster.provisioningState,
    createdOn: cluster.createdOn,
    modifiedOn: cluster.modifiedOn,
    publicIpAddress: cluster.publicIpAddress,
    globalServiceConfiguration: {ssl: {status: cluster.ssl.status, cname: cluster.ssl.cname, cert: cluster.ssl.cert}},
  };
}

function envShow(context: ToolContext, azure: AzureMlState, v: Readonly<Record<string, string | true>>): ToolResult {
  const target = targetOf(azure, v);
  if ('error' in target) return target.error;
  const group = findGroup(azure, target.group);
  if (!group) return groupNotFound(target.group);
  const cluster = findCluster(group, target.name);
  if (!cluster) return clusterNotFound(group.name, target.name);
  if (!cluster.provisioning) return json(envJson(azure, group, cluster));
  // A cluster still provisioning: this read counts, Creating until its reads are used up, then its outcome for good.
  const {creatingReadsLeft, outcome} = cluster.provisioning;
  const next: Pick<AzureMlCluster, 'provisioningState' | 'provisioning'> =
    creatingReadsLeft > 0 ? {provisioningState: 'Creating', provisioning: {creatingReadsLeft: creatingReadsLeft - 1, outcome}} : {provisioningState: outcome};
  return changed(context, json(envJson(azure, group, {...cluster, provisioningState: next.provisioningState})), (a) => {
    const stored = findCluster(findGroup(a, group.name)!, cluster.name)!;
    stored.provisioningState = next.provisioningState;
    if (next.provisioning) stored.provisioning = next.provisioning;
    else {
      delete stored.provisioning;
      stored.modifiedOn = context.now.toISOString();
    }
  });
}

function targetOf(azure: AzureMlState, v: Readonly<Record<string, string | true>>): {group: string; name: string} | {error: ToolResult} {
  const name = v['--name'];
  const group = v['--resource-group'];
  if (typeof name === 'string' && typeof group === 'string') return {group, name};
  if (name === undefined && group === undefined) {
    if (azure.current) return {group: azure.current.resourceGroup, name: azure.current.name};
    return {error: noEnvironment()};
  }
  return {error: usageError('the following arguments are required: --name/-n, --resource-group/-g')};
}

function envList(_context: ToolContext, azure: AzureMlState, v: Readonly<Record<string, string | true>>): ToolResult {
  const only = v['--resource-group'];
  const groups = typeof only === 'string' ? [findGroup(azure, only)] : azure.resourceGroups;
  if (groups[0] === undefined) return groupNotFound(String(only));
  return json(groups.flatMap((g) => g!.clusters.map((c) => envJson(azure, g!, c))));
}

function envSet(context: ToolContext, azure: AzureMlState, v: Readonly<Record<string, string | true>>): ToolResult {
  const group = findGroup(azure, String(v['--resource-group']));
  if (!group) return groupNotFound(String(v['--resource-group']));
  const cluster = findCluster(group, String(v['--name']));
  if (!cluster) return clusterNotFound(group.name, String(v['--name']));
  if (cluster.provisioningState !== 'Succeeded') return fail(`Environment ${cluster.name} is not ready (provisioning state: ${cluster.provisioningState}).`);
  return changed(context, {stdout: lines(`Compute set to ${cluster.name}.`), stderr: '', exitCode: 0}, (a) => {
    a.current = {resourceGroup: group.name, name: cluster.name};
  });
}

function envDelete(context: ToolContext, azure: AzureMlState, v: Readonly<Record<string, string | true>>): ToolResult {
  const group = findGroup(azure, String(v['--resource-group']));
  if (!group) return groupNotFound(String(v['--resource-group']));
  const cluster = findCluster(group, String(v['--name']));
  if (!cluster) return clusterNotFound(group.name, String(v['--name']));
  return changed(context, {stdout: '', stderr: '', exitCode: 0}, (a) => {
    const g = findGroup(a, group.name)!;
    g.clusters = g.clusters.filter((c) => c.name !== cluster.name);
    if (a.current && a.current.resourceGroup === group.name && a.current.name === cluster.name) a.current = null;
  });
}

/** Reads the PEM files `--cert-pem` / `--key-pem` name; the messages are what a failed load prints. */
function readSslFiles(files: NodeFiles, certPath: string, keyPath: string): {cert: string; key: string} | {error: ToolResult} {
  const certBytes = files.read(certPath);
  if (!certBytes) return {error: fail(`[Errno 2] No such file or directory: '${certPath}'`)};
  const keyBytes = files.read(keyPath);
  if (!keyBytes) return {error: fail(`[Errno 2] No such file or directory: '${keyPath}'`)};
  const cert = certBytes.toString('utf8');
  const key = keyBytes.toString('utf8');
  const problem = sslPairProblem(cert, key);
  return problem ? {error: fail(problem)} : {cert, key};
}

/** Why a PEM certificate and key cannot be used for SSL (shared with Set-AzureRmMlOpCluster), or null. */
export function sslPairProblem(cert: string, key: string): string | null {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    return 'Unable to load the certificate: the file is not a PEM certificate.';
  }
  if (/ENCRYPTED/.test(key)) return 'Unable to load the private key: it is protected by a passphrase. Provide a key without a password.';
  let matches: boolean;
  try {
    matches = x509.checkPrivateKey(createPrivateKey(key));
  } catch {
    return 'Unable to load the private key: the file is not a PEM private key.';
  }
  return matches ? null : 'The private key does not match the certificate.';
}

function envCreate(context: ToolContext, azure: AzureMlState, v: Readonly<Record<string, string | true>>): ToolResult {
  const name = String(v['--name']);
  if (!/^[a-z0-9][a-z0-9-]{1,30}[a-z0-9]$/i.test(name)) {
    return usageError(`argument --name/-n: '${name}' must be 3-32 letters, digits or dashes, starting and ending with a letter or digit`);
  }
  const groupName = typeof v['--resource-group'] === 'string' ? v['--resource-group'] : `${name}rg`;
  const ssl = [v['--cert-cname'], v['--cert-pem'], v['--key-pem']];
  if (ssl.some((x) => x !== undefined) && ssl.some((x) => x === undefined)) {
    return usageError('--cert-cname, --cert-pem and --key-pem must be given together');
  }
  const existingGroup = findGroup(azure, groupName);
  if (existingGroup && findCluster(existingGroup, name)) return fail(`Environment '${name}' already exists in resource group '${existingGroup.name}'.`);
  let pair: {cert: string; key: string} | null = null;
  if (typeof v['--cert-pem'] === 'string' && typeof v['--key-pem'] === 'string') {
    const read = readSslFiles(context.files, v['--cert-pem'], v['--key-pem']);
    if ('error' in read) return read.error;
    pair = read;
  }
  const location = typeof v['--location'] === 'string' ? v['--location'] : (existingGroup?.location ?? 'eastus2');
  const at = context.now.toISOString();
  const cluster: AzureMlCluster = {
    name,
    location,
    clusterType: v['--cluster'] === true ? 'ACS' : 'Local',
    agentCount: Number(v['--agent-count'] ?? 3) || 3,
    publicIpAddress: publicIpFor(`${groupName}/${name}`.toLowerCase()),
    // With no provisioning setting a new cluster is ready at once; otherwise create returns while it is Creating.
    provisioningState: azure.provisioning ? 'Creating' : 'Succeeded',
    ...(azure.provisioning ? {provisioning: {creatingReadsLeft: azure.provisioning.creatingReads, outcome: azure.provisioning.outcome}} : {}),
    createdOn: at,
    modifiedOn: at,
    ssl: pair ? {status: 'Enabled', cert: pair.cert, key: pair.key, cname: String(v['--cert-cname'])} : {status: 'Disabled', cert: null, key: null, cname: null},
    services: [],
  };
  const created = {...envJson(azure, existingGroup ?? {name: groupName, location, clusters: []}, cluster)};
  return changed(context, json(created), (a) => {
    let group = findGroup(a, groupName);
    if (!group) {
      // As the help says: "Is created if it does not exist."
      group = {name: groupName, location, clusters: []};
      a.resourceGroups.push(group);
    }
    group.clusters.push(cluster);
  });
}

/** A stable public IP per cluster (Azure's 52.x ranges), so a re-created cluster keeps its address in the demo. */
function publicIpFor(key: string): string {
  let hash = 2166136261;
  for (const char of key) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return `52.${160 + (hash % 32)}.${(hash >>> 8) % 256}.${1 + ((hash >>> 16) % 254)}`;
}

function noEnvironment(): ToolResult {
  return fail('No environment is set. Set one with: az ml env set -n <environment name> -g <resource group>');
}

function currentCluster(azure: AzureMlState): {cluster: AzureMlCluster} | {error: ToolResult} {
  if (!azure.current) return {error: noEnvironment()};
  const group = findGroup(azure, azure.current.resourceGroup);
  const cluster = group && findCluster(group, azure.current.name);
  if (!cluster) return {error: clusterNotFound(azure.current.resourceGroup, azure.current.name)};
  return {cluster};
}

function serviceJson(cluster: AzureMlCluster, service: AzureMlCluster['services'][number]): Record<string, unknown> {
  return {id: service.id, name: service.name, state: service.state, createdAt: service.createdAt, updatedAt: service.updatedAt, scoringUri: scoringUri(cluster, service)};
}

function serviceShow(_context: ToolContext, azure: AzureMlState, v: Readonly<Record<string, string | true>>): ToolResult {
  const found = currentCluster(azure);
  if ('error' in found) return found.error;
  const {cluster} = found;
  const name = v['--name'];
  const id = v['--id'];
  if (name === undefined && id === undefined) return usageError('one of the arguments --name/-n --id/-i is required');
  const service = cluster.services.find((s) => (typeof id === 'string' ? s.id === id : s.name.toLowerCase() === String(name).toLowerCase()));
  if (!service) return fail(`No service found with ${typeof id === 'string' ? `id ${id}` : `name ${String(name)}`} in environment ${cluster.name}.`);
  return json(serviceJson(cluster, service));
}

function serviceList(_context: ToolContext, azure: AzureMlState): ToolResult {
  const found = currentCluster(azure);
  if ('error' in found) return found.error;
  return json(found.cluster.services.map((s) => serviceJson(found.cluster, s)));
}
