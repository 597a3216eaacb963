// SSIS Scale Out: change the certificate of one or many workers (MicrosoftDocs sql-docs "Manage certificates for SQL
// Server Integration Services Scale Out", worker part): new certificate with its key in the worker's My and its public
// part in the worker's Root, the old one deleted by thumbprint (kept to restore), the worker service account granted
// its key, WorkerHttpsCertThumbprint set, the master trusting the new certificate, the worker restarted. Each worker is
// a lane of one fan-out block, so --concurrency rotates several at once.
import {randomBytes} from 'node:crypto';
import {createSelfSigned, describeCertificate, keyInAdvance, toDer, toPfx} from '../certs/index.ts';
import type {CertInfo, Certificate, CertificateRecord} from '../certs/index.ts';
import type {Fleet, Host, NodeInfo} from '../hosts/host.ts';
import {certmgrDeleteByNameCommand, delStoreCommand, listStore, type StoreEntry} from '../ops/certutil.ts';
import {command, formatCommand} from '../ops/command.ts';
import {WORKER_HTTPS_CERT_THUMBPRINT, WORKER_SETTINGS_PATH, findSettingsFile, readSetting} from '../ops/scale-out-settings.ts';
import {queryServiceConfig, type ServiceConfig} from '../ops/service.ts';
import {firstSubjectMatch, listKeyAccess, simpleNameString, subjectMatches} from '../ops/winhttpcertcfg.ts';
import {WORKER_SERVICE} from './ssis-master.ts';
import {addCertificateStep, type CertificateMaterial} from './steps/add-certificate.ts';
import {deleteCertificateStep} from './steps/delete-certificate.ts';
import {deleteUnrecoverableCertificateStep} from './steps/delete-unrecoverable.ts';
import {undoRefused} from './steps/undo-guard.ts';
import {keptPfxName, removeTempPfxStep, tempPfxName} from './steps/temp-pfx.ts';
import {grantKeyAccessStep} from './steps/grant-key.ts';
import {restartServiceStep} from './steps/service.ts';
import {updateSettingStep} from './steps/setting.ts';
import {sameThumbprint, shortThumb} from './steps/util.ts';
import {mapLimit, newCertificateParams, nodesWithRole, parseNodeList} from './params.ts';
import type {ParamForm, Secrets, StepContext, StepDefinition, Validation} from './types.ts';
import {capturedBy, defineProcedure, type PreparedAs, type Step} from './define.ts';
import {catalogEntry} from './catalog.ts';
import {dayRange, toolDay} from '../ops/tool-date.ts';

// The account SSIS setup runs the worker service as; admins often change it to a domain account, so by default each
// worker's account is read from the service itself (`sc.exe qc`, SERVICE_START_NAME).
const DEFAULT_ACCOUNT = `NT Service\\${WORKER_SERVICE}`;
const ACCOUNT_FROM_SERVICE = 'auto';
// Each worker's reads (settings, store, key access, service account) are a few remoting calls: this many at once.
const PREPARE_CONCURRENCY = 8;
const WORKER_SETTINGS_FILE = 'WorkerSettings.config';
const WORKER_CER_FILE = 'SSISScaleOutWorker.cer';

/** Where prepare found the settings file; the default install's path for a journal written before it looked. */
function settingsPathOf(r: WorkerPlan): string {
  return r.settingsPath ?? WORKER_SETTINGS_PATH;
}

/** The worker's client certificate file, in the folder of its settings file (the documents' Binn folder). */
function cerPathOf(r: WorkerPlan): string {
  const path = settingsPathOf(r);
  return `${path.slice(0, path.lastIndexOf('\\'))}\\${WORKER_CER_FILE}`;
}

/**
 * What happens to a worker's old certificate. `delete`: deleted after a copy with its key is kept to restore; a
 * worker whose old key cannot be exported keeps it instead (the plan says which). `keep`: every worker keeps it.
 * `delete-unrecoverable`: those keys are deleted too, with no way back, last, after their own confirmation.
 */
const OLD_CERTIFICATE_CHOICES = ['delete', 'keep', 'delete-unrecoverable'] as const;
type OldCertificatePolicy = (typeof OLD_CERTIFICATE_CHOICES)[number];

/** What prepare decided for one worker's old certificate. */
type OldCertificateFate = 'delete-kept' | 'keep' | 'delete-unrecoverable';

/** `notAfter` as certutil printed it for the old certificate, ISO 8601 for the new one (toolDay reads both). */
type CertSummary = Pick<Certificate<string>, 'thumbprint' | 'subject' | 'notAfter'>;

/** One worker's rotation, read and made by prepare. */
interface WorkerPlan {
  readonly worker: string;
  readonly machineName: string;
  readonly ip: string;
  readonly master: string;
  readonly account: string;
  readonly old: CertSummary & Pick<StoreEntry, 'exportable' | 'hasPrivateKey'> & {readonly keyAccess: readonly string[] | null};
  /** WorkerSettings.config beside the service's executable (sc qc); absent in journals from before it was read. */
  readonly settingsPath?: string;
  readonly oldSetting: string;
  readonly oldFate: OldCertificateFate;
  /** Why no copy of the old certificate can be kept (its key is not exportable, or it has none); null when one can. */
  readonly unrecoverable: string | null;
  readonly cert: CertSummary & Pick<CertificateRecord, 'derBase64'> & Pick<CertInfo, 'sha256' | 'keyBits'>;
  /** `winhttpcertcfg -s` for the new key (grant) and for the old key (its access list, restored on rollback). */
  readonly grantSearch: string;
  readonly oldSearch: string;
  /** Whether leaving the old certificate in place would make grantSearch find it too. */
  readonly grantSeesOld: boolean;
}

interface WorkersResolved {
  readonly master: string;
  readonly workers: readonly WorkerPlan[];
}

async function form(fleet: Fleet): Promise<ParamForm> {
  const workers = await nodesWithRole(fleet, 'ssis-worker');
  return {
    values: {workers: workers[0]?.name ?? '', account: ACCOUNT_FROM_SERVICE, oldCertificate: 'delete', keyBits: '2048', validDays: '730'},
    specs: [
      {
        key: 'workers',
        aliases: ['worker'],
        label: 'Workers',
        help: 'The worker nodes whose certificate changes: one, several separated by commas, or all (each is a lane: --concurrency runs several at once)',
        choices: [
          ...(workers.length > 1 ? [{value: 'all', label: `all (${workers.length} workers)`}] : []),
          ...workers.map((n) => ({value: n.name, label: `${n.name} (${n.fqdn}, ${n.ip})`})),
        ],
      },
      {
        key: 'account',
        label: 'Service account',
        help: `Gets read access to the new key. auto: each worker's own SSISScaleOutWorker140 account (sc.exe qc, SERVICE_START_NAME); or one account for every worker, e.g. ${DEFAULT_ACCOUNT}`,
      },
      {
        key: 'oldCertificate',
        label: 'Old certificate',
        help: "delete: deleted once a copy with its key is kept to restore; a worker whose old key cannot be exported (the documents' MakeCert makes such keys) keeps it, and the plan names it. keep: every worker keeps it. delete-unrecoverable: deletes those too, last, with NO way back, after its own confirmation",
        choices: [
          {value: 'delete', label: 'delete (kept to restore; unexportable keys stay)'},
          {value: 'keep', label: 'keep the old certificates in LocalMachine\\My'},
          {value: 'delete-unrecoverable', label: 'delete, unexportable keys too (no way back)'},
        ],
      },
      {key: 'keyBits', label: 'Key size', help: 'RSA key size of the new certificate, at least 2048'},
      {key: 'validDays', label: 'Valid for (days)', help: 'Validity of the new certificate'},
    ],
  };
}

/** The CN values of a subject as certutil prints it, in display order. */
function subjectValues(subject: string): string[] {
  return simpleNameString(subject)
    .split(', ')
    .map((v) => v.trim())
    .filter(Boolean);
}

/**
 * A `-s` string that makes winhttpcertcfg land on `want` in each of the given store layouts (in order of
 * preference): found first and alone, else found first. Store order is what certutil lists, the same enumeration
 * the tool walks; where a new certificate will land on a real node is not known, so the steps check again.
 */
function pickSearch(candidates: readonly string[], want: string, layouts: readonly (readonly {thumbprint: string; subject: string}[])[]): string | undefined {
  for (const layout of layouts) {
    const unique = candidates.find((c) => {
      const {first, count} = firstSubjectMatch(layout, c);
      return count === 1 && sameThumbprint(first?.thumbprint, want);
    });
    if (unique) return unique;
  }
  for (const layout of layouts) {
    const first = candidates.find((c) => sameThumbprint(firstSubjectMatch(layout, c).first?.thumbprint, want));
    if (first) return first;
  }
  return undefined;
}

function fateOf(policy: OldCertificatePolicy, unrecoverable: string | null): OldCertificateFate {
  if (policy === 'keep') return 'keep';
  if (unrecoverable === null) return 'delete-kept';
  return policy === 'delete-unrecoverable' ? 'delete-unrecoverable' : 'keep';
}

/** A `-s` string that finds `want` first and alone in the store as it will be, or undefined. */
function pickUniqueSearch(candidates: readonly string[], want: string, layout: readonly {thumbprint: string; subject: string}[]): string | undefined {
  return candidates.find((c) => {
    const {first, count} = firstSubjectMatch(layout, c);
    return count === 1 && sameThumbprint(first?.thumbprint, want);
  });
}

/** CN values the old and new certificates both have: a delete by name would take both. */
function sharedCns(r: WorkerPlan): string[] {
  const fresh = subjectValues(r.cert.subject).map((v) => v.toLowerCase());
  return subjectValues(r.old.subject).filter((v) => fresh.includes(v.toLowerCase()));
}

function describeStore(certs: readonly StoreEntry[]): string {
  if (!certs.length) return 'LocalMachine\\My is empty';
  return `LocalMachine\\My holds ${certs.map((c) => `${c.thumbprint} (${c.subject})`).join('; ')}`;
}

interface Material {
  readonly pfxBase64: string;
}

async function prepare(fleet: Fleet, params: Readonly<Record<string, string>>): Promise<Validation<PreparedAs<WorkersResolved>>> {
  const errors: Record<string, string> = {};
  const nodes = await fleet.nodes();
  const workerNodes = nodes.filter((n) => n.roles.includes('ssis-worker'));
  const selection = (params.workers ?? '').trim();
  // A name of another kind of node deserves its own sentence, not "no node named …".
  const notWorker = selection
    .split(',')
    .map((name) => nodes.find((n) => n.name.toLowerCase() === name.trim().toLowerCase()))
    .find((n) => n && !n.roles.includes('ssis-worker'));
  const chosen = parseNodeList(
    selection,
    workerNodes.map((n) => n.name),
  );
  if (selection === '') errors.workers = `name the workers to change: one, a comma-separated list, or all; workers: ${workerNodes.map((n) => n.name).join(', ') || '(none)'}`;
  else if (notWorker) errors.workers = `${notWorker.name} is not an SSIS Scale Out worker; workers: ${workerNodes.map((n) => n.name).join(', ') || '(none)'}`;
  else if (!chosen.ok) errors.workers = chosen.error;
  const master = nodes.find((n) => n.roles.includes('ssis-master'));
  if (!master) errors.workers ??= 'the fleet has no SSIS Scale Out master (a node with role ssis-master) to trust the new certificate';

  const accountParam = (params.account ?? ACCOUNT_FROM_SERVICE).trim();
  const fromService = accountParam.toLowerCase() === ACCOUNT_FROM_SERVICE;
  if (!fromService && !validAccount(accountParam)) {
    errors.account = `"${params.account ?? ''}" is not an account name such as ${DEFAULT_ACCOUNT} or CONTOSO\\svc-ssis (or auto: each worker's own)`;
  }
  const oldPolicy = (params.oldCertificate ?? 'delete').trim().toLowerCase() as OldCertificatePolicy;
  if (!OLD_CERTIFICATE_CHOICES.includes(oldPolicy)) errors.oldCertificate = `"${params.oldCertificate ?? ''}" is not one of ${OLD_CERTIFICATE_CHOICES.join(', ')}`;
  const {keyBits, validDays} = newCertificateParams(params, errors);
  if (Object.keys(errors).length || !chosen.ok || !master) return {ok: false, errors};

  const selected = chosen.value.map((name) => workerNodes.find((n) => n.name === name)!);
  const password = randomBytes(18).toString('base64url');
  const results = await mapLimit(selected, PREPARE_CONCURRENCY, (worker) =>
    planWorker(fleet, worker, master.name, fromService ? null : accountParam, oldPolicy, keyBits, validDays, password).catch(
      (error: Error) => `cannot read ${worker.name}: ${error.message}`,
    ),
  );
  const refusals = results.flatMap((r, i) => (typeof r === 'string' ? [`${selected[i]!.name}: ${r}`] : []));
  if (refusals.length) {
    const shown = refusals.slice(0, 5).join('; ');
    return {ok: false, errors: {workers: refusals.length > 5 ? `${shown}; and ${refusals.length - 5} more workers` : shown}};
  }
  const planned = results as {plan: WorkerPlan; material: Material}[];
  const secrets: Record<string, string> = {pfxPassword: password};
  for (const {plan, material} of planned) secrets[pfxKey(plan.worker)] = material.pfxBase64;
  const resolved: WorkersResolved = {master: master.name, workers: planned.map((p) => p.plan)};
  return {ok: true, value: {resolved, secrets}};
}

function pfxKey(worker: string): string {
  return `pfx:${worker}`;
}

/** Passed as one argument to winhttpcertcfg, which splits DOMAIN\\account at the first backslash. */
function validAccount(account: string): boolean {
  return account !== '' && !/[\0-\x1f"]/.test(account) && !/^[-/]/.test(account) && !account.endsWith('\\');
}

/** Reads one worker and makes its certificate; a string is the reason the worker cannot be rotated as it stands. */
async function planWorker(
  fleet: Fleet,
  worker: NodeInfo,
  master: string,
  givenAccount: string | null,
  oldPolicy: OldCertificatePolicy,
  keyBits: number,
  validDays: number,
  password: string,
): Promise<{plan: WorkerPlan; material: Material} | string> {
  // The worker's key is made while it is read.
  const key = keyInAdvance(keyBits);
  const host = await fleet.host(worker.name);
  // The service's configuration gives its account and where it is installed (any drive): the settings file is there.
  let service: ServiceConfig;
  try {
    service = await queryServiceConfig(host, WORKER_SERVICE);
  } catch (error) {
    return `cannot read the ${WORKER_SERVICE} configuration (sc.exe qc): ${(error as Error).message}`;
  }
  let account = givenAccount;
  if (account === null) {
    account = service.account;
    if (!validAccount(account)) return `${WORKER_SERVICE} runs as "${account}", which winhttpcertcfg cannot take; give the account parameter`;
  }
  let settingsPath: string;
  try {
    settingsPath = await findSettingsFile(host, service.binaryPath, WORKER_SETTINGS_FILE);
  } catch (error) {
    return (error as Error).message;
  }
  let oldSetting: string;
  try {
    // readSetting refuses a missing key and a key written twice: either way nobody knows which value the service uses.
    oldSetting = readSetting(await host.readFile(settingsPath), WORKER_HTTPS_CERT_THUMBPRINT, WORKER_SETTINGS_FILE);
  } catch (error) {
    return `cannot use ${settingsPath}: ${(error as Error).message}`;
  }
  if (!/^[0-9A-Fa-f]{40}$/.test(oldSetting)) {
    return `${WORKER_HTTPS_CERT_THUMBPRINT} is "${oldSetting}", not a 40-hex-digit thumbprint; fix the file first`;
  }
  const my = await listStore(host, 'My');
  const old = my.find((c) => sameThumbprint(c.thumbprint, oldSetting));
  if (!old) return `${WORKER_HTTPS_CERT_THUMBPRINT} ${oldSetting.toUpperCase()} is not in LocalMachine\\My; ${describeStore(my)}`;
  const unrecoverable = !old.hasPrivateKey ? 'it has no private key in LocalMachine\\My' : !old.exportable ? 'its private key is not exportable' : null;
  const oldFate = fateOf(oldPolicy, unrecoverable);
  // While the old certificate stays, winhttpcertcfg -s must still tell the new one apart: the documents' MakeCert
  // gives the old one the same CNs (machine name, IP), so the new one also carries the FQDN as a CN.
  const oldStays = oldFate !== 'delete-kept';
  const distinctCn = oldStays && worker.fqdn.toLowerCase() !== worker.machineName.toLowerCase() ? [worker.fqdn] : [];

  const made = await createSelfSigned({
    key: await key,
    commonNames: [worker.machineName, worker.ip, ...distinctCn],
    dnsNames: [...new Set([worker.machineName, worker.fqdn])],
    ipAddresses: [worker.ip],
    keyBits,
    validDays,
  });
  const cert = {
    thumbprint: made.info.thumbprint,
    sha256: made.info.sha256,
    subject: made.info.subject,
    notAfter: made.info.notAfter.toISOString(),
    derBase64: made.der.toString('base64'),
    keyBits,
  };
  const newEntry = {thumbprint: cert.thumbprint, subject: cert.subject};
  const withNew = [...my, newEntry];
  const withoutOld = withNew.filter((c) => c !== old);
  const grantCandidates = subjectValues(cert.subject).reverse(); // machine name first, as the docs write it
  const grantSearch = oldStays
    ? pickUniqueSearch(grantCandidates, cert.thumbprint, withNew)
    : (pickSearch(grantCandidates, cert.thumbprint, [withNew, withoutOld]) ?? worker.machineName);
  if (grantSearch === undefined) {
    return `the old certificate ${old.thumbprint} stays in LocalMachine\\My (oldCertificate=${oldPolicy}${unrecoverable ? `; ${unrecoverable}` : ''}), and every name of the new one (${grantCandidates.join(', ')}) also finds it or another certificate, so winhttpcertcfg -s could not be sure to grant the new key; give the old certificate an exportable key or remove it by hand first`;
  }
  const oldSearch = pickSearch(subjectValues(old.subject).reverse(), old.thumbprint, [withNew, my]) ?? subjectValues(old.subject).at(-1) ?? worker.machineName;

  // Read now, while the new certificate is not in the store to be found instead: the delete step falls back on it.
  let keyAccess: string[] | null = null;
  if (old.hasPrivateKey && sameThumbprint(firstSubjectMatch(my, oldSearch).first?.thumbprint, old.thumbprint)) {
    keyAccess = await listKeyAccess(host, 'My', oldSearch).then(
      (r) => [...r.accounts],
      () => null,
    );
  }

  const plan: WorkerPlan = {
    worker: worker.name,
    machineName: worker.machineName,
    ip: worker.ip,
    master,
    account,
    old: {thumbprint: old.thumbprint, subject: old.subject, notAfter: old.notAfter, exportable: old.exportable, hasPrivateKey: old.hasPrivateKey, keyAccess},
    settingsPath,
    oldSetting,
    oldFate,
    unrecoverable,
    cert,
    grantSearch,
    oldSearch,
    grantSeesOld: subjectMatches(old.subject, grantSearch),
  };
  return {plan, material: {pfxBase64: toPfx(made, password).toString('base64')}};
}

/** What still points at the old certificate, for the delete confirmation. */
function referencesOf(r: WorkerPlan): (ctx: StepContext) => Promise<string[]> {
  const old = r.old.thumbprint;
  const inStore = async (host: Host, store: string) => (await listStore(host, store)).some((c) => sameThumbprint(c.thumbprint, old));
  return async (ctx) => {
    const lines: string[] = [];
    const worker = await ctx.host(r.worker);
    try {
      const value = readSetting(await worker.readFile(settingsPathOf(r)), WORKER_HTTPS_CERT_THUMBPRINT, WORKER_SETTINGS_FILE);
      if (sameThumbprint(value, old)) lines.push(`${r.worker}: ${settingsPathOf(r)}: ${WORKER_HTTPS_CERT_THUMBPRINT} = ${value} (a later step sets it to the new thumbprint)`);
    } catch {
      // The settings step reports an unreadable file itself.
    }
    if (await inStore(worker, 'Root')) lines.push(`${r.worker}: LocalMachine\\Root holds ${old} too (left in place)`);
    try {
      const cer = await worker.readFile(cerPathOf(r));
      if (sameThumbprint(describeCertificate(toDer(cer)).thumbprint, old)) {
        lines.push(`${r.worker}: ${cerPathOf(r)} is the old certificate (left in place; not used by the service)`);
      }
    } catch {
      // No client certificate file: nothing points at the old certificate from there.
    }
    if (await inStore(await ctx.host(r.master), 'Root')) {
      lines.push(`${r.master}: LocalMachine\\Root holds ${old}, the master's trust in the old worker certificate (left in place; a later step adds the new one)`);
    }
    return lines;
  };
}

function steps(r: WorkersResolved, secrets: Secrets): StepDefinition[] {
  // One lane per worker: its steps in order, several workers at once with --concurrency.
  return r.workers.flatMap((plan) => workerSteps(plan, secrets).map((step) => ({...step, lane: plan.worker, ...windowOf(step.id, plan.worker)})));
}

/**
 * From the delete of the old certificate until the service restarts on the new one, WorkerSettings.config names a
 * certificate that is gone: a worker that has entered this window finishes it (or is undone), never stops inside it.
 */
const OLD_CERT_GONE = ['delete-old', 'grant-key', 'settings', 'trust', 'restart'];

function windowOf(stepId: string, worker: string): {window?: string} {
  const suffix = stepId.startsWith(`${worker}.`) ? stepId.slice(worker.length + 1) : stepId.endsWith(`.trust-${worker}`) ? 'trust' : '';
  return OLD_CERT_GONE.includes(suffix) ? {window: 'old-cert-gone'} : {};
}

function workerSteps(r: WorkerPlan, secrets: Secrets): StepDefinition[] {
  const w = r.worker;
  const thumb = r.cert.thumbprint;
  const oldShort = shortThumb(r.old.thumbprint);
  const shared = sharedCns(r);
  // The name the documented certmgr line would use: the old certificate's simple name (its first-encoded CN).
  const oldName = subjectValues(r.old.subject).at(-1) ?? r.machineName;
  const certmgrTakesNew = subjectMatches(r.cert.subject, oldName);

  const withKey: CertificateMaterial = {
    thumbprint: thumb,
    subject: r.cert.subject,
    derBase64: r.cert.derBase64,
    ...(secrets[pfxKey(w)] && secrets.pfxPassword ? {pfx: {base64: secrets[pfxKey(w)]!, password: secrets.pfxPassword}} : {}),
  };
  const publicPart: CertificateMaterial = {thumbprint: thumb, subject: r.cert.subject, derBase64: r.cert.derBase64};
  const settings = updateSettingStep({id: `${w}.settings`, node: w, path: settingsPathOf(r), key: WORKER_HTTPS_CERT_THUMBPRINT, newValue: thumb, plannedOldValue: r.oldSetting});

  const importStep = addCertificateStep({
    id: `${w}.import-cert`,
    node: w,
    store: 'My',
    cert: withKey,
    title: 'Add the new worker certificate to LocalMachine\\My (with its private key)',
  });
  const makeCert = formatCommand(command('MakeCert.exe', '-n', `CN=${r.machineName};CN=${r.ip}`, 'SSISScaleOutWorker.cer', '-r', '-ss', 'My', '-sr', 'LocalMachine'));
  const certmgr = formatCommand(certmgrDeleteByNameCommand('My', oldName));

  const deleteOld = formatCommand(delStoreCommand('My', r.old.thumbprint));
  const keptNote =
    r.oldFate === 'keep'
      ? [
          {
            node: w,
            text: `(not run) the old certificate ${r.old.thumbprint} stays in LocalMachine\\My${r.unrecoverable ? ` (${r.unrecoverable}: no copy could be kept)` : ''}, unused once ${WORKER_HTTPS_CERT_THUMBPRINT} names the new one; remove it later, with no way back, by: ${deleteOld}`,
            preview: false,
          },
        ]
      : [];
  const restart = restartServiceStep({
    id: `${w}.restart`,
    node: w,
    service: WORKER_SERVICE,
    restoredFirst: [{step: settings, path: settingsPathOf(r), key: WORKER_HTTPS_CERT_THUMBPRINT}],
  });
  const unrecoverableDelete =
    r.oldFate === 'delete-unrecoverable'
      ? deleteUnrecoverableCertificateStep({
          id: `${w}.delete-old-unrecoverable`,
          node: w,
          store: 'My',
          old: r.old,
          reason: r.unrecoverable ?? 'no copy can be kept',
          replacement: {thumbprint: thumb, subject: r.cert.subject},
        })
      : undefined;
  const lane: StepDefinition[] = [
    {
      ...importStep,
      plan: () => [
        {node: w, text: `${makeCert}   (the documented manual equivalent, not run: certwalk made the certificate itself, RSA ${r.cert.keyBits}, SHA-256, SANs)`, preview: false},
        ...importStep.plan(),
        ...keptNote,
      ],
    },
    // The new PFX (left by a kill during the import) and the old one's export (a kill during delete-old's capture).
    removeTempPfxStep({id: `${w}.remove-temp-pfx`, node: w, names: [tempPfxName(thumb), keptPfxName(r.old.thumbprint)]}),
    addCertificateStep({id: `${w}.root`, node: w, store: 'Root', cert: publicPart, title: 'Add the new worker certificate to LocalMachine\\Root (public part)'}),
    ...(r.oldFate === 'delete-kept'
      ? [
          deleteCertificateStep({
            id: `${w}.delete-old`,
            node: w,
            store: 'My',
            old: r.old,
            replacement: {thumbprint: thumb, subject: r.cert.subject},
            keySearch: r.oldSearch,
            plannedKeyAccess: r.old.keyAccess,
            references: referencesOf(r),
            manualEquivalent: {
              node: w,
              text: `${certmgr}   (the documented manual equivalent, not run: /n deletes EVERY certificate whose name contains "${oldName}"${certmgrTakesNew ? ', the new one too' : ''}; certwalk deletes by thumbprint)`,
              preview: false,
            },
            skipConsequence: r.grantSeesOld
              ? `but it has the name "${r.grantSearch}" the next step gives winhttpcertcfg -s, so that step could not be sure to reach the new key and would stop: roll back instead, or grant ${r.account} the new key by hand`
              : `it stays there unused once ${WORKER_HTTPS_CERT_THUMBPRINT} names the new certificate; delete it later with certutil -delstore My ${r.old.thumbprint}`,
            warnings: [
              ...(shared.length
                ? [
                    `the old and new certificates have the same CN (${shared.join(', ')}): certwalk deletes ${oldShort} by its thumbprint only${certmgrTakesNew ? `; the documented certmgr.exe /del … /n ${oldName} would delete both` : ''}`,
                  ]
                : []),
              `until ${WORKER_HTTPS_CERT_THUMBPRINT} is set (two steps later), WorkerSettings.config names a certificate that is gone: ${WORKER_SERVICE} must not restart before then`,
            ],
          }),
        ]
      : []),
    grantKeyAccessStep({id: `${w}.grant-key`, node: w, store: 'My', search: r.grantSearch, account: r.account, cert: {thumbprint: thumb, subject: r.cert.subject}}),
    settings,
    addCertificateStep({id: `${r.master}.trust-${w}`, node: r.master, store: 'Root', cert: publicPart, title: `Trust ${w}'s new certificate on the master (LocalMachine\\Root)`}),
    restart,
  ];
  if (!unrecoverableDelete) return lane;
  return [...lane.map((step) => keptOnNewCertificate(step, unrecoverableDelete, r)), unrecoverableDelete];
}

/**
 * Once the old certificate was deleted with no way back, undoing any earlier step of its worker would point the worker
 * at a certificate that is gone (or take away the new one): each refuses, as a conflict that changes nothing.
 */
function keptOnNewCertificate(step: StepDefinition, unrecoverableDelete: Step<{present: boolean}>, r: WorkerPlan): StepDefinition {
  return {
    ...step,
    async undo(ctx, captured) {
      if (capturedBy(ctx, unrecoverableDelete)?.present) {
        const host = await ctx.host(r.worker);
        if (!(await listStore(host, 'My')).some((c) => sameThumbprint(c.thumbprint, r.old.thumbprint))) {
          throw undoRefused(
            ctx,
            r.worker,
            `conflict, not undone: the old certificate ${r.old.thumbprint} was deleted without a way back (${r.unrecoverable ?? 'no copy could be kept'}), so ${r.worker} stays on ${r.cert.thumbprint}; certwalk changed nothing.`,
          );
        }
      }
      return step.undo(ctx, captured);
    },
  };
}

function describe(r: WorkersResolved): string[] {
  const only = r.workers.length === 1 ? r.workers[0] : undefined;
  return only ? describeOne(only) : describeMany(r);
}

function describeOne(r: WorkerPlan): string[] {
  const lines = [
    `worker   ${r.worker} (${r.machineName}, ${r.ip}); ${WORKER_SERVICE} runs as ${r.account}`,
    `current  ${r.old.thumbprint} ${r.old.subject}, valid until ${toolDay(r.old.notAfter)}${r.old.hasPrivateKey ? (r.old.exportable ? ', key exportable' : ', key NOT exportable') : ', no private key'}`,
    `new      ${r.cert.thumbprint} ${r.cert.subject}, valid until ${toolDay(r.cert.notAfter)} (made now, RSA ${r.cert.keyBits}, SHA-256)`,
    `         SHA-256 ${r.cert.sha256}`,
    `master   ${r.master} trusts the new certificate (LocalMachine\\Root)`,
  ];
  const shared = sharedCns(r);
  if (shared.length) lines.push(`note     the old certificate has the same CN (${shared.join(', ')}): certwalk deletes it by thumbprint, never by name`);
  lines.push(...oldFateLines([r]));
  return lines;
}

/** Counts, not a line per worker: the Plan screen lists every step already. */
function describeMany(r: WorkersResolved): string[] {
  const names = r.workers.map((w) => w.worker);
  const accounts = countBy(r.workers.map((w) => w.account));
  // certutil's dates, in the node's format: sorted as dates (as text, 10/1/2027 came before 2/5/2027).
  const expiries = dayRange(r.workers.map((w) => w.old.notAfter))!;
  const first = r.workers[0]!;
  const lines = [
    `workers  ${names.length}: ${names.length > 6 ? `${names.slice(0, 6).join(', ')}, …` : names.join(', ')}`,
    `accounts ${[...accounts].map(([account, n]) => `${account} (${n})`).join(', ')}`,
    `current  ${names.length} certificates, valid until ${expiries.first}${expiries.last === expiries.first ? '' : ` to ${expiries.last}`}`,
    `new      ${names.length} certificates made now (RSA ${first.cert.keyBits}, SHA-256), valid until ${toolDay(first.cert.notAfter)}`,
    `master   ${first.master} trusts each new certificate (LocalMachine\\Root)`,
  ];
  const sameCn = r.workers.filter((w) => sharedCns(w).length).length;
  if (sameCn) lines.push(`note     ${sameCn} old certificate(s) have the new one's CN: certwalk deletes each by thumbprint, never by name`);
  lines.push(...oldFateLines(r.workers));
  return lines;
}

/** Which workers keep their old certificate, and which lose it for good: the Plan and `certwalk plan` say so. */
function oldFateLines(workers: readonly WorkerPlan[]): string[] {
  const lines: string[] = [];
  const names = (ws: readonly WorkerPlan[]) =>
    ws.length > 6
      ? `${ws
          .slice(0, 6)
          .map((w) => w.worker)
          .join(', ')}, …`
      : ws.map((w) => w.worker).join(', ');
  const keptUnrecoverable = workers.filter((w) => w.oldFate === 'keep' && w.unrecoverable);
  const keptByChoice = workers.filter((w) => w.oldFate === 'keep' && !w.unrecoverable);
  const lost = workers.filter((w) => w.oldFate === 'delete-unrecoverable');
  if (keptUnrecoverable.length) {
    lines.push(
      `keeps    old certificate left in LocalMachine\\My, its key cannot be exported (${names(keptUnrecoverable)}): remove it later with certutil -delstore My THUMBPRINT, or oldCertificate=delete-unrecoverable`,
    );
  }
  if (keptByChoice.length) lines.push(`keeps    old certificate left in LocalMachine\\My (${names(keptByChoice)}): oldCertificate=keep`);
  if (lost.length) lines.push(`WARNING  old certificate deleted with NO way back, last, after its own confirmation (${names(lost)}): its key cannot be exported`);
  return lines;
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

export const ssisWorker = defineProcedure({
  ...catalogEntry('ssis-worker'),
  form,
  prepare,
  steps,
  describe,
});
