// Bundles the sandbox's simulated Windows programs from this checkout into `work` and points SandboxFleet at them,
// so sandbox tests exercise the current source even when dist/ is stale.
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function useFreshSandboxTool(work: string): Promise<string> {
  const tool = join(work, 'sandbox-tool.js');
  await build({
    absWorkingDir: root,
    entryPoints: ['src/hosts/sandbox/tool-entry.ts'],
    outfile: tool,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    logLevel: 'error',
    banner: {js: "import {createRequire as __r} from 'node:module'; const require = __r(import.meta.url);"},
  });
  process.env['CERTWALK_SANDBOX_TOOL'] = tool;
  return tool;
}
