// netsh http show|add|delete sslcert: http.sys SSL bindings, printed in the Windows Server 2022 form
// (test/fixtures/netsh-show-sslcert-win10-2022-extended.txt). netsh prints its errors on stdout.
import type {NodeState, OnOff, SandboxBinding, SandboxBindingOptions} from '../state.ts';
import {DEFAULT_BINDING_OPTIONS} from '../state.ts';
import {cloneState, lines} from './program.ts';
import type {SandboxProgram, ToolContext, ToolResult} from './program.ts';
import {findByThumbprint} from './stores.ts';

const ERROR_183 = lines('SSL Certificate add failed, Error: 183', 'Cannot create a file when that file already exists.');
const ERROR_1312 = lines('SSL Certificate add failed, Error: 1312', 'A specified logon session does not exist. It may already have been terminated.');
const DELETE_ERROR_2 = lines('SSL Certificate deletion failed, Error: 2', 'The system cannot find the file specified.');
const PARAMETER_INCORRECT = lines('The parameter is incorrect.');
const SHOW_NOT_FOUND = lines('', 'SSL Certificate bindings:', '-------------------------', '', 'The system cannot find the file specified.', '');
const MISSING_PARAMETERS = [
  'One or more essential parameters were not entered.',
  'Verify the required parameters, and reenter them.',
  'The syntax supplied for this command is not valid. Check help for the correct syntax.',
  '',
];
// Verbatim from test/fixtures/netsh-add-sslcert-usage-win2022.txt (the capture ends at "Parameters").
const ADD_USAGE = lines(
  ...MISSING_PARAMETERS,
  'Usage: add sslcert hostnameport=<name:port> | ipport=<ipaddr:port> | ccs=<port>',
  '        appid=<GUID>',
  '        [certhash=<string>]',
  '        [certstorename=<string>]',
  '        [verifyclientcertrevocation=enable|disable]',
  '        [verifyrevocationwithcachedclientcertonly=enable|disable]',
  '        [usagecheck=enable|disable]',
  '        [revocationfreshnesstime=<u-int>]',
  '        [urlretrievaltimeout=<u-int>]',
  '        [sslctlidentifier=<string>]',
  '        [sslctlstorename=<string>]',
  '        [dsmapperusage=enable|disable]',
  '        [clientcertnegotiation=enable|disable]',
  '        [reject=enable|disable]',
  '        [disablehttp2=enable|disable]',
  '        [disablequic=enable|disable]',
  '        [disablelegacytls=enable|disable]',
  '        [disabletls12=enable|disable]',
  '        [disabletls13=enable|disable]',
  '        [disableocspstapling=enable|disable]',
  '        [enabletokenbinding=enable|disable]',
  '        [logextendedevents=enable|disable]',
  '        [enablesessionticket=enable|disable]',
  '',
  'Parameters',
);
// [unconfirmed] shaped like the add usage.
const DELETE_USAGE = lines(...MISSING_PARAMETERS, 'Usage: delete sslcert hostnameport=<name:port> | ipport=<ipaddr:port> | ccs=<port>', '', 'Parameters');

const ON_OFF_OPTIONS = [
  'verifyclientcertrevocation',
  'verifyrevocationwithcachedclientcertonly',
  'usagecheck',
  'dsmapperusage',
  'clientcertnegotiation',
  'reject',
  'disablehttp2',
  'disablequic',
  'disablelegacytls',
  'disabletls12',
  'disabletls13',
  'disableocspstapling',
  'enabletokenbinding',
  'logextendedevents',
  'enablesessionticket',
] as const;
const NUMBER_OPTIONS = ['revocationfreshnesstime', 'urlretrievaltimeout'] as const;
const STRING_OPTIONS = ['sslctlidentifier', 'sslctlstorename'] as const;
const ADD_KEYS = new Set<string>(['ipport', 'hostnameport', 'ccs', 'appid', 'certhash', 'certstorename', ...ON_OFF_OPTIONS, ...NUMBER_OPTIONS, ...STRING_OPTIONS]);

export const netsh: SandboxProgram = {
  run(context, args) {
    const [context1, verb, object] = args.map((a) => a.toLowerCase());
    if (context1 !== 'http' || object !== 'sslcert' || !verb || !['show', 'add', 'delete'].includes(verb)) {
      return {stdout: lines(`The following command was not found: ${args.join(' ')}.`), stderr: '', exitCode: 1};
    }
    const params = parseParams(args.slice(3));
    if (!params) return fail(PARAMETER_INCORRECT);
    if (verb === 'show') return show(context.state, params);
    if (verb === 'add') return add(context, params);
    return remove(context.state, params);
  },
  fault(_context, args) {
    const verb = args[1]?.toLowerCase();
    if (verb === 'delete') return fail(DELETE_ERROR_2);
    if (verb === 'show') return fail(SHOW_NOT_FOUND);
    return fail(ERROR_1312);
  },
};

/** `key=value` tokens, keys case-insensitive; null when a token is not of that form. */
function parseParams(tokens: readonly string[]): Map<string, string> | null {
  const params = new Map<string, string>();
  for (const token of tokens) {
    const eq = token.indexOf('=');
    if (eq <= 0) return null;
    params.set(token.slice(0, eq).toLowerCase(), token.slice(eq + 1));
  }
  return params;
}

function fail(stdout: string): ToolResult {
  return {stdout, stderr: '', exitCode: 1};
}

/** `0.0.0.0:8391` or `[::]:443`, normalised as http.sys stores it; undefined when malformed. */
export function normaliseIpPort(value: string): string | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/.exec(value);
  if (v4) {
    const octets = v4.slice(1, 5).map(Number);
    const port = Number(v4[5]);
    if (octets.some((o) => o > 255) || port < 1 || port > 65535) return undefined;
    return `${octets.join('.')}:${port}`;
  }
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(value);
  if (v6 && Number(v6[2]) >= 1 && Number(v6[2]) <= 65535) return `[${v6[1]!.toLowerCase()}]:${Number(v6[2])}`;
  return undefined;
}

function show(state: NodeState, params: Map<string, string>): ToolResult {
  let bindings = state.bindings;
  const wanted = params.get('ipport');
  if (wanted !== undefined) {
    const ipport = normaliseIpPort(wanted);
    if (!ipport) return fail(PARAMETER_INCORRECT);
    bindings = bindings.filter((b) => b.ipport === ipport);
    if (bindings.length === 0) return fail(SHOW_NOT_FOUND);
  }
  const out = ['SSL Certificate bindings:', '-------------------------', ''];
  for (const binding of bindings) out.push(...bindingBlock(binding), '');
  return {stdout: lines(...out), stderr: '', exitCode: 0};
}

/** Label padded to 28 then ` : `: lands the colon in column 34 as netsh does; the two long labels overflow unpadded. */
function field(label: string, value: string | number): string {
  return `    ${label.padEnd(28)} : ${value}`;
}

function bindingBlock(binding: SandboxBinding): string[] {
  const o = binding.options;
  const enabled = (v: OnOff) => (v === 'enable' ? 'Enabled' : 'Disabled');
  const set = (v: OnOff) => (v === 'enable' ? 'Set' : 'Not Set');
  return [
    field('IP:port', binding.ipport),
    field('Certificate Hash', binding.certhash),
    // http.sys keeps the GUID as binary and prints it lowercase, whatever case was typed.
    field('Application ID', binding.appid.toLowerCase()),
    field('Certificate Store Name', binding.certstorename ?? '(null)'),
    field('Verify Client Certificate Revocation', enabled(o.verifyclientcertrevocation)),
    field('Verify Revocation Using Cached Client Certificate Only', enabled(o.verifyrevocationwithcachedclientcertonly)),
    field('Usage Check', enabled(o.usagecheck)),
    field('Revocation Freshness Time', o.revocationfreshnesstime),
    field('URL Retrieval Timeout', o.urlretrievaltimeout),
    field('Ctl Identifier', o.sslctlidentifier ?? '(null)'),
    field('Ctl Store Name', o.sslctlstorename ?? '(null)'),
    field('DS Mapper Usage', enabled(o.dsmapperusage)),
    field('Negotiate Client Certificate', enabled(o.clientcertnegotiation)),
    // Every real capture prints Reject Connections as Enabled/Disabled, unlike the flags after it.
    field('Reject Connections', enabled(o.reject)),
    field('Disable HTTP2', set(o.disablehttp2)),
    field('Disable QUIC', set(o.disablequic)),
    field('Disable TLS1.2', set(o.disabletls12)),
    field('Disable TLS1.3', set(o.disabletls13)),
    field('Disable OCSP Stapling', set(o.disableocspstapling)),
    field('Enable Token Binding', set(o.enabletokenbinding)),
    field('Log Extended Events', set(o.logextendedevents)),
    field('Disable Legacy TLS Versions', set(o.disablelegacytls)),
    field('Enable Session Ticket', set(o.enablesessionticket)),
    field('Enable Caching Client Hello', 'Not Set'),
    ' Extended Properties:',
    field('PropertyId', 0),
    field('Receive Window', 1048576),
    ' Extended Properties:',
    field('PropertyId', 1),
    field('Max Settings Per Frame', 2796202),
    field('Max Settings Per Minute', 4294967295),
    ' Extended Properties:',
    field('PropertyId', 2),
    ' Extended Properties:',
    field('PropertyId', 3),
    ' Extended Properties:',
    field('PropertyId', 4),
  ];
}

function add(context: ToolContext, params: Map<string, string>): ToolResult {
  if (params.has('hostnameport') || params.has('ccs')) {
    return {stdout: '', stderr: lines('certwalk sandbox: only ipport= bindings are simulated'), exitCode: 1};
  }
  const ipportGiven = params.get('ipport');
  const appid = params.get('appid');
  if (ipportGiven === undefined || appid === undefined) return fail(ADD_USAGE);
  const ipport = normaliseIpPort(ipportGiven);
  const certhash = params.get('certhash');
  if (
    !ipport ||
    [...params.keys()].some((key) => !ADD_KEYS.has(key)) ||
    !/^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/i.test(appid) ||
    certhash === undefined ||
    !/^[0-9a-f]{40}$/i.test(certhash)
  ) {
    return fail(PARAMETER_INCORRECT);
  }
  const options = parseOptions(params);
  if (!options) return fail(PARAMETER_INCORRECT);
  if (context.state.bindings.some((b) => b.ipport === ipport)) return fail(ERROR_183);
  const certstorename = params.get('certstorename') ?? null;
  // http.sys opens the certificate's private key when the binding is created: no cert or no key → 1312.
  const cert = findByThumbprint(context.state, certstorename ?? 'MY', certhash);
  if (!cert?.keyPem) return fail(ERROR_1312);
  const state = cloneState(context.state);
  state.bindings.push({ipport, certhash: certhash.toLowerCase(), appid, certstorename, options});
  return {stdout: lines('SSL Certificate successfully added'), stderr: '', exitCode: 0, state};
}

function parseOptions(params: Map<string, string>): SandboxBindingOptions | undefined {
  const options: SandboxBindingOptions = {...DEFAULT_BINDING_OPTIONS};
  for (const key of ON_OFF_OPTIONS) {
    const value = params.get(key)?.toLowerCase();
    if (value === undefined) continue;
    if (value !== 'enable' && value !== 'disable') return undefined;
    options[key] = value;
  }
  for (const key of NUMBER_OPTIONS) {
    const value = params.get(key);
    if (value === undefined) continue;
    if (!/^\d{1,10}$/.test(value) || Number(value) > 0xffffffff) return undefined;
    options[key] = Number(value);
  }
  for (const key of STRING_OPTIONS) {
    const value = params.get(key);
    if (value !== undefined) options[key] = value;
  }
  return options;
}

function remove(state: NodeState, params: Map<string, string>): ToolResult {
  const given = params.get('ipport');
  if (given === undefined) return fail(DELETE_USAGE);
  const ipport = normaliseIpPort(given);
  if (!ipport) return fail(PARAMETER_INCORRECT);
  if (!state.bindings.some((b) => b.ipport === ipport)) return fail(DELETE_ERROR_2);
  const next = cloneState(state);
  next.bindings = next.bindings.filter((b) => b.ipport !== ipport);
  return {stdout: lines('SSL Certificate successfully deleted'), stderr: '', exitCode: 0, state: next};
}
