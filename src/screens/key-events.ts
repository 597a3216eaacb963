// Turns what the terminal sends into key events, one per key. Over RDP and ssh several keys arrive in one chunk
// (auto-repeat, a burst after a stall, `tmux send-keys Down Down Down`), and a paste arrives as one run of text: Ink's
// useInput hands such a run to one handler call as a single "input" ("jjj", or ten DELs), which no key binding
// matches. Here every key of a chunk is its own event, and a bracketed paste (the terminal wraps pasted text in
// ESC[200~ … ESC[201~ once the app asks for it) is one paste event, so a text field takes it whole and no pasted
// letter is read as a command.

/** The keys the screens tell apart. Field names follow Ink's `Key`, which the key table was written against. */
export interface KeyFlags {
  upArrow: boolean;
  downArrow: boolean;
  leftArrow: boolean;
  rightArrow: boolean;
  pageUp: boolean;
  pageDown: boolean;
  home: boolean;
  end: boolean;
  return: boolean;
  escape: boolean;
  tab: boolean;
  backspace: boolean;
  delete: boolean;
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
  /** `input` is text the user pasted (bracketed paste): all of it, line breaks included. */
  paste: boolean;
}

export interface KeyEvent {
  /** The character typed (the letter for Ctrl+letter), the pasted text, or '' for a named key. */
  readonly input: string;
  readonly key: Readonly<KeyFlags>;
}

const NO_FLAGS: KeyFlags = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageUp: false,
  pageDown: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  tab: false,
  backspace: false,
  delete: false,
  ctrl: false,
  meta: false,
  shift: false,
  paste: false,
};

function event(input: string, flags: Partial<KeyFlags> = {}): KeyEvent {
  return {input, key: {...NO_FLAGS, ...flags}};
}

const ESC = '\u001B';
export const PASTE_START = `${ESC}[200~`;
export const PASTE_END = `${ESC}[201~`;
/** Asks the terminal to bracket pastes (xterm, tmux, Windows Terminal, PuTTY…); consoles that do not know it ignore it. */
export const BRACKETED_PASTE_ON = `${ESC}[?2004h`;
export const BRACKETED_PASTE_OFF = `${ESC}[?2004l`;

/** CSI/SS3 final bytes and `~` codes of the keys certwalk uses; other sequences (F-keys, focus reports) are dropped. */
const BY_FINAL: Readonly<Record<string, Partial<KeyFlags>>> = {
  A: {upArrow: true},
  B: {downArrow: true},
  C: {rightArrow: true},
  D: {leftArrow: true},
  H: {home: true},
  F: {end: true},
  Z: {tab: true, shift: true},
};
const BY_TILDE_CODE: Readonly<Record<string, Partial<KeyFlags>>> = {
  '1': {home: true},
  '7': {home: true},
  '4': {end: true},
  '8': {end: true},
  '3': {delete: true},
  '5': {pageUp: true},
  '6': {pageDown: true},
};

/** xterm's modifier parameter (`ESC[1;5A` is Ctrl+Up): 1 + Shift 1, Alt 2, Ctrl 4. */
function modifiers(parameter: string | undefined): Partial<KeyFlags> {
  const n = Number(parameter ?? '1') - 1;
  if (!Number.isInteger(n) || n <= 0) return {};
  return {...(n & 1 ? {shift: true} : {}), ...(n & 2 ? {meta: true} : {}), ...(n & 4 ? {ctrl: true} : {})};
}

/** One control sequence starting at `at` (an ESC): its length and the key it is, or null for a key nobody binds. */
function controlSequence(text: string, at: number): {length: number; key: KeyEvent | null} {
  const kind = text[at + 1];
  if (kind === '[' || kind === 'O') {
    let end = at + 2;
    // PuTTY sends ESC[[A for F1…: one extra '[' right after the introducer belongs to the sequence.
    if (kind === '[' && text[end] === '[') end++;
    while (end < text.length && /[0-9;?<=>$]/.test(text[end]!)) end++;
    if (end >= text.length) return {length: text.length - at, key: null};
    const final = text[end]!;
    const body = text.slice(at + 2, end);
    const length = end + 1 - at;
    if (kind === '[' && text[at + 2] === '[') return {length, key: null};
    const params = body.split(';');
    if (final === '~') {
      const flags = BY_TILDE_CODE[params[0] ?? ''];
      return {length, key: flags ? event('', {...flags, ...modifiers(params[1])}) : null};
    }
    const flags = BY_FINAL[final];
    return {length, key: flags ? event('', {...flags, ...modifiers(params[1])}) : null};
  }
  // ESC followed by a character: Alt/Meta+character (or Esc pressed just before a key: either way not the letter's command).
  if (kind !== undefined) {
    const char = String.fromCodePoint(text.codePointAt(at + 1)!);
    if (char === ESC) return {length: 1, key: event('', {escape: true})};
    return {length: 1 + char.length, key: event(char, {meta: true})};
  }
  return {length: 1, key: event('', {escape: true})};
}

/** One character typed: Enter, Tab, Backspace and Ctrl+letter have names; anything else is its text. */
function character(char: string): KeyEvent {
  // A key typed before certwalk switched the terminal to raw mode arrives cooked: Enter as LF (ICRNL).
  if (char === '\r' || char === '\n') return event('', {return: true});
  if (char === '\t') return event('', {tab: true});
  // DEL (what the Backspace key sends on most terminals) and BS (Ctrl-H, and Backspace on some consoles).
  if (char === '\u007F' || char === '\b') return event('', {backspace: true});
  const code = char.codePointAt(0)!;
  if (code >= 1 && code <= 26) return event(String.fromCharCode(code + 96), {ctrl: true});
  return event(char, /^[A-Z]$/.test(char) ? {shift: true} : {});
}

export interface KeyDecoder {
  /** The key events in `text` (a chunk from the terminal or a part of one); a paste may span several pushes. */
  push(text: string): KeyEvent[];
}

export function createKeyDecoder(): KeyDecoder {
  let pasting: string | null = null;
  return {
    push(text) {
      const events: KeyEvent[] = [];
      let at = 0;
      while (at < text.length) {
        if (pasting !== null) {
          const end = text.indexOf(PASTE_END, at);
          if (end === -1) {
            pasting += text.slice(at);
            break;
          }
          pasting += text.slice(at, end);
          events.push(event(pasting, {paste: true}));
          pasting = null;
          at = end + PASTE_END.length;
          continue;
        }
        if (text.startsWith(PASTE_START, at)) {
          pasting = '';
          at += PASTE_START.length;
          continue;
        }
        if (text[at] === ESC) {
          const sequence = controlSequence(text, at);
          if (sequence.key) events.push(sequence.key);
          at += sequence.length;
          continue;
        }
        const char = String.fromCodePoint(text.codePointAt(at)!);
        events.push(character(char));
        at += char.length;
      }
      return events;
    },
  };
}
