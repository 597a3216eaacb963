// A command is data (program + argument array) so the Plan screen shows exactly the argv that later runs.
import type {Host, RunOptions, RunResult} from '../hosts/host.ts';

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

export function runCommand(host: Host, cmd: Command, options?: RunOptions): Promise<RunResult> {
  return host.run(cmd.command, cmd.args, options);
}
