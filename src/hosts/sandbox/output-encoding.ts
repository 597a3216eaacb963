// What a simulated console program writes: its text as bytes of its console's code page (dispatch.ts says which).
import {UTF8_CODE_PAGE} from '../code-page.ts';
import {codePageEncoding} from '../output-decoder.ts';

/**
 * ASCII is the same bytes in UTF-8 and in every OEM code page a sandbox node uses (437, 850, 936, 949), and most
 * output is ASCII: iconv-lite (tens of milliseconds to load its tables) loads only for text that is not, so a
 * simulated command on an English node starts as fast as before.
 */
export async function encodeOutput(text: string, codePage: number = UTF8_CODE_PAGE): Promise<Buffer> {
  if (codePage === UTF8_CODE_PAGE || /^[\x00-\x7f]*$/.test(text)) return Buffer.from(text, 'utf8');
  const iconv = (await import('iconv-lite')).default;
  return iconv.encode(text, codePageEncoding(codePage));
}
