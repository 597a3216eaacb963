// Lync Server 2013 certificate cmdlets through powershell.exe: Get-/Set-/Import-/Remove-CsCertificate,
// Get-CsManagementStoreReplicationStatus and Get-CsSipDomain. Scripts are built from single-quoted literals (psQuote)
// and travel as -EncodedCommand; a PFX password travels on stdin ([Console]::In.ReadLine()), never in the script.
// No public sample of Get-CsCertificate's console output exists, so reads go through `Select-Object * |
// ConvertTo-Json -Depth 3` and are parsed by the property names that are there (docs/TOOL-OUTPUT.md, "PowerShell").
import type {Certificate} from '../certs/certificate.ts';
import type {Host} from '../hosts/host.ts';
import {command, runCommand} from './command.ts';
import type {Command} from './command.ts';
import {powershellArgs, psQuote} from './powershell.ts';
import {ToolError} from './tool-error.ts';

const TOOL = 'powershell';
const STOP = "$ErrorActionPreference = 'Stop'";
const AS_JSON = '| Select-Object * | ConvertTo-Json -Depth 3';
export const OAUTH = 'OAuthTokenIssuer';

/** A PowerShell script and the powershell.exe command that runs it. The Plan screen shows `script`. */
export interface PsCommand {
  readonly script: string;
  readonly command: Command;
}

function ps(...lines: string[]): PsCommand {
  const script = [STOP, ...lines].join('\n');
  return {script, command: command('powershell', ...powershellArgs(script))};
}

function assertThumbprint(thumbprint: string): void {
  if (!/^[0-9A-Fa-f]{40}$/.test(thumbprint)) throw new ToolError(TOOL, `"${thumbprint}" is not a 40-hex-digit certificate thumbprint`);
}

// The command that lists the OAuthTokenIssuer certificates this Front End's replica holds (current, and a staged roll).
// The two Get-CsCertificate lines name no -Identity on purpose: it is optional for Get-, the docs' check is this
// line, and -Type Default must read this computer's own assignment, which -Identity global would not name. Every line
// that changes the token issuer (Set-, Import-, Remove-) names -Identity global.
export function getOAuthCertificatesCommand(): PsCommand {
  return ps(`Get-CsCertificate -Type ${OAUTH} ${AS_JSON}`);
}

// The command that reads the certificate assigned to this computer for Default use.
export function getDefaultCertificateCommand(): PsCommand {
  return ps(`Get-CsCertificate -Type Default ${AS_JSON}`);
}

// The command that imports a PFX as the global token issuer certificate; the password is the first stdin line.
export function importOAuthCommand(pfxPath: string): PsCommand {
  if (pfxPath.trim() === '' || /[\0\r\n]/.test(pfxPath)) throw new ToolError(TOOL, `"${pfxPath}" is not a file path`);
  return ps('$password = [Console]::In.ReadLine()', `Import-CsCertificate -Identity global -Type ${OAUTH} -Path ${psQuote(pfxPath)} -Password $password`);
}

// The command that makes a certificate of this computer's store the global token issuer, at once.
export function assignOAuthCommand(thumbprint: string): PsCommand {
  assertThumbprint(thumbprint);
  return ps(`Set-CsCertificate -Identity global -Type ${OAUTH} -Thumbprint ${psQuote(thumbprint.toUpperCase())}`);
}

/**
 * The command that stages a roll. -EffectiveDate is parsed in the server's regional format, so the DateTime is
 * built inside PowerShell from an invariant ISO 8601 string instead of being passed as text.
 */
export function rollOAuthCommand(thumbprint: string, effectiveDate: Date): PsCommand {
  assertThumbprint(thumbprint);
  if (Number.isNaN(effectiveDate.getTime())) throw new ToolError(TOOL, 'the effective date is not a valid date');
  return ps(
    `$effective = [DateTime]::Parse(${psQuote(isoSeconds(effectiveDate))}, [Globalization.CultureInfo]::InvariantCulture, 'AdjustToUniversal')`,
    `Set-CsCertificate -Identity global -Type ${OAUTH} -Thumbprint ${psQuote(thumbprint.toUpperCase())} -EffectiveDate $effective -Roll`,
  );
}

// The command that removes the previous token issuer certificate (after it expired). -Identity is mandatory for
// Remove-CsCertificate (`Remove-CsCertificate -Identity <XdsIdentity> -Type <CertType[]> [-Previous]`), and the token
// issuer is global like every other line here that changes it.
export function removePreviousOAuthCommand(): PsCommand {
  return ps(`Remove-CsCertificate -Identity global -Type ${OAUTH} -Previous`);
}

// The command that takes the token issuer assignment away (undo of a first assignment: there was none before).
export function removeOAuthAssignmentCommand(): PsCommand {
  return ps(`Remove-CsCertificate -Identity global -Type ${OAUTH}`);
}

// The command that reports, per CMS replica (Front End), whether it holds the newest configuration.
export function replicationStatusCommand(): PsCommand {
  return ps(`Get-CsManagementStoreReplicationStatus ${AS_JSON}`);
}

// The command that lists the SIP domains of the deployment.
export function sipDomainsCommand(): PsCommand {
  return ps(`Get-CsSipDomain ${AS_JSON}`);
}

/** `2026-12-01T13:00:00Z`: what the scripts hand [DateTime]::Parse. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A certificate assigned to a use, as Get-CsCertificate returns it (a CertificateReference), by the properties that
 * were present: a date that is missing is null.
 */
export interface LyncAssignment extends Certificate<Date | null> {
  readonly alternativeNames: readonly string[];
  readonly effectiveDate: Date | null;
  readonly previousThumbprint: string | null;
  readonly previousNotAfter: Date | null;
  readonly use: string;
}

/** The global token issuer as one Front End sees it: the current one, the previous one, and a staged roll. */
export interface OAuthState {
  readonly current: LyncAssignment | null;
  readonly previousThumbprint: string | null;
  readonly previousNotAfter: Date | null;
  readonly staged: LyncAssignment | null;
}

export interface ReplicaStatus {
  readonly fqdn: string;
  readonly upToDate: boolean;
  readonly lastStatusReport: Date | null;
  readonly lastUpdateCreation: Date | null;
}

export interface SipDomain {
  readonly name: string;
  readonly isDefault: boolean;
}

/** ConvertTo-Json output as a list: nothing → [], one object → [it] (PowerShell 5.1 does not wrap it), array → items. */
export function parseJsonList(text: string): Record<string, unknown>[] {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    throw new ToolError(TOOL, `expected ConvertTo-Json output, got: ${trimmed.split(/\r?\n/)[0]?.slice(0, 80)} (${(error as Error).message})`);
  }
  const items = Array.isArray(value) ? value : [value];
  return items.filter((item): item is Record<string, unknown> => item !== null && typeof item === 'object' && !Array.isArray(item));
}

/** A property by name, ignoring case (PowerShell's own rule). */
function prop(object: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : object[key];
}

function text(object: Record<string, unknown>, name: string): string {
  const value = prop(object, name);
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/** JavaScriptSerializer's `\/Date(ms)\/` (JSON.parse leaves `/Date(ms)/`), or an ISO string (PowerShell 7). */
export function parseJsonDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const ms = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(value);
  const date = ms ? new Date(Number(ms[1])) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function names(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string' && value !== '') return value.split(/[,;]\s*|\s+/).filter(Boolean);
  return [];
}

export function parseCertificates(json: string): LyncAssignment[] {
  return parseJsonList(json)
    .map((o) => ({
      thumbprint: text(o, 'Thumbprint').toUpperCase(),
      subject: text(o, 'Subject'),
      issuer: text(o, 'Issuer'),
      serialNumber: text(o, 'SerialNumber'),
      notBefore: parseJsonDate(prop(o, 'NotBefore')),
      notAfter: parseJsonDate(prop(o, 'NotAfter')),
      alternativeNames: names(prop(o, 'AlternativeNames')),
      effectiveDate: parseJsonDate(prop(o, 'EffectiveDate')),
      previousThumbprint: text(o, 'PreviousThumbprint').toUpperCase() || null,
      previousNotAfter: parseJsonDate(prop(o, 'PreviousNotAfter')),
      use: text(o, 'Use'),
    }))
    .filter((c) => c.thumbprint !== '');
}

/** Current = the newest certificate already in effect; staged = one whose effective date is still ahead. */
export function oauthStateOf(certs: readonly LyncAssignment[], now: Date): OAuthState {
  const inEffect = certs.filter((c) => c.effectiveDate === null || c.effectiveDate.getTime() <= now.getTime());
  const current = inEffect.reduce<LyncAssignment | null>((best, c) => (!best || (c.effectiveDate?.getTime() ?? 0) > (best.effectiveDate?.getTime() ?? 0) ? c : best), null);
  const staged = certs.find((c) => c.effectiveDate !== null && c.effectiveDate.getTime() > now.getTime()) ?? null;
  return {current, previousThumbprint: current?.previousThumbprint ?? null, previousNotAfter: current?.previousNotAfter ?? null, staged};
}

export function parseReplicationStatus(json: string): ReplicaStatus[] {
  return parseJsonList(json).map((o) => ({
    fqdn: text(o, 'ReplicaFqdn'),
    upToDate: prop(o, 'UpToDate') === true,
    lastStatusReport: parseJsonDate(prop(o, 'LastStatusReport')),
    lastUpdateCreation: parseJsonDate(prop(o, 'LastUpdateCreation')),
  }));
}

export function parseSipDomains(json: string): SipDomain[] {
  return parseJsonList(json)
    .map((o) => ({name: text(o, 'Name') || text(o, 'Identity'), isDefault: prop(o, 'IsDefault') === true}))
    .filter((d) => d.name !== '');
}

/** The first error record PowerShell printed: `Cmdlet : message` (its FullyQualifiedErrorId when there is one). */
export function parsePowershellError(output: string): {readonly message: string; readonly errorId: string | null} {
  const lines = output.split(/\r?\n/);
  const first = lines.find((l) => l.trim() !== '') ?? '';
  const id = lines.map((l) => /^\s*\+ FullyQualifiedErrorId : (.*)$/.exec(l)?.[1]).find((v) => v !== undefined) ?? null;
  return {message: first.trim(), errorId: id};
}

async function run(host: Host, cmd: PsCommand, what: string, input?: string): Promise<string> {
  const result = await runCommand(host, cmd.command, input === undefined ? undefined : {input});
  if (result.exitCode !== 0) {
    const {message, errorId} = parsePowershellError(result.stderr || result.stdout);
    throw new ToolError(TOOL, `${what} failed on ${host.node.name}: ${message || `exit code ${result.exitCode}`}`, {
      exitCode: result.exitCode,
      output: result.stderr || result.stdout,
      ...(errorId ? {code: errorId} : {}),
    });
  }
  return result.stdout;
}

export async function readOAuthCertificates(host: Host): Promise<LyncAssignment[]> {
  return parseCertificates(await run(host, getOAuthCertificatesCommand(), 'Get-CsCertificate -Type OAuthTokenIssuer'));
}

export async function readOAuthState(host: Host, now: Date): Promise<OAuthState> {
  return oauthStateOf(await readOAuthCertificates(host), now);
}

export async function readDefaultCertificate(host: Host): Promise<LyncAssignment | null> {
  return parseCertificates(await run(host, getDefaultCertificateCommand(), 'Get-CsCertificate -Type Default'))[0] ?? null;
}

/** The password goes to the script's stdin. Callers must register it with ctx.secret first. */
export async function importOAuth(host: Host, pfxPath: string, password: string): Promise<void> {
  if (/[\r\n]/.test(password)) throw new ToolError(TOOL, 'a PFX password cannot hold a line break (it travels as one line on stdin)');
  await run(host, importOAuthCommand(pfxPath), 'Import-CsCertificate', `${password}\n`);
}

export async function assignOAuth(host: Host, thumbprint: string): Promise<void> {
  await run(host, assignOAuthCommand(thumbprint), 'Set-CsCertificate');
}

export async function rollOAuth(host: Host, thumbprint: string, effectiveDate: Date): Promise<void> {
  await run(host, rollOAuthCommand(thumbprint, effectiveDate), 'Set-CsCertificate -Roll');
}

export async function removePreviousOAuth(host: Host): Promise<void> {
  await run(host, removePreviousOAuthCommand(), 'Remove-CsCertificate -Previous');
}

export async function removeOAuthAssignment(host: Host): Promise<void> {
  await run(host, removeOAuthAssignmentCommand(), 'Remove-CsCertificate');
}

export async function readReplicationStatus(host: Host): Promise<ReplicaStatus[]> {
  return parseReplicationStatus(await run(host, replicationStatusCommand(), 'Get-CsManagementStoreReplicationStatus'));
}

export async function readSipDomains(host: Host): Promise<SipDomain[]> {
  return parseSipDomains(await run(host, sipDomainsCommand(), 'Get-CsSipDomain'));
}
