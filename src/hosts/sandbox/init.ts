// Creates the demo fleet: an SSIS Scale Out master and N workers in the state of a live cluster whose master
// certificate is due for rotation. Lync Front Ends and an Azure ML client will be added as further node builders
// (roles 'lync-fe', 'azureml-client') next to buildMaster/buildWorker.
import {randomUUID} from 'node:crypto';
import {mkdir, readdir, rm} from 'node:fs/promises';
import {join} from 'node:path';
import {createSelfSigned, generateKeyPem} from '../../certs/create.ts';
import type {MadeCert} from '../../certs/create.ts';
import type {NodeInfo} from '../host.ts';
import {nodeFiles} from './node-files.ts';
import {azuremlClientNode, buildAzureMlClient} from './azureml-demo.ts';
import {DEFAULT_LOCALE, type SandboxLocale} from './locale.ts';
import {MASTER_SERVICE, WORKER_SERVICE, formatSettingsJson, json, scaleOutBinn} from './scale-out-files.ts';
import {DEFAULT_BINDING_OPTIONS, emptyNodeState, sandboxPaths, writeManifest, writeNodeState} from './state.ts';
import {newFleetId} from './fleet-id.ts';
import type {NodeState} from './state.ts';
import {sandboxCertFromDer} from './tools/stores.ts';
import {buildLyncPool} from './lync-demo.ts';

export interface InitOptions {
  /** Default 3. */
  readonly workers?: number;
  /** Replace an existing sandbox in `dir` (files certwalk did not create are never deleted). */
  readonly force?: boolean;
  /**
   * Whether the master's demo private keys may be exported (the workers': exportableWorkerKeys). Default false:
   * MakeCert without -pe, as in the documented procedure, makes non-exportable keys, so "back up the old certificate
   * as a PFX" fails as it would on a real node.
   */
  readonly exportableKeys?: boolean;
  /**
   * Whether the workers' certificate keys may be exported. Default true (whatever exportableKeys says): the worker
   * rotation keeps the old worker certificate as a PFX before deleting it, and the demo worker certificates share
   * their CN with the one the rotation makes, so with a key that cannot be exported the rotation could not finish
   * on the demo fleet at all (skipping the delete leaves two certificates winhttpcertcfg -s cannot tell apart).
   * false gives the MakeCert-without--pe case, for tests of that refusal.
   */
  readonly exportableWorkerKeys?: boolean;
  /** Add the Azure ML admin node (`mlclient`, role azureml-client) with its simulated cluster. Default true. */
  readonly azureml?: boolean;
  /** Front Ends of the demo Lync Server 2013 pool (fe1…, role lync-fe; see lync-demo.ts). Default 3; 0 = no pool. */
  readonly lyncFrontEnds?: number;
  /** Replication delay step of the Lync pool: fe1 0 s, fe2 this, fe3 twice this. Default 3. */
  readonly lyncReplicationDelaySeconds?: number;
  /** Whether the pool has an OAuthTokenIssuer certificate already. Default true. */
  readonly lyncOAuthAssigned?: boolean;
  /**
   * The display language of every node (locale.ts): its tools print that language's labels and messages in its OEM
   * code page. Default en-US.
   */
  readonly locale?: SandboxLocale;
  /** The drive SQL Server (the SSIS Scale Out install: settings, services, worker .cer) is on, `C`…`Z`. Default C. */
  readonly drive?: string;
}

/** The appid SSIS Scale Out setup registers its http.sys binding with (the sandbox's fixed stand-in). */
export const SSIS_MASTER_APPID = '{6b9d1f0c-2f5a-4c1e-9d8e-1f2a3b4c5d6e}';
/** IIS's well-known appid, for the unrelated binding on 443 that a rotation must leave alone. */
const OTHER_APP_APPID = '{4dc3e181-e14b-4a21-b022-59fc669b0914}';
const MASTER_PORT = 8391;
const WORKER_ACCOUNT = `NT Service\\${WORKER_SERVICE}`;
// Worker 3 runs as a domain account, as admins often set it up: the account the new key is granted to must be read
// from the service (sc.exe qc), not assumed.
const DOMAIN_WORKER_ACCOUNT = 'CONTOSO\\svc-ssis-worker';
const DOMAIN_ACCOUNT_WORKER = 3;
const masterBinary = (binn: string) => `"${binn}\\ScaleOut\\MasterService\\Microsoft.SqlServer.IntegrationServices.Scaleout.MasterService.exe"`;
const workerBinary = (binn: string) => `"${binn}\\ScaleOut\\WorkerAgent\\Microsoft.SqlServer.IntegrationServices.Scaleout.WorkerAgent.exe"`;
const DAY_MS = 24 * 60 * 60 * 1000;
// Distinct keys up to this many workers; beyond it workers share keys round-robin (sandbox only: every certificate
// is still unique, and 200 native 2048-bit key generations would take most of a minute).
const KEY_POOL_SIZE = 16;
const SANDBOX_ENTRIES = new Set(['sandbox.json', 'sandbox.lock', 'faults.json', 'faults.lock', 'nodes']);

export async function initSandbox(dir: string, options: InitOptions = {}): Promise<void> {
  const workers = options.workers ?? 3;
  if (!Number.isInteger(workers) || workers < 0 || workers > 1000) throw new Error(`workers must be 0-1000, got ${workers}`);
  const drive = (options.drive ?? 'C').toUpperCase();
  if (!/^[C-Z]$/.test(drive)) throw new Error(`drive must be a letter from C to Z, got ${JSON.stringify(options.drive)}`);
  const binn = scaleOutBinn(drive);
  const locale = options.locale ?? DEFAULT_LOCALE;
  await prepareDirectory(dir, options.force ?? false);
  const exportable = options.exportableKeys ?? false;
  const workerExportable = options.exportableWorkerKeys ?? true;

  const master = masterNode();
  const workerNodes = Array.from({length: workers}, (_, i) => workerNode(i + 1));
  const createdAt = new Date(Date.now() - 300 * DAY_MS);
  const [masterCert, otherAppCert, ...keyPool] = await Promise.all([
    createSelfSigned({commonNames: [master.fqdn, master.machineName, master.ip], dnsNames: [master.fqdn, master.machineName], ipAddresses: [master.ip], notBefore: createdAt}),
    createSelfSigned({commonNames: ['intranet.contoso.local'], dnsNames: ['intranet.contoso.local'], notBefore: createdAt}),
    ...Array.from({length: Math.min(workers, KEY_POOL_SIZE)}, () => generateKeyPem()),
  ]);
  const workerCerts: MadeCert[] = [];
  for (const [i, node] of workerNodes.entries()) {
    workerCerts.push(
      await createSelfSigned({
        commonNames: [node.machineName, node.ip],
        dnsNames: [node.machineName, node.fqdn],
        ipAddresses: [node.ip],
        notBefore: createdAt,
        keyPem: keyPool[i % keyPool.length]!,
      }),
    );
  }

  const localized = (state: NodeState): NodeState => (locale === DEFAULT_LOCALE ? state : {...state, locale});
  const masterState = buildMaster(masterCert!, otherAppCert!, workerCerts, exportable, binn);
  await writeNode(dir, master, localized(masterState), [
    [`${binn}\\MasterSettings.config`, masterSettings(masterCert!.info.thumbprint)],
    [`${binn}\\SSISScaleOutMaster.cer`, masterCert!.der],
  ]);
  for (const [i, node] of workerNodes.entries()) {
    const cert = workerCerts[i]!;
    const account = i + 1 === DOMAIN_ACCOUNT_WORKER ? DOMAIN_WORKER_ACCOUNT : WORKER_ACCOUNT;
    await writeNode(dir, node, localized(buildWorker(cert, masterCert!, workerExportable, account, binn)), [
      [`${binn}\\WorkerSettings.config`, workerSettings(node, masterCert!.info.thumbprint, cert.info.thumbprint)],
      [`${binn}\\SSISScaleOutWorker.cer`, cert.der],
    ]);
  }
  const azuremlNodes = options.azureml === false ? [] : [azuremlClientNode()];
  for (const node of azuremlNodes) await writeNode(dir, node, localized(buildAzureMlClient(new Date())), []);
  const lyncPool = await buildLyncPool({
    frontEnds: options.lyncFrontEnds ?? 3,
    ...(options.lyncReplicationDelaySeconds === undefined ? {} : {replicationDelaySeconds: options.lyncReplicationDelaySeconds}),
    ...(options.lyncOAuthAssigned === undefined ? {} : {oauthAssigned: options.lyncOAuthAssigned}),
  });
  for (const fe of lyncPool) await writeNode(dir, fe.node, localized(fe.state), fe.files);
  // Last, so that a directory whose init was interrupted is not mistaken for a sandbox.
  await writeManifest(dir, {version: 1, fleetId: newFleetId(), nodes: [master, ...workerNodes, ...azuremlNodes, ...lyncPool.map((fe) => fe.node)]});
}

async function prepareDirectory(dir: string, force: boolean): Promise<void> {
  await mkdir(dir, {recursive: true});
  const entries = await readdir(dir);
  if (entries.length === 0) return;
  if (!force) throw new Error(`${dir} is not empty; use force to replace the sandbox in it`);
  const foreign = entries.filter((entry) => !SANDBOX_ENTRIES.has(entry) && !/^\..*\.tmp$/.test(entry));
  if (foreign.length > 0) {
    throw new Error(`${dir} holds files that are not part of a sandbox (${foreign.slice(0, 5).join(', ')}); refusing to delete them`);
  }
  await Promise.all(entries.map((entry) => rm(join(dir, entry), {recursive: true, force: true})));
}

function masterNode(): NodeInfo {
  return {name: 'master', machineName: 'MASTER', fqdn: 'master.contoso.local', ip: '10.0.0.10', roles: ['ssis-master']};
}

/** worker1 → 10.0.1.1 … worker250 → 10.0.1.250, worker251 → 10.0.2.1. */
function workerNode(n: number): NodeInfo {
  const ip = `10.0.${1 + Math.floor((n - 1) / 250)}.${1 + ((n - 1) % 250)}`;
  return {name: `worker${n}`, machineName: `WORKER${n}`, fqdn: `worker${n}.contoso.local`, ip, roles: ['ssis-worker']};
}

function buildMaster(masterCert: MadeCert, otherAppCert: MadeCert, workerCerts: readonly MadeCert[], exportable: boolean, binn: string): NodeState {
  const state = emptyNodeState();
  state.stores['My'] = [sandboxCertFromDer(otherAppCert.der, {keyPem: otherAppCert.keyPem, exportable})];
  state.stores['Root'] = [
    sandboxCertFromDer(masterCert.der, {keyPem: masterCert.keyPem, exportable}),
    // Each worker's client certificate, trusted by the master.
    ...workerCerts.map((cert) => sandboxCertFromDer(cert.der)),
  ];
  state.bindings = [
    {
      ipport: `0.0.0.0:${MASTER_PORT}`,
      certhash: masterCert.info.thumbprint.toLowerCase(),
      appid: SSIS_MASTER_APPID,
      certstorename: 'Root',
      // Non-default flags: a binding re-created without them silently loses them (certify#588).
      options: {...DEFAULT_BINDING_OPTIONS, clientcertnegotiation: 'enable', disablequic: 'enable'},
    },
    {ipport: '0.0.0.0:443', certhash: otherAppCert.info.thumbprint.toLowerCase(), appid: OTHER_APP_APPID, certstorename: null, options: {...DEFAULT_BINDING_OPTIONS}},
  ];
  state.services[MASTER_SERVICE] = {
    displayName: 'SQL Server Integration Services Scale Out Master 14.0',
    binaryPath: masterBinary(binn),
    account: `NT Service\\${MASTER_SERVICE}`,
    status: 'running',
    win32ExitCode: 0,
    startType: 'auto',
  };
  return state;
}

function buildWorker(cert: MadeCert, masterCert: MadeCert, exportable: boolean, account: string, binn: string): NodeState {
  const state = emptyNodeState();
  state.stores['My'] = [sandboxCertFromDer(cert.der, {keyPem: cert.keyPem, exportable, keyAcl: [account]})];
  state.stores['Root'] = [sandboxCertFromDer(masterCert.der)];
  state.services[WORKER_SERVICE] = {
    displayName: 'SQL Server Integration Services Scale Out Worker 14.0',
    binaryPath: workerBinary(binn),
    account,
    status: 'running',
    win32ExitCode: 0,
    startType: 'auto',
  };
  return state;
}

function masterSettings(thumbprint: string): Buffer {
  return formatSettingsJson([
    ['PortNumber', json.number(MASTER_PORT)],
    ['SSLCertThumbprint', json.string(thumbprint)],
    ['SqlServerName', json.string('MASTER\\SQL2017')],
    ['CleanupCompletedJobsIntervalInMs', json.number(43200000)],
    ['DealWithExpiredTasksIntervalInMs', json.number(300000)],
    ['MasterHeartbeatIntervalInMs', json.number(30000)],
    ['SqlConnectionTimeoutInSecs', json.number(15)],
  ]);
}

function workerSettings(node: NodeInfo, masterThumbprint: string, workerThumbprint: string): Buffer {
  // Key spellings as the product writes them, including "LeaseInternval".
  return formatSettingsJson([
    ['DisplayName', json.string(node.machineName)],
    ['Description', json.string('')],
    ['MasterEndpoint', json.string(`https://master.contoso.local:${MASTER_PORT}`)],
    ['MasterHttpsCertThumbprint', json.string(masterThumbprint)],
    ['WorkerHttpsCertThumbprint', json.string(workerThumbprint)],
    ['StoreLocation', json.string('LocalMachine')],
    ['StoreName', json.string('My')],
    ['AgentHeartbeatInterval', json.string('00:01:00')],
    ['TaskHeartbeatInterval', json.string('00:00:10')],
    ['HeartbeatErrorTolerance', json.string('00:10:00')],
    ['TaskRequestMaxCPU', json.double(70)],
    ['TaskRequestMinMemory', json.double(100)],
    ['MaxTaskCount', json.number(10)],
    ['LeaseInternval', json.string('00:01:00')],
    ['TasksRootFolder', json.string('')],
    ['TaskLogLevel', json.number(126)],
    ['TaskLogSegment', json.string('00:00:00')],
    ['TaskLogEnabled', json.boolean(true)],
    ['ExecutionLogCacheFolder', json.string('')],
    ['ExecutionLogMaxBufferLogCount', json.number(10000)],
    ['ExecutionLogMaxInMemoryBufferCount', json.number(10)],
    ['ExecutionLogRetryCount', json.number(3)],
    ['ExecutionLogRetryTimeout', json.string('7.00:00:00')],
    ['AgentId', json.string(randomUUID())],
  ]);
}

async function writeNode(dir: string, node: NodeInfo, state: NodeState, files: ReadonlyArray<readonly [string, Buffer]>): Promise<void> {
  await mkdir(sandboxPaths.nodeFs(dir, node.name), {recursive: true});
  await writeNodeState(dir, node.name, state);
  const fs = nodeFiles(sandboxPaths.nodeDir(dir, node.name));
  for (const [path, data] of files) fs.write(path, data);
}
