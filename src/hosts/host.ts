// The one seam between certwalk and a Windows machine, real or simulated.

/** What a finished command returned. Windows tools print their errors on stdout as often as on stderr. */
export interface RunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  /**
   * Characters of output not kept (both streams): a command printing more than a few MB keeps its first and last
   * lines here, and a line in between says how much is missing. Every line still reached `onLine` (the transcript).
   */
  readonly droppedChars?: number;
}

export interface RunOptions {
  /** Called for every output line as it arrives (no trailing newline). */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  readonly signal?: AbortSignal;
  /**
   * Written to the program's standard input, then closed: how a password reaches a program without appearing on
   * a command line. Never recorded in a journal or transcript.
   */
  readonly input?: string;
  /** Keep all of the output however long (file contents read through a command); by default a long output keeps its ends. */
  readonly keepWholeOutput?: boolean;
}

/** A node of the fleet as the inventory knows it. */
export interface NodeInfo {
  /** certwalk's name for the node (e.g. `master`, `worker1`). */
  readonly name: string;
  /** NetBIOS machine name as Windows reports it (e.g. `MASTER`). */
  readonly machineName: string;
  readonly fqdn: string;
  readonly ip: string;
  /** e.g. `ssis-master`, `ssis-worker`, `lync-fe`, `azureml-client`. */
  readonly roles: readonly string[];
}

/** One Windows node: runs programs with an argument array (never a shell string) and moves files. */
export interface Host {
  readonly node: NodeInfo;
  readonly kind: 'local' | 'remote' | 'sandbox';
  /** `command` is the Windows program name as an admin would type it: `netsh`, `certutil`, `sc.exe`, … */
  run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** Paths are Windows paths on the node (`C:\Program Files\…`). */
  readFile(path: string): Promise<Buffer>;
  writeFile(path: string, data: Buffer): Promise<void>;
  /**
   * Creates the file with `data` only if nothing is at `path` yet: of several processes creating it at once exactly one
   * does (what a node lock needs). True if created, false if the file already existed. Creates its folder. A reader
   * may find the file empty (or, remotely, in use) for the moment its contents are being written. Any other failure
   * throws naming the node and the path.
   */
  createFileExclusive(path: string, data: Buffer): Promise<boolean>;
  removeFile(path: string): Promise<void>;
  fileExists(path: string): Promise<boolean>;
  /** A Windows directory on the node for transient files (certificates on their way into a store). */
  readonly tempDir: string;
}

/** The machines a procedure can reach. */
export interface Fleet {
  readonly kind: Host['kind'];
  /** One line for the title bar: `sandbox /home/me/.local/state/certwalk/sandbox`. */
  readonly description: string;
  /** Where the nodes are, enough to open the same fleet again (the sandbox directory). */
  readonly location: string;
  /**
   * Which fleet this is, stable across runs: a journal records it, and a rollback or resume on another fleet (another
   * sandbox, another inventory) is refused before it locks or runs anything there.
   */
  identity(): Promise<string>;
  nodes(): Promise<readonly NodeInfo[]>;
  host(nodeName: string): Promise<Host>;
}
