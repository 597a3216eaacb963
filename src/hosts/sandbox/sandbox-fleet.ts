// The sandbox as a Fleet. Commands reach the simulated tools through runProcess (execa), the same path production
// commands take, so the code under test is the code that ships. `inProcess` runs the same simulated tools inside
// this process instead: for test sweeps that run a procedure hundreds of times (each simulated command otherwise
// starts a Node process), never the default.
import {existsSync} from 'node:fs';
import {mkdir, readFile, rm} from 'node:fs/promises';
import {dirname, resolve} from 'node:path';
import {CodePageCache, outputCodePage, UTF8_CODE_PAGE} from '../code-page.ts';
import {createFileExclusive} from '../create-exclusive.ts';
import type {Fleet, Host, NodeInfo, RunOptions, RunResult} from '../host.ts';
import {runProcess} from '../process.ts';
import {writeFileAtomic} from './atomic-write.ts';
import {sandboxFleetId} from './fleet-id.ts';
import {findNode, readManifest, sandboxPaths} from './state.ts';
import {sandboxToolArgs} from './tool-path.ts';
import {windowsPathToSandbox} from './windows-path.ts';

/** Below normal (nice 10): see SandboxHost.run. */
export const SIMULATED_COMMAND_PRIORITY = 10;

export class SandboxFleet implements Fleet {
  readonly kind = 'sandbox' as const;
  readonly description: string;
  readonly location: string;
  readonly dir: string;
  readonly #inProcess: boolean;
  #identity: Promise<string> | null = null;
  /** Each node's console code page, asked once for every host of it this fleet hands out. */
  readonly #codePages = new Map<string, CodePageCache>();

  constructor(dir: string, options: {readonly inProcess?: boolean} = {}) {
    this.dir = resolve(dir);
    this.#inProcess = options.inProcess ?? false;
    this.description = `sandbox ${this.dir}`;
    this.location = this.dir;
  }

  identity(): Promise<string> {
    // Read once per process: the id never changes once written.
    this.#identity ??= sandboxFleetId(this.dir);
    return this.#identity;
  }

  async nodes(): Promise<readonly NodeInfo[]> {
    return (await readManifest(this.dir)).nodes;
  }

  async host(nodeName: string): Promise<Host> {
    const node = findNode(await readManifest(this.dir), nodeName);
    const host = new SandboxHost(this.dir, node, this.#inProcess, this.#codePages.get(node.name));
    this.#codePages.set(node.name, host.codePage);
    return host;
  }
}

class SandboxHost implements Host {
  readonly kind = 'sandbox' as const;
  readonly tempDir = 'C:\\Windows\\Temp';
  readonly #dir: string;
  readonly #nodeDir: string;
  readonly #inProcess: boolean;
  readonly node: NodeInfo;
  /** The node's code page, asked with the sandbox's `chcp` as a real node's is (code-page.ts). */
  readonly codePage: CodePageCache;

  constructor(dir: string, node: NodeInfo, inProcess: boolean, codePage?: CodePageCache) {
    this.#dir = dir;
    this.node = node;
    this.#inProcess = inProcess;
    this.#nodeDir = sandboxPaths.nodeDir(dir, node.name);
    this.codePage = codePage ?? new CodePageCache(node.name, () => this.#runTool('chcp', [], {}, UTF8_CODE_PAGE));
  }

  async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    // In process, the tools hand over text: there are no bytes to decode.
    if (this.#inProcess) return this.#runInProcess(command, args, options);
    return this.#runTool(command, args, options, await outputCodePage(command, args, this.codePage));
  }

  #runTool(command: string, args: readonly string[], options: RunOptions, codePage: number): Promise<RunResult> {
    return runProcess(process.execPath, [...sandboxToolArgs(), command, ...args], {
      // The flag tells the tool to read stdin: without it, it must not wait on a stdin nobody writes to.
      env: {CERTWALK_SANDBOX_DIR: this.#dir, CERTWALK_SANDBOX_NODE: this.node.name, ...(options.input === undefined ? {} : {CERTWALK_SANDBOX_STDIN: '1'})},
      codePage,
      onLine: options.onLine,
      signal: options.signal,
      ...(options.input === undefined ? {} : {input: options.input}),
      // A simulated command is a CPU-bound Node process doing what a server would do elsewhere: sixteen of them at
      // once must not take the CPU from certwalk (its keys, its frames, starting the next command).
      priority: SIMULATED_COMMAND_PRIORITY,
    });
  }

  async #runInProcess(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
    const started = performance.now();
    const {runSandboxCommand} = await import('./dispatch.ts');
    const envFaults = process.env['CERTWALK_SANDBOX_FAULT'];
    const result = await runSandboxCommand({
      dir: this.#dir,
      node: this.node.name,
      program: command,
      args,
      ...(envFaults === undefined ? {} : {envFaults}),
      ...(options.input === undefined ? {} : {stdin: options.input}),
    });
    if (options.onLine) {
      for (const stream of ['stdout', 'stderr'] as const) {
        const text = result[stream].replace(/\r?\n$/, '');
        if (text) for (const line of text.split(/\r?\n/)) options.onLine(line, stream);
      }
    }
    return {...result, durationMs: Math.round(performance.now() - started)};
  }

  async readFile(path: string): Promise<Buffer> {
    try {
      return await readFile(this.#local(path));
    } catch (error) {
      throw this.#explain(error, path);
    }
  }

  async writeFile(path: string, data: Buffer): Promise<void> {
    const local = this.#local(path);
    await mkdir(dirname(local), {recursive: true});
    await writeFileAtomic(local, data);
  }

  createFileExclusive(path: string, data: Buffer): Promise<boolean> {
    return createFileExclusive({node: this.node.name, path, local: (p) => this.#local(p)}, data);
  }

  async removeFile(path: string): Promise<void> {
    try {
      await rm(this.#local(path));
    } catch (error) {
      throw this.#explain(error, path);
    }
  }

  async fileExists(path: string): Promise<boolean> {
    return existsSync(this.#local(path));
  }

  #local(path: string): string {
    return windowsPathToSandbox(this.#nodeDir, path);
  }

  #explain(error: unknown, path: string): Error {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return error as Error;
    return Object.assign(new Error(`${path}: no such file on ${this.node.name}`), {code});
  }
}
