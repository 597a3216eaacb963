// A Windows node's console code page: what its console programs write in when their output is redirected (850 on a
// French server, 936 (GBK) Chinese, 949 Korean, 437 US English; 65001 is UTF-8). `chcp` tells it; its label is
// translated (`Page de codes active : 850`, `活动代码页: 936`, `활성 코드 페이지: 949`, test/fixtures/localized/*/chcp*)
// but the number is always last on the line.
import {encodedScriptOf, setsUtf8Output} from '../ops/powershell.ts';

export const UTF8_CODE_PAGE = 65001;

/** The code page `chcp` printed, or null when its output holds no number. */
export function parseChcp(output: string): number | null {
  const numbers = output.match(/\d+/g);
  return numbers ? Number(numbers.at(-1)) : null;
}

/**
 * Asks a node's code page once and keeps the answer: the code page of a node does not change while certwalk runs,
 * and a second `chcp` before every command would double their number. A failed or unreadable answer is not kept,
 * so the next command asks again.
 */
export class CodePageCache {
  #answer: Promise<number> | null = null;

  constructor(
    private readonly node: string,
    private readonly ask: () => Promise<{readonly exitCode: number; readonly stdout: string; readonly stderr: string}>,
  ) {}

  get(): Promise<number> {
    this.#answer ??= this.#learn().catch((error: unknown) => {
      this.#answer = null;
      throw error;
    });
    return this.#answer;
  }

  async #learn(): Promise<number> {
    const result = await this.ask();
    const codePage = result.exitCode === 0 ? parseChcp(result.stdout) : null;
    if (codePage === null) {
      const said = (result.stdout + result.stderr).trim().split(/\r?\n/)[0] ?? '';
      throw new Error(`${this.node}: could not learn the console code page (chcp exited ${result.exitCode}: ${JSON.stringify(said)}); its programs' output cannot be decoded`);
    }
    return codePage;
  }
}

/**
 * The code page a command's output arrives in: UTF-8 for a PowerShell script that says so (every script certwalk
 * writes: src/ops/powershell.ts), else the node's console code page, asked only when needed.
 */
export async function outputCodePage(command: string, args: readonly string[], node: CodePageCache): Promise<number> {
  if (/^(powershell|pwsh)(\.exe)?$/i.test(command)) {
    const script = encodedScriptOf(args);
    if (script !== null && setsUtf8Output(script)) return UTF8_CODE_PAGE;
  }
  return node.get();
}
