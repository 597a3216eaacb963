// Bytes a program printed, to text, in the code page its node's console uses. Node's TextDecoder (full ICU) knows
// GBK and EUC-KR but not the DOS code pages 850 and 437 that French and US English consoles write in, so the
// non-UTF-8 code pages go through iconv-lite: its decoders keep a multi-byte character cut between two chunks for the
// next one, as StringDecoder does for UTF-8. It is loaded only for a node whose code page is not UTF-8.
import {StringDecoder} from 'node:string_decoder';
import {UTF8_CODE_PAGE} from './code-page.ts';

export interface OutputDecoder {
  write(chunk: Buffer): string;
  end(): string;
}

/** iconv-lite's name for a Windows code page (`cp850`, `cp936`, `cp949`); the caller's error names an unknown one. */
export function codePageEncoding(codePage: number): string {
  return codePage === UTF8_CODE_PAGE ? 'utf8' : `cp${codePage}`;
}

export async function outputDecoder(codePage: number = UTF8_CODE_PAGE): Promise<OutputDecoder> {
  if (codePage === UTF8_CODE_PAGE) return utf8Decoder();
  const iconv = (await import('iconv-lite')).default;
  const encoding = codePageEncoding(codePage);
  if (!iconv.encodingExists(encoding)) throw new Error(`code page ${codePage} is not one certwalk can decode`);
  const decoder = iconv.getDecoder(encoding);
  return {write: (chunk) => decoder.write(chunk), end: () => decoder.end() ?? ''};
}

/**
 * UTF-8, less a byte order mark at the start: Windows PowerShell told to write UTF-8 ([Console]::OutputEncoding =
 * [Text.Encoding]::UTF8, whose preamble is a BOM) may start its redirected output with one [unconfirmed].
 */
function utf8Decoder(): OutputDecoder {
  const decoder = new StringDecoder('utf8');
  let started = false;
  const strip = (text: string) => {
    if (started || !text) return text;
    started = true;
    return text.startsWith('\uFEFF') ? text.slice(1) : text;
  };
  return {write: (chunk) => strip(decoder.write(chunk)), end: () => strip(decoder.end())};
}
