// `sandbox-tool <program> [args…]` behaves like that Windows program on the node named by CERTWALK_SANDBOX_NODE in
// the sandbox CERTWALK_SANDBOX_DIR. Run as dist/sandbox-tool.js (tool-entry.ts), or as `certwalk.js --sandbox-tool`
// when the app's bundle was copied alone (the portable build).
import {runSandboxCommand} from './dispatch.ts';
import {encodeOutput} from './output-encoding.ts';

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
  // A console program writes bytes in its console's code page, not UTF-8 (certwalk decodes them: output-decoder.ts).
  const encode = (text: string) => encodeOutput(text, result.codePage);
  if (result.linesPerSecond) await writePaced(result.stdout, result.linesPerSecond, encode);
  else process.stdout.write(await encode(result.stdout));
  process.stderr.write(await encode(result.stderr));
  return result.exitCode;
}

/** A streaming command: `perSecond` lines a second, in twenty batches a second. */
async function writePaced(text: string, perSecond: number, encode: (text: string) => Promise<Buffer>): Promise<void> {
  const lines = text.split(/(?<=\n)/);
  const batch = Math.max(1, Math.ceil(perSecond / 20));
  const started = performance.now();
  for (let i = 0; i < lines.length; i += batch) {
    const bytes = await encode(lines.slice(i, i + batch).join(''));
    await new Promise<void>((resolve) => process.stdout.write(bytes, () => resolve()));
    const due = started + ((i + batch) / perSecond) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
