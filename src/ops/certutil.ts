// certutil: list, add and delete certificates in a LocalMachine store, always by thumbprint. Not -importPFX or
// -exportPFX: certutil takes their password only as `-p PASSWORD` on its command line; ops/pki.ts does those.
// Also the certmgr.exe result parser, because the documented SSIS procedure uses certmgr and admins paste its output.
import {command, runCommand} from './command.ts';
import type {Command} from './command.ts';
import {ToolError} from './tool-error.ts';
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

// English labels of the first five fields; certutil prints them in this order, so positions serve when translated.
const LEADING_FIELDS = ['serialNumber', 'issuer', 'notBefore', 'notAfter', 'subject'] as const;
const LABELS: Record<string, (typeof LEADING_FIELDS)[number]> = {
  'serial number': 'serialNumber',
  issuer: 'issuer',
  notbefore: 'notBefore',
  notafter: 'notAfter',
  subject: 'subject',
};

// Parse `certutil -store` output into one entry per certificate.
export function parseStore(text: string): StoreEntry[] {
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

function parseCertBlock(lines: string[]): StoreEntry {
  const fields: {label: string; value: string}[] = [];
  for (const line of lines) {
    const m = /^\s*([^:=]+?):\s*(.*)$/.exec(line);
    if (m) fields.push({label: m[1]!.trim(), value: m[2]!.trim()});
  }
  const index: Partial<Record<(typeof LEADING_FIELDS)[number], number>> = {};
  fields.forEach((f, i) => {
    const key = LABELS[f.label.toLowerCase()];
    if (key && index[key] === undefined) index[key] = i;
  });
  if (Object.keys(index).length === 0) LEADING_FIELDS.forEach((key, i) => (index[key] = i));
  const value = (key: (typeof LEADING_FIELDS)[number]): string => {
    const i = index[key];
    return i === undefined ? '' : (fields[i]?.value ?? '');
  };
  const serialNumber = value('serialNumber');
  const thumbprint = findThumbprint(fields, index.serialNumber);
  if (!thumbprint) {
    throw new ToolError(TOOL, `certutil printed a certificate without a SHA-1 hash line${serialNumber ? ` (serial ${serialNumber})` : ''}`, {
      output: lines.join('\n'),
    });
  }
  const text = lines.join('\n');
  const noKey = /No key provider information/i.test(text);
  // Key lines are `  Key Container = {GUID}` / `  Provider = …`; a translated label still has ` = ` and a GUID.
  const keyLines = lines.some((l) => /^\s*(Key Container|Provider)\s*=/i.test(l) || /^\s+[^=:]+=\s*\{[0-9A-Fa-f-]{36}\}\s*$/.test(l));
  const hasPrivateKey = !noKey && keyLines;
  return {
    thumbprint,
    subject: value('subject'),
    issuer: value('issuer'),
    serialNumber,
    notBefore: value('notBefore'),
    notAfter: value('notAfter'),
    hasPrivateKey,
    exportable: hasPrivateKey && !/NOT exportable/i.test(text),
    keyTest: hasPrivateKey ? keyTestOf(lines) : 'not-run',
  };
}

// A failure anywhere in the block wins over a pass (a key could pass one test and fail another).
function keyTestOf(lines: readonly string[]): KeyTest {
  if (lines.some((l) => /\btest FAILED\b/i.test(l))) return 'failed';
  if (lines.some((l) => /^\s*(Encryption|Signature) test passed\s*$/i.test(l))) return 'passed';
  return 'not-run';
}

// The thumbprint is the 40-hex value on the sha1 hash line; older builds print it as spaced byte pairs. The label is
// only a preference, and the serial number line is skipped, because a 20-byte serial is also 40 hex digits.
function findThumbprint(fields: readonly {label: string; value: string}[], serialIndex: number | undefined): string | null {
  const candidates = fields.map((f, i) => ({label: f.label, hex: f.value.replace(/\s+/g, ''), i})).filter((c) => c.i !== serialIndex && /^[0-9A-Fa-f]{40}$/.test(c.hex));
  const pick = candidates.find((c) => /^cert hash\(sha1\)$/i.test(c.label)) ?? candidates.find((c) => /sha1/i.test(c.label)) ?? candidates.at(-1);
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
export async function listStore(host: Host, store: string): Promise<StoreEntry[]> {
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
