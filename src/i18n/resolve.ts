// Which of certwalk's languages to speak: from `--lang`, else the operating system's locale. Pure, so it is tested
// with plain values.

export const LANGUAGES = ['en', 'fr', 'zh', 'ko'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * A language tag or POSIX locale name (`fr`, `fr-FR`, `fr_CA.UTF-8@euro`, `zh-Hans-CN`, `zh_TW.Big5`, `ko-KR`,
 * `en_GB`, `C`) as one of the four, by its language subtag; null for any other language. Every Chinese tag maps to
 * Simplified Chinese, the only Chinese catalog (nearer for a Traditional-script reader than English).
 */
export function parseLanguage(tag: string): Language | null {
  const trimmed = tag.trim();
  if (trimmed === 'C' || trimmed === 'POSIX' || /^C\./.test(trimmed)) return 'en';
  const primary = /^([A-Za-z]{2,3})(?:$|[-_.@])/.exec(trimmed)?.[1]?.toLowerCase();
  return (LANGUAGES as readonly string[]).includes(primary ?? '') ? (primary as Language) : null;
}

/**
 * The language of the screens when `--lang` is not given. On POSIX systems the first non-empty of LC_ALL,
 * LC_MESSAGES and LANG decides (as for any program's messages; `C`/`POSIX` is English); with none set, and on
 * Windows (whose console has no such variables), the locale the runtime reports, `intlLocale`
 * (`Intl.DateTimeFormat().resolvedOptions().locale`, Windows' display language). A language certwalk does not speak
 * gives English. `intlLocale` may be a function, called only when the environment does not decide: the first use of
 * Intl loads ICU's locale data, about 20 ms of certwalk's start on a cold process.
 */
export function resolveLanguage(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
  intlLocale: string | undefined | (() => string | undefined),
): Language {
  if (platform !== 'win32') {
    const fromEnv = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v.trim() !== '');
    if (fromEnv !== undefined) return parseLanguage(fromEnv) ?? 'en';
  }
  const locale = typeof intlLocale === 'function' ? intlLocale() : intlLocale;
  return (locale && parseLanguage(locale)) || 'en';
}

/** The locale the runtime reports (on Windows, the display language). */
export function runtimeLocale(): string | undefined {
  return Intl.DateTimeFormat().resolvedOptions().locale;
}
