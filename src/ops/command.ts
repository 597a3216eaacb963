// A command is data (program + argument array) so the Plan screen shows exactly the argv that later runs.
import type {Host, RunOptions, RunResult} from '../hosts/host.ts';
import {ToolError} from './tool-error.ts';

export interface Command {
  readonly command: string;
  readonly args: readonly string[];
}

export function command(program: string, ...args: string[]): Command {
  return {command: program, args};
}

/** How an admin would type it at cmd.exe; for display and transcripts only, never executed as a string. */
export function formatCommand(cmd: Command): string {
  return [cmd.command, ...cmd.args].map(quoteForDisplay).join(' ');
}

function quoteForDisplay(arg: string): string {
  if (arg === '') return '""';
  return /[\s"]/.test(arg) ? `"${arg.replace(/"/g, '\\"')}"` : arg;
}

/**
 * The script a PowerShell command line carries as `-EncodedCommand` (base64 of UTF-16LE), which the one-line
 * display shows only as base64: the transcript adds it, so an auditor reads what ran. Null for any other command.
 */
export function encodedScript(cmd: Command): string | null {
  if (!/^(powershell|pwsh)(\.exe)?$/i.test(cmd.command)) return null;
  const at = cmd.args.findIndex((a) => /^-(EncodedCommand|enc|e|ec)$/i.test(a));
  const encoded = at >= 0 ? cmd.args[at + 1] : undefined;
  if (!encoded || !/^[A-Za-z0-9+/]+=*$/.test(encoded)) return null;
  return Buffer.from(encoded, 'base64').toString('utf16le');
}

/**
 * Runs a command for its result. A command that succeeded but printed more than certwalk keeps in memory (its
 * output's middle was left out) is refused: its result would be read from a part of its output. A failed one is
 * returned: its error message is at the end, which is kept.
 */
export async function runCommand(host: Host, cmd: Command, options?: RunOptions): Promise<RunResult> {
  const result = await host.run(cmd.command, cmd.args, options);
  if (result.droppedChars && result.exitCode === 0) {
    throw new ToolError(
      cmd.command,
      `${cmd.command} printed more output than certwalk keeps in memory to read its result from (${result.droppedChars} characters left out); ` +
        'nothing was read from it. Every line is in the transcript.',
      {exitCode: result.exitCode},
    );
  }
  return result;
}
