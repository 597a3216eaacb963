// Text helpers for views: fit to a width by display cells, shorten thumbprints, durations.
import stringWidth from 'string-width';

export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  if (stringWidth(text) <= width) return text;
  let out = '';
  for (const ch of text) {
    if (stringWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

export function pad(text: string, width: number): string {
  const fitted = fit(text, width);
  return fitted + ' '.repeat(Math.max(0, width - stringWidth(fitted)));
}

/** Full thumbprint when it fits, else head…tail so two certificates stay distinguishable. */
export function thumb(value: string | null, width: number): string {
  if (value === null) return '(none)';
  if (value.length <= width) return value;
  if (width < 10) return fit(value, width);
  const tail = 4;
  return `${value.slice(0, width - tail - 1)}…${value.slice(-tail)}`;
}

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}
