// What sc.exe prints in each display language, from the real captures in test/fixtures/localized (see
// docs/TOOL-OUTPUT-LOCALIZED.md). In every fr, zh-CN and ko capture the field labels and state words stay English;
// only the `[SC] Api FAILED n:` verb, SUCCESS and the Win32 message are translated. A message no capture shows in
// a language stays English: nothing here is our own translation.
import type {SandboxLocale} from '../locale.ts';

export interface ScText {
  /** `[SC] OpenService FAILED 1060:` in the node's language. */
  failed(api: string, code: number): string;
  success(api: string): string;
  /** The Win32 message of an error code, when a capture shows it in this language. */
  readonly messages: Readonly<Record<number, string>>;
}

const ENGLISH: ScText = {
  failed: (api, code) => `[SC] ${api} FAILED ${code}:`,
  success: (api) => `[SC] ${api} SUCCESS`,
  messages: {
    1056: 'An instance of the service is already running.',
    1060: 'The specified service does not exist as an installed service.',
    1062: 'The service has not been started.',
    1067: 'The process terminated unexpectedly.',
  },
};

const TEXTS: Record<SandboxLocale, ScText> = {
  'en-US': ENGLISH,
  // fr/sc-query-1060-partial.txt: `[SC] EnumQueryServicesStatus:OpenService échec(s) 1060 :`. No French SUCCESS line.
  'fr-FR': {
    failed: (api, code) => `[SC] ${api} échec(s) ${code} :`,
    success: ENGLISH.success,
    messages: {1060: "Le service spécifié n'existe pas en tant que service installé."},
  },
  // zh-CN/sc-*-transcript.txt: `[SC] OpenService 失败 1060:`, `[SC] QueryServiceConfig 成功`, 1056 (partial capture).
  'zh-CN': {
    failed: (api, code) => `[SC] ${api} 失败 ${code}:`,
    success: (api) => `[SC] ${api} 成功`,
    messages: {1056: '服务的实例已在运行中。', 1060: '指定的服务未安装。'},
  },
  // ko/sc-delete-1060-transcript.txt (`[SC] OpenService 실패 1060:`), sc-getkeyname-delete-transcript.txt (`성공`).
  'ko-KR': {
    failed: (api, code) => `[SC] ${api} 실패 ${code}:`,
    success: (api) => `[SC] ${api} 성공`,
    messages: {1060: '지정된 서비스가 설치된 서비스로는 없습니다.'},
  },
};

export function scText(locale: SandboxLocale): ScText {
  return TEXTS[locale];
}

/** The message for `code` in the locale, else the English one (no capture in that language). */
export function scMessage(text: ScText, code: number): string {
  return text.messages[code] ?? ENGLISH.messages[code] ?? `Error ${code}.`;
}
