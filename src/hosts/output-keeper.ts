// What certwalk keeps in memory of one output stream. A tool's result is read from its output, and the outputs
// certwalk parses are kilobytes; but a command can print without end (a dump, a loop), and each line of it already
// went to the transcript. Past HEAD + TAIL characters only the first and the last lines are kept: the start holds a
// listing's header, the end the tool's error message and exit summary.

export const KEEP_HEAD = 1024 * 1024;
export const KEEP_TAIL = 1024 * 1024;

export interface KeptOutput {
  readonly text: string;
  /** Characters left out between the head and the tail (0 when all was kept). */
  readonly dropped: number;
}

export class OutputKeeper {
  #head = '';
  #tail: string[] = [];
  #tailLength = 0;
  #dropped = 0;
  /** Whether what was left out so far ends a line (the tail then starts with a whole one). */
  #droppedEndsLine = true;

  constructor(
    private readonly head = KEEP_HEAD,
    private readonly tail = KEEP_TAIL,
  ) {}

  add(text: string): void {
    if (this.#head.length < this.head) {
      const room = this.head - this.#head.length;
      this.#head += text.slice(0, room);
      text = text.slice(room);
    }
    if (!text) return;
    this.#tail.push(text);
    this.#tailLength += text.length;
    // Whole chunks leave the front while the rest still fills the tail; the last cut is made once, in result().
    while (this.#tail.length > 1 && this.#tailLength - this.#tail[0]!.length >= this.tail) {
      const gone = this.#tail.shift()!;
      this.#tailLength -= gone.length;
      this.#dropped += gone.length;
      this.#droppedEndsLine = gone.endsWith('\n');
    }
  }

  result(): KeptOutput {
    let tail = this.#tail.join('');
    let dropped = this.#dropped;
    let droppedEndsLine = this.#droppedEndsLine;
    if (tail.length > this.tail) {
      const cut = tail.length - this.tail;
      dropped += cut;
      droppedEndsLine = tail[cut - 1] === '\n';
      tail = tail.slice(cut);
    }
    if (dropped === 0) return {text: this.#head + tail, dropped: 0};
    // Whole lines on both sides of the gap: a line cut in two would read as another line.
    let head = this.#head;
    const headCut = head.lastIndexOf('\n') + 1;
    dropped += head.length - headCut;
    head = head.slice(0, headCut);
    const tailCut = droppedEndsLine ? 0 : tail.indexOf('\n') + 1;
    dropped += tailCut;
    tail = tail.slice(tailCut);
    return {text: `${head}[certwalk: ${dropped} characters of output not kept in memory here; the transcript has every line]\n${tail}`, dropped};
  }
}
