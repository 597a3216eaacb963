// The fleet a procedure reads through before its session starts (its form's defaults, prepare's checks): every
// command with its output, and every file it reads (a settings file: named, not copied), is kept, to be written at the top of the session's transcript once it starts. Before then
// nothing is written anywhere: an admin who leaves without running changed nothing, and there is no session to file
// the reads under.
import type {Fleet, Host, NodeInfo, RunOptions, RunResult} from '../hosts/host.ts';
import {encodedScript, formatCommand} from '../ops/command.ts';
import {Redactor} from '../runner/redactor.ts';

/** A transcript line and when it happened (ms since the epoch). */
export interface TimedLine {
  readonly at: number;
  readonly text: string;
}

/**
 * Output lines kept per command. Form and prepare read short listings; a longer one keeps its start and says how
 * much was left out, so what a session holds in memory before it starts stays bounded.
 */
const LINES_KEPT = 500;

export class RecordingFleet implements Fleet {
  readonly #fleet: Fleet;
  readonly #clock: () => number;
  readonly #redactor = new Redactor();
  /** Whole commands, each added when it finishes: commands run side by side do not interleave their lines. */
  readonly #reads: TimedLine[][] = [];

  constructor(fleet: Fleet, clock: () => number = Date.now) {
    this.#fleet = fleet;
    this.#clock = clock;
  }

  get kind(): Fleet['kind'] {
    return this.#fleet.kind;
  }

  get description(): string {
    return this.#fleet.description;
  }

  get location(): string {
    return this.#fleet.location;
  }

  identity(): Promise<string> {
    return this.#fleet.identity();
  }

  nodes(): Promise<readonly NodeInfo[]> {
    return this.#fleet.nodes();
  }

  async host(nodeName: string): Promise<Host> {
    return this.#recording(await this.#fleet.host(nodeName));
  }

  /** Masks a value (a password the admin typed) in the reads handed out, as the runner's transcript does. */
  secret(value: string): void {
    this.#redactor.add(value);
  }

  /** Every command (with its output) and file access so far, one entry each, secrets masked, laid out as the runner's transcript lines. */
  reads(): TimedLine[][] {
    return this.#reads.map((lines) => lines.map(({at, text}) => ({at, text: this.#redactor.redact(text)})));
  }

  #recording(host: Host): Host {
    const run = async (command: string, args: readonly string[], options?: RunOptions): Promise<RunResult> => {
      const node = host.node.name;
      const lines: TimedLine[] = [{at: this.#clock(), text: `  $ [${node}] ${formatCommand({command, args})}`}];
      const script = encodedScript({command, args});
      if (script !== null) for (const line of script.split(/\r?\n/)) lines.push({at: lines[0]!.at, text: `    > ${line}`});
      let dropped = 0;
      const finish = (text: string) => {
        const at = this.#clock();
        if (dropped) lines.push({at, text: `    … ${dropped} more output line(s) not kept here`});
        lines.push({at, text});
        this.#reads.push(lines);
      };
      try {
        const result = await host.run(command, args, {
          ...options,
          onLine: (line, stream) => {
            if (lines.length < LINES_KEPT) lines.push({at: this.#clock(), text: `    ${stream === 'stderr' ? '!' : '|'} ${line}`});
            else dropped++;
            options?.onLine?.(line, stream);
          },
        });
        finish(`    exit ${result.exitCode} in ${result.durationMs} ms`);
        return result;
      } catch (error) {
        finish(`    did not run: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      }
    };
    // `~` as in the plan: certwalk's own file access, not a command (a remote host runs one underneath).
    const file = async <T>(what: string, path: string, done: (value: T) => string, access: () => Promise<T>): Promise<T> => {
      const at = this.#clock();
      try {
        const value = await access();
        this.#reads.push([{at, text: `  ~ [${host.node.name}] ${what} ${path}: ${done(value)}`}]);
        return value;
      } catch (error) {
        this.#reads.push([{at, text: `  ~ [${host.node.name}] ${what} ${path}: failed: ${error instanceof Error ? error.message : String(error)}`}]);
        throw error;
      }
    };
    return {
      node: host.node,
      kind: host.kind,
      tempDir: host.tempDir,
      run,
      readFile: (path) =>
        file(
          'read',
          path,
          (data) => `${data.length} bytes`,
          () => host.readFile(path),
        ),
      writeFile: (path, data) =>
        file(
          'write',
          path,
          () => `${data.length} bytes`,
          () => host.writeFile(path, data),
        ),
      createFileExclusive: (path, data) =>
        file(
          'create',
          path,
          (created) => (created ? `${data.length} bytes` : 'already there'),
          () => host.createFileExclusive(path, data),
        ),
      removeFile: (path) =>
        file(
          'remove',
          path,
          () => 'done',
          () => host.removeFile(path),
        ),
      fileExists: (path) =>
        file(
          'look for',
          path,
          (found) => (found ? 'there' : 'not there'),
          () => host.fileExists(path),
        ),
    };
  }
}

/** The transcript's section for the reads: titled, before the first step, also when nothing was read. */
export function readsSection(reads: readonly (readonly TimedLine[])[], at: number): TimedLine[] {
  if (!reads.length) return [{at, text: 'before the session started: nothing was read from the nodes while its parameters were chosen and checked'}];
  return [
    {at: reads[0]![0]!.at, text: `before the session started: ${reads.length} command(s) and file access(es) while its parameters were chosen and checked`},
    ...reads.flat(),
    {at, text: 'end of the reads before the session started'},
  ];
}
