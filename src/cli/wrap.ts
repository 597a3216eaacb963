// Word wrapping for help and usage errors: terminals are assumed 80 columns wide, and a word is never split (a word
// longer than the line stays whole on a line of its own rather than being cut).

export const COLUMNS = 80;

/**
 * `text` as lines of at most `width` characters, the first starting with `first` and the others with `rest` (the
 * indents count towards the width).
 */
export function wrap(text: string, first: string, rest: string, width = COLUMNS): string[] {
  return wrapWords(text.split(/\s+/).filter(Boolean), first, rest, width);
}

/** The same for words that must stay whole even when they hold spaces: `--sandbox DIR`, `[--journal FILE]`. */
export function wrapWords(words: readonly string[], first: string, rest: string, width = COLUMNS): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of words) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}
