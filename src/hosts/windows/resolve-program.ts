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
