// `sandbox-tool <program> [args…]` behaves like that Windows program on the node named by CERTWALK_SANDBOX_NODE in
// the sandbox CERTWALK_SANDBOX_DIR. Run as dist/sandbox-tool.js (tool-entry.ts), or as `certwalk.js --sandbox-tool`
// when the app's bundle was copied alone (the portable build).
import {runSandboxCommand} from './dispatch.ts';

/** Runs one simulated command with process I/O; sets process.exitCode. */
export async function sandboxToolMain(argv: readonly string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (error) {
    process.stderr.write(`certwalk sandbox tool: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const dir = process.env['CERTWALK_SANDBOX_DIR'];
  const node = process.env['CERTWALK_SANDBOX_NODE'];
  const [program, ...args] = argv;
  if (!dir || !node) {
    process.stderr.write('certwalk sandbox tool: CERTWALK_SANDBOX_DIR and CERTWALK_SANDBOX_NODE must be set\n');
    return 1;
  }
  if (!program) {
    process.stderr.write('usage: sandbox-tool <program> [arguments...]\n');
    return 1;
  }
  const stdin = process.env['CERTWALK_SANDBOX_STDIN'] === '1' ? await readStdin() : undefined;
  const result = await runSandboxCommand({dir, node, program, args, envFaults: process.env['CERTWALK_SANDBOX_FAULT'], ...(stdin === undefined ? {} : {stdin})});
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.exitCode;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
