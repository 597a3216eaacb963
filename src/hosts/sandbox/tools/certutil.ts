// certutil.exe against the LocalMachine stores: -store, -addstore, -delstore, -importPFX, -exportPFX.
// Texts follow docs/TOOL-OUTPUT.md (the -store block follows the real sample certutil-store-my.txt).
import {createHash} from 'node:crypto';
import {describeCertificate} from '../../../certs/describe.ts';
import {toDer, derToPem} from '../../../certs/pem.ts';
import {keyMatchesCertificate} from '../../../certs/key-match.ts';
import {fromPfx, PfxPasswordError, toPfx} from '../../../certs/pfx.ts';
import type {NodeState, SandboxCert} from '../state.ts';
import {cloneState, exitCodeFor, lines} from './program.ts';
import type {SandboxProgram, ToolContext, ToolResult} from './program.ts';
import {canonicalStoreName, certsIn, derOf, sandboxCertFromDer, simpleName, storeExists, storeHeading} from './stores.ts';

interface Failure {
  readonly hresult: number;
  readonly text: string;
}

// The error pair certutil prints: `CertUtil: -verb command FAILED: 0x… (symbol)` then the message.
const CRYPT_E_NOT_FOUND: Failure = {hresult: 0x80092004, text: '(-2146885628 CRYPT_E_NOT_FOUND)\nCertUtil: Cannot find object or property.'};
const FILE_NOT_FOUND: Failure = {hresult: 0x80070002, text: '(WIN32: 2 ERROR_FILE_NOT_FOUND)\nCertUtil: The system cannot find the file specified.'};
const FILE_EXISTS: Failure = {hresult: 0x80070050, text: '(WIN32: 80 ERROR_FILE_EXISTS)\nCertUtil: The file exists.'};
const INVALID_PASSWORD: Failure = {hresult: 0x80070056, text: '(WIN32: 86 ERROR_INVALID_PASSWORD)\nCertUtil: The specified network password is not correct.'};
const BAD_KEY_STATE: Failure = {hresult: 0x8009000b, text: '(-2146893813 NTE_BAD_KEY_STATE)\nCertUtil: Key not valid for use in specified state.'};
const BAD_ENCODE: Failure = {hresult: 0x80092002, text: '(-2146885630 CRYPT_E_BAD_ENCODE)\nCertUtil: An error occurred during encode or decode operation.'};
const ASN1_BADTAG: Failure = {hresult: 0x8009310b, text: '(ASN: 267 CRYPT_E_ASN1_BADTAG)\nCertUtil: ASN1 bad tag value met.'};
const ALREADY_EXISTS: Failure = {hresult: 0x80092005, text: '(-2146885627 CRYPT_E_EXISTS)\nCertUtil: The object or property already exists.'};
const INVALID_ARG: Failure = {hresult: 0x80070057, text: '(WIN32: 87 ERROR_INVALID_PARAMETER)\nCertUtil: The parameter is incorrect.'};

/** Canonical spelling of each verb, as certutil echoes it in its messages. */
const VERBS: Record<string, string> = {
  store: '-store',
  addstore: '-addstore',
  delstore: '-delstore',
  importpfx: '-importPFX',
  exportpfx: '-exportPFX',
};

const IMPORT_MODIFIERS = new Set(['at_signature', 'at_keyexchange', 'noexport', 'noprotect', 'nocert', 'nochain', 'noroot', 'protect', 'vsm', 'exportencrypted']);

interface Invocation {
  readonly verb: string;
  readonly force: boolean;
  readonly password: string | undefined;
  readonly positional: readonly string[];
}

export const certutil: SandboxProgram = {
  run(context, args) {
    const invocation = parseArgs(args);
    if ('unknown' in invocation) {
      return {
        stdout: lines(`CertUtil: Unknown arg: ${invocation.unknown}`, 'CertUtil: -? -- Display a verb list (command list)'),
        stderr: '',
        exitCode: exitCodeFor(INVALID_ARG.hresult),
      };
    }
    switch (invocation.verb) {
      case '-store':
        return showStore(context, invocation);
      case '-addstore':
        return addStore(context, invocation);
      case '-delstore':
        return delStore(context, invocation);
      case '-importPFX':
        return importPfx(context, invocation);
      default:
        return exportPfx(context, invocation);
    }
  },
  fault(_context, args) {
    const invocation = parseArgs(args);
    return failure('verb' in invocation ? invocation.verb : '-store', CRYPT_E_NOT_FOUND);
  },
};

function parseArgs(args: readonly string[]): Invocation | {unknown: string} {
  let verb: string | undefined;
  let force = false;
  let password: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const flag = /^[-/]/.test(arg) ? arg.slice(1).toLowerCase() : undefined;
    if (flag === 'f') force = true;
    else if (flag === 'p') password = args[++i] ?? '';
    else if (flag === 'silent' || flag === 'q') continue;
    else if (flag !== undefined && verb === undefined && VERBS[flag]) verb = VERBS[flag];
    else if (flag !== undefined && verb === undefined) return {unknown: arg};
    else positional.push(arg);
  }
  return verb ? {verb, force, password, positional} : {unknown: args[0] ?? '(none)'};
}

function showStore(context: ToolContext, {positional}: Invocation): ToolResult {
  const storeName = positional[0] ?? 'My';
  if (!storeExists(context.state, storeName) && !isWellKnown(storeName)) return failure('-store', FILE_NOT_FOUND);
  const certs = certsIn(context.state, storeName);
  const indexes = positional[1] === undefined ? certs.map((_, i) => i) : matchCertId(certs, positional[1]);
  if (indexes.length === 0 && positional[1] !== undefined) return failure('-store', CRYPT_E_NOT_FOUND, [storeHeading(storeName)]);
  const out = [storeHeading(storeName)];
  for (const i of indexes) out.push(...certBlock(certs[i]!, i, 'with-key'), '');
  // `-store STORE CERTID OUTFILE` saves the matching certificate (DER) to OUTFILE.
  const outFile = positional[2];
  if (outFile !== undefined && indexes[0] !== undefined) context.files.write(outFile, derOf(certs[indexes[0]]!));
  out.push('CertUtil: -store command completed successfully.');
  return {stdout: lines(...out), stderr: '', exitCode: 0};
}

function addStore(context: ToolContext, {positional}: Invocation): ToolResult {
  const [storeName, file] = positional;
  if (!storeName || !file) return failure('-addstore', INVALID_ARG);
  const bytes = context.files.read(file);
  if (!bytes) return failure('-addstore', FILE_NOT_FOUND);
  let incoming: SandboxCert;
  try {
    incoming = sandboxCertFromDer(toDer(bytes));
  } catch {
    return failure('-addstore', BAD_ENCODE);
  }
  const state = cloneState(context.state);
  const store = storeOf(state, storeName);
  const present = store.some((cert) => cert.thumbprint === incoming.thumbprint);
  if (!present) store.push(incoming);
  const out = [storeHeading(storeName)];
  if (incoming.subject === incoming.issuer) out.push('Signature matches Public Key');
  out.push(`Certificate "${simpleName(incoming)}" ${present ? 'already in store.' : 'added to store.'}`);
  out.push('CertUtil: -addstore command completed successfully.');
  return present ? {stdout: lines(...out), stderr: '', exitCode: 0} : {stdout: lines(...out), stderr: '', exitCode: 0, state};
}

function delStore(context: ToolContext, {positional}: Invocation): ToolResult {
  const [storeName, certId] = positional;
  if (!storeName || certId === undefined) return failure('-delstore', INVALID_ARG);
  const certs = certsIn(context.state, storeName);
  const indexes = matchCertId(certs, certId);
  if (indexes.length === 0) return failure('-delstore', CRYPT_E_NOT_FOUND, [storeHeading(storeName)]);
  const out = [storeHeading(storeName)];
  for (const i of indexes) out.push(...certBlock(certs[i]!, i, 'without-key'), `Deleting Certificate ${i}`);
  out.push('CertUtil: -delstore command completed successfully.');
  const state = cloneState(context.state);
  const doomed = new Set(indexes.map((i) => certs[i]!.thumbprint));
  const canonical = canonicalStoreName(state, storeName);
  state.stores[canonical] = certs.filter((cert) => !doomed.has(cert.thumbprint));
  return {stdout: lines(...out), stderr: '', exitCode: 0, state};
}

function importPfx(context: ToolContext, {positional, password, force}: Invocation): ToolResult {
  // certutil -importPFX [StoreName] PFXFile [Modifiers]: the store defaults to My.
  const hasModifiers = (s: string | undefined) => s !== undefined && s.split(',').every((m) => IMPORT_MODIFIERS.has(m.trim().toLowerCase()));
  let storeName = 'My';
  let file: string | undefined;
  let modifiers: string;
  if (positional.length === 1 || (positional.length === 2 && hasModifiers(positional[1]))) {
    [file, modifiers = ''] = positional;
  } else {
    [storeName = 'My', file, modifiers = ''] = positional;
  }
  if (!file) return failure('-importPFX', INVALID_ARG);
  const bytes = context.files.read(file);
  if (!bytes) return failure('-importPFX', FILE_NOT_FOUND);
  let contents: ReturnType<typeof fromPfx>;
  try {
    contents = fromPfx(bytes, password ?? '');
  } catch (error) {
    return failure('-importPFX', error instanceof PfxPasswordError ? INVALID_PASSWORD : ASN1_BADTAG);
  }
  const exportable = !modifiers
    .toLowerCase()
    .split(',')
    .some((m) => m.trim() === 'noexport');
  const incoming = sandboxCertFromDer(toDer(contents.certPem), contents.keyPem ? {keyPem: contents.keyPem, exportable} : undefined);
  const state = cloneState(context.state);
  const store = storeOf(state, storeName);
  const existing = store.findIndex((cert) => cert.thumbprint === incoming.thumbprint);
  if (existing >= 0 && !force) return failure('-importPFX', ALREADY_EXISTS);
  // A new key container gets the default ACL (administrators, SYSTEM): service accounts must be granted again.
  if (existing >= 0) store[existing] = incoming;
  else store.push(incoming);
  const out = [`Certificate "${simpleName(incoming)}" added to store.`, '', 'CertUtil: -importPFX command completed successfully.'];
  return {stdout: lines(...out), stderr: '', exitCode: 0, state};
}

function exportPfx(context: ToolContext, {positional, password, force}: Invocation): ToolResult {
  const [storeName, certId, file] = positional;
  if (!storeName || certId === undefined || !file) return failure('-exportPFX', INVALID_ARG);
  const certs = certsIn(context.state, storeName);
  const [index] = matchCertId(certs, certId);
  const heading = storeHeading(storeName);
  if (index === undefined) return failure('-exportPFX', CRYPT_E_NOT_FOUND, [heading]);
  const cert = certs[index]!;
  const block = certBlock(cert, index, 'with-key');
  if (!cert.keyPem || !cert.exportable) return failure('-exportPFX', BAD_KEY_STATE, [heading, ...block]);
  if (context.files.exists(file) && !force) return failure('-exportPFX', FILE_EXISTS, [heading, ...block]);
  context.files.write(file, toPfx({certPem: derToPem(derOf(cert)), keyPem: cert.keyPem}, password ?? ''));
  return {stdout: lines(heading, ...block, '', 'CertUtil: -exportPFX command completed successfully.'), stderr: '', exitCode: 0};
}

function failure(verb: string, error: Failure, before: readonly string[] = []): ToolResult {
  const code = `0x${error.hresult.toString(16).padStart(8, '0')}`;
  return {stdout: lines(...before, `CertUtil: ${verb} command FAILED: ${code} ${error.text}`), stderr: '', exitCode: exitCodeFor(error.hresult)};
}

function storeOf(state: NodeState, given: string): SandboxCert[] {
  const name = canonicalStoreName(state, given);
  return (state.stores[name] ??= []);
}

function isWellKnown(storeName: string): boolean {
  return storeHeading(storeName) !== storeName;
}

/**
 * certutil's CertId: a certificate index, a SHA-1 hash (spaces allowed, any case), a serial number, or a common name.
 * Returns the matching indexes in store order.
 */
export function matchCertId(certs: readonly SandboxCert[], certId: string): number[] {
  const compact = certId.replace(/\s+/g, '').toLowerCase();
  const all = certs.map((_, i) => i);
  if (/^\d{1,4}$/.test(compact) && Number(compact) < certs.length) return [Number(compact)];
  if (/^[0-9a-f]{40}$/.test(compact)) {
    const byHash = all.filter((i) => certs[i]!.thumbprint.toLowerCase() === compact);
    if (byHash.length > 0) return byHash;
  }
  const bySerial = all.filter((i) => certs[i]!.serialNumber === compact);
  if (bySerial.length > 0) return bySerial;
  const wanted = certId.trim().toLowerCase();
  return all.filter((i) => commonNamesOf(certs[i]!).some((cn) => cn.toLowerCase() === wanted));
}

function commonNamesOf(cert: SandboxCert): readonly string[] {
  return describeCertificate(derOf(cert)).commonNames;
}

function certBlock(cert: SandboxCert, index: number, keyLines: 'with-key' | 'without-key'): string[] {
  const out = [
    `================ Certificate ${index} ================`,
    `Serial Number: ${cert.serialNumber}`,
    `Issuer: ${cert.issuer}`,
    ` NotBefore: ${formatCertutilDate(new Date(cert.notBefore))}`,
    ` NotAfter: ${formatCertutilDate(new Date(cert.notAfter))}`,
    `Subject: ${cert.subject}`,
  ];
  if (cert.subject === cert.issuer) out.push('Signature matches Public Key', 'Root Certificate: Subject matches Issuer');
  else out.push('Non-root Certificate');
  out.push(`Cert Hash(sha1): ${cert.thumbprint.toLowerCase()}`);
  if (keyLines === 'without-key') return out;
  if (!cert.keyPem) return [...out, 'No key provider information', 'Cannot find the certificate and private key for decryption.'];
  const container = containerIds(cert.thumbprint);
  out.push(`  Key Container = ${container.guid}`, `  Unique container name: ${container.unique}`, '  Provider = Microsoft Software Key Storage Provider');
  if (!cert.exportable) out.push('Private key is NOT exportable');
  // certutil encrypts with the certificate's public key and decrypts with the key in the container; a store entry
  // whose keyPem is another key's (tests make one) fails it. The FAILED line is the sandbox's rendering, see
  // docs/TOOL-OUTPUT.md.
  out.push(keyIsOwn(cert, cert.keyPem) ? 'Encryption test passed' : 'Encryption test FAILED');
  return out;
}

function keyIsOwn(cert: SandboxCert, keyPem: string): boolean {
  try {
    return keyMatchesCertificate(derToPem(derOf(cert)), keyPem);
  } catch {
    return false; // a key that cannot be read proves nothing
  }
}

/** Stable per certificate, so two listings of the same store are identical. */
function containerIds(thumbprint: string): {guid: string; unique: string} {
  const hash = createHash('sha256').update(`container:${thumbprint}`).digest('hex');
  const guid = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-4${hash.slice(13, 16)}-a${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
  return {guid: `{${guid.toUpperCase()}}`, unique: `${hash.slice(32, 64)}_${guid}`};
}

/** en-US `M/D/YYYY h:mm AM`; the sandbox's nodes run on UTC. */
export function formatCertutilDate(date: Date): string {
  const hours = date.getUTCHours();
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  const minutes = String(date.getUTCMinutes()).padStart(2, '0');
  return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} ${hour12}:${minutes} ${hours < 12 ? 'AM' : 'PM'}`;
}
