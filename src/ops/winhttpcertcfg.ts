// winhttpcertcfg.exe: grant, list and remove read access to a certificate's private key for an account (the SSIS
// Scale Out worker service account must be able to read its certificate's key, or the service dies at start).
// Texts come from test/fixtures/winhttpcertcfg-*.txt and the tool's published C source. Two traits of that source
// shape this module:
// - `-s` picks the FIRST enumerated certificate whose subject contains the string (CERT_FIND_SUBJECT_STR, case-
//   insensitive). Output names the certificate by subject only, never by thumbprint, so callers that need a
//   particular certificate must check which one comes first (firstSubjectMatch) before and after.
// - Some failures exit 0 ("Access was not successfully obtained for the private key." leaves the error code at
//   ERROR_SUCCESS), so success is read from the text, never from the exit code alone.
import {command, runCommand} from './command.ts';
import type {Command} from './command.ts';
import {ToolError} from './tool-error.ts';
import type {Host} from '../hosts/host.ts';

const TOOL = 'winhttpcertcfg';

export type WinHttpCertCfgErrorCode =
  | 'cert-not-found'
  | 'no-account'
  | 'no-key-access'
  | 'no-security-descriptor'
  | 'no-security-info'
  | 'no-access-list'
  | 'sid-lookup'
  | 'grant-failed'
  | 'remove-failed'
  | 'update-failed'
  | 'null-dacl'
  | 'usage'
  | 'unknown';

export interface WinHttpCertCfgError {
  readonly code: WinHttpCertCfgErrorCode;
  /** The tool's own words, continuation lines joined. */
  readonly message: string;
}

/** Everything one run printed, by meaning. */
export interface WinHttpCertCfgOutput {
  /** The `Matching certificate:` subject; one RDN per line on Windows (CRLF flag), joined here with `, `. */
  readonly subject: string | null;
  /** `Granting private key access for account:` */
  readonly granted: readonly string[];
  /** `Private key access has already been granted for account:` */
  readonly alreadyGranted: readonly string[];
  /** `Removing private key access for account:` */
  readonly removed: readonly string[];
  /** `-r` for an account that had no access: `Account already does not have access to private key.` */
  readonly notPresent: boolean;
  /** `-l`: the accounts after `Additional accounts and groups with access to the private key include:`. */
  readonly accessList: readonly string[] | null;
  readonly errors: readonly WinHttpCertCfgError[];
}

const HEADINGS = {
  matching: /^Matching certificate:\s*$/i,
  granting: /^Granting private key access for account:\s*$/i,
  already: /^Private key access has already been granted for account:\s*$/i,
  removing: /^Removing private key access for account:\s*$/i,
  list: /^Additional accounts and groups with access to the private key include:\s*$/i,
} as const;

const ERROR_TEXTS: readonly (readonly [RegExp, WinHttpCertCfgErrorCode])[] = [
  [/Unable to find or obtain a context for requested certificate/i, 'cert-not-found'],
  [/No account information was found/i, 'no-account'],
  [/Access was not successfully obtained for the private key/i, 'no-key-access'],
  [/Failed to obtain security descriptor/i, 'no-security-descriptor'],
  [/Failed to obtain security information/i, 'no-security-info'],
  [/Failed to obtain access list/i, 'no-access-list'],
  [/Unable to determine account name for SID/i, 'sid-lookup'],
  [/Failed to grant access/i, 'grant-failed'],
  [/Failed to remove access/i, 'remove-failed'],
  [/Unable to update security info for key container/i, 'update-failed'],
];

const NULL_DACL = /NULL DACL/i;

// Parse what winhttpcertcfg printed (stdout and stderr together) into what it did and what went wrong.
export function parseWinHttpCertCfg(text: string): WinHttpCertCfgOutput {
  const lines = text.split(/\r\n|\r|\n/);
  let subject: string | null = null;
  const granted: string[] = [];
  const alreadyGranted: string[] = [];
  const removed: string[] = [];
  let accessList: string[] | null = null;
  let notPresent = false;
  const errors: WinHttpCertCfgError[] = [];

  // Account lines are indented (`    DOMAIN\account`); a list ends at the first line that is not.
  const accountsFrom = (start: number, skipBlank: boolean): {accounts: string[]; next: number} => {
    const accounts: string[] = [];
    let i = start;
    for (; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim() === '') {
        if (skipBlank || accounts.length === 0) continue;
        break;
      }
      if (!/^\s/.test(line)) break;
      accounts.push(line.trim());
    }
    return {accounts, next: i};
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (HEADINGS.matching.test(line)) {
      // CertNameToStr with CERT_NAME_STR_CRLF_FLAG: one RDN per line, ended by a blank line.
      const parts: string[] = [];
      let j = i + 1;
      for (; j < lines.length && lines[j]!.trim() !== ''; j++) parts.push(lines[j]!.trim());
      subject = parts.join(', ');
      i = j;
    } else if (HEADINGS.granting.test(line) || HEADINGS.already.test(line) || HEADINGS.removing.test(line)) {
      const {accounts, next} = accountsFrom(i + 1, false);
      const target = HEADINGS.granting.test(line) ? granted : HEADINGS.already.test(line) ? alreadyGranted : removed;
      target.push(...accounts);
      i = next - 1;
    } else if (HEADINGS.list.test(line)) {
      // The sandbox leaves a blank line after the heading, the C source does not: accept both.
      const {accounts, next} = accountsFrom(i + 1, true);
      accessList = accounts;
      i = next - 1;
    } else if (/^Account already does not have access to private key\.?$/i.test(line)) {
      notPresent = true;
    } else if (/^OPERATION FAILED$/i.test(line) || NULL_DACL.test(line)) {
      if (!errors.some((e) => e.code === 'null-dacl')) {
        errors.push({code: 'null-dacl', message: 'the private key has a NULL DACL (everyone has full access); winhttpcertcfg changes nothing on it'});
      }
    } else if (/^Error:/i.test(line)) {
      const parts = [line];
      let j = i + 1;
      // The second sentence of an error is indented under the first.
      for (; j < lines.length && /^\s+\S/.test(lines[j]!) && !/^Error:/i.test(lines[j]!.trim()); j++) parts.push(lines[j]!.trim());
      const message = parts.join(' ').replace(/^Error:\s*/i, '');
      const code = ERROR_TEXTS.find(([pattern]) => pattern.test(message))?.[1] ?? 'unknown';
      errors.push({code, message});
      i = j - 1;
    } else if (/^Usage:/i.test(line)) {
      errors.push({code: 'usage', message: 'winhttpcertcfg printed its usage: the arguments were not accepted'});
      break;
    }
  }
  return {subject, granted, alreadyGranted, removed, notPresent, accessList, errors};
}

function assertStore(store: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_ -]*$/.test(store)) throw new ToolError(TOOL, `"${store}" is not a certificate store name such as My or Root`);
}

function assertSubject(subject: string): void {
  // An empty -s matches every certificate: the first one in the store would get the grant.
  if (subject.trim() === '' || /[\0\r\n]/.test(subject)) throw new ToolError(TOOL, `"${subject}" is not a subject search string`);
}

function assertAccount(account: string): void {
  if (account.trim() === '' || /[\0\r\n]/.test(account)) throw new ToolError(TOOL, `"${account}" is not an account name`);
}

// Only LocalMachine stores: the services that read these keys run as machine accounts.
const location = (store: string) => `LOCAL_MACHINE\\${store}`;

// The command that grants ACCOUNT read access to the key of the first certificate in STORE whose subject contains SUBJECT.
export function grantKeyAccessCommand(store: string, subject: string, account: string): Command {
  assertStore(store);
  assertSubject(subject);
  assertAccount(account);
  return command('winhttpcertcfg', '-g', '-c', location(store), '-s', subject, '-a', account);
}

// The command that lists who can read the key of the first certificate in STORE whose subject contains SUBJECT.
export function listKeyAccessCommand(store: string, subject: string): Command {
  assertStore(store);
  assertSubject(subject);
  return command('winhttpcertcfg', '-l', '-c', location(store), '-s', subject);
}

// The command that removes ACCOUNT's access to that key.
export function removeKeyAccessCommand(store: string, subject: string, account: string): Command {
  assertStore(store);
  assertSubject(subject);
  assertAccount(account);
  return command('winhttpcertcfg', '-r', '-c', location(store), '-s', subject, '-a', account);
}

/**
 * Whether two account names are one account: case-insensitive, and a bare name (`SSISScaleOutWorker140`) equals a
 * qualified one (`NT SERVICE\SSISScaleOutWorker140`), as LookupAccountName resolves it. The tool prints accounts
 * as LookupAccountSid spells them (`NT SERVICE\…` in capitals), not as they were typed.
 */
export function sameAccount(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().toLowerCase();
  if (norm(a) === norm(b)) return true;
  const bare = (s: string) => norm(s).split('\\').pop()!;
  return (!a.includes('\\') || !b.includes('\\')) && bare(a) === bare(b);
}

/**
 * A subject as CERT_FIND_SUBJECT_STR compares it: the RDN values without their labels (`CN=10.0.1.1, CN=WORKER1` →
 * `10.0.1.1, WORKER1`). Search strings without `=` match the same certificates in either form.
 */
export function simpleNameString(subject: string): string {
  return subject
    .split(/,\s*/)
    .map((rdn) => rdn.replace(/^\s*[A-Za-z][\w.]*=/, ''))
    .join(', ');
}

export function subjectMatches(subject: string, search: string): boolean {
  return simpleNameString(subject).toLowerCase().includes(search.toLowerCase());
}

/**
 * The certificate `-s SEARCH` would pick: the first, in the order `certutil -store` lists them (the same store
 * enumeration), whose subject contains SEARCH; and how many match in all.
 */
export function firstSubjectMatch<T extends {readonly subject: string}>(certs: readonly T[], search: string): {first: T | undefined; count: number} {
  const matching = certs.filter((c) => subjectMatches(c.subject, search));
  return {first: matching[0], count: matching.length};
}

const joinOutput = (stdout: string, stderr: string): string => (stderr.trim() === '' ? stdout : `${stdout}${stdout.endsWith('\n') ? '' : '\n'}${stderr}`);

async function runTool(host: Host, cmd: Command, what: string): Promise<WinHttpCertCfgOutput> {
  const r = await runCommand(host, cmd);
  const output = joinOutput(r.stdout, r.stderr);
  const parsed = parseWinHttpCertCfg(output);
  const [error] = parsed.errors;
  if (error) throw new ToolError(TOOL, `${what} failed: ${error.message}`, {code: error.code, exitCode: r.exitCode, output});
  if (r.exitCode !== 0) throw new ToolError(TOOL, `${what} failed with exit code ${r.exitCode}`, {exitCode: r.exitCode, output});
  if (parsed.subject === null) throw new ToolError(TOOL, `${what}: winhttpcertcfg named no matching certificate`, {exitCode: r.exitCode, output});
  return parsed;
}

export interface KeyAccessChange {
  /** The certificate the tool picked, by subject: the only name it prints. */
  readonly subject: string;
  /** False when nothing changed (already granted; or, for remove, the account had no access). */
  readonly changed: boolean;
}

// Grant ACCOUNT read access to the key of the first certificate in LocalMachine\STORE matching SUBJECT.
export async function grantKeyAccess(host: Host, store: string, subject: string, account: string): Promise<KeyAccessChange> {
  const out = await runTool(host, grantKeyAccessCommand(store, subject, account), `winhttpcertcfg -g -s ${subject}`);
  if (out.granted.length) return {subject: out.subject!, changed: true};
  if (out.alreadyGranted.length) return {subject: out.subject!, changed: false};
  throw new ToolError(TOOL, `winhttpcertcfg -g -s ${subject} printed neither "Granting" nor "already been granted"`);
}

// Who can read the key of the first certificate in LocalMachine\STORE matching SUBJECT.
export async function listKeyAccess(host: Host, store: string, subject: string): Promise<{readonly subject: string; readonly accounts: readonly string[]}> {
  const out = await runTool(host, listKeyAccessCommand(store, subject), `winhttpcertcfg -l -s ${subject}`);
  if (out.accessList === null) throw new ToolError(TOOL, `winhttpcertcfg -l -s ${subject} printed no access list`);
  return {subject: out.subject!, accounts: out.accessList};
}

// Remove ACCOUNT's access to the key of the first certificate in LocalMachine\STORE matching SUBJECT.
export async function removeKeyAccess(host: Host, store: string, subject: string, account: string): Promise<KeyAccessChange> {
  const out = await runTool(host, removeKeyAccessCommand(store, subject, account), `winhttpcertcfg -r -s ${subject}`);
  if (out.removed.length) return {subject: out.subject!, changed: true};
  if (out.notPresent) return {subject: out.subject!, changed: false};
  throw new ToolError(TOOL, `winhttpcertcfg -r -s ${subject} printed neither "Removing" nor "does not have access"`);
}
