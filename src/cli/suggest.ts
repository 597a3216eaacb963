// "Did you mean …?" for names typed on the command line: options, commands, procedures, --param keys.

/** Levenshtein distance (insert, delete, substitute: 1 each); the names compared here are short. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitute));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate closest to `typed`, compared case-insensitively (`keybits` finds `keyBits`), or undefined when none
 * is close enough to be the likely intent: at most a third of the typed name may differ (one letter in a short
 * name), or the typed name is the start of exactly one candidate (`--trans` for `--transcript-dir`).
 */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  if (!lower) return undefined;
  const limit = Math.max(1, Math.floor(lower.length / 3));
  let best: {name: string; distance: number} | undefined;
  for (const name of candidates) {
    const distance = editDistance(lower, name.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = {name, distance};
  }
  if (best) return best.name;
  const starting = candidates.filter((name) => name.toLowerCase().startsWith(lower));
  return lower.length >= 3 && starting.length === 1 ? starting[0] : undefined;
}
