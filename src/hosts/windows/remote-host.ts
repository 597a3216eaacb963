// Another Windows node reached with PowerShell remoting (Invoke-Command) from this machine's powershell.exe.
import type {Host, NodeInfo, RunOptions, RunResult} from '../host.ts';
import {runProcess} from '../process.ts';
import {powershellArgs} from '../../ops/powershell.ts';
import {remoteCreateScript, remoteExistsScript, remoteReadScript, remoteRemoveScript, remoteRunScript, remoteWriteScript} from './remote-scripts.ts';
import {resolveProgram} from './resolve-program.ts';

export interface Credential {
  readonly user: string;
  /** Held in memory only; handed to PowerShell on standard input. */
  readonly password: string;
}

export class RemoteHost implements Host {
  readonly kind = 'remote' as const;
  readonly tempDir = 'C:\\Windows\\Temp';

  constructor(
    readonly node: NodeInfo,
    private readonly credential: Credential | null = null,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The computer name Invoke-Command connects to. */
  get computer(): string {
    return this.node.fqdn || this.node.machineName;
  }

  run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult> {
    const withInput = options?.input !== undefined;
    return this.#powershell(remoteRunScript(this.computer, command, args, this.credential !== null, withInput), options);
  }

  async readFile(path: string): Promise<Buffer> {
    const result = await this.#checked(remoteReadScript(this.computer, path, this.credential !== null), `read ${path}`);
    return Buffer.from(result.stdout.trim(), 'base64');
  }

  async writeFile(path: string, data: Buffer): Promise<void> {
    await this.#checked(remoteWriteScript(this.computer, path, this.credential !== null), `write ${path}`, `${data.toString('base64')}\n`);
  }

  async createFileExclusive(path: string, data: Buffer): Promise<boolean> {
    const result = await this.#checked(remoteCreateScript(this.computer, path, this.credential !== null), `create ${path}`, `${data.toString('base64')}\n`);
    const answer = result.stdout.trim().split(/\r?\n/).at(-1);
    if (answer === 'created') return true;
    if (answer === 'exists') return false;
    throw new Error(`${this.computer}: could not create ${path}: unexpected answer ${JSON.stringify(result.stdout.trim())}`);
  }

  async removeFile(path: string): Promise<void> {
    await this.#checked(remoteRemoveScript(this.computer, path, this.credential !== null), `remove ${path}`);
  }

  async fileExists(path: string): Promise<boolean> {
    const result = await this.#checked(remoteExistsScript(this.computer, path, this.credential !== null), `look for ${path}`);
    return result.stdout.trim() === 'yes';
  }

  #powershell(script: string, options?: RunOptions): Promise<RunResult> {
    // Credential lines first (the script reads them first), then the caller's own input for the remote program.
    const credential = this.credential ? `${this.credential.user}\n${this.credential.password}\n` : '';
    const input = credential + (options?.input ?? '');
    return runProcess(resolveProgram('powershell.exe', this.env), powershellArgs(script), {...options, ...(input ? {input} : {})});
  }

  async #checked(script: string, what: string, input?: string): Promise<RunResult> {
    // A file's contents come back as base64 on stdout: all of it, however long.
    const result = await this.#powershell(script, {keepWholeOutput: true, ...(input === undefined ? {} : {input})});
    if (result.exitCode !== 0) {
      throw new Error(`${this.computer}: could not ${what}: ${(result.stderr || result.stdout).trim().split(/\r?\n/)[0] ?? `exit ${result.exitCode}`}`);
    }
    return result;
  }
}
