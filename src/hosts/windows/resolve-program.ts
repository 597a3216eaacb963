// Finds a program on PATH the way cmd.exe would, minus the current directory: Windows searches the current folder
// first, so a `netsh.exe` dropped in the admin's working folder would otherwise run instead of System32's.
import {existsSync} from 'node:fs';
import path from 'node:path';

export function resolveProgram(
  program: string,
  env: NodeJS.ProcessEnv,
  exists: (file: string) => boolean = existsSync,
  paths: Pick<typeof path, 'isAbsolute' | 'join'> = path,
): string {
  const {isAbsolute, join} = paths;
  if (isAbsolute(program)) return program;
  if (/[\\/]/.test(program)) throw new Error(`refusing to run "${program}": a relative path would resolve from the current folder`);
  const pathVar = env.Path ?? env.PATH ?? '';
  const extensions = (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean);
  const hasExtension = /\.[^.\\/]+$/.test(program);
  for (const dir of pathVar.split(';')) {
    // An empty or relative entry means the current folder: skipped for the same reason.
    if (!dir || !isAbsolute(dir)) continue;
    for (const candidate of hasExtension ? [program] : extensions.map((ext) => program + ext.toLowerCase())) {
      const full = join(dir, candidate);
      if (exists(full)) return full;
    }
  }
  throw new Error(`"${program}" was not found on PATH (the current folder is not searched)`);
}

/** What to start for a program: the file, and arguments that go before the caller's. */
export interface ResolvedCommand {
  readonly file: string;
  readonly prefixArgs: readonly string[];
}

/**
 * Like resolveProgram, for starting it without a shell. Node 20 refuses to start a .cmd or .bat file without one
 * (CVE-2024-27980), and certwalk never builds a shell string. The one batch file a procedure needs is the Azure CLI's
 * `az.cmd`, which only runs the CLI's own Python (`"%~dp0\..\python.exe" -IBm azure.cli %*`): certwalk starts that
 * Python with those arguments directly. Any other batch file is refused, naming it.
 */
export function resolveCommand(
  program: string,
  env: NodeJS.ProcessEnv,
  exists: (file: string) => boolean = existsSync,
  paths: Pick<typeof path, 'isAbsolute' | 'join' | 'dirname' | 'basename'> = path,
): ResolvedCommand {
  const file = resolveProgram(program, env, exists, paths);
  if (!/\.(cmd|bat)$/i.test(file)) return {file, prefixArgs: []};
  if (/^az\.cmd$/i.test(paths.basename(file))) {
    const python = paths.join(paths.dirname(paths.dirname(file)), 'python.exe');
    if (exists(python)) return {file: python, prefixArgs: ['-IBm', 'azure.cli']};
    throw new Error(`${file} runs the Azure CLI's python.exe, which is not at ${python}: repair the Azure CLI installation`);
  }
  throw new Error(`"${program}" is the batch file ${file}; Node will not start a batch file without a shell, and certwalk never runs one`);
}
