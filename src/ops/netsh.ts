// `netsh http show|add|delete sslcert`: the HTTP.SYS binding that decides which certificate a port presents.
// certwalk re-creates a binding by delete + add, so the parser must capture every option exactly, and the add
// parameters must reproduce them; otherwise a rotation silently resets flags such as Disable QUIC (certify#588).
import {command, runCommand} from './command.ts';
import type {Command} from './command.ts';
import {ToolError} from './tool-error.ts';
import {NETSH_FLAG_WORDS, sameText} from './tool-labels.ts';
import type {Host} from '../hosts/host.ts';

const TOOL = 'netsh';

export type SslOptionKey =
  | 'verifyClientCertRevocation'
  | 'verifyRevocationWithCachedClientCertOnly'
  | 'usageCheck'
  | 'revocationFreshnessTime'
  | 'urlRetrievalTimeout'
  | 'sslCtlIdentifier'
  | 'sslCtlStoreName'
  | 'dsMapperUsage'
  | 'clientCertNegotiation'
  | 'reject'
  | 'disableHttp2'
  | 'disableQuic'
  | 'disableTls12'
  | 'disableTls13'
  | 'disableOcspStapling'
  | 'enableTokenBinding'
  | 'logExtendedEvents'
  | 'disableLegacyTls'
  | 'enableSessionTicket'
  | 'disableSessionId'
  | 'enableCachingClientHello';

export interface SslField {
  readonly label: string;
  readonly value: string | null;
}

export interface SslExtendedProperty {
  readonly propertyId: string;
  /** The sub-block's fields after PropertyId, as printed. */
  readonly fields: SslField[];
}

export interface SslBinding {
  ipport?: string;
  hostnameport?: string;
  /** `ccs=<port>` bindings (Central Certificate Store); the English label of this form was never captured. */
  ccs?: string;
  certHash: string | null;
  appId: string | null;
  /** null when `certstorename` was omitted at add time (HTTP.SYS then uses MY). */
  certStoreName: string | null;
  /** Raw values as printed (`Enabled`, `Not Set`, `0`); null for `(null)`. */
  options: Partial<Record<SslOptionKey, string | null>>;
  /** Fields this parser has no name for (newer builds, or localized labels past the known positions). */
  extra: SslField[];
  extendedProperties: SslExtendedProperty[];
}

type FieldKey = 'certHash' | 'appId' | 'certStoreName' | SslOptionKey;

// Field order of the Windows Server 2022 template; index 0 is the key line (IP:port / Hostname:port).
// Localized Windows translates labels but keeps this order, so positions identify fields when labels are unknown.
const POSITIONAL: readonly (readonly [FieldKey, string])[] = [
  ['certHash', 'Certificate Hash'],
  ['appId', 'Application ID'],
  ['certStoreName', 'Certificate Store Name'],
  ['verifyClientCertRevocation', 'Verify Client Certificate Revocation'],
  ['verifyRevocationWithCachedClientCertOnly', 'Verify Revocation Using Cached Client Certificate Only'],
  ['usageCheck', 'Usage Check'],
  ['revocationFreshnessTime', 'Revocation Freshness Time'],
  ['urlRetrievalTimeout', 'URL Retrieval Timeout'],
  ['sslCtlIdentifier', 'Ctl Identifier'],
  ['sslCtlStoreName', 'Ctl Store Name'],
  ['dsMapperUsage', 'DS Mapper Usage'],
  ['clientCertNegotiation', 'Negotiate Client Certificate'],
  ['reject', 'Reject Connections'],
  ['disableHttp2', 'Disable HTTP2'],
  ['disableQuic', 'Disable QUIC'],
  ['disableTls12', 'Disable TLS1.2'],
  ['disableTls13', 'Disable TLS1.3'],
  ['disableOcspStapling', 'Disable OCSP Stapling'],
  ['enableTokenBinding', 'Enable Token Binding'],
  ['logExtendedEvents', 'Log Extended Events'],
  ['disableLegacyTls', 'Disable Legacy TLS Versions'],
  ['enableSessionTicket', 'Enable Session Ticket'],
];

// Fields past position 22 differ between builds, so they are only ever recognised by their English label.
const LABEL_ONLY: readonly (readonly [FieldKey, string])[] = [
  ['disableSessionId', 'Disable Session ID'],
  ['enableCachingClientHello', 'Enable Caching Client Hello'],
];

const normLabel = (label: string): string => label.replace(/\s+/g, ' ').trim().toLowerCase();

const KEY_BY_ENGLISH_LABEL = new Map<string, FieldKey>([...POSITIONAL, ...LABEL_ONLY].map(([key, label]) => [normLabel(label), key]));
const ENGLISH_LABEL_BY_KEY = new Map<FieldKey, string>([...POSITIONAL, ...LABEL_ONLY].map(([key, label]) => [key, label]));

interface RawField {
  readonly indent: number;
  readonly label: string;
  readonly value: string;
}

// The separator is whitespace-colon-space: both the label `IP:port` and the value `0.0.0.0:443` contain a bare ':'.
// Unpadded labels (`Verify Client Certificate Revocation : Enabled`) still have the space before the colon; the
// second pattern only serves captures that lost it.
function splitField(line: string): RawField | null {
  const padded = /^(\s*)(\S.*?)\s+:(?:\s+(.*))?$/.exec(line);
  const m = padded ?? /^(\s*)(\S.*?):\s+(\S.*)$/.exec(line);
  if (!m) return null;
  return {indent: (m[1] ?? '').length, label: (m[2] ?? '').trim(), value: (m[3] ?? '').trim()};
}

const nullable = (value: string): string | null => (value === '(null)' ? null : value);

const IPV4_PORT = /^\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}$/;
const IPV6_PORT = /^\[[0-9A-Fa-f:.%]+\]:\d{1,5}$/;

type BindingKey = 'ipport' | 'hostnameport' | 'ccs';

function keyKind(field: RawField): BindingKey | null {
  const label = normLabel(field.label);
  if (label === 'ip:port') return 'ipport';
  if (label === 'hostname:port') return 'hostnameport';
  if (label === 'central certificate store') return 'ccs';
  // A localized label: decide by the shape of the value.
  if (IPV4_PORT.test(field.value) || IPV6_PORT.test(field.value)) return 'ipport';
  if (/^\d{1,5}$/.test(field.value)) return 'ccs';
  if (/^[^\s:]+:\d{1,5}$/.test(field.value)) return 'hostnameport';
  return null;
}

interface RawBlock {
  readonly keyKind: BindingKey;
  readonly key: RawField;
  readonly fields: RawField[];
  readonly ext: {header: string; fields: RawField[]}[];
}

// Parse the output of `netsh http show sslcert` without relying on English labels.
export function parseShowSslCert(text: string): SslBinding[] {
  const blocks: RawBlock[] = [];
  let current: RawBlock | null = null;
  let ext: {header: string; fields: RawField[]} | null = null;
  // A `label : value` line that starts a block but is no binding key; fine for a one-line message, not for a block.
  let unknownStart: string | null = null;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.trim() === '' || /^\s*-{3,}\s*$/.test(line)) {
      current = null;
      ext = null;
      unknownStart = null;
      continue;
    }
    const field = splitField(line);
    if (unknownStart !== null && field) {
      throw new ToolError(TOOL, `netsh printed a binding whose first line is not an IP:port, Hostname:port or port: "${unknownStart}"`, {output: text});
    }
    if (current) {
      const indent = /^\s*/.exec(line)?.[0].length ?? 0;
      // ` Extended Properties:` is less indented than the fields and carries no value; French-style spacing
      // (`Propriétés étendues :`) makes it look like an empty field, hence the indent test.
      const isSubHeader =
        (!field && line.trim().endsWith(':')) || (field !== null && field.value === '' && (indent < current.key.indent || normLabel(field.label) === 'extended properties'));
      if (isSubHeader) {
        ext = {header: line.trim(), fields: []};
        current.ext.push(ext);
        continue;
      }
      if (!field) {
        // Free text inside a block is not part of the binding structure; close the block rather than guess.
        current = null;
        ext = null;
        continue;
      }
      (ext ? ext.fields : current.fields).push(field);
      continue;
    }
    if (!field) continue; // header lines and messages such as "The system cannot find the file specified."
    const kind = keyKind(field);
    if (!kind) {
      unknownStart = line.trim();
      continue;
    }
    current = {keyKind: kind, key: field, fields: [], ext: []};
    blocks.push(current);
  }
  return blocks.map(toBinding);
}

function toBinding(block: RawBlock): SslBinding {
  // Where English labels are present they must agree with the positions; if any known label sits at another
  // position, a build inserted or dropped a field, and positions can no longer be trusted for unknown labels.
  const byLabel = block.fields.map((f) => KEY_BY_ENGLISH_LABEL.get(normLabel(f.label)));
  const positionsTrustworthy = byLabel.every((key, i) => key === undefined || (i < POSITIONAL.length ? POSITIONAL[i]?.[0] === key : !POSITIONAL.some(([k]) => k === key)));
  const claimedByLabel = new Set(byLabel.filter((k): k is FieldKey => k !== undefined));

  const values = new Map<FieldKey, string | null>();
  const extra: SslField[] = [];
  block.fields.forEach((field, i) => {
    let key = byLabel[i];
    if (key === undefined && positionsTrustworthy) {
      const positional = POSITIONAL[i]?.[0];
      if (positional !== undefined && !claimedByLabel.has(positional)) key = positional;
    }
    if (key === undefined) {
      extra.push({label: field.label, value: nullable(field.value)});
      return;
    }
    if (values.has(key)) {
      throw new ToolError(TOOL, `netsh printed "${ENGLISH_LABEL_BY_KEY.get(key) ?? key}" twice for ${block.key.value}; refusing to guess which applies`, {
        output: block.fields.map((f) => `${f.label} : ${f.value}`).join('\n'),
      });
    }
    values.set(key, nullable(field.value));
  });

  const options: Partial<Record<SslOptionKey, string | null>> = {};
  for (const [key, value] of values) {
    if (key === 'certHash' || key === 'appId' || key === 'certStoreName') continue;
    options[key] = value;
  }
  return {
    [block.keyKind]: block.key.value,
    certHash: values.get('certHash') ?? null,
    appId: values.get('appId') ?? null,
    certStoreName: values.get('certStoreName') ?? null,
    options,
    extra,
    extendedProperties: block.ext.map((e) => ({
      // PropertyId is the sub-block's first line whatever its label says.
      propertyId: e.fields[0]?.value ?? '',
      fields: e.fields.slice(1).map((f) => ({label: f.label, value: nullable(f.value)})),
    })),
  };
}

type ParamKind = 'flag' | 'number' | 'string';

// The `netsh http add sslcert` parameters, in the order the Windows Server 2022 usage text lists them.
const ADD_PARAMS: readonly (readonly [SslOptionKey, string, ParamKind])[] = [
  ['verifyClientCertRevocation', 'verifyclientcertrevocation', 'flag'],
  ['verifyRevocationWithCachedClientCertOnly', 'verifyrevocationwithcachedclientcertonly', 'flag'],
  ['usageCheck', 'usagecheck', 'flag'],
  ['revocationFreshnessTime', 'revocationfreshnesstime', 'number'],
  ['urlRetrievalTimeout', 'urlretrievaltimeout', 'number'],
  ['sslCtlIdentifier', 'sslctlidentifier', 'string'],
  ['sslCtlStoreName', 'sslctlstorename', 'string'],
  ['dsMapperUsage', 'dsmapperusage', 'flag'],
  ['clientCertNegotiation', 'clientcertnegotiation', 'flag'],
  ['reject', 'reject', 'flag'],
  ['disableHttp2', 'disablehttp2', 'flag'],
  ['disableQuic', 'disablequic', 'flag'],
  ['disableLegacyTls', 'disablelegacytls', 'flag'],
  ['disableTls12', 'disabletls12', 'flag'],
  ['disableTls13', 'disabletls13', 'flag'],
  ['disableOcspStapling', 'disableocspstapling', 'flag'],
  ['enableTokenBinding', 'enabletokenbinding', 'flag'],
  ['logExtendedEvents', 'logextendedevents', 'flag'],
  ['enableSessionTicket', 'enablesessionticket', 'flag'],
];

/** Options `netsh http add sslcert` has no parameter for; a non-default value is lost on re-create. */
const NOT_SETTABLE: readonly SslOptionKey[] = ['disableSessionId', 'enableCachingClientHello'];

const isWordOf = (value: string, meaning: keyof typeof NETSH_FLAG_WORDS): boolean => NETSH_FLAG_WORDS[meaning].some((word) => sameText(value, word));

const isDefaultWord = (value: string | null): boolean => value === null || value.trim() === '' || isWordOf(value, 'disable');

function interpret(option: SslOptionKey, param: string, kind: ParamKind, value: string): string {
  const trimmed = value.trim();
  if (kind === 'flag') {
    if (isWordOf(trimmed, 'enable')) return 'enable';
    if (isWordOf(trimmed, 'disable')) return 'disable';
  } else if (kind === 'number') {
    if (/^\d+$/.test(trimmed)) return trimmed;
  } else if (trimmed !== '' && !/\s/.test(trimmed)) {
    return trimmed;
  }
  throw new ToolError(
    TOOL,
    `cannot interpret "${value}" for ${option}: refusing to re-create this binding, because netsh add (${param}=…) ` +
      `could not reproduce it exactly after a delete. The row is the one netsh labels "${ENGLISH_LABEL_BY_KEY.get(option) ?? option}" in English; ` +
      `${kind === 'flag' ? `certwalk reads only ${[...NETSH_FLAG_WORDS.enable, ...NETSH_FLAG_WORDS.disable].join(', ')} there, the only words seen in real output. ` : ''}` +
      `Run certwalk in an English-UI session or change the binding by hand.`,
  );
}

/** What an add needs; a parsed SslBinding fits as is. */
export interface AddSslCertSpec {
  readonly certHash: string | null;
  readonly appId: string | null;
  readonly certStoreName: string | null;
  readonly options?: Partial<Record<SslOptionKey, string | null>>;
  readonly extra?: readonly SslField[];
}

// The `key=value` add parameters that re-create a captured binding with all its options.
export function bindingToAddParams(b: AddSslCertSpec): {params: string[]; notCarried: string[]} {
  if (b.certHash === null || b.certHash === '') throw new ToolError(TOOL, 'the binding has no certificate hash; cannot re-create it');
  if (b.appId === null || b.appId === '') throw new ToolError(TOOL, 'the binding has no application ID; cannot re-create it');
  const params = [`certhash=${b.certHash}`, `appid=${b.appId}`];
  if (b.certStoreName !== null) params.push(`certstorename=${b.certStoreName}`);
  for (const [option, param, kind] of ADD_PARAMS) {
    const value = b.options?.[option];
    if (value === undefined) continue;
    // (null) for the CTL fields means "none", which is what omitting the parameter gives.
    if (value === null) {
      if (kind === 'string') continue;
      throw new ToolError(TOOL, `cannot interpret "(null)" for ${option}: refusing to re-create this binding (no value for ${param}=…)`);
    }
    params.push(`${param}=${interpret(option, param, kind, value)}`);
  }
  const notCarried: string[] = [];
  for (const option of NOT_SETTABLE) {
    const value = b.options?.[option];
    if (value !== undefined && !isDefaultWord(value)) notCarried.push(ENGLISH_LABEL_BY_KEY.get(option) ?? option);
  }
  for (const field of b.extra ?? []) {
    if (!isDefaultWord(field.value)) notCarried.push(field.label);
  }
  return {params, notCarried};
}

function assertIpPort(ipport: string): void {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/.exec(ipport);
  const v6 = IPV6_PORT.exec(ipport);
  const port = Number((v4 ? v4[5] : /:(\d{1,5})$/.exec(ipport)?.[1]) ?? NaN);
  const octetsOk = !v4 || v4.slice(1, 5).every((octet) => Number(octet) <= 255);
  if (!(v4 || v6) || !octetsOk || !(port >= 1 && port <= 65535)) {
    throw new ToolError(TOOL, `"${ipport}" is not an IP:port such as 0.0.0.0:8391 or [::]:443`);
  }
}

function assertCertHash(hash: string): void {
  // Invisible characters pasted with a thumbprint are a known cause of error 1312; catch them before netsh does.
  if (!/^[0-9A-Fa-f]{40}$/.test(hash)) {
    throw new ToolError(TOOL, `certificate hash "${hash}" is not 40 hexadecimal characters (check for spaces or invisible characters)`);
  }
}

function assertAppId(appId: string): void {
  if (!/^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$/.test(appId)) {
    throw new ToolError(TOOL, `application ID "${appId}" is not a GUID in braces such as {00112233-4455-6677-8899-aabbccddeeff}`);
  }
}

function assertStoreName(store: string): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(store)) throw new ToolError(TOOL, `certificate store name "${store}" is not a store name such as My or Root`);
}

// The command that lists every binding, or the one on `ipport`.
export function showSslCertCommand(ipport?: string): Command {
  if (ipport === undefined) return command('netsh', 'http', 'show', 'sslcert');
  assertIpPort(ipport);
  return command('netsh', 'http', 'show', 'sslcert', `ipport=${ipport}`);
}

// The command that removes the binding on `ipport`.
export function deleteSslCertCommand(ipport: string): Command {
  assertIpPort(ipport);
  return command('netsh', 'http', 'delete', 'sslcert', `ipport=${ipport}`);
}

// The command that creates a binding on `ipport`; pass a captured binding's options to re-create it identically.
export function addSslCertCommand(ipport: string, binding: AddSslCertSpec): Command {
  assertIpPort(ipport);
  assertCertHash(binding.certHash ?? '(none)');
  assertAppId(binding.appId ?? '(none)');
  if (binding.certStoreName !== null) assertStoreName(binding.certStoreName);
  // Options netsh add cannot carry (notCarried) are the caller's to warn about; they do not block the add.
  const {params} = bindingToAddParams(binding);
  return command('netsh', 'http', 'add', 'sslcert', `ipport=${ipport}`, ...params);
}

export type NetshResult = {readonly ok: true; readonly message: string} | {readonly ok: false; readonly error: number | 'usage' | 'unknown'; readonly message: string};

const ERROR_INVALID_PARAMETER = 87;

// Classify what `netsh http add|delete sslcert` printed; errors are on stdout, and the exit code is only 0 or 1.
export function parseNetshResult(text: string, exitCode = 0): NetshResult {
  const lines = text
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const first = lines[0] ?? '';
  for (let i = 0; i < lines.length; i++) {
    // `SSL Certificate add failed, Error: 183`; a localized build keeps the shape `…, <word>: <number>`.
    const m = /\bError:\s*(\d+)\s*$/i.exec(lines[i]!) ?? /,\s*[^\s,:]+:\s*(\d+)\s*$/.exec(lines[i]!);
    if (m) return {ok: false, error: Number(m[1]), message: lines[i + 1] ?? lines[i]!};
  }
  // The usage text's parameter list is not translated, unlike its first lines.
  if (lines.some((l) => /^Usage:/i.test(l) || /^\[?appid=<GUID>\]?$/i.test(l) || /^\[certhash=<string>\]$/i.test(l))) {
    return {ok: false, error: 'usage', message: first};
  }
  if (lines.some((l) => /^The parameter is incorrect\.?$/i.test(l))) {
    return {ok: false, error: ERROR_INVALID_PARAMETER, message: 'The parameter is incorrect.'};
  }
  if (lines.some((l) => /successfully (added|deleted)/i.test(l))) {
    return exitCode === 0 ? {ok: true, message: first} : {ok: false, error: 'unknown', message: first};
  }
  return exitCode === 0 ? {ok: true, message: first} : {ok: false, error: 'unknown', message: first || `netsh exited with code ${exitCode}`};
}

function failure(action: string, result: Extract<NetshResult, {ok: false}>, exitCode: number, output: string): ToolError {
  const code = typeof result.error === 'number' ? result.error : undefined;
  const what = typeof result.error === 'number' ? `Error ${result.error}: ${result.message}` : result.message;
  return new ToolError(TOOL, `${action} failed: ${what}`, {...(code === undefined ? {} : {code}), exitCode, output});
}

const joinOutput = (stdout: string, stderr: string): string => (stderr.trim() === '' ? stdout : `${stdout}${stdout.endsWith('\n') ? '' : '\n'}${stderr}`);

// Read the bindings (all, or the one on `ipport`); [] when there is none.
export async function showSslCert(host: Host, ipport?: string): Promise<SslBinding[]> {
  const cmd = showSslCertCommand(ipport);
  const r = await runCommand(host, cmd);
  const output = joinOutput(r.stdout, r.stderr);
  const bindings = parseShowSslCert(r.stdout);
  if (r.exitCode === 0) return bindings;
  // A missing binding prints the (possibly translated) header, its dashes, and the Win32 text for error 2.
  const headerPrinted = /^\s*-{3,}\s*$/m.test(r.stdout);
  if (bindings.length === 0 && (/cannot find the file specified/i.test(output) || headerPrinted)) return [];
  throw failure(`netsh http show sslcert${ipport ? ` ipport=${ipport}` : ''}`, asFailure(parseNetshResult(output, r.exitCode)), r.exitCode, output);
}

function asFailure(result: NetshResult): Extract<NetshResult, {ok: false}> {
  return result.ok ? {ok: false, error: 'unknown', message: result.message} : result;
}

// Remove the binding on `ipport`; throws with code 2 when there is none.
export async function deleteSslCert(host: Host, ipport: string): Promise<void> {
  const r = await runCommand(host, deleteSslCertCommand(ipport));
  const output = joinOutput(r.stdout, r.stderr);
  const result = parseNetshResult(output, r.exitCode);
  if (!result.ok || r.exitCode !== 0) throw failure(`netsh http delete sslcert ipport=${ipport}`, asFailure(result), r.exitCode, output);
}

// Create the binding on `ipport`; throws with code 183 (exists), 1312 (cert or key not found), 2, 5 (not admin).
export async function addSslCert(host: Host, ipport: string, binding: AddSslCertSpec): Promise<void> {
  const r = await runCommand(host, addSslCertCommand(ipport, binding));
  const output = joinOutput(r.stdout, r.stderr);
  const result = parseNetshResult(output, r.exitCode);
  if (!result.ok || r.exitCode !== 0) throw failure(`netsh http add sslcert ipport=${ipport}`, asFailure(result), r.exitCode, output);
}
