// Dates as tools print them, read back into dates, and every date the plans show written one way: YYYY-MM-DD.
// certutil prints NotBefore/NotAfter in the node's locale and time zone (`2/5/2028 4:13 PM` on an en-US node);
// certwalk's own records are ISO 8601. Cutting either to ten characters gave `2/5/2028 4` for the first.
// A date keeps the calendar day the node printed: the node's time zone is not known here, and converting a wall-clock
// time as if it were UTC could move it to the next or previous day.

/** `M/D/YYYY h:mm[:ss] AM|PM`: the US form. Without AM/PM a slashed date may be D/M (en-GB, fr-FR): not read. */
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP])\.?M\.?$/i;
/** `YYYY-MM-DD`, optionally followed by a time (`T` or a space) and a zone. */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * The date and time `text` names, as a Date whose UTC fields are the ones printed (the node's wall clock, or UTC for
 * an ISO text with Z); null when the form is not one certwalk can read without guessing.
 */
export function parseToolDate(text: string): Date | null {
  const value = text.trim();
  const us = US.exec(value);
  if (us) {
    const [, month, day, year, hour, minute, second, half] = us;
    const h = Number(hour);
    if (h < 1 || h > 12) return null;
    const h24 = (h % 12) + (half!.toUpperCase() === 'P' ? 12 : 0);
    return checked(Number(year), Number(month), Number(day), h24, Number(minute), Number(second ?? 0));
  }
  const iso = ISO.exec(value);
  if (iso) {
    const [, year, month, day, hour, minute, second] = iso;
    // The calendar day is the one written; a zone other than Z only moves the time, which no plan line shows.
    return checked(Number(year), Number(month), Number(day), Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0));
  }
  return null;
}

/** A Date built from fields, or null when they name no real moment (2/30, 13:00 PM): Date.UTC would roll them over. */
function checked(year: number, month: number, day: number, hour: number, minute: number, second: number): Date | null {
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const same = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && date.getUTCHours() === hour && date.getUTCMinutes() === minute;
  return same && second < 60 ? date : null;
}

/** `YYYY-MM-DD` of a Date's UTC fields. */
export function formatDay(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(date.getUTCFullYear()).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}`;
}

/** The day `text` names as `YYYY-MM-DD`, or `text` untouched when it cannot be read: better whole than cut. */
export function toolDay(text: string): string {
  const date = parseToolDate(text);
  return date ? formatDay(date) : text;
}

/** The earliest and latest of dates as tools printed them, each as `toolDay` shows it; unreadable ones come last. */
export function dayRange(texts: readonly string[]): {first: string; last: string} | null {
  if (!texts.length) return null;
  const sorted = texts.map((text) => ({text, time: parseToolDate(text)?.getTime() ?? Number.POSITIVE_INFINITY})).sort((a, b) => a.time - b.time || a.text.localeCompare(b.text));
  return {first: toolDay(sorted[0]!.text), last: toolDay(sorted.at(-1)!.text)};
}
