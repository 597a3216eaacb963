// Small helpers shared by the step builders.
export function sameThumbprint(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && a.toUpperCase() === b.toUpperCase();
}

/** `1A2B3C4D…9F0E`: enough to tell certificates apart in a sentence; panels show the full value. */
export function shortThumb(thumbprint: string): string {
  const t = thumbprint.toUpperCase();
  return t.length > 16 ? `${t.slice(0, 8)}…${t.slice(-4)}` : t;
}
