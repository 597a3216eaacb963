// The PowerShell language as certwalk writes it, in one place: the ops build their scripts with it, and the remote
// host's Invoke-Command wrappers (src/hosts/windows/remote-scripts.ts) reuse it. Values travel as data
// (single-quoted literals or -ArgumentList), never spliced into code unquoted; the script travels as -EncodedCommand
// so no shell re-parses it. A pure leaf: it imports nothing, so a host depending on it pulls in no op
// (test/state/import-boundaries.test.ts keeps it so).

/** `-NoProfile -NonInteractive -EncodedCommand <base64 of UTF-16LE>`: what powershell.exe expects. */
export function powershellArgs(script: string): string[] {
  return ['-NoProfile', '-NonInteractive', '-EncodedCommand', Buffer.from(script, 'utf16le').toString('base64')];
}

/** A PowerShell single-quoted string literal: no expansion; a quote is doubled (typographic quotes too). */
export function psQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
}

/** `@('a', 'b')`: a PowerShell array of literal strings. */
export function psArray(values: readonly string[]): string {
  return `@(${values.map(psQuote).join(', ')})`;
}
