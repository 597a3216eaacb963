// A scripted Host for ops tests: answers only the commands a test expects, so any other command fails the test.
import type {Host, NodeInfo, RunOptions, RunResult} from '../../src/hosts/host.ts';

export interface FakeRow {
  readonly command: string;
  /** Exact argv, or a RegExp tested against `args.join(' ')`. */
  readonly args: readonly string[] | RegExp;
  readonly stdout?: string;
  readonly stderr?: string;
  readonly exitCode?: number;
  /** Consumed by its first match, so consecutive rows script a sequence (STOP_PENDING, then STOPPED). */
  readonly once?: boolean;
}

export interface FakeCall {
  readonly command: string;
  readonly args: readonly string[];
}

function matches(row: FakeRow, command: string, args: readonly string[]): boolean {
  if (row.command !== command) return false;
  if (row.args instanceof RegExp) return row.args.test(args.join(' '));
  return row.args.length === args.length && row.args.every((a, i) => a === args[i]);
}

export class FakeHost implements Host {
  readonly node: NodeInfo = {name: 'node1', machineName: 'NODE1', fqdn: 'node1.contoso.local', ip: '10.0.0.11', roles: []};
  readonly kind = 'sandbox' as const;
  readonly tempDir = 'C:\\Windows\\Temp';
  readonly calls: FakeCall[] = [];
  /** Keyed by lower-cased path: Windows paths are case-insensitive. */
  readonly files = new Map<string, Buffer>();
  private readonly rows: FakeRow[];

  constructor(rows: readonly FakeRow[] = [], files: Record<string, Buffer | string> = {}) {
    this.rows = [...rows];
    for (const [path, data] of Object.entries(files)) this.files.set(path.toLowerCase(), Buffer.from(data));
  }

  /** Rows marked `once` that no call used: a sequence the code under test did not walk to the end. */
  get unusedOnceRows(): readonly FakeRow[] {
    return this.rows.filter((r) => r.once);
  }

  async run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult> {
    this.calls.push({command, args: [...args]});
    const index = this.rows.findIndex((row) => matches(row, command, args));
    const row = this.rows[index];
    if (!row) throw new Error(`FakeHost: unexpected command: ${command} ${args.join(' ')}`);
    if (row.once) this.rows.splice(index, 1);
    const stdout = row.stdout ?? '';
    const stderr = row.stderr ?? '';
    if (options?.onLine) {
      for (const [text, stream] of [
        [stdout, 'stdout'],
        [stderr, 'stderr'],
      ] as const) {
        const lines = text.split(/\r?\n/);
        if (lines.at(-1) === '') lines.pop();
        for (const line of lines) options.onLine(line, stream);
      }
    }
    return {exitCode: row.exitCode ?? 0, stdout, stderr, durationMs: 1};
  }

  async readFile(path: string): Promise<Buffer> {
    const data = this.files.get(path.toLowerCase());
    if (!data) throw Object.assign(new Error(`FakeHost: no such file: ${path}`), {code: 'ENOENT'});
    return Buffer.from(data);
  }

  async writeFile(path: string, data: Buffer): Promise<void> {
    this.files.set(path.toLowerCase(), Buffer.from(data));
  }

  async createFileExclusive(path: string, data: Buffer): Promise<boolean> {
    if (this.files.has(path.toLowerCase())) return false;
    this.files.set(path.toLowerCase(), Buffer.from(data));
    return true;
  }

  async removeFile(path: string): Promise<void> {
    if (!this.files.delete(path.toLowerCase())) throw Object.assign(new Error(`FakeHost: no such file: ${path}`), {code: 'ENOENT'});
  }

  async fileExists(path: string): Promise<boolean> {
    return this.files.has(path.toLowerCase());
  }
}
