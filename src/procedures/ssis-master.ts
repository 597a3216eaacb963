// SSIS Scale Out: change the Master certificate, on the master and then on every worker
// (MicrosoftDocs sql-docs "Manage certificates for SQL Server Integration Services Scale Out").
import {randomBytes} from 'node:crypto';
import {cleanThumbprint, createSelfSigned, describeCertificate, keyInAdvance, toPfx} from '../certs/index.ts';
import type {Fleet, Host, NodeInfo} from '../hosts/host.ts';
import {exportCertificate, listStore, type KeyTest, type StoreEntry} from '../ops/certutil.ts';
import {bindingToAddParams, showSslCert, type SslBinding} from '../ops/netsh.ts';
import {MASTER_SETTINGS_PATH, WORKER_SETTINGS_PATH, findSettingsFile, readSettingsFile} from '../ops/scale-out-settings.ts';
import {queryServiceConfig} from '../ops/service.ts';
import {newCertificateParams, nodesWithRole, parseNodeList, validHostOrIp} from './params.ts';
import {catalogWorkers, describeCatalog, type CatalogWorkers} from './scale-out-catalog.ts';
import {addCertificateStep, type CertificateMaterial} from './steps/add-certificate.ts';
import {removeTempPfxStep, tempPfxName} from './steps/temp-pfx.ts';
import {addBindingStep, deleteBindingStep} from './steps/binding.ts';
import {extendedPropertiesRefusal} from './steps/extended-properties.ts';
import {certificateNames, endpointHostOf, namesCover, validityRefusal} from './ssis-endpoint-names.ts';
import {restartServiceStep} from './steps/service.ts';
import {updateSettingStep} from './steps/setting.ts';
import {sameThumbprint} from './steps/util.ts';
import type {ParamForm, Secrets, StepDefinition, Validation} from './types.ts';
import {defineProcedure, type PreparedAs} from './define.ts';
import {catalogEntry} from './catalog.ts';
import {toolDay} from '../ops/tool-date.ts';
import type {CertificateRecord, RecordedCertificate} from '../certs/certificate.ts';
import type {CertInfo} from '../certs/cert-info.ts';

export const MASTER_SERVICE = 'SSISScaleOutMaster140';
export const WORKER_SERVICE = 'SSISScaleOutWorker140';
const DEFAULT_PORT = 8391;

interface MasterResolved {
  readonly master: string;
  readonly ipport: string;
  readonly binding: SslBinding;
  readonly oldThumbprint: string;
  readonly oldSetting: string;
  /** Found beside the service's executable (sc qc); absent in journals from before it was looked up. */
  readonly masterSettingsPath?: string;
  readonly cert: RecordedCertificate & Pick<CertInfo, 'sha256'> & Pick<CertificateRecord, 'derBase64'> & {readonly created: boolean};
  readonly workers: readonly {readonly node: string; readonly oldSetting: string; readonly settingsPath?: string}[];
}

/** The master endpoint host as the workers know it: the host of a worker's MasterEndpoint setting. */
async function endpointHost(fleet: Fleet, master: NodeInfo): Promise<string> {
  const [worker] = await nodesWithRole(fleet, 'ssis-worker');
  if (worker) {
    try {
      const {values} = await readSettingsFile(await fleet.host(worker.name), WORKER_SETTINGS_PATH);
      const endpoint = values.MasterEndpoint;
      if (typeof endpoint === 'string') return new URL(endpoint).hostname;
    } catch {
      // fall back to the master's own name
    }
  }
  return master.fqdn;
}

async function form(fleet: Fleet): Promise<ParamForm> {
  const masters = await nodesWithRole(fleet, 'ssis-master');
  const master = masters[0];
  const values: Record<string, string> = {
    master: master?.name ?? '',
    certificate: 'new',
    workers: 'all',
    port: String(DEFAULT_PORT),
    keyBits: '2048',
    validDays: '730',
    commonNames: '',
  };
  const certChoices: {value: string; label: string}[] = [{value: 'new', label: 'Create a new self-signed certificate'}];
  let catalog: CatalogWorkers | undefined;
  if (master) {
    const host = await fleet.host(master.name);
    // Read once: the port default and the catalog's SQL Server both come from it.
    const settings = await readSettingsFile(host, MASTER_SETTINGS_PATH).then(
      (file) => file.values,
      () => ({}) as Record<string, unknown>, // the Parameters screen shows the defaults; prepare() reports the unreadable file
    );
    if (typeof settings.PortNumber === 'number' || typeof settings.PortNumber === 'string') values.port = String(settings.PortNumber);
    values.commonNames = [...new Set([await endpointHost(fleet, master), master.machineName, master.ip])].join(',');
    catalog = await catalogWorkers(fleet, master, settings.SqlServerName);
    const inventoryWorkers = (await nodesWithRole(fleet, 'ssis-worker')).map((w) => w.name);
    // "all" while the catalog and the inventory agree; the catalog's own list when they differ.
    if (catalog.ok && catalog.nodes.length && catalog.nodes.join(',') !== inventoryWorkers.join(',')) values.workers = catalog.nodes.join(',');
    for (const cert of await listStore(host, 'Root').catch(() => [])) {
      if (cert.hasPrivateKey && cert.keyTest === 'passed')
        certChoices.push({value: cert.thumbprint, label: `${cert.thumbprint} ${cert.subject} (until ${toolDay(cert.notAfter)})`});
    }
  }
  return {
    values,
    specs: [
      {
        key: 'master',
        label: 'Master node',
        help: 'The node running SSISScaleOutMaster140',
        choices: masters.map((n) => ({value: n.name, label: `${n.name} (${n.fqdn}, ${n.ip})`})),
      },
      {
        key: 'certificate',
        label: 'Certificate',
        help: "new, or the thumbprint of a certificate in the master's LocalMachine\\Root whose private key passes certutil's key test",
        choices: certChoices,
      },
      {key: 'commonNames', label: 'CN list', help: 'CNs of a new certificate, comma-separated: the master endpoint host first, then machine name and IP (also put in the SAN)'},
      {key: 'port', label: 'Master port', help: 'The master service port (PortNumber in MasterSettings.config); the binding is 0.0.0.0:PORT'},
      {key: 'workers', label: 'Workers', help: `"all" or a comma-separated list of worker nodes to reconnect. ${catalog ? describeCatalog(catalog) : ''}`.trim()},
      {key: 'keyBits', label: 'Key size', help: 'RSA key size of a new certificate, at least 2048'},
      {key: 'validDays', label: 'Valid for (days)', help: 'Validity of a new certificate'},
    ],
  };
}

async function prepare(fleet: Fleet, params: Readonly<Record<string, string>>): Promise<Validation<PreparedAs<MasterResolved>>> {
  const errors: Record<string, string> = {};
  const nodes = await fleet.nodes();
  const master = nodes.find((n) => n.name === params.master);
  if (!master) errors.master = `no node named "${params.master ?? ''}"; nodes: ${nodes.map((n) => n.name).join(', ')}`;
  else if (!master.roles.includes('ssis-master')) errors.master = `${master.name} is not an SSIS Scale Out master`;

  const port = Number(params.port ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) errors.port = `port must be a whole number from 1 to 65535, not "${params.port}"`;
  const {keyBits, validDays} = newCertificateParams(params, errors);
  const certificate = (params.certificate ?? 'new').trim();
  // The key is made while the nodes are read (a fifth of a second, often more, that the Plan no longer waits for).
  const key = certificate === 'new' && !errors.keyBits ? keyInAdvance(keyBits) : null;

  const workers = await nodesWithRole(fleet, 'ssis-worker');
  const chosen = parseNodeList(
    params.workers ?? 'all',
    workers.map((w) => w.name),
  );
  if (!chosen.ok) errors.workers = chosen.error;

  const commonNames = (params.commonNames ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (certificate === 'new') {
    if (!commonNames.length) errors.commonNames = 'give at least one CN (the master endpoint host)';
    const bad = commonNames.find((cn) => !validHostOrIp(cn));
    if (bad) errors.commonNames = `"${bad}" is not a host name or IP address`;
  }
  if (Object.keys(errors).length || !master || !chosen.ok) return {ok: false, errors};

  const host = await fleet.host(master.name);
  const ipport = `0.0.0.0:${port}`;
  let masterSetting: string;
  let masterSettingsPath: string;
  try {
    masterSettingsPath = await settingsBesideService(host, MASTER_SERVICE, 'MasterSettings.config');
  } catch (error) {
    return {ok: false, errors: {master: (error as Error).message}};
  }
  try {
    const {values} = await readSettingsFile(host, masterSettingsPath);
    const value = values.SSLCertThumbprint;
    if (typeof value !== 'string') throw new Error(`MasterSettings.config has no SSLCertThumbprint string value`);
    masterSetting = value;
  } catch (error) {
    return {ok: false, errors: {master: `cannot read ${masterSettingsPath} on ${master.name}: ${(error as Error).message}`}};
  }
  const binding = (await showSslCert(host)).find((b) => b.ipport?.toLowerCase() === ipport);
  if (!binding) return {ok: false, errors: {port: `there is no SSL binding on ${ipport} on ${master.name}: is the master port right?`}};
  try {
    bindingToAddParams(binding);
  } catch (error) {
    return {ok: false, errors: {port: (error as Error).message}};
  }
  const lostExtended = extendedPropertiesRefusal(binding, ipport, master.name);
  if (lostExtended) return {ok: false, errors: {port: lostExtended}};

  const workerSettings: {node: string; oldSetting: string; settingsPath: string}[] = [];
  const endpoints: {node: string; host: string}[] = [];
  for (const name of chosen.value) {
    try {
      const workerHost = await fleet.host(name);
      const settingsPath = await settingsBesideService(workerHost, WORKER_SERVICE, 'WorkerSettings.config');
      const {values} = await readSettingsFile(workerHost, settingsPath);
      const value = values.MasterHttpsCertThumbprint;
      if (typeof value !== 'string') throw new Error('WorkerSettings.config has no MasterHttpsCertThumbprint string value');
      const endpoint = endpointHostOf(values.MasterEndpoint);
      if (!endpoint.ok) throw new Error(`WorkerSettings.config ${endpoint.error}`);
      workerSettings.push({node: name, oldSetting: value, settingsPath});
      endpoints.push({node: name, host: endpoint.host});
    } catch (error) {
      return {ok: false, errors: {workers: `${name}: ${(error as Error).message}`}};
    }
  }
  if (certificate === 'new') {
    const missing = missingEndpointNames(commonNames, endpoints);
    if (missing) return {ok: false, errors: {commonNames: `${missing}: add it to the CN list`}};
  }

  let cert: MasterResolved['cert'];
  const secrets: Record<string, string> = {};
  if (certificate === 'new') {
    const made = await createSelfSigned({
      ...(key ? {key: await key} : {}),
      commonNames,
      dnsNames: commonNames.filter((cn) => !/^[\d.]+$/.test(cn) && !cn.includes(':')),
      ipAddresses: commonNames.filter((cn) => /^[\d.]+$/.test(cn) || cn.includes(':')),
      keyBits,
      validDays,
    });
    const password = randomBytes(18).toString('base64url');
    secrets.pfxPassword = password;
    secrets.pfxBase64 = toPfx(made, password).toString('base64');
    cert = {...certSummary(made.info), derBase64: made.der.toString('base64'), created: true};
  } else {
    let thumbprint: string;
    try {
      thumbprint = cleanThumbprint(certificate);
    } catch (error) {
      return {ok: false, errors: {certificate: (error as Error).message}};
    }
    let root: StoreEntry[];
    try {
      root = await listStore(host, 'Root');
    } catch (error) {
      // Whether certutil's exit code stays 0 after a failed key test is unconfirmed (docs/TOOL-OUTPUT.md): a refusal either way.
      return {ok: false, errors: {certificate: `cannot list LocalMachine\\Root on ${master.name} to check ${thumbprint}: ${(error as Error).message}`}};
    }
    const found = root.find((c) => sameThumbprint(c.thumbprint, thumbprint));
    if (!found) return {ok: false, errors: {certificate: `${thumbprint} is not in LocalMachine\\Root on ${master.name}`}};
    if (!found.hasPrivateKey) return {ok: false, errors: {certificate: `${thumbprint} has no private key on ${master.name}: http.sys cannot use it`}};
    const keyProblem = keyTestRefusal(found.keyTest, thumbprint, master.name);
    if (keyProblem) return {ok: false, errors: {certificate: keyProblem}};
    if (sameThumbprint(binding.certHash, thumbprint)) return {ok: false, errors: {certificate: `${thumbprint} is the certificate the master already uses`}};
    // The workers need the public part: read it off the master, never retyped.
    const file = `${host.tempDir}\\certwalk-${thumbprint}.cer`;
    let der: Buffer;
    try {
      await exportCertificate(host, 'Root', thumbprint, file);
      der = await host.readFile(file);
    } finally {
      await host.removeFile(file).catch(() => undefined);
    }
    const info = describeCertificate(der);
    const expired = validityRefusal(info, new Date());
    if (expired) return {ok: false, errors: {certificate: `${expired}: choose a certificate valid now, or use certificate=new`}};
    const missing = missingEndpointNames(certificateNames(info), endpoints);
    if (missing)
      return {
        ok: false,
        errors: {certificate: `${missing}; it names ${certificateNames(info).join(', ') || 'nothing'}: choose a certificate with that name, or use certificate=new`},
      };
    cert = {...certSummary(info), derBase64: der.toString('base64'), created: false};
  }
  const resolved: MasterResolved = {
    master: master.name,
    ipport,
    binding,
    oldThumbprint: (binding.certHash ?? '').toUpperCase(),
    oldSetting: masterSetting,
    masterSettingsPath,
    cert,
    workers: workerSettings,
  };
  return {ok: true, value: {resolved, secrets}};
}

/** The settings file beside a service's executable, from `sc qc`'s BINARY_PATH_NAME (the install may be on any drive). */
async function settingsBesideService(host: Host, service: string, fileName: string): Promise<string> {
  let binaryPath: string;
  try {
    binaryPath = (await queryServiceConfig(host, service)).binaryPath;
  } catch (error) {
    throw new Error(`cannot read where ${service} is installed (sc.exe qc): ${(error as Error).message}`, {cause: error});
  }
  return findSettingsFile(host, binaryPath, fileName);
}

/** The endpoint hosts the certificate's names do not cover, as one sentence naming the workers; null when all are. */
function missingEndpointNames(names: readonly string[], endpoints: readonly {node: string; host: string}[]): string | null {
  const missing = new Map<string, string[]>();
  for (const {node, host} of endpoints) {
    if (namesCover(names, host)) continue;
    const key = host.toLowerCase();
    missing.set(key, [...(missing.get(key) ?? []), node]);
  }
  if (!missing.size) return null;
  const parts = [...missing].map(([host, nodes]) => `"${host}" (MasterEndpoint in WorkerSettings.config on ${nodes.join(', ')})`);
  return `the workers connect to ${parts.join(' and ')}, which the certificate's names (CN or SAN DNS) do not include, so every such worker would refuse the master after the change`;
}

// The store's "has a private key" only says a key container is linked; http.sys needs the certificate's own key, and
// only certutil's "Encryption test passed" proves that. Refused before anything changes, with what to do.
function keyTestRefusal(keyTest: KeyTest, thumbprint: string, node: string): string | null {
  if (keyTest === 'passed') return null;
  const fix = `re-import the certificate with its own key (its PFX), choose another certificate, or use certificate=new`;
  if (keyTest === 'failed') {
    return `${thumbprint} in LocalMachine\\Root on ${node} failed certutil's key test ("Encryption test FAILED"): the private key linked to it is not its own, so http.sys could not use it; ${fix}`;
  }
  return `certutil -store Root printed no "Encryption test passed" for ${thumbprint} on ${node}, so nothing proves the private key linked to it is its own; check with certutil -store Root ${thumbprint}, then ${fix}`;
}

function certSummary(info: {thumbprint: string; sha256: string; subject: string; notAfter: Date}) {
  return {thumbprint: info.thumbprint, sha256: info.sha256, subject: info.subject, notAfter: info.notAfter.toISOString()};
}

function steps(r: MasterResolved, secrets: Secrets): StepDefinition[] {
  const thumb = r.cert.thumbprint;
  const out: StepDefinition[] = [];
  const NO_BINDING = 'no-binding';
  const masterSettingsPath = r.masterSettingsPath ?? MASTER_SETTINGS_PATH;
  if (r.cert.created) {
    const material: CertificateMaterial = {
      thumbprint: thumb,
      subject: r.cert.subject,
      derBase64: r.cert.derBase64,
      ...(secrets.pfxBase64 && secrets.pfxPassword ? {pfx: {base64: secrets.pfxBase64, password: secrets.pfxPassword}} : {}),
    };
    out.push(addCertificateStep({id: 'master.import-cert', node: r.master, store: 'Root', cert: material}));
    out.push(removeTempPfxStep({id: 'master.remove-temp-pfx', node: r.master, names: [tempPfxName(thumb)]}));
  }
  const deleteBinding = deleteBindingStep({
    id: 'master.delete-binding',
    node: r.master,
    ipport: r.ipport,
    planned: r.binding,
    newThumbprint: thumb,
    references: [{path: masterSettingsPath, key: 'SSLCertThumbprint'}],
  });
  const settings = updateSettingStep({id: 'master.settings', node: r.master, path: masterSettingsPath, key: 'SSLCertThumbprint', newValue: thumb, plannedOldValue: r.oldSetting});
  // From the binding's delete to its re-add, 0.0.0.0:8391 has no certificate: the master's window, never left half-way.
  out.push(
    {...deleteBinding, window: NO_BINDING},
    {...addBindingStep({id: 'master.add-binding', node: r.master, ipport: r.ipport, planned: r.binding, deleteStep: deleteBinding, newThumbprint: thumb}), window: NO_BINDING},
    settings,
    restartServiceStep({
      id: 'master.restart',
      node: r.master,
      service: MASTER_SERVICE,
      restoredFirst: [{step: settings, path: masterSettingsPath, key: 'SSLCertThumbprint'}],
    }),
  );
  // The workers are a fan-out block: each worker's three steps in order, several workers at once (--concurrency).
  for (const worker of r.workers) {
    const publicCert: CertificateMaterial = {thumbprint: thumb, subject: r.cert.subject, derBase64: r.cert.derBase64};
    const lane = worker.node;
    const workerSettings = updateSettingStep({
      id: `${worker.node}.settings`,
      node: worker.node,
      path: worker.settingsPath ?? WORKER_SETTINGS_PATH,
      key: 'MasterHttpsCertThumbprint',
      newValue: thumb,
      plannedOldValue: worker.oldSetting,
    });
    out.push(
      {
        ...addCertificateStep({
          id: `${worker.node}.trust-master`,
          node: worker.node,
          store: 'Root',
          cert: publicCert,
          title: "Trust the master's new certificate (LocalMachine\\Root)",
        }),
        lane,
      },
      {...workerSettings, lane},
      {
        ...restartServiceStep({
          id: `${worker.node}.restart`,
          node: worker.node,
          service: WORKER_SERVICE,
          restoredFirst: [{step: workerSettings, path: worker.settingsPath ?? WORKER_SETTINGS_PATH, key: 'MasterHttpsCertThumbprint'}],
        }),
        lane,
      },
    );
  }
  return out;
}

function describe(r: MasterResolved): string[] {
  // Short lines: the Plan screen shows them above the steps, and at 80 columns every wrapped line costs a step.
  const lines = [
    `current  ${r.oldThumbprint} (${r.master} ${r.ipport})`,
    `new      ${r.cert.thumbprint} ${r.cert.created ? '(made now: RSA, SHA-256)' : '(from LocalMachine\\Root)'}`,
    `subject  ${r.cert.subject} · until ${toolDay(r.cert.notAfter)}`,
  ];
  if (r.cert.sha256) lines.push(`SHA-256  ${r.cert.sha256}`);
  lines.push(`workers  ${r.workers.length ? r.workers.map((w) => w.node).join(', ') : '(none)'}`);
  return lines;
}

export const ssisMaster = defineProcedure({
  ...catalogEntry('ssis-master'),
  form,
  prepare,
  steps,
  describe,
});
