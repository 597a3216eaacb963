// certutil: list, add and delete certificates in a LocalMachine store, always by thumbprint. Not -importPFX or
// -exportPFX: certutil takes their password only as `-p PASSWORD` on its command line; ops/pki.ts does those.
// Also the certmgr.exe result parser, because the documented SSIS procedure uses certmgr and admins paste its output.
import {command, runCommand} from './command.ts';
import type {Command} from './command.ts';
import {ToolError} from './tool-error.ts';
import {CERTUTIL_KEY_TEST_PASSED_LINES, CERTUTIL_LEADING_LABELS, CERTUTIL_LEADING_ORDER, CERTUTIL_NOT_EXPORTABLE_LINES, CERTUTIL_NO_KEY_LINES, sameText} from './tool-labels.ts';
import type {CertutilLeadingField} from './tool-labels.ts';
import type {Certificate} from '../certs/certificate.ts';
import type {Host} from '../hosts/host.ts';

const TOOL = 'certutil';

/** HRESULT certutil prints when a thumbprint matches nothing. */
export const CRYPT_E_NOT_FOUND = '0x80092004';

/**
 * A certificate as a store listing shows it, with what the store knows of its private key. The dates are as printed
 * (`8/2/2026 11:16 PM`, in the node's locale and time zone).
 */
export interface StoreEntry extends Certificate<string> {
  readonly hasPrivateKey: boolean;
  readonly exportable: boolean;
  /** certutil's test of the key against the certificate's public key: only 'passed' proves the key is the certificate's. */
  readonly keyTest: KeyTest;
}

/**
 * 'passed': certutil printed `Encryption test passed` (or `Signature test passed`, for a signature-only key);
 * 'failed': a `… test FAILED` line; 'not-run': no key, or a key without either line (translated output, a build that
 * prints something else). Only 'passed' is proof, so an unknown line never reads as a match.
 */
export type KeyTest = 'passed' | 'failed' | 'not-run';

function assertStore(store: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_ -]*$/.test(store)) throw new ToolError(TOOL, `"${store}" is not a certificate store name such as My or Root`);
}

function assertThumbprint(thumbprint: string): void {
  // A thumbprint with spaces or invisible characters could match nothing, or (as a name) something else.
  if (!/^[0-9A-Fa-f]{40}$/.test(thumbprint)) throw new ToolError(TOOL, `"${thumbprint}" is not a 40-hex-digit certificate thumbprint`);
}

function assertFile(file: string): void {
  if (file.trim() === '' || /[\0\r\n]/.test(file)) throw new ToolError(TOOL, `"${file}" is not a file path`);
}

// The command that lists a store's certificates with their key information.
export function listStoreCommand(store: string): Command {
  assertStore(store);
  return command('certutil', '-store', store);
}

// The command that adds a public certificate (.cer) to a store.
export function addStoreCommand(store: string, file: string): Command {
  assertStore(store);
  assertFile(file);
  return command('certutil', '-addstore', store, file);
}

// The command that deletes exactly one certificate, chosen by thumbprint.
export function delStoreCommand(store: string, thumbprint: string): Command {
  assertStore(store);
  assertThumbprint(thumbprint);
  return command('certutil', '-delstore', store, thumbprint);
}

const BLOCK_SEPARATOR = /^=+\s*\S.*?\s*=+\s*$/;

/**
 * Whether the store lets the key leave the machine. 'unknown' when a key section holds a line no label table knows
 * (a language without a sample): that line could be the "NOT exportable" one, so it never reads as exportable.
 */
export type KeyExportability = 'exportable' | 'not-exportable' | 'unknown';

/** A StoreEntry plus how sure the parser is that the key may be exported; `exportable` is true only when sure. */
export interface StoreEntryWithExportability extends StoreEntry {
  readonly exportability: KeyExportability;
}

// Parse `certutil -store` output into one entry per certificate.
export function parseStore(text: string): StoreEntryWithExportability[] {
  const blocks: string[][] = [];
  let current: string[] | null = null;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (BLOCK_SEPARATOR.test(line.trim())) {
      current = [];
      blocks.push(current);
    } else if (current && /^CertUtil:/i.test(line.trim())) {
      current = null;
    } else if (current) {
      current.push(line);
    }
  }
  return blocks.map(parseCertBlock);
}

interface BlockField {
  readonly label: string;
  readonly value: string;
  readonly line: string;
}

// `Provider = …` is indented under -store and flush left under -dump (zh-CN/certutil-dump-pfx-edited.txt).
const isKeyInfoRow = (line: string): boolean => /^\s*[^\s=:][^=:]*?\s=\s*\S/.test(line);

const isKnownLine = (line: string, known: readonly string[]): boolean => known.some((k) => sameText(line, k));

function leadingFieldOf(label: string): CertutilLeadingField | undefined {
  for (const labels of Object.values(CERTUTIL_LEADING_LABELS)) {
    const hit = CERTUTIL_LEADING_ORDER.find((field) => labels[field] !== undefined && sameText(label, labels[field]!));
    if (hit) return hit;
  }
  return undefined;
}

// certutil prints serial, issuer, NotBefore, NotAfter and subject as the block's first five `label: value` rows in
// every captured language, so a label no table knows is identified by its position among them.
function locateLeadingFields(fields: readonly BlockField[], block: string): Record<CertutilLeadingField, number> {
  const leading = fields.slice(0, CERTUTIL_LEADING_ORDER.length);
  const index: Partial<Record<CertutilLeadingField, number>> = {};
  fields.forEach((f, i) => {
    const key = leadingFieldOf(f.label);
    if (key && index[key] === undefined) index[key] = i;
  });
  CERTUTIL_LEADING_ORDER.forEach((key, i) => {
    if (index[key] !== undefined) return;
    const candidate = leading[i];
    // A row whose label a table gives to another field is not this one; refuse rather than shift.
    if (candidate && leadingFieldOf(candidate.label) === undefined) index[key] = i;
  });
  const missing = CERTUTIL_LEADING_ORDER.filter((key) => index[key] === undefined);
  if (missing.length > 0) {
    throw new ToolError(TOOL, `certutil printed a certificate block whose ${missing.join(', ')} could not be found by label or position`, {output: block});
  }
  const serial = fields[index.serialNumber!]!;
  if (!/^[0-9A-Fa-f]+$/.test(serial.value.replace(/\s+/g, ''))) {
    throw new ToolError(TOOL, `certutil printed "${serial.line.trim()}" where the serial number (hex digits) should be`, {output: block});
  }
  return index as Record<CertutilLeadingField, number>;
}

function parseCertBlock(lines: string[]): StoreEntryWithExportability {
  const block = lines.join('\n');
  const fields: BlockField[] = [];
  for (const line of lines) {
    const m = /^\s*([^:=]+?)\s*:\s*(.*)$/.exec(line);
    if (m) fields.push({label: m[1]!.trim(), value: m[2]!.trim(), line});
  }
  const index = locateLeadingFields(fields, block);
  const value = (key: CertutilLeadingField): string => fields[index[key]]!.value;
  const serialNumber = value('serialNumber');
  const thumbprint = findThumbprint(fields, index.serialNumber);
  if (!thumbprint) {
    throw new ToolError(TOOL, `certutil printed a certificate without a SHA-1 hash line${serialNumber ? ` (serial ${serialNumber})` : ''}`, {
      output: block,
    });
  }
  const noKey = lines.some((l) => isKnownLine(l, CERTUTIL_NO_KEY_LINES));
  // Key lines are `  Key Container = {GUID}` / `  Provider = …`, with ` = `, whatever the language.
  const firstKeyLine = lines.findIndex(isKeyInfoRow);
  const hasPrivateKey = !noKey && firstKeyLine >= 0;
  const exportability = hasPrivateKey ? exportabilityOf(lines.slice(firstKeyLine)) : 'not-exportable';
  return {
    thumbprint,
    subject: value('subject'),
    issuer: value('issuer'),
    serialNumber,
    notBefore: value('notBefore'),
    notAfter: value('notAfter'),
    hasPrivateKey,
    exportable: exportability === 'exportable',
    exportability,
    keyTest: hasPrivateKey ? keyTestOf(lines) : 'not-run',
  };
}

// The key section is indented `name = value` / `name: value` rows, then unindented lines: the "NOT exportable" line
// only when the key is not, and the key test. An exportable key adds no line, so any line a table does not know
// makes the answer unknown rather than exportable.
function exportabilityOf(keySection: readonly string[]): KeyExportability {
  const statements = keySection.filter((l) => l.trim() !== '' && !isKeyInfoRow(l) && !/^\s/.test(l)).map((l) => l.trim());
  if (statements.some((l) => isKnownLine(l, CERTUTIL_NOT_EXPORTABLE_LINES))) return 'not-exportable';
  const understood = (l: string) => isKnownLine(l, CERTUTIL_KEY_TEST_PASSED_LINES) || /\btest FAILED\b/i.test(l);
  return statements.every(understood) ? 'exportable' : 'unknown';
}

// A failure anywhere in the block wins over a pass (a key could pass one test and fail another).
function keyTestOf(lines: readonly string[]): KeyTest {
  if (lines.some((l) => /\btest FAILED\b/i.test(l))) return 'failed';
  if (lines.some((l) => isKnownLine(l, CERTUTIL_KEY_TEST_PASSED_LINES))) return 'passed';
  return 'not-run';
}

// The thumbprint is the 40-hex value on the sha1 hash line; older builds print it as spaced byte pairs. The label is
// only a preference, and the serial number line is skipped, because a 20-byte serial is also 40 hex digits.
function findThumbprint(fields: readonly BlockField[], serialIndex: number): string | null {
  const candidates = fields.map((f, i) => ({label: f.label, hex: f.value.replace(/\s+/g, ''), i})).filter((c) => c.i !== serialIndex && /^[0-9A-Fa-f]{40}$/.test(c.hex));
  // `(sha1)` stays in every captured language (`Hach. cert. (sha1)`, `证书哈希(sha1)`, `Zertifikathash(sha1)`).
  const pick = candidates.find((c) => /\(sha1\)$/i.test(c.label)) ?? candidates.find((c) => /sha1/i.test(c.label)) ?? candidates.at(-1);
  return pick ? pick.hex.toUpperCase() : null;
}

export type CertutilResult = {readonly ok: true} | {readonly ok: false; readonly hresult: string; readonly name: string; readonly win32?: number; readonly message: string};

// Classify certutil's output: `… command FAILED: 0x80092004 (-2146885628 CRYPT_E_NOT_FOUND)` + the message line.
export function parseCertutilResult(text: string, exitCode = 0): CertutilResult {
  const lines = text
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  for (let i = 0; i < lines.length; i++) {
    const m = /(0x[0-9A-Fa-f]{8})\s*\(([^)]*)\)/.exec(lines[i]!);
    if (!m || !/^CertUtil:/i.test(lines[i]!)) continue;
    const inner = m[2]!.trim();
    const win32 = /WIN32:\s*(\d+)/i.exec(inner)?.[1];
    const next = lines[i + 1];
    const message = next && /^CertUtil:/i.test(next) ? next.replace(/^CertUtil:\s*/i, '') : lines[i]!;
    return {
      ok: false,
      hresult: m[1]!.toLowerCase(),
      name: inner.split(/\s+/).at(-1) ?? '',
      ...(win32 === undefined ? {} : {win32: Number(win32)}),
      message,
    };
  }
  if (exitCode !== 0) {
    return {ok: false, hresult: '', name: '', message: lines.at(-1) ?? `certutil exited with code ${exitCode}`};
  }
  return {ok: true};
}

const joinOutput = (stdout: string, stderr: string): string => (stderr.trim() === '' ? stdout : `${stdout}${stdout.endsWith('\n') ? '' : '\n'}${stderr}`);

async function runCertutil(host: Host, cmd: Command, what: string): Promise<string> {
  const r = await runCommand(host, cmd);
  const output = joinOutput(r.stdout, r.stderr);
  const result = parseCertutilResult(output, r.exitCode);
  if (!result.ok || r.exitCode !== 0) {
    const failed = result.ok ? {hresult: '', name: '', message: `exit code ${r.exitCode}`} : result;
    const code = failed.hresult === '' ? undefined : failed.hresult;
    const label = failed.name ? ` (${failed.hresult} ${failed.name})` : failed.hresult ? ` (${failed.hresult})` : '';
    throw new ToolError(TOOL, `${what} failed: ${failed.message}${label}`, {...(code === undefined ? {} : {code}), exitCode: r.exitCode, output});
  }
  return r.stdout;
}

// The certificates in LocalMachine\STORE.
export async function listStore(host: Host, store: string): Promise<StoreEntryWithExportability[]> {
  return parseStore(await runCertutil(host, listStoreCommand(store), `certutil -store ${store}`));
}

// Save one certificate of LocalMachine\STORE (public part, DER) to a file on the node.
export function exportCertificateCommand(store: string, thumbprint: string, file: string): Command {
  return command('certutil', '-store', store, thumbprint, file);
}

// Save one certificate of LocalMachine\STORE (public part, DER) to a file on the node.
export async function exportCertificate(host: Host, store: string, thumbprint: string, file: string): Promise<void> {
  await runCertutil(host, exportCertificateCommand(store, thumbprint, file), `certutil -store ${store} ${thumbprint}`);
}

// Add a .cer to LocalMachine\STORE; 'already' when it was there (certutil still succeeds).
export async function addStore(host: Host, store: string, file: string): Promise<'added' | 'already'> {
  const out = await runCertutil(host, addStoreCommand(store, file), `certutil -addstore ${store}`);
  return /already in store/i.test(out) ? 'already' : 'added';
}

// Delete one certificate by thumbprint; ToolError code CRYPT_E_NOT_FOUND when it is not there.
export async function delStore(host: Host, store: string, thumbprint: string): Promise<void> {
  await runCertutil(host, delStoreCommand(store, thumbprint), `certutil -delstore ${store} ${thumbprint}`);
}

export type CertmgrResult = {readonly ok: true} | {readonly ok: false; readonly message: string};

// certmgr's exit code is unreliable, so success is the `CertMgr Succeeded` line and nothing that says otherwise.
export function parseCertmgrResult(text: string): CertmgrResult {
  const lines = text
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const errors = lines.filter((l) => /^Error:/i.test(l));
  if (errors.length > 0) return {ok: false, message: errors.join('\n')};
  if (lines.some((l) => /^CertMgr Failed/i.test(l))) return {ok: false, message: 'CertMgr Failed'};
  if (lines.some((l) => /^CertMgr Succeeded/i.test(l))) return {ok: true};
  return {ok: false, message: 'certmgr did not print "CertMgr Succeeded"'};
}

// The documented manual step, shown for reference only: /n deletes EVERY certificate whose name matches, which
// includes the new certificate when it has the same CN, so certwalk itself deletes by thumbprint with certutil.
// `certmgr.exe` with the extension, because plain `certmgr` at cmd.exe can resolve to certmgr.msc in System32.
export function certmgrDeleteByNameCommand(store: string, name: string): Command {
  assertStore(store);
  return command('certmgr.exe', '/del', '/c', '/s', '/r', 'localmachine', store, '/n', name);
}
