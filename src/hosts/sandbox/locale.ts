// The display language of a simulated node and the OEM code page its console programs write in. A node's state
// names its locale (`NodeState.locale`, set by `sandbox init --locale`); a state without one, as every sandbox made
// before locales existed, is a US English node.
import type {NodeState} from './state.ts';

export const SANDBOX_LOCALES = ['en-US', 'fr-FR', 'zh-CN', 'ko-KR'] as const;
export type SandboxLocale = (typeof SANDBOX_LOCALES)[number];
export const DEFAULT_LOCALE: SandboxLocale = 'en-US';

/** What `chcp` answers on a Windows of that language: 437 US, 850 Western Europe, 936 GBK, 949 Korean. */
const OEM_CODE_PAGES: Record<SandboxLocale, number> = {'en-US': 437, 'fr-FR': 850, 'zh-CN': 936, 'ko-KR': 949};

export function isSandboxLocale(value: string): value is SandboxLocale {
  return (SANDBOX_LOCALES as readonly string[]).includes(value);
}

export function nodeLocale(state: Pick<NodeState, 'locale'>): SandboxLocale {
  const locale = state.locale;
  return locale !== undefined && isSandboxLocale(locale) ? locale : DEFAULT_LOCALE;
}

export function oemCodePage(locale: SandboxLocale): number {
  return OEM_CODE_PAGES[locale];
}
