// Maps a node's Windows paths onto the sandbox directory. Windows paths are case-insensitive, Linux ones are not, so
// each segment is matched against what already exists (the first writer's spelling wins, as on NTFS).
import {readdirSync} from 'node:fs';
import {join} from 'node:path';

/** `C:\Program Files\x` → `<nodeDir>/fs/C/Program Files/x`. Throws on relative, UNC or `..` paths. */
export function windowsPathToSandbox(nodeDir: string, winPath: string): string {
  const match = /^([A-Za-z]):[\\/](.*)$/.exec(winPath.trim());
  if (!match) throw new Error(`not an absolute Windows path with a drive letter: ${JSON.stringify(winPath)}`);
  const segments = match[2]!.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) throw new Error(`'..' is not allowed in a sandbox path: ${winPath}`);
  let current = join(nodeDir, 'fs', match[1]!.toUpperCase());
  for (const segment of segments) current = join(current, existingSpelling(current, segment) ?? segment);
  return current;
}

/** The inverse, for listing: `fs/C/Program Files/x` relative parts → `C:\Program Files\x`. */
export function sandboxRelativeToWindows(relativeToFs: string): string {
  const [drive, ...rest] = relativeToFs.split(/[\\/]+/);
  return `${drive}:\\${rest.join('\\')}`;
}

function existingSpelling(dir: string, segment: string): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return undefined; // the parent does not exist yet: keep the caller's spelling
  }
  if (entries.includes(segment)) return segment;
  const wanted = segment.toLowerCase();
  return entries.find((entry) => entry.toLowerCase() === wanted);
}
