// The scripts the remote host hands to this machine's powershell.exe: Invoke-Command plumbing that runs a program,
// or reads, writes, creates, removes or tests a file, on another node. Transport only; the quoting and the
// powershell.exe argv come from src/ops/powershell.ts, as the ops' scripts do.
import {psArray, psQuote} from '../../ops/powershell.ts';

/**
 * Runs a program on another node with PowerShell remoting and replays its output and exit code here. The program
 * and its arguments reach the remote side as -ArgumentList data; `& $exe @argv` passes each as one argument.
 * `withInput`: the rest of this process's stdin (after the credential lines) is read here and piped to the remote
 * program's stdin, as -ArgumentList data too, so a password given as input never appears on a command line.
 */
export function remoteRunScript(computer: string, program: string, args: readonly string[], withCredential: boolean, withInput = false): string {
  // Windows PowerShell 5.1 passes a native argument holding a double quote to the program mangled; no op needs one.
  const quoted = args.find((arg) => arg.includes('"'));
  if (quoted !== undefined) throw new Error(`refusing to pass ${JSON.stringify(quoted)} through PowerShell remoting: it holds a double quote`);
  return [
    "$ErrorActionPreference = 'Stop'",
    ...credentialLines(withCredential),
    ...(withInput ? ['$payload = [Console]::In.ReadToEnd()'] : []),
    `$r = Invoke-Command -ComputerName ${psQuote(computer)}${withCredential ? ' -Credential $cred' : ''} -ScriptBlock {`,
    withInput ? '  param([string]$exe, [string[]]$argv, [string]$payload)' : '  param([string]$exe, [string[]]$argv)',
    OEM_DECODING_LINE,
    withInput ? '  $out = $payload | & $exe @argv 2>&1 | Out-String' : '  $out = & $exe @argv 2>&1 | Out-String',
    '  [pscustomobject]@{ExitCode = $LASTEXITCODE; Output = $out}',
    `} -ArgumentList ${psQuote(program)}, ${psArray(args)}${withInput ? ', $payload' : ''}`,
    '[Console]::Out.Write($r.Output)',
    'exit $r.ExitCode',
  ].join('\n');
}

/**
 * Inside the remote session PowerShell decodes the program's output with [Console]::OutputEncoding, and a remoting
 * session has no console of its own: what it reads there is not the OEM code page the program writes in (850 on a
 * French server, 936 Chinese), and `é`, `证` arrive garbled. Set it to the node's OEM code page (GetOEMCP's registry
 * value) first, so the output becomes text on the node; from there it travels as .NET strings and this machine's
 * powershell.exe writes it as UTF-8 (src/ops/powershell.ts). If the setter refuses (no console handle), the default
 * stays: a program printing only ASCII is unaffected either way. [unconfirmed on a real localized server; see
 * docs/HOSTS.md]
 */
const OEM_DECODING_LINE =
  "  try { [Console]::OutputEncoding = [Text.Encoding]::GetEncoding([int](Get-ItemProperty -LiteralPath 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage' -ErrorAction Stop).OEMCP) } catch { }";

/** Reads a file on another node as base64 (binary-safe: settings files keep their BOM and line ends). */
export function remoteReadScript(computer: string, path: string, withCredential: boolean): string {
  return remoteScriptBlock(computer, withCredential, 'param([string]$p) [Convert]::ToBase64String([IO.File]::ReadAllBytes($p))', [path]);
}

/**
 * Writes a file on another node, creating its folder. The content arrives on standard input (base64, after the
 * credential lines): a private key or PFX never sits on a command line, and no size limit of one applies.
 */
export function remoteWriteScript(computer: string, path: string, withCredential: boolean): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    ...credentialLines(withCredential),
    '$b = [Console]::In.ReadToEnd().Trim()',
    `Invoke-Command -ComputerName ${psQuote(computer)}${withCredential ? ' -Credential $cred' : ''} -ScriptBlock { param([string]$p, [string]$b) [void][IO.Directory]::CreateDirectory([IO.Path]::GetDirectoryName($p)); [IO.File]::WriteAllBytes($p, [Convert]::FromBase64String($b)) } -ArgumentList ${psQuote(path)}, $b`,
  ].join('\n');
}

/**
 * Creates a file on another node only if it does not exist yet, in one remoting call (a lock: a second call between
 * a test and a create would let two certwalks both take it). Prints `created` or `exists`; anything else fails.
 * FileMode CreateNew is the exclusive create; FileShare None keeps readers out until the contents are written, and a
 * write that fails removes the file so no half-written lock is left. The contents arrive on standard input (base64).
 * .NET 4 calls only: Windows PowerShell 3.0 runs it.
 */
export function remoteCreateScript(computer: string, path: string, withCredential: boolean): string {
  const block =
    'param([string]$p, [string]$b) ' +
    [
      "$ErrorActionPreference = 'Stop'",
      '[void][IO.Directory]::CreateDirectory([IO.Path]::GetDirectoryName($p))',
      "try { $f = [IO.File]::Open($p, [IO.FileMode]::CreateNew, [IO.FileAccess]::Write, [IO.FileShare]::None) } catch { if ([IO.File]::Exists($p)) { 'exists'; return }; throw }",
      'try { $d = [Convert]::FromBase64String($b); $f.Write($d, 0, $d.Length); $f.Dispose() } catch { $f.Dispose(); [IO.File]::Delete($p); throw }',
      "'created'",
    ].join('; ');
  return [
    "$ErrorActionPreference = 'Stop'",
    ...credentialLines(withCredential),
    '$b = [Console]::In.ReadToEnd().Trim()',
    `Invoke-Command -ComputerName ${psQuote(computer)}${withCredential ? ' -Credential $cred' : ''} -ScriptBlock { ${block} } -ArgumentList ${psQuote(path)}, $b`,
  ].join('\n');
}

export function remoteRemoveScript(computer: string, path: string, withCredential: boolean): string {
  return remoteScriptBlock(computer, withCredential, 'param([string]$p) if (Test-Path -LiteralPath $p) { Remove-Item -LiteralPath $p -Force }', [path]);
}

export function remoteExistsScript(computer: string, path: string, withCredential: boolean): string {
  return remoteScriptBlock(computer, withCredential, 'param([string]$p) if (Test-Path -LiteralPath $p -PathType Leaf) { "yes" } else { "no" }', [path]);
}

function remoteScriptBlock(computer: string, withCredential: boolean, block: string, args: readonly string[]): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    ...credentialLines(withCredential),
    `Invoke-Command -ComputerName ${psQuote(computer)}${withCredential ? ' -Credential $cred' : ''} -ScriptBlock { ${block} } -ArgumentList ${args.map(psQuote).join(', ')}`,
  ].join('\n');
}

/** The password arrives on standard input, so it is in no command line, no journal and no transcript. */
function credentialLines(withCredential: boolean): string[] {
  if (!withCredential) return [];
  return [
    '$user = [Console]::In.ReadLine()',
    '$cred = New-Object System.Management.Automation.PSCredential($user, ([Console]::In.ReadLine() | ConvertTo-SecureString -AsPlainText -Force))',
  ];
}
