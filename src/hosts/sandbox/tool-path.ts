// Where dist/sandbox-tool.js is: next to the running bundle (dist/certwalk.js), else in the certwalk package's dist/
// (running from source under tsx), unless CERTWALK_SANDBOX_TOOL names it.
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const TOOL_FILE = 'sandbox-tool.js';

export function sandboxToolPath(): string {
  const fromEnv = process.env['CERTWALK_SANDBOX_TOOL'];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CERTWALK_SANDBOX_TOOL points to ${fromEnv}, which does not exist`);
    return fromEnv;
  }
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, TOOL_FILE)];
  const root = packageRoot(here);
  if (root) candidates.push(join(root, 'dist', TOOL_FILE));
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`the sandbox tool is missing (looked for ${candidates.join(', ')}); run \`npm run build\``);
  return found;
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
