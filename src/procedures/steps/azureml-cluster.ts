// Steps on an Azure ML cluster, run from the admin node: create a cluster with SSL (`az ml env create`), enable SSL
// on an existing one (Set-AzureRmMlOpCluster), make a cluster the CLI's current environment, show the DNS record the
// CNAME needs, and read back the scoring URL. Each re-reads the cluster with `az ml env show`; a new cluster's is read
// until its provisioning ends (azureml-provisioning.ts).
import {join} from 'node:path';
import {describeCertificate} from '../../certs/index.ts';
import {pemFilesIn, writePemPair, type PemFiles} from '../../certs/pem-pair.ts';
import {
  createEnvironment,
  deleteEnvironment,
  envCreateCommand,
  envDeleteCommand,
  envSetCommand,
  envShowCommand,
  listRealtimeServices,
  nslookupCommand,
  resolveName,
  scoringUsesCname,
  serviceListCommand,
  serviceShowCommand,
  setClusterSsl,
  setClusterSslScript,
  setEnvironment,
  showCurrentEnvironment,
  showEnvironment,
  showRealtimeService,
  type AzureMlEnvironment,
} from '../../ops/azureml.ts';
import {formatCommand} from '../../ops/command.ts';
import {capturedBy, defineStep, type Step} from '../define.ts';
import type {StepContext, StepDefinition} from '../types.ts';
import {waitForProvisioning, type ProvisioningWait} from './azureml-provisioning.ts';
import {plannedNodeFiles, withPemOnNode} from './pem-files.ts';
import {undoConflict} from './undo-guard.ts';
import {shortThumb} from './util.ts';

export interface ClusterTarget {
  /** The admin node where az and PowerShell run. */
  readonly client: string;
  readonly resourceGroup: string;
  readonly cluster: string;
  readonly cname: string;
  /** The certificate being put on the cluster, and where its PEM pair is on this computer. */
  readonly thumbprint: string;
  readonly pemDir: string;
}

/** SSL as `az ml env show` reported it before the change. */
export interface PriorSsl {
  readonly status: 'Enabled' | 'Disabled';
  readonly cname: string | null;
  readonly certThumbprint: string | null;
}

const PLAN_TEMP = 'C:\\Windows\\Temp';

function sslLine(ssl: {status: string; cname: string | null} | null): string {
  if (!ssl) return '(no cluster)';
  return ssl.status === 'Enabled' ? `Enabled (${ssl.cname ?? 'no CNAME'})` : 'Disabled';
}

async function readCluster(ctx: StepContext, t: ClusterTarget): Promise<AzureMlEnvironment | null> {
  return showEnvironment(await ctx.host(t.client), t.cluster, t.resourceGroup);
}

function sslChecks(t: ClusterTarget, env: AzureMlEnvironment | null) {
  return [
    {what: `${t.cluster} provisioning`, expected: 'Succeeded', observed: env?.provisioningState || '(no cluster)', ok: env?.provisioningState === 'Succeeded'},
    {
      what: `${t.cluster} SSL`,
      expected: `Enabled (${t.cname})`,
      observed: sslLine(env?.ssl ?? null),
      ok: env?.ssl.status === 'Enabled' && env.ssl.cname?.toLowerCase() === t.cname.toLowerCase(),
    },
    {what: `${t.cluster} certificate`, expected: t.thumbprint, observed: env?.ssl.certThumbprint ?? '(none)', ok: env?.ssl.certThumbprint === t.thumbprint},
  ];
}

function sslChanges(t: ClusterTarget, before: PriorSsl | null, env: AzureMlEnvironment | null) {
  return [
    {node: t.client, label: `${t.cluster} SSL`, before: before ? sslLine(before) : null, after: sslLine(env?.ssl ?? null)},
    {node: t.client, label: `${t.cluster} certificate`, before: before?.certThumbprint ?? null, after: env?.ssl.certThumbprint ?? null},
  ];
}

/**
 * New cluster: `az ml env create -c … --cert-cname … --cert-pem … --key-pem …`, then `az ml env show` until its
 * provisioning ends (waitForProvisioning); rollback deletes the cluster. The capture says no cluster of that name was
 * there, so whatever carries this session's certificate (or none yet) under that name is this session's to delete,
 * also after a timeout or a failed creation.
 */
export function createClusterStep(options: {id: string; t: ClusterTarget; wait: ProvisioningWait}): StepDefinition {
  const {id, t, wait} = options;
  const local = pemFilesIn(t.pemDir);
  const planned = plannedNodeFiles(PLAN_TEMP, t.thumbprint);
  const spec = (files: PemFiles) => ({group: t.resourceGroup, name: t.cluster, cname: t.cname, certPemPath: files.certPath, keyPemPath: files.keyPath});
  return {
    id,
    title: `Create cluster ${t.cluster} with SSL (a rollback deletes it)`,
    node: t.client,
    kind: 'create-cluster',
    destructive: false,
    skippable: false,
    undoLast: false,
    hasUndo: true,
    plan: () => [
      {node: t.client, text: `${formatCommand(envCreateCommand(spec(planned)))}   (cert.pem and key.pem copied there for this command only)`},
      {
        node: t.client,
        text: `${formatCommand(envShowCommand(t.cluster, t.resourceGroup))}   (every ${wait.intervalSeconds} s until provisioningState is Succeeded, Failed or Canceled; at most ${wait.timeoutSeconds} s)`,
      },
    ],
    async capture(ctx) {
      const existing = await readCluster(ctx, t);
      if (existing)
        throw new Error(`cluster ${t.cluster} already exists in ${t.resourceGroup} (${sslLine(existing.ssl)}); nothing was created. Choose variant existing to enable SSL on it`);
      return {captured: {created: true}};
    },
    async do(ctx) {
      const host = await ctx.host(t.client);
      // A retry (after a timeout) or a resume finds the cluster this session created: wait again, never create twice.
      const made = await readCluster(ctx, t);
      if (!made) await withPemOnNode(ctx, host, local, t.thumbprint, (files) => createEnvironment(host, spec(files)));
      else if (made.ssl.certThumbprint !== null && made.ssl.certThumbprint.toUpperCase() !== t.thumbprint.toUpperCase()) {
        throw new Error(
          `cluster ${t.cluster} in ${t.resourceGroup} now carries certificate ${made.ssl.certThumbprint}, not this session's ${t.thumbprint}: someone else created it; nothing was done`,
        );
      } else ctx.note(`${t.cluster}: already created by this session (${made.provisioningState}); waiting for its provisioning again`);
      await waitForProvisioning(ctx, t, () => readCluster(ctx, t), wait);
    },
    async verify(ctx) {
      const env = await readCluster(ctx, t);
      if (env?.publicIpAddress) ctx.note(`${t.cluster}: front-end IP ${env.publicIpAddress}`);
      return {checks: sslChecks(t, env), changes: sslChanges(t, null, env)};
    },
    async undo(ctx) {
      const host = await ctx.host(t.client);
      const env = await showEnvironment(host, t.cluster, t.resourceGroup);
      if (!env) return `cluster ${t.cluster} is not in ${t.resourceGroup}; nothing to delete (already restored)`;
      // Deleted only while it still carries this session's certificate (or none yet: a create that failed midway).
      if (env.ssl.certThumbprint !== null && env.ssl.certThumbprint.toUpperCase() !== t.thumbprint.toUpperCase()) {
        throw undoConflict(ctx, t.client, `the SSL certificate of cluster ${t.cluster}`, t.thumbprint, env.ssl.certThumbprint);
      }
      await deleteEnvironment(host, t.cluster, t.resourceGroup);
      return `deleted cluster ${t.cluster} from ${t.resourceGroup}, which this session created (${env.provisioningState || 'no provisioningState'}; ${formatCommand(envDeleteCommand(t.cluster, t.resourceGroup))})`;
    },
  };
}

interface EnableCapture {
  readonly prior: PriorSsl;
  /** Where the cluster's previous certificate and key are kept (0600) while a rollback may need them. */
  readonly keptDir: string | null;
  readonly scoringBefore: string | null;
}

/**
 * Existing cluster: Set-AzureRmMlOpCluster -SslStatus Enabled with the PEM texts read on the node. Azure never
 * returns a cluster's key, so when SSL was already on, the admin gave the current key (prepare checked it against
 * the cluster's certificate): it is kept with its certificate in the state directory (key 0600) for a rollback, which
 * removes it; after a completed run it stays there, as ssis-worker keeps the key of an old certificate.
 */
export function enableSslStep(options: {
  id: string;
  t: ClusterTarget;
  service: string;
  plannedPrior: PriorSsl & {readonly publicIpAddress: string | null};
  /** The cluster's current certificate and key when SSL is already on (secrets: absent after a journal reload). */
  previous?: {readonly certPem: string; readonly keyPem: string | undefined};
}): Step<EnableCapture> {
  const {id, t, service, plannedPrior} = options;
  const local = pemFilesIn(t.pemDir);
  const keptDir = join(t.pemDir, 'previous');
  const script = (files: PemFiles) => setClusterSslScript(t.resourceGroup, t.cluster, {status: 'Enabled', cname: t.cname, certPemPath: files.certPath, keyPemPath: files.keyPath});
  const restoreLine =
    plannedPrior.status === 'Enabled'
      ? `Set-AzureRmMlOpCluster -ResourceGroupName ${t.resourceGroup} -Name ${t.cluster} -SslStatus Enabled with the previous certificate ${plannedPrior.certThumbprint ?? ''} and key (kept in ${keptDir}, 0600) -SslCName ${plannedPrior.cname ?? ''}`
      : `Set-AzureRmMlOpCluster -ResourceGroupName ${t.resourceGroup} -Name ${t.cluster} -SslStatus Disabled`;
  return defineStep<EnableCapture>({
    id,
    title: `Enable SSL on cluster ${t.cluster} for ${t.cname} (Set-AzureRmMlOpCluster)`,
    node: t.client,
    kind: 'set-cluster-ssl',
    destructive: true,
    skippable: false,
    undoLast: false,
    hasUndo: true,
    plan: () => [
      ...script(plannedNodeFiles(PLAN_TEMP, t.thumbprint))
        .split('\n')
        .map((line) => ({node: t.client, text: `powershell> ${line}`})),
      {node: t.client, text: formatCommand(envShowCommand(t.cluster, t.resourceGroup))},
    ],
    async capture(ctx) {
      const host = await ctx.host(t.client);
      const env = await showEnvironment(host, t.cluster, t.resourceGroup);
      if (!env) throw new Error(`cluster ${t.cluster} is no longer in ${t.resourceGroup}; nothing was changed`);
      const prior: PriorSsl = {status: env.ssl.status, cname: env.ssl.cname, certThumbprint: env.ssl.certThumbprint};
      if (prior.status === 'Enabled' && prior.certThumbprint !== plannedPrior.certThumbprint) {
        throw new Error(
          `the SSL certificate of ${t.cluster} changed since the plan was made (${prior.certThumbprint} instead of ${plannedPrior.certThumbprint}); nothing was changed. Start again`,
        );
      }
      const before = service ? await showRealtimeService(host, service).catch(() => null) : null;
      const captured: EnableCapture = {prior, keptDir: prior.status === 'Enabled' ? keptDir : null, scoringBefore: before?.scoringUri ?? null};
      return {
        captured,
        prompt: {
          title: `Enable SSL on cluster ${t.cluster} (${t.resourceGroup})`,
          commands: script(plannedNodeFiles(host.tempDir, t.thumbprint)).split('\n'),
          removes: [
            prior.status === 'Enabled'
              ? `the cluster's SSL certificate ${prior.certThumbprint} for ${prior.cname}`
              : `plain http scoring${before ? `: ${before.scoringUri}` : ''} (clients must move to https://${t.cname}/…)`,
          ],
          restoreWith: [restoreLine],
          references: before ? [`real-time service ${service}: scoringUri ${before.scoringUri}`] : [],
          warnings: env.publicIpAddress ? [`${t.cname} must resolve to the front end ${env.publicIpAddress} (a later step shows the DNS record)`] : [],
        },
      };
    },
    async do(ctx, c) {
      if (c.keptDir) {
        // Kept before anything changes: without it a rollback could not put the previous certificate back.
        if (!options.previous?.keyPem) throw new Error('the current key of the cluster is not in this certwalk process; nothing was changed. Start the procedure again');
        if (!(await ctx.files.exists(pemFilesIn(c.keptDir).keyPath))) {
          await writePemPair(ctx.files, c.keptDir, {certPem: options.previous.certPem, keyPem: options.previous.keyPem, info: describeCertificate(options.previous.certPem)});
        }
      }
      const host = await ctx.host(t.client);
      await withPemOnNode(ctx, host, local, t.thumbprint, (files) =>
        setClusterSsl(host, t.resourceGroup, t.cluster, {status: 'Enabled', cname: t.cname, certPemPath: files.certPath, keyPemPath: files.keyPath}),
      );
    },
    async verify(ctx, c) {
      const env = await readCluster(ctx, t);
      return {checks: sslChecks(t, env), changes: sslChanges(t, c.prior, env)};
    },
    async undo(ctx, c) {
      const host = await ctx.host(t.client);
      const env = await showEnvironment(host, t.cluster, t.resourceGroup);
      if (!env) return `cluster ${t.cluster} is not in ${t.resourceGroup} any more; nothing to restore`;
      const same = env.ssl.status === c.prior.status && (c.prior.status === 'Disabled' || (env.ssl.certThumbprint === c.prior.certThumbprint && env.ssl.cname === c.prior.cname));
      if (same) return `${t.cluster} already has its previous SSL settings (${sslLine(c.prior)}; already restored)`;
      // Put back only over this session's certificate: another one was set since by someone else.
      const ours = env.ssl.status === 'Enabled' && env.ssl.certThumbprint?.toUpperCase() === t.thumbprint.toUpperCase();
      if (!ours) {
        throw undoConflict(
          ctx,
          t.client,
          `SSL on cluster ${t.cluster}`,
          `Enabled with certificate ${t.thumbprint}`,
          `${sslLine(env.ssl)} with certificate ${env.ssl.certThumbprint ?? '(none)'}`,
        );
      }
      if (c.prior.status === 'Disabled') {
        await setClusterSsl(host, t.resourceGroup, t.cluster, {status: 'Disabled'});
        return `SSL on ${t.cluster} is Disabled again, as before`;
      }
      const kept = pemFilesIn(c.keptDir!);
      if (!(await ctx.files.exists(kept.keyPath)))
        throw new Error(
          `the previous key of ${t.cluster} is not at ${kept.keyPath}; restore SSL by hand with Set-AzureRmMlOpCluster and the previous certificate ${c.prior.certThumbprint}`,
        );
      await withPemOnNode(ctx, host, kept, c.prior.certThumbprint ?? t.thumbprint, (files) =>
        setClusterSsl(host, t.resourceGroup, t.cluster, {status: 'Enabled', cname: c.prior.cname ?? t.cname, certPemPath: files.certPath, keyPemPath: files.keyPath}),
      );
      await ctx.files.removeTree(c.keptDir!);
      return `SSL on ${t.cluster} is back to the previous certificate ${shortThumb(c.prior.certThumbprint ?? '')} for ${c.prior.cname}`;
    },
  });
}

interface EnvironmentCapture {
  /** The CLI's current environment before, or null when none was. */
  readonly previous: {readonly name: string; readonly resourceGroup: string} | null;
}

/** `az ml env set`: the environment `az ml service` commands talk to; undo sets the previous one back. */
export function setEnvironmentStep(options: {id: string; t: ClusterTarget}): Step<EnvironmentCapture> {
  const {id, t} = options;
  return defineStep<EnvironmentCapture>({
    id,
    title: `Make ${t.cluster} the current Azure ML environment`,
    node: t.client,
    kind: 'set-environment',
    destructive: false,
    skippable: true,
    undoLast: false,
    hasUndo: true,
    plan: () => [{node: t.client, text: formatCommand(envSetCommand(t.cluster, t.resourceGroup))}],
    async capture(ctx) {
      const current = await showCurrentEnvironment(await ctx.host(t.client));
      return {captured: {previous: current ? {name: current.name, resourceGroup: current.resourceGroup} : null}};
    },
    async do(ctx) {
      await setEnvironment(await ctx.host(t.client), t.cluster, t.resourceGroup);
    },
    async verify(ctx, {previous}) {
      const current = await showCurrentEnvironment(await ctx.host(t.client));
      const observed = current ? `${current.resourceGroup}/${current.name}` : '(none)';
      const expected = `${t.resourceGroup}/${t.cluster}`;
      return {
        checks: [{what: 'current environment', expected, observed, ok: observed.toLowerCase() === expected.toLowerCase()}],
        changes: [{node: t.client, label: 'current environment', before: previous ? `${previous.resourceGroup}/${previous.name}` : null, after: observed}],
      };
    },
    async undo(ctx, {previous: p}) {
      const host = await ctx.host(t.client);
      if (!p) return 'no environment was current before; left as it is';
      const current = await showCurrentEnvironment(host);
      if (current && current.name === p.name && current.resourceGroup === p.resourceGroup) return `${p.name} is the current environment (already restored)`;
      // Switched back only from this session's choice: another current environment was chosen since by someone else.
      if (!current || current.name.toLowerCase() !== t.cluster.toLowerCase() || current.resourceGroup.toLowerCase() !== t.resourceGroup.toLowerCase()) {
        throw undoConflict(ctx, t.client, 'the current Azure ML environment', `${t.resourceGroup}/${t.cluster}`, current ? `${current.resourceGroup}/${current.name}` : '(none)');
      }
      if (!(await showEnvironment(host, p.name, p.resourceGroup))) return `the previous environment ${p.name} no longer exists; left as it is`;
      await setEnvironment(host, p.name, p.resourceGroup);
      return `${p.name} is the current environment again`;
    },
  });
}

/** The DNS record the CNAME needs (to the front end's publicIpAddress), and optionally whether it resolves so. */
export function dnsStep(options: {id: string; t: ClusterTarget; check: boolean}): StepDefinition {
  const {id, t, check} = options;
  const record = (ip: string) => `${t.cname}. 3600 IN A ${ip}`;
  return {
    id,
    title: check ? `Check that ${t.cname} resolves to ${t.cluster}'s front-end IP` : `Show the DNS record ${t.cname} needs`,
    node: t.client,
    kind: 'check-dns',
    destructive: false,
    // A record someone else must create: skip, or create it and retry.
    skippable: true,
    undoLast: false,
    hasUndo: false,
    plan: () => [
      {node: t.client, text: `${formatCommand(envShowCommand(t.cluster, t.resourceGroup))}   (publicIpAddress)`},
      {node: t.client, text: `DNS record to create: ${record('<publicIpAddress>')}`, preview: false},
      ...(check ? [{node: t.client, text: formatCommand(nslookupCommand(t.cname))}] : []),
    ],
    async capture() {
      return {captured: {}};
    },
    async do(ctx) {
      const env = await readCluster(ctx, t);
      if (env?.publicIpAddress) ctx.note(`create this DNS record (zone of ${t.cname}): ${record(env.publicIpAddress)}`);
    },
    async verify(ctx) {
      const env = await readCluster(ctx, t);
      const ip = env?.publicIpAddress ?? null;
      const checks = [{what: `${t.cluster} publicIpAddress`, expected: 'an IP address', observed: ip ?? '(none)', ok: ip !== null}];
      let resolvesTo = '(not checked)';
      if (check && ip) {
        const addresses = await resolveName(await ctx.host(t.client), t.cname);
        resolvesTo = addresses.length ? addresses.join(', ') : 'does not resolve';
        checks.push({what: `${t.cname} resolves to`, expected: ip, observed: addresses.includes(ip) ? ip : `${resolvesTo} (create: ${record(ip)})`, ok: addresses.includes(ip)});
      }
      // Not a change certwalk makes: the record the admin must have in DNS, shown where the results are read.
      return {checks, changes: ip ? [{node: t.client, label: `DNS ${t.cname}`, before: resolvesTo, after: `A ${ip}`}] : []};
    },
    async undo() {
      return 'nothing to undo: this step only reads';
    },
  };
}

/** Reads back the scoring URL of the service (or of every service of a new cluster): https on the CNAME. */
export function scoringStep(options: {
  id: string;
  t: ClusterTarget;
  service: string;
  /** The step that read the scoring URL before the change (enable-ssl), or null: then the planned one is shown. */
  beforeFrom: Step<{readonly scoringBefore: string | null}> | null;
  plannedBefore: string | null;
}): StepDefinition {
  const {id, t, service} = options;
  const base = `https://${t.cname}/api/v1/service/`;
  return {
    id,
    title: service ? `Check that ${service} now scores on https://${t.cname}` : `Check the scoring URLs of ${t.cluster}'s services`,
    node: t.client,
    kind: 'check-scoring',
    destructive: false,
    skippable: true,
    undoLast: false,
    hasUndo: false,
    plan: () => [{node: t.client, text: formatCommand(service ? serviceShowCommand(service) : serviceListCommand())}],
    async capture() {
      return {captured: {}};
    },
    async do() {
      // Only reads: verify does the reading.
    },
    async verify(ctx) {
      const host = await ctx.host(t.client);
      const before = (options.beforeFrom ? capturedBy(ctx, options.beforeFrom)?.scoringBefore : null) ?? options.plannedBefore;
      if (service) {
        const found = await showRealtimeService(host, service);
        const observed = found?.scoringUri ?? `(no service ${service})`;
        return {
          checks: [{what: `${service} scoringUri`, expected: `${base}${service}/score`, observed, ok: !!found && scoringUsesCname(found.scoringUri, t.cname)}],
          changes: [{node: t.client, label: `${service} scoringUri`, before, after: found?.scoringUri ?? null}],
        };
      }
      const services = await listRealtimeServices(host);
      if (!services.length) {
        ctx.note(`no real-time service is deployed on ${t.cluster} yet; each one deployed there will score at ${base}<service name>/score`);
        return {
          checks: [{what: `services on ${t.cluster}`, expected: `scoring on ${base}…`, observed: 'none deployed yet', ok: true}],
          changes: [{node: t.client, label: `${t.cluster} scoring`, before, after: `${base}<service>/score`}],
        };
      }
      return {
        checks: services.map((s) => ({what: `${s.name} scoringUri`, expected: `${base}${s.name}/score`, observed: s.scoringUri, ok: scoringUsesCname(s.scoringUri, t.cname)})),
        changes: services.map((s) => ({node: t.client, label: `${s.name} scoringUri`, before: null, after: s.scoringUri})),
      };
    },
    async undo() {
      return 'nothing to undo: this step only reads';
    },
  };
}
