// Lync Server 2013 certificate cmdlets on a simulated Front End: Get-/Set-/Import-/Remove-CsCertificate and
// Get-CsManagementStoreReplicationStatus, over the pool model of lync-state.ts. The global OAuthTokenIssuer lives in
// the Central Management Store (state.lync.cms, merged in by dispatch.ts); reads show what THIS Front End's replica
// holds. Parameter sets and rules follow office-docs-powershell (Set-CsCertificate.md, Import-CsCertificate.md);
// Lync's own error texts were not found in public sources, so the messages here are the sandbox's wording (marked
// in docs/TOOL-OUTPUT.md) and only their shape is PowerShell's.
import {describeCertificate} from '../../../certs/describe.ts';
import {fromPfx, PfxPasswordError} from '../../../certs/pfx.ts';
import {toDer} from '../../../certs/pem.ts';
import {deployedCertificates, EMPTY_OAUTH, latestRevision, replicaRevision, resolveOAuth, withRevision} from '../lync-state.ts';
import type {CmsCertificate, LyncNodeState, OAuthTokenIssuerConfig} from '../lync-state.ts';
import type {NodeState, SandboxCert} from '../state.ts';
import type {CmdletContext, CmdletDefinition, CmdletError, CmdletResult, CmdletTable, PsObject, PsValue} from './powershell-cmdlet.ts';
import {commandNotFound} from './powershell-cmdlet.ts';
import {cloneState} from './program.ts';
import {certsIn, derOf, storedCertFields} from './stores.ts';

const NS = 'Microsoft.Rtc.Management.Deployment';
const CERT_TYPES = ['Default', 'WebServicesInternal', 'WebServicesExternal', 'OAuthTokenIssuer'];
const MIN_KEY_BITS = 2048;
const PRODUCT_VERSION = '5.0.8308.0';

function failure(cmdletClass: string, message: string, category = 'InvalidOperation', extra: Partial<CmdletError> = {}): CmdletResult {
  return {error: {message, category, errorId: `${NS}.${cmdletClass}`, ...extra}};
}

type Parsed<T> = {readonly ok: true; readonly value: T} | {readonly ok: false; readonly result: CmdletResult};

/** `-Type` binds to the CertType enum; a wrong name is a parameter binding error. */
function certType(cmdletClass: string, value: PsValue | undefined, required: boolean): Parsed<string | undefined> {
  if (value === undefined) {
    if (!required) return {ok: true, value: undefined};
    return {
      ok: false,
      result: failure(cmdletClass, 'Cannot process command because of one or more missing mandatory parameters: Type.', 'InvalidArgument', {
        reason: 'ParameterBindingException',
        id: 'MissingMandatoryParameter',
      }),
    };
  }
  const match = CERT_TYPES.find((t) => t.toLowerCase() === String(value).toLowerCase());
  if (match) return {ok: true, value: match};
  return {
    ok: false,
    result: failure(
      cmdletClass,
      `Cannot bind parameter 'Type'. Cannot convert value "${String(value)}" to type "${NS}.CertType". Error: "Unable to match the identifier name ${String(value)} to a valid enumerator name. Specify one of the following enumerator names and try again:\n${CERT_TYPES.join(', ')}"`,
      'InvalidArgument',
      {reason: 'ParameterBindingException', id: 'CannotConvertArgumentNoMessage'},
    ),
  };
}

function isGlobalIdentity(value: PsValue | undefined): boolean {
  return typeof value === 'string' && value.toLowerCase() === 'global';
}

function lyncOf(context: CmdletContext): LyncNodeState | undefined {
  return context.state.lync;
}

/** The OAuthTokenIssuer configuration this Front End's replica holds now. */
function replicaOAuth(context: CmdletContext, lync: LyncNodeState): OAuthTokenIssuerConfig {
  if (!lync.cms) return EMPTY_OAUTH;
  return resolveOAuth(replicaRevision(lync.cms, context.node.name, context.now).oauth, context.now);
}

function certificateObject(cert: CmsCertificate, use: string, extra: {effectiveDate: string | null; previous: CmsCertificate | null}): PsObject {
  return {
    Issuer: cert.issuer,
    NotAfter: new Date(cert.notAfter),
    NotBefore: new Date(cert.notBefore),
    SerialNumber: cert.serialNumber.toUpperCase(),
    Subject: cert.subject,
    AlternativeNames: [...cert.alternativeNames],
    Thumbprint: cert.thumbprint,
    EffectiveDate: extra.effectiveDate === null ? null : new Date(extra.effectiveDate),
    PreviousThumbprint: extra.previous?.thumbprint ?? null,
    PreviousNotAfter: extra.previous ? new Date(extra.previous.notAfter) : null,
    Use: use,
  };
}

export function cmsCertificateFromDer(der: Buffer): CmsCertificate {
  const {dnsNames, ...fields} = storedCertFields(der);
  return {...fields, alternativeNames: [...dnsNames]};
}

function oauthObjects(config: OAuthTokenIssuerConfig): PsObject[] {
  const out: PsObject[] = [];
  if (config.current) out.push(certificateObject(config.current, 'OAuthTokenIssuer', {effectiveDate: config.effectiveDate, previous: config.previous}));
  if (config.staged) out.push(certificateObject(config.staged.certificate, 'OAuthTokenIssuer', {effectiveDate: config.staged.effectiveDate, previous: config.current}));
  return out;
}

const getCsCertificate: CmdletDefinition = {
  parameters: ['Identity', 'Type', 'Thumbprint'],
  typeName: `${NS}.GetCertificateCmdlet`,
  run(context, {name, parameters}) {
    const lync = lyncOf(context);
    if (!lync) return commandNotFound(name);
    const type = certType('GetCertificateCmdlet', parameters['Type'], false);
    if (!type.ok) return type.result;
    const wanted = type.value?.toLowerCase();
    const output: PsObject[] = [];
    const globalOnly = isGlobalIdentity(parameters['Identity']);
    if (!globalOnly && (wanted === undefined || wanted === 'default')) {
      const thumbprint = lync.assigned['Default'];
      const cert = thumbprint ? certsIn(context.state, 'My').find((c) => c.thumbprint === thumbprint) : undefined;
      if (cert) output.push(certificateObject(cmsCertificateFromDer(derOf(cert)), 'Default', {effectiveDate: null, previous: null}));
    }
    if (wanted === undefined || wanted === 'oauthtokenissuer') output.push(...oauthObjects(replicaOAuth(context, lync)));
    const thumbprint = parameters['Thumbprint'];
    return {output: typeof thumbprint === 'string' ? output.filter((o) => o['Thumbprint'] === thumbprint.toUpperCase()) : output};
  },
};

interface Candidate {
  readonly cert: CmsCertificate;
  readonly hasPrivateKey: boolean;
  readonly exportable: boolean;
}

/** A certificate -Thumbprint may name: in this computer's LocalMachine\My, or a global one replication put there. */
function findCandidate(context: CmdletContext, lync: LyncNodeState, thumbprint: string): Candidate | undefined {
  const wanted = thumbprint.replace(/\s/g, '').toUpperCase();
  const local: SandboxCert | undefined = certsIn(context.state, 'My').find((c) => c.thumbprint === wanted);
  if (local) return {cert: cmsCertificateFromDer(derOf(local)), hasPrivateKey: local.keyPem !== undefined, exportable: local.exportable};
  const deployed = lync.cms ? deployedCertificates(lync.cms, context.node.name, context.now).find((c) => c.thumbprint === wanted) : undefined;
  return deployed ? {cert: deployed, hasPrivateKey: true, exportable: true} : undefined;
}

/** The key and validity rules Lync applies to a token issuer certificate. */
function refuseCertificate(cmdletClass: string, candidate: Candidate, now: Date): CmdletResult | undefined {
  const info = describeCertificate(Buffer.from(candidate.cert.derBase64, 'base64'));
  const t = candidate.cert.thumbprint;
  if (!candidate.hasPrivateKey) return failure(cmdletClass, `Command execution failed: The certificate with thumbprint "${t}" does not have a private key.`);
  if (info.keyBits < MIN_KEY_BITS) {
    return failure(
      cmdletClass,
      `Command execution failed: The certificate with thumbprint "${t}" has a ${info.keyBits}-bit key. An OAuthTokenIssuer certificate needs a key of at least ${MIN_KEY_BITS} bits.`,
    );
  }
  if (info.notAfter.getTime() <= now.getTime())
    return failure(cmdletClass, `Command execution failed: The certificate with thumbprint "${t}" expired on ${info.notAfter.toISOString()}.`);
  return undefined;
}

/** `-EffectiveDate` binds to [DateTime]: a string is parsed in the server's regional format (or as ISO 8601). */
function effectiveDate(value: PsValue | undefined, culture: string): Parsed<Date | undefined> {
  if (value === undefined || value === null) return {ok: true, value: undefined};
  if (value instanceof Date) return {ok: true, value};
  const parsed = typeof value === 'string' ? parseCultureDate(value, culture) : undefined;
  if (parsed) return {ok: true, value: parsed};
  return {
    ok: false,
    result: failure(
      'SetCertificateCmdlet',
      `Cannot bind parameter 'EffectiveDate'. Cannot convert value "${String(value)}" to type "System.DateTime". Error: "String was not recognized as a valid DateTime."`,
      'InvalidArgument',
      {reason: 'ParameterBindingException', id: 'CannotConvertArgumentNoMessage'},
    ),
  };
}

/** DateTime.Parse in `en-US` (M/d/yyyy h:mm:ss tt) or day-first cultures (`en-GB`: dd/MM/yyyy HH:mm:ss); ISO 8601 in any. */
export function parseCultureDate(text: string, culture: string): Date | undefined {
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(trimmed)) {
    // DateTime.Parse refuses 2027-02-30 and T24:00; JavaScript's Date rolls them over, so check the fields first.
    const [year, month, day] = trimmed.slice(0, 10).split('-').map(Number) as [number, number, number];
    const time = /T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(trimmed);
    if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
    if (time && (Number(time[1]) > 23 || Number(time[2]) > 59 || Number(time[3] ?? 0) > 59)) return undefined;
    const date = new Date(/[Zz]|[+-]\d{2}:\d{2}$/.test(trimmed) ? trimmed : `${trimmed}${trimmed.includes('T') ? '' : 'T00:00:00'}Z`);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?$/i.exec(trimmed);
  if (!match) return undefined;
  const [a, b, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const [month, day] = culture.toLowerCase() === 'en-us' ? [a, b] : [b, a];
  let hour = Number(match[4] ?? 0);
  const ampm = match[7]?.toUpperCase();
  if (ampm && (hour < 1 || hour > 12)) return undefined;
  if (ampm === 'PM' && hour < 12) hour += 12;
  if (ampm === 'AM' && hour === 12) hour = 0;
  const date = new Date(Date.UTC(year, month - 1, day, hour, Number(match[5] ?? 0), Number(match[6] ?? 0)));
  // Date.UTC rolls 31/02 over into March; DateTime.Parse refuses it.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23) return undefined;
  return date;
}

/** The new node state with a new CMS revision, missed by the Front Ends a replication fault cuts off. */
function commit(context: CmdletContext, lync: LyncNodeState, oauth: OAuthTokenIssuerConfig): NodeState {
  const state = cloneState(context.state);
  const cms = lync.cms!;
  const cutOff = (context.replicationFaults ?? []).filter((node) => cms.replicas.some((r) => r.node === node));
  state.lync = {...lync, cms: withRevision(cms, oauth, context.now, cutOff)};
  return state;
}

/** The global configuration as the master store holds it now (changes apply there, not to this FE's replica). */
function masterOAuth(context: CmdletContext, lync: LyncNodeState): OAuthTokenIssuerConfig {
  return resolveOAuth(latestRevision(lync.cms!).oauth, context.now);
}

function requireGlobal(cmdletClass: string, context: CmdletContext, identity: PsValue | undefined, type: string): CmdletResult | undefined {
  if (!isGlobalIdentity(identity)) {
    return failure(cmdletClass, `Command execution failed: Certificates of type "${type}" are global: use -Identity global.`, 'InvalidArgument');
  }
  if (!context.state.lync?.cms) return failure(cmdletClass, 'Command execution failed: Cannot reach the Central Management Store.');
  return undefined;
}

const setCsCertificate: CmdletDefinition = {
  parameters: ['Identity', 'Type', 'Thumbprint', 'EffectiveDate', 'Roll', 'Force', 'Report', 'WhatIf', 'Confirm'],
  aliases: {EffectiveTime: 'EffectiveDate'},
  switches: ['Roll', 'Force', 'WhatIf', 'Confirm'],
  typeName: `${NS}.SetCertificateCmdlet`,
  run(context, {name, parameters}) {
    const lync = lyncOf(context);
    if (!lync) return commandNotFound(name);
    const cls = 'SetCertificateCmdlet';
    const type = certType(cls, parameters['Type'], true);
    if (!type.ok) return type.result;
    const thumbprint = parameters['Thumbprint'];
    if (typeof thumbprint !== 'string' || thumbprint.trim() === '') {
      return failure(
        cls,
        "Cannot validate argument on parameter 'Thumbprint'. The argument is null or empty. Provide an argument that is not null or empty, and then try the command again.",
        'InvalidData',
        {reason: 'ParameterBindingValidationException', id: 'ParameterArgumentValidationError'},
      );
    }
    const date = effectiveDate(parameters['EffectiveDate'], lync.culture);
    if (!date.ok) return date.result;
    const roll = parameters['Roll'] === true;
    if (roll && date.value === undefined) {
      return failure(cls, 'Command execution failed: The Roll parameter requires the EffectiveDate parameter: specify when the new certificate takes effect.', 'InvalidArgument');
    }
    const candidate = findCandidate(context, lync, thumbprint);
    if (!candidate) {
      return failure(
        cls,
        `Command execution failed: Cannot find a certificate with thumbprint "${thumbprint.toUpperCase()}" in the local computer's certificate store (LocalMachine\\My).`,
        'ObjectNotFound',
        {target: thumbprint},
      );
    }
    const refused = refuseCertificate(cls, candidate, date.value ?? context.now);
    if (refused) return refused;
    if (type.value !== 'OAuthTokenIssuer') {
      if (isGlobalIdentity(parameters['Identity']))
        return failure(cls, `Command execution failed: Certificates of type "${type.value}" are assigned per computer, not globally.`, 'InvalidArgument');
      const state = cloneState(context.state);
      state.lync = {...lync, assigned: {...lync.assigned, [type.value!]: candidate.cert.thumbprint}};
      return {output: [], state};
    }
    const notGlobal = requireGlobal(cls, context, parameters['Identity'], type.value);
    if (notGlobal) return notGlobal;
    // The global certificate goes into the CMS with its key and is deployed to every Front End, with or without
    // -Roll, so a key that cannot leave this computer's store is refused either way.
    if (!candidate.exportable) {
      return failure(
        cls,
        `Command execution failed: The private key of the certificate with thumbprint "${candidate.cert.thumbprint}" is not exportable, so it cannot be replicated to the other servers of the pool.`,
      );
    }
    const config = masterOAuth(context, lync);
    if (roll) {
      return {output: [], state: commit(context, lync, {...config, staged: {certificate: candidate.cert, effectiveDate: date.value!.toISOString()}})};
    }
    // Without -Roll the certificate is current at once and any staged roll is dropped; the previous one stays.
    const same = config.current?.thumbprint === candidate.cert.thumbprint;
    const next: OAuthTokenIssuerConfig = same ? {...config, staged: null} : {current: candidate.cert, effectiveDate: null, previous: config.previous, staged: null};
    return {output: [], state: commit(context, lync, next)};
  },
};

const importCsCertificate: CmdletDefinition = {
  parameters: ['Identity', 'Type', 'Path', 'Password', 'PrivateKeyExportable', 'Force'],
  switches: ['PrivateKeyExportable', 'Force'],
  typeName: `${NS}.ImportCertificateCmdlet`,
  run(context, {name, parameters}) {
    const lync = lyncOf(context);
    if (!lync) return commandNotFound(name);
    const cls = 'ImportCertificateCmdlet';
    const type = certType(cls, parameters['Type'], true);
    if (!type.ok) return type.result;
    if (type.value !== 'OAuthTokenIssuer') return failure(cls, `Command execution failed: importing certificates of type "${type.value}" is not simulated.`, 'NotImplemented');
    const notGlobal = requireGlobal(cls, context, parameters['Identity'], type.value);
    if (notGlobal) return notGlobal;
    const path = parameters['Path'];
    if (typeof path !== 'string' || path === '')
      return failure(cls, 'Cannot process command because of one or more missing mandatory parameters: Path.', 'InvalidArgument', {
        reason: 'ParameterBindingException',
        id: 'MissingMandatoryParameter',
      });
    const bytes = context.files.read(path);
    if (!bytes) return failure(cls, `Command execution failed: Could not find file '${path}'.`, 'ObjectNotFound', {target: path, reason: 'FileNotFoundException'});
    const password = parameters['Password'];
    let contents;
    try {
      contents = fromPfx(bytes, typeof password === 'string' ? password : '');
    } catch (error) {
      if (error instanceof PfxPasswordError)
        return failure(cls, 'Command execution failed: The specified network password is not correct.', 'InvalidOperation', {reason: 'CryptographicException'});
      return failure(cls, `Command execution failed: Cannot find the requested object. (${path} is not a PFX file)`, 'InvalidData', {reason: 'CryptographicException'});
    }
    const cert = cmsCertificateFromDer(toDer(contents.certPem));
    const refused = refuseCertificate(cls, {cert, hasPrivateKey: contents.keyPem !== null, exportable: true}, context.now);
    if (refused) return refused;
    const config = masterOAuth(context, lync);
    return {output: [], state: commit(context, lync, {current: cert, effectiveDate: null, previous: config.previous, staged: null})};
  },
};

const removeCsCertificate: CmdletDefinition = {
  parameters: ['Identity', 'Type', 'Previous', 'Force', 'WhatIf', 'Confirm'],
  switches: ['Previous', 'Force', 'WhatIf', 'Confirm'],
  typeName: `${NS}.RemoveCertificateCmdlet`,
  run(context, {name, parameters}) {
    const lync = lyncOf(context);
    if (!lync) return commandNotFound(name);
    const cls = 'RemoveCertificateCmdlet';
    const type = certType(cls, parameters['Type'], true);
    if (!type.ok) return type.result;
    // -Identity is mandatory in Remove-CsCertificate's one parameter set (Microsoft's reference), unlike Get-/Set-.
    if (parameters['Identity'] === undefined) {
      return failure(cls, 'Cannot process command because of one or more missing mandatory parameters: Identity.', 'InvalidArgument', {
        reason: 'ParameterBindingException',
        id: 'MissingMandatoryParameter',
      });
    }
    if (type.value !== 'OAuthTokenIssuer') return failure(cls, `Command execution failed: removing certificates of type "${type.value}" is not simulated.`, 'NotImplemented');
    const notGlobal = requireGlobal(cls, context, parameters['Identity'], type.value);
    if (notGlobal) return notGlobal;
    const config = masterOAuth(context, lync);
    const next: OAuthTokenIssuerConfig = parameters['Previous'] === true ? {...config, previous: null} : {...config, current: null, effectiveDate: null, staged: null};
    return {output: [], state: commit(context, lync, next)};
  },
};

const getReplicationStatus: CmdletDefinition = {
  parameters: ['ReplicaFqdn', 'CentralManagementStoreStatus'],
  switches: ['CentralManagementStoreStatus'],
  typeName: `${NS}.GetManagementStoreReplicationStatusCmdlet`,
  run(context, {name, parameters}) {
    const lync = lyncOf(context);
    if (!lync) return commandNotFound(name);
    const cms = lync.cms;
    if (!cms) return failure('GetManagementStoreReplicationStatusCmdlet', 'Command execution failed: Cannot reach the Central Management Store.');
    const latest = latestRevision(cms);
    const only = typeof parameters['ReplicaFqdn'] === 'string' ? parameters['ReplicaFqdn'].toLowerCase() : undefined;
    const output = cms.replicas
      .filter((r) => only === undefined || r.fqdn.toLowerCase() === only)
      .map((replica): PsObject => {
        const held = replicaRevision(cms, replica.node, context.now);
        const reportedAt = Math.min(context.now.getTime(), Date.parse(held.at) + replica.delaySeconds * 1000);
        return {
          UpToDate: held === latest,
          ReplicaFqdn: replica.fqdn,
          LastStatusReport: new Date(reportedAt),
          LastUpdateCreation: new Date(latest.at),
          ProductVersion: PRODUCT_VERSION,
        };
      });
    return {output};
  },
};

const getCsSipDomain: CmdletDefinition = {
  parameters: ['Identity', 'Filter'],
  typeName: `${NS}.GetSipDomainCmdlet`,
  run(context, {name}) {
    const lync = lyncOf(context);
    if (!lync) return commandNotFound(name);
    return {output: [{Identity: lync.sipDomain, Name: lync.sipDomain, IsDefault: true}]};
  },
};

export const lyncCmdlets: CmdletTable = {
  'Get-CsSipDomain': getCsSipDomain,
  'Get-CsCertificate': getCsCertificate,
  'Set-CsCertificate': setCsCertificate,
  'Import-CsCertificate': importCsCertificate,
  'Remove-CsCertificate': removeCsCertificate,
  'Get-CsManagementStoreReplicationStatus': getReplicationStatus,
};
