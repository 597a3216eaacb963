// A command line certwalk cannot act on: reported as `certwalk: MESSAGE` on stderr with exit code 2 (main.tsx).
export class UsageError extends Error {}
