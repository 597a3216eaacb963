// Import-PfxCertificate and Export-PfxCertificate (the PKI module of Windows PowerShell 5.1) through powershell.exe:
// the PFX imports and exports of certwalk's own one-time passwords. certutil takes a PFX password only as `-p
// PASSWORD` on its command line (visible to every process lister, in process-creation auditing) or from a console
// prompt no program can answer, so these cmdlets do that work instead. The password is the first line of the
// script's standard input, made a SecureString inside the script: it is in no command line and no script text (the
// script travels as -EncodedCommand and lands in script-block logging).
import type {Host} from '../hosts/host.ts';
import {command, runCommand} from './command.ts';
import {parsePowershellError, type PsCommand} from './lync.ts';
import {powershellArgs, psQuote} from './powershell.ts';
import {ToolError} from './tool-error.ts';

const TOOL = 'powershell';

/** ToolError code of an export refused because the private key may not be exported. */
export const KEY_NOT_EXPORTABLE = 'key-not-exportable';

const READ_PASSWORD = '$password = ConvertTo-SecureString -String ([Console]::In.ReadLine()) -AsPlainText -Force';

function ps(...lines: string[]): PsCommand {
  const script = ["$ErrorActionPreference = 'Stop'", READ_PASSWORD, ...lines].join('\n');
  return {script, command: command('powershell', ...powershellArgs(script))};
}

function assertStore(store: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(store)) throw new ToolError(TOOL, `"${store}" is not a certificate store name such as My or Root`);
}

function assertFile(file: string): void {
  if (file.trim() === '' || /[\0\r\n]/.test(file)) throw new ToolError(TOOL, `"${file}" is not a file path`);
}

function assertThumbprint(thumbprint: string): void {
  if (!/^[0-9A-Fa-f]{40}$/.test(thumbprint)) throw new ToolError(TOOL, `"${thumbprint}" is not a 40-hex-digit certificate thumbprint`);
}

function assertPassword(password: string): void {
  if (/[\r\n]/.test(password)) throw new ToolError(TOOL, 'a PFX password cannot hold a line break (it travels as one line on stdin)');
}

/**
 * The command that imports a PFX with its private key into LocalMachine\STORE (replacing the same certificate, as
 * `certutil -f -importPFX` does), key exportable as certutil leaves it; prints the imported thumbprints.
 */
export function importPfxCommand(store: string, file: string): PsCommand {
  assertStore(store);
  assertFile(file);
  return ps(
    `$imported = Import-PfxCertificate -FilePath ${psQuote(file)} -CertStoreLocation ${psQuote(`Cert:\\LocalMachine\\${store}`)} -Password $password -Exportable`,
    '$imported.Thumbprint',
  );
}

/** The command that exports one certificate of LocalMachine\STORE with its private key to a PFX on the node. */
export function exportPfxCommand(store: string, thumbprint: string, file: string): PsCommand {
  assertStore(store);
  assertThumbprint(thumbprint);
  assertFile(file);
  return ps(`$exported = Export-PfxCertificate -Cert ${psQuote(`Cert:\\LocalMachine\\${store}\\${thumbprint.toUpperCase()}`)} -FilePath ${psQuote(file)} -Password $password`);
}

async function run(host: Host, cmd: PsCommand, what: string, password: string): Promise<string> {
  assertPassword(password);
  const result = await runCommand(host, cmd.command, {input: `${password}\n`});
  if (result.exitCode !== 0) {
    const output = result.stderr || result.stdout;
    const {message, errorId} = parsePowershellError(output);
    const code = /non-exportable/i.test(output) ? KEY_NOT_EXPORTABLE : errorId;
    throw new ToolError(TOOL, `${what} failed on ${host.node.name}: ${message || `exit code ${result.exitCode}`}`, {exitCode: result.exitCode, output, ...(code ? {code} : {})});
  }
  return result.stdout;
}

/** Import a PFX (certificate and private key) into LocalMachine\STORE. Callers register the password with ctx.secret. */
export async function importPfx(host: Host, store: string, file: string, thumbprint: string, password: string): Promise<void> {
  const out = await run(host, importPfxCommand(store, file), `Import-PfxCertificate ${store}`, password);
  const imported = out
    .split(/\r?\n/)
    .map((l) => l.trim().toUpperCase())
    .filter(Boolean);
  // Another certificate named is a wrong PFX. No output at all proves nothing either way: the step's read-back of
  // the store decides (a six-worker sandbox run at --concurrency 3 once got an empty stdout here; cause not found yet).
  if (imported.length && !imported.includes(thumbprint.toUpperCase())) {
    throw new ToolError(TOOL, `Import-PfxCertificate ${store} on ${host.node.name} imported ${imported.filter(Boolean).join(', ') || 'nothing'}, not ${thumbprint.toUpperCase()}`, {
      output: out,
    });
  }
}

/** Export a certificate with its private key to a PFX file on the node; ToolError code KEY_NOT_EXPORTABLE when refused. */
export async function exportPfx(host: Host, store: string, thumbprint: string, file: string, password: string): Promise<void> {
  await run(host, exportPfxCommand(store, thumbprint, file), `Export-PfxCertificate ${store} ${thumbprint.toUpperCase()}`, password);
}
