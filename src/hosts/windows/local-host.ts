// This Windows machine: programs run through execa with argument arrays, files through node:fs.
import {existsSync} from 'node:fs';
import {mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import {dirname} from 'node:path';
import {createFileExclusive} from '../create-exclusive.ts';
import type {Host, NodeInfo, RunOptions, RunResult} from '../host.ts';
import {runProcess} from '../process.ts';
import {resolveCommand} from './resolve-program.ts';

export class LocalHost implements Host {
  readonly kind = 'local' as const;
  readonly tempDir: string;

  constructor(
    readonly node: NodeInfo,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.tempDir = `${env.SystemRoot ?? 'C:\\Windows'}\\Temp`;
  }

  run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult> {
    const {file, prefixArgs} = resolveCommand(command, this.env);
    return runProcess(file, [...prefixArgs, ...args], options ?? {});
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
