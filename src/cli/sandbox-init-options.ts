// `sandbox init`'s --locale and --drive, checked before anything is made: a usage error (exit 2) names the value and
// what is accepted.
import {SANDBOX_LOCALES, type SandboxLocale} from '../hosts/sandbox/locale.ts';
import {UsageError} from './usage-error.ts';

export function sandboxLocaleOption(value: string | undefined): SandboxLocale | undefined {
  if (value === undefined) return undefined;
  const found = SANDBOX_LOCALES.find((locale) => locale.toLowerCase() === value.toLowerCase());
  if (!found) throw new UsageError(`--locale takes one of ${SANDBOX_LOCALES.join(', ')}, not "${value}"`);
  return found;
}

/** `D`, `d` or `D:`; C is the default. A and B are floppy drives on Windows, never an install's. */
export function sandboxDriveOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const letter = /^([A-Za-z]):?$/.exec(value)?.[1]?.toUpperCase();
  if (!letter || letter < 'C') throw new UsageError(`--drive takes a drive letter from C to Z (e.g. D), not "${value}"`);
  return letter;
}
