// Can this console draw Unicode symbols (✔ ✘ → … ─ ▶)? A pure decision from the platform and the environment, so
// `--ascii` is needed only where the guess is wrong (and `--unicode` overrides it the other way).
import {parseLanguage, resolveLanguage, runtimeLocale, type Language} from '../i18n/resolve.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * True when the screens should draw ASCII only. In order:
 * 1. `CERTWALK_ASCII=1` (or `true`/`yes`): ASCII; `CERTWALK_ASCII=0` (or `false`/`no`): Unicode.
 * 2. Windows: Unicode only in a console known to draw it: Windows Terminal (`WT_SESSION`), a terminal that names
 *    itself in `TERM_PROGRAM` (VS Code…), ConEmu/Cmder (`ConEmuANSI=ON`, `ConEmuTask`), JetBrains
 *    (`TERMINAL_EMULATOR`), mintty/MSYS or Alacritty (`TERM` `xterm-256color`, `alacritty`, `rxvt-unicode*`).
 *    Anything else is taken for the classic console host (conhost, also what an RDP session to a server usually
 *    opens), whose fonts have no ✔ ✘ ↺ and which draws CJK-ambiguous symbols double-width: ASCII.
 * 3. Elsewhere, `TERM=linux` (the kernel's virtual console: a 256/512-glyph font) and `TERM=dumb`: ASCII.
 * 4. Elsewhere, the locale's character set: the first non-empty of LC_ALL, LC_CTYPE, LANG. A locale naming another
 *    character set (`fr_FR.ISO-8859-1`, `zh_CN.GB18030`, `fr_FR@euro`) or none at all (`de_DE`: glibc's default for
 *    it is Latin-1): ASCII. `C`, `POSIX` or no locale at all: Unicode. Containers, ssh sessions and tmux on a plain
 *    Linux box often run with LANG unset while the terminal emulator on the other end draws UTF-8, and a console
 *    that cannot was already caught by TERM in 3.
 */
export function asciiConsole(platform: NodeJS.Platform, env: Env): boolean {
  const forced = (env.CERTWALK_ASCII ?? '').trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(forced)) return true;
  if (['0', 'false', 'no', 'off'].includes(forced)) return false;
  const term = env.TERM ?? '';
  if (platform === 'win32') {
    const drawsUnicode =
      Boolean(env.WT_SESSION) ||
      Boolean(env.TERM_PROGRAM) ||
      env.ConEmuANSI?.toUpperCase() === 'ON' ||
      Boolean(env.ConEmuTask) ||
      env.TERMINAL_EMULATOR === 'JetBrains-JediTerm' ||
      ['xterm-256color', 'alacritty', 'rxvt-unicode', 'rxvt-unicode-256color'].includes(term);
    return !drawsUnicode;
  }
  if (term === 'linux' || term === 'dumb') return true;
  const locale = [env.LC_ALL, env.LC_CTYPE, env.LANG].find((v) => v !== undefined && v.trim() !== '')?.trim();
  if (locale === undefined || locale === 'C' || locale === 'POSIX') return false;
  return !isUtf8Locale(locale);
}

/** `en_US.UTF-8`, `C.utf8`, `fr_FR.UTF-8@euro`: the codeset between `.` and `@` says UTF-8. */
function isUtf8Locale(locale: string): boolean {
  const codeset = /\.([^@]+)/.exec(locale)?.[1];
  return codeset !== undefined && /^utf-?8$/i.test(codeset);
}

export interface ConsoleChoice {
  readonly language: Language;
  readonly ascii: boolean;
}

/** The flags as parsed (`--lang`, `--ascii`, `--unicode`). */
export interface ConsoleFlags {
  readonly lang?: string | undefined;
  readonly ascii?: boolean | undefined;
  readonly unicode?: boolean | undefined;
}

/** The interactive app's language and glyphs from the flags, else from the environment; an error for bad flags. */
export function resolveConsole(
  flags: ConsoleFlags,
  platform: NodeJS.Platform,
  env: Env,
  intlLocale: string | undefined | (() => string | undefined) = runtimeLocale,
): {readonly ok: true; readonly choice: ConsoleChoice} | {readonly ok: false; readonly error: string} {
  if (flags.ascii && flags.unicode) return {ok: false, error: 'choose --ascii or --unicode, not both'};
  let language: Language;
  if (flags.lang !== undefined) {
    const parsed = parseLanguage(flags.lang);
    if (!parsed) return {ok: false, error: `--lang takes en, fr, zh or ko (also fr-FR, zh-CN, ko-KR…), not "${flags.lang}"`};
    language = parsed;
  } else {
    language = resolveLanguage(platform, env, intlLocale);
  }
  const ascii = flags.ascii ? true : flags.unicode ? false : asciiConsole(platform, env);
  return {ok: true, choice: {language, ascii}};
}
