// The PowerShell language as certwalk writes it, in one place: the ops build their scripts with it, and the remote
// host's Invoke-Command wrappers (src/hosts/windows/remote-scripts.ts) reuse it. Values travel as data
// (single-quoted literals or -ArgumentList), never spliced into code unquoted; the script travels as -EncodedCommand
// so no shell re-parses it. A pure leaf: it imports nothing, so a host depending on it pulls in no op
// (test/state/import-boundaries.test.ts keeps it so).

/**
 * The first line of every script certwalk runs: powershell.exe writes redirected output in the console's OEM code
 * page (850 on a French server, 936 Chinese), where a character outside it (a subject's `ł` on a French server)
 * becomes `?`. Told UTF-8, it writes every character, and the host reads it as UTF-8 whatever the node's code page.
 */
export const UTF8_OUTPUT_LINE = '[Console]::OutputEncoding = [Text.Encoding]::UTF8';

/**
 * `-NoProfile -NonInteractive -EncodedCommand <base64 of UTF-16LE>`: what powershell.exe expects. The script runs
 * after UTF8_OUTPUT_LINE, on a line of its own (an error's `At line:N` counts it).
 */
export function powershellArgs(script: string): string[] {
  return ['-NoProfile', '-NonInteractive', '-EncodedCommand', Buffer.from(`${UTF8_OUTPUT_LINE}\n${script}`, 'utf16le').toString('base64')];
}

/** Whether a script sets its output to UTF-8 on a line of its own (UTF8_OUTPUT_LINE, any case or `System.` prefix). */
export function setsUtf8Output(script: string): boolean {
  return /^[ \t]*\[(System\.)?Console\]::OutputEncoding[ \t]*=[ \t]*\[(System\.)?Text\.Encoding\]::UTF8[ \t]*;?[ \t]*\r?$/im.test(script);
}

/** The script powershell.exe arguments carry as -EncodedCommand (any accepted spelling of the flag), or null. */
export function encodedScriptOf(args: readonly string[]): string | null {
  const at = args.findIndex((arg) => /^[-/](EncodedCommand|enc|ec|e)$/i.test(arg));
  const encoded = at < 0 ? undefined : args[at + 1];
  return encoded === undefined ? null : Buffer.from(encoded, 'base64').toString('utf16le');
}

/** A PowerShell single-quoted string literal: no expansion; a quote is doubled (typographic quotes too). */
export function psQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
}

/** `@('a', 'b')`: a PowerShell array of literal strings. */
export function psArray(values: readonly string[]): string {
  return `@(${values.map(psQuote).join(', ')})`;
}
