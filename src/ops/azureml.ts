// Azure ML Model Management ("o16n") from the admin node: the `az ml` CLI for environments (clusters) and real-time
// services, the AzureRM.MachineLearningCompute cmdlet Set-AzureRmMlOpCluster for an existing cluster's SSL, and
// nslookup for where the scoring name points. `az` prints JSON on stdout and `ERROR: …` on stderr.
import {describeCertificate} from '../certs/describe.ts';
import type {Host} from '../hosts/host.ts';
import {command, runCommand} from './command.ts';
import type {Command} from './command.ts';
import {powershellArgs, psQuote} from './powershell.ts';
import {ToolError} from './tool-error.ts';

const AZ = 'az';

export type AzErrorCode = 'ResourceGroupNotFound' | 'ResourceNotFound' | 'ArgumentError' | 'NoEnvironment' | 'ServiceNotFound' | 'InvalidCertificate' | 'Other';

export interface AzureMlSsl {
  readonly status: 'Enabled' | 'Disabled';
  readonly cname: string | null;
  /** The certificate Azure holds (PEM) and its SHA-1 thumbprint; Azure never returns the key. */
  readonly certPem: string | null;
  readonly certThumbprint: string | null;
}

export interface AzureMlEnvironment {
  readonly id: string;
  readonly name: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly clusterType: string;
  readonly provisioningState: string;
  /** The real-time front end: what the scoring CNAME must resolve to. */
  readonly publicIpAddress: string | null;
  readonly ssl: AzureMlSsl;
}

export interface RealtimeService {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly scoringUri: string;
}

/** The text after `ERROR: ` (and the lines under it), and what kind of failure it is. */
export function parseAzError(stderr: string, exitCode: number): {code: AzErrorCode; message: string} {
  const text = stderr.trim();
  const start = text.search(/^ERROR: /m);
  const message = (start >= 0 ? text.slice(start + 'ERROR: '.length) : text).trim() || `exit code ${exitCode}`;
  let code: AzErrorCode = 'Other';
  if (/^Resource group '.*' could not be found/m.test(message)) code = 'ResourceGroupNotFound';
  else if (/^The Resource '.*' under resource group '.*' was not found/m.test(message)) code = 'ResourceNotFound';
  else if (/^No environment is set/m.test(message)) code = 'NoEnvironment';
  else if (/^No service found/m.test(message)) code = 'ServiceNotFound';
  else if (/^(Unable to load the (certificate|private key)|The private key does not match)/m.test(message)) code = 'InvalidCertificate';
  else if (exitCode === 2) code = 'ArgumentError';
  return {code, message};
}

async function runAz(host: Host, cmd: Command): Promise<unknown> {
  const r = await runCommand(host, cmd);
  if (r.exitCode !== 0) {
    const {code, message} = parseAzError(r.stderr || r.stdout, r.exitCode);
    // Named by its command words (`az ml env create`), without the values that follow.
    const firstOption = cmd.args.findIndex((a) => a.startsWith('-'));
    const words = (firstOption < 0 ? cmd.args : cmd.args.slice(0, firstOption)).join(' ');
    throw new ToolError(AZ, `az ${words}: ${message}`, {code, exitCode: r.exitCode, output: `${r.stdout}${r.stderr}`});
  }
  if (r.stdout.trim() === '') return null;
  try {
    return JSON.parse(r.stdout) as unknown;
  } catch {
    // `az ml env set` prints a sentence, not JSON.
    return r.stdout.trim();
  }
}

function isNotFound(error: unknown, ...codes: AzErrorCode[]): boolean {
  return error instanceof ToolError && error.tool === AZ && codes.includes(error.details.code as AzErrorCode);
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

// The command that reads a resource group.
export function groupShowCommand(group: string): Command {
  return command(AZ, 'group', 'show', '--name', group);
}

// Whether the resource group exists (other failures, e.g. not logged in, throw).
export async function resourceGroupExists(host: Host, group: string): Promise<boolean> {
  try {
    await runAz(host, groupShowCommand(group));
    return true;
  } catch (error) {
    if (isNotFound(error, 'ResourceGroupNotFound')) return false;
    throw error;
  }
}

// The command that shows one environment (cluster).
export function envShowCommand(name: string, group: string): Command {
  return command(AZ, 'ml', 'env', 'show', '-n', name, '-g', group);
}

/** Reads `az ml env show` JSON; the certificate's thumbprint comes from the PEM Azure returns. */
export function parseEnvironment(value: unknown): AzureMlEnvironment {
  const env = record(value);
  const ssl = record(record(env.globalServiceConfiguration).ssl);
  const name = text(env.name);
  if (!name) throw new ToolError(AZ, 'az ml env show printed no environment (no "name")', {output: JSON.stringify(value)});
  const certPem = text(ssl.cert);
  let certThumbprint: string | null = null;
  if (certPem) {
    try {
      certThumbprint = describeCertificate(certPem).thumbprint;
    } catch {
      certThumbprint = null;
    }
  }
  return {
    id: text(env.id) ?? '',
    name,
    resourceGroup: text(env.resourceGroup) ?? '',
    location: text(env.location) ?? '',
    clusterType: text(env.clusterType) ?? '',
    provisioningState: text(env.provisioningState) ?? '',
    publicIpAddress: text(env.publicIpAddress),
    ssl: {status: ssl.status === 'Enabled' ? 'Enabled' : 'Disabled', cname: text(ssl.cname), certPem, certThumbprint},
  };
}

// The environment, or null when the cluster is not in the resource group; a missing resource group throws.
export async function showEnvironment(host: Host, name: string, group: string): Promise<AzureMlEnvironment | null> {
  try {
    return parseEnvironment(await runAz(host, envShowCommand(name, group)));
  } catch (error) {
    if (isNotFound(error, 'ResourceNotFound')) return null;
    throw error;
  }
}

// The command that shows the environment `az ml service …` talks to.
export function currentEnvShowCommand(): Command {
  return command(AZ, 'ml', 'env', 'show');
}

// The current environment, or null when none is set.
export async function showCurrentEnvironment(host: Host): Promise<AzureMlEnvironment | null> {
  try {
    return parseEnvironment(await runAz(host, currentEnvShowCommand()));
  } catch (error) {
    if (isNotFound(error, 'NoEnvironment', 'ResourceNotFound')) return null;
    throw error;
  }
}

export interface EnvCreateSpec {
  readonly group: string;
  readonly name: string;
  readonly cname: string;
  /** Paths on the admin node. */
  readonly certPemPath: string;
  readonly keyPemPath: string;
}

// The documented command: `az ml env create -c -g RG -n NAME --cert-cname CNAME --cert-pem cert.pem --key-pem key.pem`.
export function envCreateCommand(spec: EnvCreateSpec): Command {
  return command(AZ, 'ml', 'env', 'create', '-c', '-g', spec.group, '-n', spec.name, '--cert-cname', spec.cname, '--cert-pem', spec.certPemPath, '--key-pem', spec.keyPemPath);
}

export async function createEnvironment(host: Host, spec: EnvCreateSpec): Promise<void> {
  await runAz(host, envCreateCommand(spec));
}

// The command that deletes an environment and its cluster resources (no prompt).
export function envDeleteCommand(name: string, group: string): Command {
  return command(AZ, 'ml', 'env', 'delete', '-n', name, '-g', group, '--yes');
}

export async function deleteEnvironment(host: Host, name: string, group: string): Promise<void> {
  await runAz(host, envDeleteCommand(name, group));
}

// The command that makes an environment the one `az ml service …` talks to.
export function envSetCommand(name: string, group: string): Command {
  return command(AZ, 'ml', 'env', 'set', '-n', name, '-g', group);
}

export async function setEnvironment(host: Host, name: string, group: string): Promise<void> {
  await runAz(host, envSetCommand(name, group));
}

// The command that shows a real-time service of the current environment.
export function serviceShowCommand(service: string): Command {
  return command(AZ, 'ml', 'service', 'show', 'realtime', '-n', service);
}

export function parseService(value: unknown): RealtimeService {
  const s = record(value);
  const name = text(s.name);
  const scoringUri = text(s.scoringUri);
  if (!name || !scoringUri) throw new ToolError(AZ, 'az ml service show realtime printed no service (no "name" or "scoringUri")', {output: JSON.stringify(value)});
  return {id: text(s.id) ?? '', name, state: text(s.state) ?? '', scoringUri};
}

// The service, or null when the current environment has none of that name.
export async function showRealtimeService(host: Host, service: string): Promise<RealtimeService | null> {
  try {
    return parseService(await runAz(host, serviceShowCommand(service)));
  } catch (error) {
    if (isNotFound(error, 'ServiceNotFound')) return null;
    throw error;
  }
}

// The command that lists the current environment's real-time services.
export function serviceListCommand(): Command {
  return command(AZ, 'ml', 'service', 'list', 'realtime');
}

export async function listRealtimeServices(host: Host): Promise<RealtimeService[]> {
  const value = await runAz(host, serviceListCommand());
  return Array.isArray(value) ? value.map(parseService) : [];
}

/** Whether a scoring URL is https on exactly this host name. */
export function scoringUsesCname(scoringUri: string, cname: string): boolean {
  try {
    const url = new URL(scoringUri);
    return url.protocol === 'https:' && url.hostname.toLowerCase() === cname.toLowerCase().replace(/\.$/, '');
  } catch {
    return false;
  }
}

export type ClusterSslSetting = {readonly status: 'Enabled'; readonly cname: string; readonly certPemPath: string; readonly keyPemPath: string} | {readonly status: 'Disabled'};

/**
 * The documented PowerShell for an existing cluster. The PEM texts are read on the node into variables, so neither
 * the key nor the certificate is on a command line. The cluster object it prints (as JSON: the console's table view
 * is cut to the window's width) is not parsed: `az ml env show` reads the result back.
 */
export function setClusterSslScript(group: string, name: string, ssl: ClusterSslSetting): string {
  const head = ["$ErrorActionPreference = 'Stop'"];
  const target = `-ResourceGroupName ${psQuote(group)} -Name ${psQuote(name)}`;
  if (ssl.status === 'Disabled') return [...head, `Set-AzureRmMlOpCluster ${target} -SslStatus Disabled | ConvertTo-Json -Depth 4`].join('\n');
  return [
    ...head,
    `$keyValueInPemFormat = [IO.File]::ReadAllText(${psQuote(ssl.keyPemPath)})`,
    `$certValueInPemFormat = [IO.File]::ReadAllText(${psQuote(ssl.certPemPath)})`,
    `Set-AzureRmMlOpCluster ${target} -SslStatus Enabled -SslCertificate $certValueInPemFormat -SslKey $keyValueInPemFormat -SslCName ${psQuote(ssl.cname)} | ConvertTo-Json -Depth 4`,
  ].join('\n');
}

export function setClusterSslCommand(group: string, name: string, ssl: ClusterSslSetting): Command {
  return command('powershell', ...powershellArgs(setClusterSslScript(group, name, ssl)));
}

/** The first line of a PowerShell error record (`Set-AzureRmMlOpCluster : message`), without the cmdlet name. */
export function parsePowershellError(output: string): string {
  const line = output.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return line.replace(/^[\w-]+ : /, '').trim();
}

export async function setClusterSsl(host: Host, group: string, name: string, ssl: ClusterSslSetting): Promise<void> {
  const r = await runCommand(host, setClusterSslCommand(group, name, ssl));
  if (r.exitCode !== 0) {
    const message = parsePowershellError(r.stderr || r.stdout) || `exit code ${r.exitCode}`;
    throw new ToolError('Set-AzureRmMlOpCluster', `Set-AzureRmMlOpCluster: ${message}`, {exitCode: r.exitCode, output: `${r.stdout}${r.stderr}`});
  }
}

// The command that asks the node's DNS resolver for a name.
export function nslookupCommand(name: string): Command {
  return command('nslookup', name);
}

/** The addresses nslookup printed for the name (after the server's own `Name:` line), or [] when it does not exist. */
export function parseNslookup(stdout: string): string[] {
  const answer = stdout
    .split(/\r?\n\r?\n/)
    .slice(1)
    .join('\n');
  const addresses: string[] = [];
  let inAddresses = false;
  for (const line of answer.split(/\r?\n/)) {
    const m = /^(Addresses|Address):\s*(\S+)?/.exec(line);
    if (m) {
      inAddresses = true;
      if (m[2]) addresses.push(m[2]);
    } else if (inAddresses && /^\s+\S/.test(line)) addresses.push(line.trim());
    else inAddresses = false;
  }
  return addresses;
}

export async function resolveName(host: Host, name: string): Promise<string[]> {
  const r = await runCommand(host, nslookupCommand(name));
  // nslookup's exit code says little (0 for some failures); the answer section says whether the name resolved.
  const addresses = parseNslookup(r.stdout);
  if (addresses.length || /Non-existent domain|can't find/i.test(r.stderr)) return addresses;
  if (r.exitCode !== 0)
    throw new ToolError('nslookup', `nslookup ${name}: ${(r.stderr || r.stdout).trim().split(/\r?\n/)[0] ?? `exit code ${r.exitCode}`}`, {
      exitCode: r.exitCode,
      output: `${r.stdout}${r.stderr}`,
    });
  return addresses;
}
