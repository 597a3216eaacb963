// This Windows machine: programs run through execa with argument arrays, files through node:fs.
import {existsSync} from 'node:fs';
import {mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import {dirname} from 'node:path';
import {CodePageCache, outputCodePage} from '../code-page.ts';
import {createFileExclusive} from '../create-exclusive.ts';
import type {Host, NodeInfo, RunOptions, RunResult} from '../host.ts';
import {runProcess} from '../process.ts';
import {resolveCommand, resolveProgram} from './resolve-program.ts';

export class LocalHost implements Host {
  readonly kind = 'local' as const;
  readonly tempDir: string;
  // chcp.com prints this console's code page, which the programs certwalk starts inherit. Its label may be in
  // another code page than UTF-8, but the number is ASCII in all of them.
  readonly #codePage: CodePageCache;

  constructor(
    readonly node: NodeInfo,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.tempDir = `${env.SystemRoot ?? 'C:\\Windows'}\\Temp`;
    this.#codePage = new CodePageCache(node.name, () => runProcess(resolveProgram('chcp', env), []));
  }

  async run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult> {
    const {file, prefixArgs} = resolveCommand(command, this.env);
    return runProcess(file, [...prefixArgs, ...args], {...options, codePage: await outputCodePage(command, args, this.#codePage)});
  }

  readFile(path: string): Promise<Buffer> {
    return readFile(path);
  }

  async writeFile(path: string, data: Buffer): Promise<void> {
    await mkdir(dirname(path), {recursive: true});
    await writeFile(path, data);
  }

  createFileExclusive(path: string, data: Buffer): Promise<boolean> {
    return createFileExclusive({node: this.node.name, path, local: (p) => p}, data);
  }

  async removeFile(path: string): Promise<void> {
    await rm(path, {force: true});
  }

  async fileExists(path: string): Promise<boolean> {
    return existsSync(path);
  }
}
