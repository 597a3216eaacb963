// Azure ML Compute (MLC) cluster: SSL for real-time scoring calls (MicrosoftDocs azure-docs "Set up SSL on an Azure
// Machine Learning Compute (MLC) cluster"): a CNAME, a password-free PEM certificate and key for it (made here or
// converted from the admin's PFX/DER/PEM, no openssl), SSL on a new cluster (az ml env create) or an existing one
// (Set-AzureRmMlOpCluster), the DNS record to the front end's publicIpAddress, and the scoring URL read back. A new
// cluster is read until its provisioning ends (provisioningTimeout, provisioningInterval): az ml env create returns
// while it is still Creating.
import {isIP} from 'node:net';
import {createSelfSigned, keyMatchesCertificate} from '../certs/index.ts';
import {PassphraseRequiredError, WrongPassphraseError, decryptKey, pemPairFromMade, pemPairFromSource, pemPairProblems, type PemPair} from '../certs/pem-pair.ts';
import type {Fleet, Host, NodeInfo} from '../hosts/host.ts';
import {CERT_PASSPHRASE_ENV} from '../hosts/secret-env.ts';
import {listRealtimeServices, resourceGroupExists, showCurrentEnvironment, showEnvironment, type AzureMlEnvironment} from '../ops/azureml.ts';
import {newCertificateParams, nodesWithRole} from './params.ts';
import {createClusterStep, dnsStep, enableSslStep, scoringStep, setEnvironmentStep, type ClusterTarget, type PriorSsl} from './steps/azureml-cluster.ts';
import {defaultProvisioningWait, MAX_POLL_INTERVAL_SECONDS, type ProvisioningWait} from './steps/azureml-provisioning.ts';
import {removeKeyStep, writePemStep} from './steps/pem-files.ts';
import type {ParamForm, PrepareContext, Secrets, StepDefinition, Validation} from './types.ts';
import {defineProcedure, type PreparedAs} from './define.ts';
import {catalogEntry} from './catalog.ts';
import {toolDay} from '../ops/tool-date.ts';
import type {RecordedCertificate} from '../certs/certificate.ts';
import type {CertInfo} from '../certs/cert-info.ts';

const ROLE = 'azureml-client';
/** Where `certwalk run` reads the PFX password or key passphrase from (never on a command line; no child inherits it). */
export const PASSPHRASE_ENV = CERT_PASSPHRASE_ENV;

interface AzureMlResolved {
  readonly variant: 'new' | 'existing';
  readonly client: string;
  readonly resourceGroup: string;
  readonly cluster: string;
  readonly cname: string;
  readonly service: string;
  readonly checkDns: boolean;
  readonly keepKeyFiles: boolean;
  readonly pemDir: string;
  readonly cert: RecordedCertificate &
    Pick<CertInfo, 'sha256' | 'selfSigned'> & {
      readonly source: string;
      readonly chainLength: number;
      readonly certPem: string;
    };
  /** Existing cluster: its SSL and front end as read when the plan was made. */
  readonly prior: (PriorSsl & {readonly publicIpAddress: string | null; readonly certPem: string | null}) | null;
  /** Whether the plan makes the cluster the CLI's current environment (it is not already). */
  readonly switchEnvironment: boolean;
  readonly scoringBefore: string | null;
  /** New cluster: how long its provisioning is waited for. Absent in journals written before it was a parameter. */
  readonly provisioning?: ProvisioningWait;
}

/** What a journal from before the provisioning parameters gets: the defaults for real hosts. */
const PROVISIONING_BEFORE_PARAMETERS: ProvisioningWait = {timeoutSeconds: 1800, intervalSeconds: 30};

async function form(fleet: Fleet): Promise<ParamForm> {
  const clients = await nodesWithRole(fleet, ROLE);
  const client = clients[0];
  let current: AzureMlEnvironment | null = null;
  let service = '';
  if (client) {
    const host = await fleet.host(client.name);
    current = await showCurrentEnvironment(host).catch(() => null);
    if (current) service = (await listRealtimeServices(host).catch(() => []))[0]?.name ?? '';
  }
  return {
    values: {
      client: client?.name ?? '',
      variant: 'existing',
      resourceGroup: current?.resourceGroup ?? '',
      cluster: current?.name ?? '',
      cname: current?.ssl.cname ?? '',
      certificate: 'new',
      key: '',
      passphrase: '',
      currentKey: '',
      service,
      checkDns: 'no',
      keyFiles: 'remove',
      keyBits: '2048',
      validDays: '730',
      provisioningTimeout: defaultProvisioningWait(fleet.kind).timeout,
      provisioningInterval: defaultProvisioningWait(fleet.kind).interval,
    },
    specs: [
      {
        key: 'client',
        label: 'Admin node',
        help: 'The node where az and the AzureRM PowerShell module run',
        choices: clients.map((n) => ({value: n.name, label: `${n.name} (${n.fqdn})`})),
      },
      {
        key: 'variant',
        label: 'Cluster',
        help: 'Create a new cluster with SSL, or enable SSL on an existing one',
        choices: [
          {value: 'existing', label: 'existing cluster: Set-AzureRmMlOpCluster -SslStatus Enabled'},
          {value: 'new', label: 'new cluster: az ml env create -c … --cert-pem --key-pem'},
        ],
      },
      {key: 'resourceGroup', label: 'Resource group', help: 'The Azure resource group of the cluster'},
      {key: 'cluster', label: 'Cluster name', help: 'The environment (cluster) name: an existing one, or the new one to create'},
      {key: 'cname', label: 'CNAME', help: 'The DNS name real-time scoring calls will use, e.g. mlscore.contoso.com; the certificate must name it'},
      {key: 'certificate', label: 'Certificate', help: '"new" (self-signed, made now) or the path of a PFX/P12, DER (.cer) or PEM file on this computer'},
      {key: 'key', label: 'Key file', help: 'The private key file (PEM or DER), when the certificate file holds none'},
      {
        key: 'passphrase',
        label: 'Passphrase',
        help: `Of the PFX or of an encrypted key (typed without echo, never recorded; for certwalk run, set ${PASSPHRASE_ENV}); empty when there is none`,
        secret: true,
        env: PASSPHRASE_ENV,
      },
      {
        key: 'currentKey',
        label: 'Current SSL key',
        help: 'When SSL is already on: the key file of the certificate the cluster has now (Azure never returns it; rollback needs it)',
      },
      {key: 'service', label: 'Service', help: 'A real-time service whose scoringUri is read back (existing cluster); empty: every service of the cluster'},
      {
        key: 'checkDns',
        label: 'Check DNS',
        help: '"yes": nslookup the CNAME on the admin node and require the front-end IP',
        choices: [
          {value: 'no', label: 'no: only show the record to create'},
          {value: 'yes', label: 'yes: it must resolve already'},
        ],
      },
      {
        key: 'keyFiles',
        label: 'key.pem afterwards',
        help: 'Remove key.pem from this computer at the end, or keep it (mode 0600)',
        choices: [
          {value: 'remove', label: 'remove'},
          {value: 'keep', label: 'keep'},
        ],
      },
      {key: 'keyBits', label: 'Key size', help: 'RSA key size of a new certificate, at least 2048'},
      {key: 'validDays', label: 'Valid for (days)', help: 'Validity of a new certificate'},
      {
        key: 'provisioningTimeout',
        label: 'Provisioning wait',
        help: 'New cluster: seconds to wait for its provisioningState to become Succeeded, Failed or Canceled (a real creation takes many minutes)',
      },
      {
        key: 'provisioningInterval',
        label: 'Read every (s)',
        help: `New cluster: seconds between two az ml env show reads while it is Creating (0 to ${MAX_POLL_INTERVAL_SECONDS})`,
      },
    ],
  };
}

/** A host name scoring clients can call: DNS labels, at least two of them, no wildcard, not an IP address. */
export function cnameProblem(cname: string): string | null {
  if (!cname) return 'give the DNS name scoring calls will use, e.g. mlscore.contoso.com';
  if (isIP(cname)) return `"${cname}" is an IP address; a CNAME is a DNS name such as mlscore.contoso.com`;
  if (cname.includes('*')) return `"${cname}" is a wildcard; the CNAME is one name such as mlscore.contoso.com (a wildcard certificate may cover it)`;
  const name = cname.replace(/\.$/, '');
  const labels = name.split('.');
  const label = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
  if (name.length > 253 || labels.length < 2 || !labels.every((l) => label.test(l)) || /^\d+$/.test(labels.at(-1)!)) {
    return `"${cname}" is not a DNS name such as mlscore.contoso.com (letters, digits and dashes in dot-separated labels)`;
  }
  return null;
}

/** The provisioning wait parameters (an empty one takes its default), or errors under their keys. */
function parseProvisioningWait(params: Readonly<Record<string, string>>, fleetKind: string, errors: Record<string, string>): ProvisioningWait {
  const defaults = defaultProvisioningWait(fleetKind);
  const seconds = (key: 'provisioningTimeout' | 'provisioningInterval', fallback: string, min: number, max: number): number => {
    const text = (params[key] ?? '').trim() || fallback;
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) errors[key] = `"${text}" is not a number of seconds from ${min} to ${max}`;
    return Number(text);
  };
  const timeoutSeconds = seconds('provisioningTimeout', defaults.timeout, 1, 86400);
  const intervalSeconds = seconds('provisioningInterval', defaults.interval, 0, MAX_POLL_INTERVAL_SECONDS);
  return {timeoutSeconds, intervalSeconds};
}

/** The PEM pair, or the parameter it fails on and why. */
async function preparePair(
  local: PrepareContext,
  params: Readonly<Record<string, string>>,
  cname: string,
  keyBits: number,
  validDays: number,
): Promise<{pair: PemPair} | {key: string; error: string}> {
  const source = (params.certificate ?? 'new').trim();
  if (source === 'new') return {pair: pemPairFromMade(await createSelfSigned({commonNames: [cname], dnsNames: [cname], keyBits, validDays}))};
  const keyPath = (params.key ?? '').trim();
  const passphrase = params.passphrase ? params.passphrase : undefined;
  try {
    const certificate = local.readParameterFile(source, 'the certificate file');
    return {pair: pemPairFromSource({certificate, ...(keyPath ? {key: local.readParameterFile(keyPath, 'the key file')} : {}), ...(passphrase === undefined ? {} : {passphrase})})};
  } catch (error) {
    const message = (error as Error).message;
    if (error instanceof PassphraseRequiredError || error instanceof WrongPassphraseError) return {key: 'passphrase', error: message};
    if (/key file|private key/.test(message) && keyPath) return {key: 'key', error: message};
    return {key: 'certificate', error: message};
  }
}

async function prepare(fleet: Fleet, params: Readonly<Record<string, string>>, local: PrepareContext): Promise<Validation<PreparedAs<AzureMlResolved>>> {
  const errors: Record<string, string> = {};
  const nodes = await fleet.nodes();
  const clients = nodes.filter((n) => n.roles.includes(ROLE));
  const client: NodeInfo | undefined = nodes.find((n) => n.name === (params.client ?? '').trim());
  if (!client || !client.roles.includes(ROLE))
    errors.client = `no Azure ML admin node named "${params.client ?? ''}"; admin nodes (role ${ROLE}): ${clients.map((n) => n.name).join(', ') || '(none)'}`;
  const variant = (params.variant ?? '').trim();
  if (variant !== 'new' && variant !== 'existing') errors.variant = `"${params.variant ?? ''}" is neither "new" (create a cluster) nor "existing"`;
  const resourceGroup = (params.resourceGroup ?? '').trim();
  if (!/^[-\w.()]{1,90}$/.test(resourceGroup) || resourceGroup.endsWith('.'))
    errors.resourceGroup = `"${resourceGroup}" is not a resource group name (1-90 letters, digits, - _ . ( ))`;
  const cluster = (params.cluster ?? '').trim();
  if (!/^[a-z0-9][a-z0-9-]{1,30}[a-z0-9]$/i.test(cluster))
    errors.cluster = `"${cluster}" is not a cluster name (3-32 letters, digits or dashes, starting and ending with a letter or digit)`;
  const cname = (params.cname ?? '').trim().toLowerCase().replace(/\.$/, '');
  const cnameError = cnameProblem(cname);
  if (cnameError) errors.cname = cnameError;
  const service = (params.service ?? '').trim();
  if (service && !/^[a-z0-9][a-z0-9-]{0,31}$/i.test(service)) errors.service = `"${service}" is not a service name`;
  const checkDns = (params.checkDns ?? 'no').trim();
  if (checkDns !== 'yes' && checkDns !== 'no') errors.checkDns = `"${checkDns}": answer yes or no`;
  const keyFiles = (params.keyFiles ?? 'remove').trim();
  if (keyFiles !== 'remove' && keyFiles !== 'keep') errors.keyFiles = `"${keyFiles}": answer remove or keep`;
  const {keyBits, validDays} = newCertificateParams(params, errors);
  const provisioning = parseProvisioningWait(params, fleet.kind, errors);
  if (Object.keys(errors).length || !client) return {ok: false, errors};

  const made = await preparePair(local, params, cname, keyBits, validDays);
  if ('error' in made) return {ok: false, errors: {[made.key]: made.error}};
  const {pair} = made;
  for (const problem of pemPairProblems(pair, cname, new Date())) {
    if (/is not for/.test(problem)) errors.cname = `${problem}; choose a CNAME it names, or another certificate`;
    else if (/does not belong/.test(problem)) errors.key = problem;
    else errors.certificate = problem;
  }
  if (Object.keys(errors).length) return {ok: false, errors};

  // What Azure says, before anything changes. A missing resource group would be created by `az ml env create`
  // ("Is created if it does not exist"): refuse it here, it is far more often a typo.
  const host: Host = await fleet.host(client.name);
  let env: AzureMlEnvironment | null;
  let current: AzureMlEnvironment | null;
  try {
    if (!(await resourceGroupExists(host, resourceGroup))) {
      return {ok: false, errors: {resourceGroup: `resource group ${resourceGroup} does not exist (az group show: Resource group '${resourceGroup}' could not be found.)`}};
    }
    env = await showEnvironment(host, cluster, resourceGroup);
    current = await showCurrentEnvironment(host);
  } catch (error) {
    return {ok: false, errors: {resourceGroup: `cannot read Azure from ${client.name}: ${(error as Error).message}`}};
  }
  if (variant === 'new' && env) {
    return {ok: false, errors: {cluster: `cluster ${cluster} already exists in ${resourceGroup}: give a new name, or choose variant existing`}};
  }
  if (variant === 'existing' && !env) {
    return {
      ok: false,
      errors: {
        cluster: `cluster ${cluster} does not exist in ${resourceGroup} (az ml env show: The Resource 'Microsoft.MachineLearningCompute/operationalizationClusters/${cluster}' under resource group '${resourceGroup}' was not found.)`,
      },
    };
  }
  // The passphrase is a secret too, so the journal header and the transcript mask it wherever it would appear.
  const secrets: Record<string, string> = {keyPem: pair.keyPem, ...(params.passphrase ? {passphrase: params.passphrase} : {})};
  if (variant === 'existing' && env?.ssl.status === 'Enabled') {
    const currentKey = (params.currentKey ?? '').trim();
    if (!currentKey) {
      return {
        ok: false,
        errors: {
          currentKey: `SSL is already on for ${cluster} (certificate ${env.ssl.certThumbprint}, ${env.ssl.cname}); Azure never returns its key, so give the current key file to be able to roll back`,
        },
      };
    }
    try {
      const keyPem = decryptKey(local.readParameterFile(currentKey, 'the key file'), params.passphrase ? params.passphrase : undefined);
      if (!env.ssl.certPem || !keyMatchesCertificate(env.ssl.certPem, keyPem)) {
        return {ok: false, errors: {currentKey: `${currentKey} is not the key of ${cluster}'s current certificate ${env.ssl.certThumbprint}`}};
      }
      secrets.previousKeyPem = keyPem;
    } catch (error) {
      return {ok: false, errors: {currentKey: (error as Error).message}};
    }
  }

  const sameEnv = (e: AzureMlEnvironment | null) => !!e && e.name.toLowerCase() === cluster.toLowerCase() && e.resourceGroup.toLowerCase() === resourceGroup.toLowerCase();
  let scoringBefore: string | null = null;
  if (variant === 'existing' && service && sameEnv(current)) {
    const services = await listRealtimeServices(host).catch(() => []);
    const found = services.find((s) => s.name.toLowerCase() === service.toLowerCase());
    if (!found) return {ok: false, errors: {service: `no real-time service ${service} on ${cluster}; services: ${services.map((s) => s.name).join(', ') || '(none)'}`}};
    scoringBefore = found.scoringUri;
  }
  const resolved: AzureMlResolved = {
    variant: variant as AzureMlResolved['variant'],
    client: client.name,
    resourceGroup: env?.resourceGroup || resourceGroup,
    cluster: env?.name ?? cluster,
    cname,
    service: variant === 'existing' ? service : '',
    checkDns: checkDns === 'yes',
    keepKeyFiles: keyFiles === 'keep',
    pemDir: local.newStateFolder('azureml', `${resourceGroup}-${cluster}`),
    cert: {
      source: (params.certificate ?? 'new').trim(),
      thumbprint: pair.info.thumbprint,
      subject: pair.info.subject,
      notAfter: pair.info.notAfter.toISOString(),
      sha256: pair.info.sha256,
      selfSigned: pair.info.selfSigned,
      chainLength: (pair.certPem.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length,
      certPem: pair.certPem,
    },
    prior: env ? {status: env.ssl.status, cname: env.ssl.cname, certThumbprint: env.ssl.certThumbprint, certPem: env.ssl.certPem, publicIpAddress: env.publicIpAddress} : null,
    switchEnvironment: variant === 'new' || !sameEnv(current),
    scoringBefore,
    provisioning,
  };
  return {ok: true, value: {resolved, secrets}};
}

function steps(r: AzureMlResolved, secrets: Secrets): StepDefinition[] {
  const t: ClusterTarget = {client: r.client, resourceGroup: r.resourceGroup, cluster: r.cluster, cname: r.cname, thumbprint: r.cert.thumbprint, pemDir: r.pemDir};
  const list: StepDefinition[] = [writePemStep({id: 'pem', node: r.client, pem: {dir: r.pemDir, thumbprint: r.cert.thumbprint, certPem: r.cert.certPem, keyPem: secrets.keyPem}})];
  // An existing cluster's scoring URL before the change is what its enable-ssl step read.
  let enableSsl: ReturnType<typeof enableSslStep> | null = null;
  if (r.variant === 'new') {
    list.push(createClusterStep({id: 'create-cluster', t, wait: r.provisioning ?? PROVISIONING_BEFORE_PARAMETERS}));
    list.push(setEnvironmentStep({id: 'set-environment', t}));
  } else {
    if (r.switchEnvironment) list.push(setEnvironmentStep({id: 'set-environment', t}));
    enableSsl = enableSslStep({
      id: 'enable-ssl',
      t,
      service: r.service,
      plannedPrior: r.prior ?? {status: 'Disabled', cname: null, certThumbprint: null, publicIpAddress: null},
      ...(r.prior?.status === 'Enabled' && r.prior.certPem ? {previous: {certPem: r.prior.certPem, keyPem: secrets.previousKeyPem}} : {}),
    });
    list.push(enableSsl);
  }
  list.push(dnsStep({id: 'dns', t, check: r.checkDns}));
  list.push(scoringStep({id: 'scoring', t, service: r.service, beforeFrom: enableSsl, plannedBefore: r.variant === 'new' ? '(no cluster)' : r.scoringBefore}));
  if (!r.keepKeyFiles) list.push(removeKeyStep({id: 'remove-key', node: r.client, dir: r.pemDir}));
  return list;
}

function describe(r: AzureMlResolved): string[] {
  const lines = [
    `cluster  ${r.cluster} in ${r.resourceGroup} (${r.variant === 'new' ? 'new: created with SSL' : `existing, SSL ${r.prior?.status ?? 'Disabled'}${r.prior?.cname ? ` for ${r.prior.cname}` : ''}`}); az runs on ${r.client}`,
    `CNAME    ${r.cname}${r.prior?.publicIpAddress ? ` → front end ${r.prior.publicIpAddress}` : " → the new cluster's front end (read after creation)"}`,
    `cert     ${r.cert.thumbprint} ${r.cert.subject}, valid until ${toolDay(r.cert.notAfter)}${r.cert.source === 'new' ? ' (made now, self-signed)' : ` (from ${r.cert.source}${r.cert.chainLength > 1 ? `, with ${r.cert.chainLength - 1} chain certificate(s)` : ''})`}`,
    `files    cert.pem and key.pem (0600, no passphrase)${r.keepKeyFiles ? ', both kept' : ', key.pem removed at the end'}, in ${r.pemDir}`,
  ];
  if (r.variant === 'new' && r.provisioning)
    lines.push(`wait     until the new cluster's provisioningState is final: read every ${r.provisioning.intervalSeconds} s, at most ${r.provisioning.timeoutSeconds} s`);
  if (r.cert.selfSigned) lines.push('note     a self-signed certificate: scoring clients must trust it explicitly');
  if (r.scoringBefore) lines.push(`scoring  ${r.service}: ${r.scoringBefore} → https://${r.cname}/api/v1/service/${r.service}/score`);
  return lines;
}

export const azuremlSsl = defineProcedure({
  ...catalogEntry('azureml-ssl'),
  form,
  prepare,
  steps,
  describe,
});
