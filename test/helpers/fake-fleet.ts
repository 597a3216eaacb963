// A scripted fleet for the fast layer: procedures run through the real runner against a table of what each node's
// tools print, instead of the sandbox's one process per command. A node holds named facts ("binding": "old"); a row
// answers a command only while the node's facts match its `when`, and may change them with `then` (after
// `netsh http delete sslcert` the listing no longer shows the binding). Files are real bytes in memory, so the settings
// editor reads and writes what it would on a node. A command no row answers is recorded and fails, naming the node,
// the command and the facts: the table must say what every command prints.
import type {Fleet, Host, NodeInfo, RunOptions, RunResult} from '../../src/hosts/host.ts';
import {encodedScript} from '../../src/ops/command.ts';
import {setsUtf8Output} from '../../src/ops/powershell.ts';
import {FakeHost} from './fake-host.ts';

export type Facts = Record<string, string>;

export interface ToolRow {
  readonly node: string;
  readonly command: string;
  /**
   * Exact argv, or a RegExp tested against `args.join(' ')`; for PowerShell the RegExp is tested against the script
   * it carries as -EncodedCommand, which is what a reader of the table cares about.
   */
  readonly args: readonly string[] | RegExp;
  /** Facts the node must hold for this row to answer. */
  readonly when?: Readonly<Facts>;
  readonly stdout?: string;
  readonly stderr?: string;
  readonly exitCode?: number;
  /** Facts the command leaves on the node. */
  readonly then?: Readonly<Facts>;
  /** Facts the command leaves on other nodes, by node: a change the pool replicates (a Lync global setting). */
  readonly thenOn?: Readonly<Record<string, Readonly<Facts>>>;
  /** Files the command leaves on the node (Export-PfxCertificate's PFX), by path. */
  readonly writes?: Readonly<Record<string, Buffer>>;
}

export interface RanCommand {
  readonly node: string;
  readonly command: string;
  readonly args: readonly string[];
  /** The decoded -EncodedCommand script of a PowerShell command. */
  readonly script: string | null;
}

/** A file operation that fails with `message` (a locked or read-only file), for the failure cases. */
export interface FileFault {
  readonly node: string;
  readonly op: 'readFile' | 'writeFile' | 'removeFile';
  readonly path: RegExp;
  readonly message: string;
}

export interface FakeNodeSpec {
  readonly info: NodeInfo;
  readonly facts?: Readonly<Facts>;
  readonly files?: Readonly<Record<string, Buffer | string>>;
}

/**
 * Every script certwalk writes starts by setting its output to UTF-8 (src/ops/powershell.ts): transport, not what it
 * does, so rows and the log see the script after it.
 */
function withoutUtf8Line(script: string | null): string | null {
  if (script === null) return null;
  const [first, ...rest] = script.split('\n');
  return setsUtf8Output(first!) ? rest.join('\n') : script;
}

/** One line per command, how a test states the expected order: `master: netsh http show sslcert`. */
export function describeCommand(ran: RanCommand): string {
  if (ran.script !== null)
    return `${ran.node}: ${ran.command} ${ran.script
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean)
      .join('; ')}`;
  return `${ran.node}: ${[ran.command, ...ran.args].join(' ')}`;
}

function argsMatch(row: ToolRow, ran: RanCommand): boolean {
  if (row.args instanceof RegExp) return row.args.test(ran.script ?? ran.args.join(' '));
  return row.args.length === ran.args.length && row.args.every((a, i) => a === ran.args[i]);
}

function factsMatch(when: Readonly<Facts> | undefined, facts: Readonly<Facts>): boolean {
  return Object.entries(when ?? {}).every(([key, value]) => facts[key] === value);
}

class FakeNode extends FakeHost {
  override readonly node: NodeInfo;

  constructor(
    info: NodeInfo,
    files: Readonly<Record<string, Buffer | string>>,
    private readonly fleet: FakeFleet,
  ) {
    super([], {...files});
    this.node = info;
  }

  override async run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult> {
    const result = this.fleet.answer(this.node.name, command, args);
    if (options?.onLine) {
      for (const [text, stream] of [
        [result.stdout, 'stdout'],
        [result.stderr, 'stderr'],
      ] as const) {
        const lines = text.split(/\r?\n/);
        if (lines.at(-1) === '') lines.pop();
        for (const line of lines) options.onLine(line, stream);
      }
    }
    return result;
  }

  override async readFile(path: string): Promise<Buffer> {
    this.fleet.checkFault(this.node.name, 'readFile', path);
    return super.readFile(path);
  }

  override async writeFile(path: string, data: Buffer): Promise<void> {
    this.fleet.checkFault(this.node.name, 'writeFile', path);
    return super.writeFile(path, data);
  }

  override async removeFile(path: string): Promise<void> {
    this.fleet.checkFault(this.node.name, 'removeFile', path);
    return super.removeFile(path);
  }
}

export class FakeFleet implements Fleet {
  readonly kind = 'sandbox' as const;
  readonly description = 'fake fleet (scripted tool output)';
  readonly location = 'fake';
  /** Every command run, in order, across the nodes. */
  readonly commands: RanCommand[] = [];
  /** Commands no row answered: each also failed where it ran, but a step may have turned that into a later error. */
  readonly unanswered: string[] = [];
  readonly #rows: ToolRow[] = [];
  readonly #facts = new Map<string, Facts>();
  readonly #hosts = new Map<string, FakeNode>();
  readonly #faults: FileFault[] = [];

  constructor(nodes: readonly FakeNodeSpec[], rows: readonly ToolRow[] = []) {
    for (const spec of nodes) {
      this.#facts.set(spec.info.name, {...spec.facts});
      this.#hosts.set(spec.info.name, new FakeNode(spec.info, spec.files ?? {}, this));
    }
    this.addRows(rows);
  }

  /** Rows that depend on what prepare made (the new certificate's thumbprint) come after it. Earlier rows win. */
  addRows(rows: readonly ToolRow[]): void {
    for (const row of rows) {
      for (const node of [row.node, ...Object.keys(row.thenOn ?? {})]) {
        if (!this.#facts.has(node)) throw new Error(`fake fleet: a row names node "${node}", which is not in the fleet`);
      }
      this.#rows.push(row);
    }
  }

  /**
   * Rows placed before every other: a failure case puts the failing answer of one command here, and the rest of
   * the table stays as the main path has it.
   */
  override(rows: readonly ToolRow[]): void {
    this.#rows.unshift(...rows);
  }

  addFileFault(fault: FileFault): void {
    this.#faults.push(fault);
  }

  facts(node: string): Readonly<Facts> {
    return {...this.#facts.get(node)};
  }

  /** The bytes of a file on a node, or undefined. */
  file(node: string, path: string): Buffer | undefined {
    return this.#hosts.get(node)?.files.get(path.toLowerCase());
  }

  /** The paths of the files on a node (lower-cased: Windows paths are case-insensitive). */
  paths(node: string): string[] {
    return [...(this.#hosts.get(node)?.files.keys() ?? [])];
  }

  /** The commands run so far as `node: program args…` lines (see describeCommand). */
  commandLines(from = 0): string[] {
    return this.commands.slice(from).map(describeCommand);
  }

  answer(node: string, command: string, args: readonly string[]): RunResult {
    const ran: RanCommand = {node, command, args: [...args], script: withoutUtf8Line(encodedScript({command, args}))};
    this.commands.push(ran);
    const facts = this.#facts.get(node)!;
    const row = this.#rows.find((r) => r.node === node && r.command === command && factsMatch(r.when, facts) && argsMatch(r, ran));
    if (!row) {
      const what = `no row answers ${describeCommand(ran)} (facts: ${JSON.stringify(facts)})`;
      this.unanswered.push(what);
      throw new Error(`fake fleet: ${what}`);
    }
    Object.assign(facts, row.then);
    for (const [other, changed] of Object.entries(row.thenOn ?? {})) Object.assign(this.#facts.get(other)!, changed);
    for (const [path, data] of Object.entries(row.writes ?? {})) this.#hosts.get(node)!.files.set(path.toLowerCase(), Buffer.from(data));
    return {exitCode: row.exitCode ?? 0, stdout: row.stdout ?? '', stderr: row.stderr ?? '', durationMs: 1};
  }

  checkFault(node: string, op: FileFault['op'], path: string): void {
    const fault = this.#faults.find((f) => f.node === node && f.op === op && f.path.test(path));
    if (fault) throw Object.assign(new Error(fault.message), {code: 'EACCES'});
  }

  async identity(): Promise<string> {
    return 'fake-fleet';
  }

  async nodes(): Promise<readonly NodeInfo[]> {
    return [...this.#hosts.values()].map((h) => h.node);
  }

  async host(nodeName: string): Promise<Host> {
    const host = this.#hosts.get(nodeName);
    if (!host) throw new Error(`fake fleet: no node named ${nodeName}`);
    return host;
  }
}
