// How a simulated command starts: `node dist/sandbox-tool.js PROGRAM ARGS…` (next to the running bundle, else in the
// certwalk package's dist/ when running from source under tsx) unless CERTWALK_SANDBOX_TOOL names the tool; a
// bundle copied alone (the portable build) runs itself as the tool: `node certwalk.js --sandbox-tool PROGRAM ARGS…`.
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const TOOL_FILE = 'sandbox-tool.js';

/** The flag that makes the app's bundle act as the sandbox tool (handled first thing in src/cli/main.tsx). */
export const SANDBOX_TOOL_FLAG = '--sandbox-tool';

// Where the tool was found: looked for once per process (it walks up to package.json), not once per command.
let located: readonly string[] | undefined;

/** The script (and flag) `node` runs for one simulated command, before the program name. */
export function sandboxToolArgs(): readonly string[] {
  const fromEnv = process.env['CERTWALK_SANDBOX_TOOL'];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CERTWALK_SANDBOX_TOOL points to ${fromEnv}, which does not exist`);
    return [fromEnv];
  }
  located ??= locate();
  return located;
}

function locate(): readonly string[] {
  const self = fileURLToPath(import.meta.url);
  const here = dirname(self);
  const candidates = [join(here, TOOL_FILE)];
  const root = packageRoot(here);
  if (root) candidates.push(join(root, 'dist', TOOL_FILE));
  const found = candidates.find((path) => existsSync(path));
  if (found) return [found];
  // Bundled, this module is the app's bundle itself: it carries the tool.
  if (/\.m?js$/.test(self)) return [self, SANDBOX_TOOL_FLAG];
  throw new Error(`the sandbox tool is missing (looked for ${candidates.join(', ')}); run \`npm run build\``);
}

function packageRoot(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as {name?: string}).name === 'certwalk') return dir;
      } catch {
        // an unreadable package.json is not ours; keep walking up
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}
