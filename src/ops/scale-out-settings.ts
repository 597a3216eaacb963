// SSIS Scale Out MasterSettings.config / WorkerSettings.config: read a value, and replace ONE value in place.
// The files' syntax is unconfirmed (JSON most likely, XML accepted), so nothing is re-serialised: the new value is
// spliced into the original bytes and every other byte (BOM, line endings, spacing, key order) stays as it was.
import {parseTree} from 'jsonc-parser';
import type {Node as JsonNode, ParseError} from 'jsonc-parser';
import {ToolError} from './tool-error.ts';
import type {Host} from '../hosts/host.ts';

const TOOL = 'settings';

export const MASTER_SETTINGS_PATH = 'C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\MasterSettings.config';
export const WORKER_SETTINGS_PATH = 'C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\WorkerSettings.config';

/** Key names as the docs spell them; match files exactly (they contain misspellings such as LeaseInternval). */
export const SSL_CERT_THUMBPRINT = 'SSLCertThumbprint';
export const MASTER_HTTPS_CERT_THUMBPRINT = 'MasterHttpsCertThumbprint';
export const WORKER_HTTPS_CERT_THUMBPRINT = 'WorkerHttpsCertThumbprint';
export const MASTER_ENDPOINT = 'MasterEndpoint';
export const PORT_NUMBER = 'PortNumber';
export const SETTINGS_KEYS = {
  sslCertThumbprint: SSL_CERT_THUMBPRINT,
  masterHttpsCertThumbprint: MASTER_HTTPS_CERT_THUMBPRINT,
  workerHttpsCertThumbprint: WORKER_HTTPS_CERT_THUMBPRINT,
  masterEndpoint: MASTER_ENDPOINT,
  portNumber: PORT_NUMBER,
} as const;

export type SettingsEncoding = 'utf8' | 'utf8-bom' | 'utf16le-bom' | 'utf16be-bom';
export type SettingsSyntax = 'json' | 'xml';

export interface SettingsFormat {
  readonly encoding: SettingsEncoding;
  readonly syntax: SettingsSyntax;
}

export type SettingValue = string | number | boolean | null;

const settingsError = (message: string) => new ToolError(TOOL, message);

const BOMS: readonly (readonly [SettingsEncoding, readonly number[]])[] = [
  ['utf8-bom', [0xef, 0xbb, 0xbf]],
  ['utf16le-bom', [0xff, 0xfe]],
  ['utf16be-bom', [0xfe, 0xff]],
];

function detectEncoding(bytes: Buffer): {encoding: SettingsEncoding; bomLength: number} {
  for (const [encoding, bom] of BOMS) {
    if (bom.every((b, i) => bytes[i] === b)) return {encoding, bomLength: bom.length};
  }
  return {encoding: 'utf8', bomLength: 0};
}

function decode(body: Buffer, encoding: SettingsEncoding): string {
  if (encoding === 'utf16le-bom') return body.toString('utf16le');
  if (encoding === 'utf16be-bom') return Buffer.from(body).swap16().toString('utf16le');
  return body.toString('utf8');
}

function encode(text: string, encoding: SettingsEncoding): Buffer {
  if (encoding === 'utf16le-bom') return Buffer.from(text, 'utf16le');
  if (encoding === 'utf16be-bom') return Buffer.from(text, 'utf16le').swap16();
  return Buffer.from(text, 'utf8');
}

interface Decoded {
  readonly format: SettingsFormat;
  readonly bomLength: number;
  readonly text: string;
}

function decodeFile(bytes: Buffer, fileLabel: string): Decoded {
  const {encoding, bomLength} = detectEncoding(bytes);
  const body = bytes.subarray(bomLength);
  if (encoding.startsWith('utf16') && body.length % 2 !== 0) throw settingsError(`${fileLabel} is not valid UTF-16 (odd length)`);
  const text = decode(body, encoding);
  // Splicing by offsets is exact only if decoding loses nothing; invalid bytes would be rewritten as U+FFFD.
  if (!encode(text, encoding).equals(body)) throw settingsError(`${fileLabel} is not valid ${encoding.startsWith('utf16') ? 'UTF-16' : 'UTF-8'} text; not editing it`);
  if (encoding === 'utf8' && text.includes('\0')) throw settingsError(`${fileLabel} looks like UTF-16 without a byte order mark; not editing it`);
  const first = /\S/.exec(text)?.[0];
  const syntax: SettingsSyntax | undefined = first === '{' ? 'json' : first === '<' ? 'xml' : undefined;
  if (!syntax) {
    throw settingsError(`${fileLabel} is neither JSON nor XML (it starts with ${first === undefined ? 'nothing' : JSON.stringify(first)}); not editing it`);
  }
  return {format: {encoding, syntax}, bomLength, text};
}

// Which encoding and syntax a settings file uses; throws when it is neither JSON nor XML.
export function detectFormat(bytes: Buffer): SettingsFormat {
  return decodeFile(bytes, 'the settings file').format;
}

/** Where one value sits in the decoded text, and how to write a replacement there. */
interface Located {
  readonly offset: number;
  readonly length: number;
  readonly value: string;
  readonly render: (newValue: string) => string;
}

// ---- JSON ----

function parseJson(text: string, fileLabel: string): JsonNode {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, {allowTrailingComma: false, disallowComments: false});
  if (!root || errors.length > 0) {
    const at = errors[0]?.offset;
    throw settingsError(`${fileLabel} is not valid JSON${at === undefined ? '' : ` (near character ${at})`}; not editing it`);
  }
  return root;
}

function jsonProperties(node: JsonNode, key: string, found: JsonNode[] = []): JsonNode[] {
  if (node.type === 'property' && node.children?.[0]?.value === key) found.push(node);
  for (const child of node.children ?? []) jsonProperties(child, key, found);
  return found;
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function locateJson(text: string, key: string, fileLabel: string): Located {
  const matches = jsonProperties(parseJson(text, fileLabel), key);
  const property = single(matches, key, fileLabel);
  const valueNode = property.children?.[1];
  if (!valueNode) throw settingsError(`${fileLabel}: ${key} has no value`);
  const raw = text.slice(valueNode.offset, valueNode.offset + valueNode.length);
  if (valueNode.type === 'string') {
    return {offset: valueNode.offset, length: valueNode.length, value: String(valueNode.value), render: (v) => JSON.stringify(v)};
  }
  if (valueNode.type === 'number') {
    // Keep it a number, written as the admin typed it; a non-number would change the value's JSON type.
    return {
      offset: valueNode.offset,
      length: valueNode.length,
      value: raw,
      render: (v) => {
        if (!JSON_NUMBER.test(v)) throw settingsError(`${fileLabel}: ${key} is a number; "${v}" is not one`);
        return v;
      },
    };
  }
  throw settingsError(
    `${fileLabel}: ${key} is ${valueNode.type === 'null' ? 'null' : `a${valueNode.type === 'object' || valueNode.type === 'array' ? 'n' : ''} ${valueNode.type}`}, not a string or number; not editing it`,
  );
}

function single<T>(matches: readonly T[], key: string, fileLabel: string): T {
  if (matches.length === 0) throw settingsError(`${fileLabel} has no ${key}`);
  if (matches.length > 1) throw settingsError(`${fileLabel} has ${key} ${matches.length} times; refusing to guess which one applies`);
  return matches[0]!;
}

// ---- XML ----

const XML_ENTITIES: Record<string, string> = {amp: '&', lt: '<', gt: '>', quot: '"', apos: "'"};

function xmlUnescape(s: string): string {
  return s.replace(/&(#x[0-9A-Fa-f]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : XML_ENTITIES[e]!,
  );
}

function xmlEscape(s: string, quote?: '"' | "'"): string {
  let out = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  if (quote === '"') out = out.replace(/"/g, '&quot;');
  if (quote === "'") out = out.replace(/'/g, '&apos;');
  return out;
}

// Comments may hold old, commented-out settings; blank them (same length) so offsets still line up.
function maskXml(text: string): string {
  return text.replace(/<!--[\s\S]*?-->/g, (m) => m.replace(/[^\r\n]/g, ' '));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function locateXml(text: string, key: string, fileLabel: string): Located {
  const masked = maskXml(text);
  const found: (Located | {readonly problem: string})[] = [];
  // <add key="K" value="V" />, attributes in either order and either quote style.
  for (const tag of masked.matchAll(/<add\b([^>]*)>/g)) {
    const attrs = new Map<string, {value: string; offset: number; quote: '"' | "'"}>();
    const attrStart = tag.index + 4;
    for (const a of tag[1]!.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      const quote = a[2] !== undefined ? '"' : "'";
      const value = a[2] ?? a[3] ?? '';
      const offset = attrStart + a.index + a[0].length - 1 - value.length;
      attrs.set(a[1]!, {value, offset, quote});
    }
    if (attrs.get('key') === undefined || xmlUnescape(attrs.get('key')!.value) !== key) continue;
    const v = attrs.get('value');
    if (!v) {
      found.push({problem: `${fileLabel}: <add key="${key}"> has no value attribute; not editing it`});
      continue;
    }
    found.push({offset: v.offset, length: v.value.length, value: xmlUnescape(v.value), render: (nv) => xmlEscape(nv, v.quote)});
  }
  // <K>V</K>, and the self-closing <K/> which has no text to replace.
  const name = escapeRegExp(key);
  for (const m of masked.matchAll(new RegExp(`<${name}(\\s[^>]*)?>([^<]*)</${name}\\s*>|<${name}(\\s[^>]*)?/>|<${name}(\\s[^>]*)?>`, 'g'))) {
    if (m[0].endsWith('/>')) {
      found.push({problem: `${fileLabel}: <${key}/> is empty; not editing it`});
    } else if (m[2] === undefined || text.slice(m.index, m.index + m[0].length) !== m[0]) {
      found.push({problem: `${fileLabel}: <${key}> holds more than text (child elements or comments); not editing it`});
    } else {
      // Only the text between the surrounding whitespace is the value; the whitespace itself is layout and stays.
      const inner = m[2];
      const offset = m.index + m[0].indexOf('>') + 1 + (inner.length - inner.trimStart().length);
      const value = inner.trim();
      found.push({offset, length: value.length, value: xmlUnescape(value), render: (nv) => xmlEscape(nv)});
    }
  }
  const one = single(found, key, fileLabel);
  if ('problem' in one) throw settingsError(one.problem);
  return one;
}

function locate(decoded: Decoded, key: string, fileLabel: string): Located {
  return decoded.format.syntax === 'json' ? locateJson(decoded.text, key, fileLabel) : locateXml(decoded.text, key, fileLabel);
}

// The value of `key` (numbers as written in the file); throws when missing, duplicated, or not a scalar.
export function readSetting(bytes: Buffer, key: string, fileLabel = 'the settings file'): string {
  return locate(decodeFile(bytes, fileLabel), key, fileLabel).value;
}

// The file with only `key`'s value replaced; every other byte is the original's.
export function replaceSetting(bytes: Buffer, key: string, newValue: string, fileLabel = 'the settings file'): Buffer {
  const decoded = decodeFile(bytes, fileLabel);
  const at = locate(decoded, key, fileLabel);
  const rendered = at.render(newValue);
  const before = encode(decoded.text.slice(0, at.offset), decoded.format.encoding);
  const after = encode(decoded.text.slice(at.offset + at.length), decoded.format.encoding);
  const result = Buffer.concat([bytes.subarray(0, decoded.bomLength), before, encode(rendered, decoded.format.encoding), after]);
  // The splice must read back as the new value, or the edit would have changed the file's meaning elsewhere.
  const check = readSetting(result, key, fileLabel);
  if (check !== newValue) throw settingsError(`${fileLabel}: replacing ${key} did not read back as "${newValue}" (got "${check}"); not writing it`);
  return result;
}

function topLevelJson(text: string, fileLabel: string): Record<string, SettingValue> {
  const root = parseJson(text, fileLabel);
  const values: Record<string, SettingValue> = {};
  if (root.type !== 'object') return values;
  for (const property of root.children ?? []) {
    const [k, v] = property.children ?? [];
    if (typeof k?.value !== 'string' || !v) continue;
    if (v.type === 'string' || v.type === 'number' || v.type === 'boolean' || v.type === 'null') values[k.value] = v.value as SettingValue;
  }
  return values;
}

function xmlValues(text: string): Record<string, SettingValue> {
  const masked = maskXml(text);
  const values: Record<string, SettingValue> = {};
  for (const tag of masked.matchAll(/<add\b([^>]*)>/g)) {
    const attr = (n: string) => new RegExp(`\\b${n}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag[1]!);
    const k = attr('key');
    const v = attr('value');
    if (k && v) values[xmlUnescape(k[1] ?? k[2] ?? '')] = xmlUnescape(v[1] ?? v[2] ?? '');
  }
  // Text-only elements: <PortNumber>8391</PortNumber>.
  for (const m of masked.matchAll(/<([A-Za-z_][\w.-]*)(?:\s[^>]*)?>([^<]*)<\/\1\s*>/g)) {
    if (m[1] !== 'add') values[m[1]!] = xmlUnescape(m[2]!.trim());
  }
  return values;
}

export interface SettingsFile {
  readonly bytes: Buffer;
  readonly format: SettingsFormat;
  /** Scalar values by key: a JSON file's top-level properties, an XML file's add entries and text elements. */
  readonly values: Record<string, SettingValue>;
}

// Read a settings file from a node, with its format and scalar values.
export async function readSettingsFile(host: Host, path: string): Promise<SettingsFile> {
  const bytes = await host.readFile(path);
  const fileLabel = path.slice(path.lastIndexOf('\\') + 1) || path;
  const decoded = decodeFile(bytes, fileLabel);
  const values = decoded.format.syntax === 'json' ? topLevelJson(decoded.text, fileLabel) : xmlValues(decoded.text);
  return {bytes, format: decoded.format, values};
}

// ---- where the files are ----

/**
 * The executable of a service's BINARY_PATH_NAME as `sc qc` prints it: the quoted path, or, unquoted, the text up to
 * `.exe` (Windows itself tries the unquoted text's spaces one by one; an SSIS install quotes it).
 */
export function serviceExecutable(binaryPathName: string): string {
  const text = binaryPathName.trim();
  if (text.startsWith('"')) {
    const end = text.indexOf('"', 1);
    if (end > 1) return text.slice(1, end);
    throw settingsError(`BINARY_PATH_NAME ${binaryPathName} opens a quote it never closes`);
  }
  const exe = /^(.*?\.exe)(?=\s|$)/i.exec(text);
  if (exe) return exe[1]!;
  const first = text.split(/\s+/)[0];
  if (first) return first;
  throw settingsError('BINARY_PATH_NAME is empty');
}

/**
 * Folders where a settings file beside the service may be, nearest first: the executable's folder, then each parent
 * up to the `…\DTS\Binn` folder the documents name (`<drive>:\Program Files\Microsoft SQL Server\140\DTS\Binn`), which
 * holds the files when the executable sits in a subfolder of it (ScaleOut\MasterService, ScaleOut\WorkerAgent).
 */
export function settingsFolders(binaryPathName: string): string[] {
  const exe = serviceExecutable(binaryPathName);
  const parts = exe.split('\\').slice(0, -1);
  if (parts.length === 0) throw settingsError(`BINARY_PATH_NAME ${binaryPathName} names no folder`);
  const folders: string[] = [];
  for (let n = parts.length; n > 0; n--) {
    folders.push(parts.slice(0, n).join('\\'));
    const name = parts.slice(0, n).join('\\').toLowerCase();
    if (name.endsWith('\\dts\\binn')) return folders;
  }
  // No DTS\Binn above it: only the executable's own folder is a place the service would read.
  return folders.slice(0, 1);
}

/** The path of `fileName` beside the service whose BINARY_PATH_NAME is given; the error names every folder tried. */
export async function findSettingsFile(host: Host, binaryPathName: string, fileName: string): Promise<string> {
  const folders = settingsFolders(binaryPathName);
  for (const folder of folders) {
    const path = `${folder}\\${fileName}`;
    if (await host.fileExists(path)) return path;
  }
  throw settingsError(`${fileName} is not in ${folders.join(' nor in ')} on ${host.node.name} (looked beside the service's BINARY_PATH_NAME ${binaryPathName.trim()})`);
}
