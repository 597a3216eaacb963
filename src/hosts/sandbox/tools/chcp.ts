// chcp: the console's code page, in the node's language (the number is what certwalk reads: code-page.ts). Each
// simulated command is a console of its own, so `chcp N` changes nothing that lasts; it prints the line for N.
import {nodeLocale, oemCodePage, type SandboxLocale} from '../locale.ts';
import {lines} from './program.ts';
import type {SandboxProgram, ToolContext, ToolResult} from './program.ts';

// Real samples: test/fixtures/localized/{fr,zh-CN,ko}/chcp*.
const LABELS: Record<SandboxLocale, string> = {
  'en-US': 'Active code page:',
  'fr-FR': 'Page de codes active :',
  'zh-CN': '活动代码页:',
  'ko-KR': '활성 코드 페이지:',
};
const UTF8 = 65001;

export const chcp: SandboxProgram = {
  run(context, args) {
    const given = args[0];
    if (given === undefined) return answer(context, oemCodePage(nodeLocale(context.state)));
    // No localized sample of chcp's refusal exists: English.
    if (!/^\d+$/.test(given) || ![UTF8, oemCodePage(nodeLocale(context.state)), 437].includes(Number(given))) return {stdout: '', stderr: lines('Invalid code page'), exitCode: 1};
    return answer(context, Number(given));
  },
  fault() {
    return {stdout: '', stderr: lines('Invalid code page'), exitCode: 1};
  },
};

function answer(context: ToolContext, codePage: number): ToolResult {
  // After `chcp 65001` the Chinese console answered in English (zh-CN/chcp-transcript.txt).
  const label = codePage === UTF8 ? LABELS['en-US'] : LABELS[nodeLocale(context.state)];
  return {stdout: lines(`${label} ${codePage}`), stderr: '', exitCode: 0};
}
