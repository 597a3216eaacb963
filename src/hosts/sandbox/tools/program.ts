// The shape every simulated Windows program has: a pure function of the node's state and the argument list, so it
// can be unit-tested without spawning a process or touching the disk (files come through NodeFiles).
import type {NodeInfo} from '../../host.ts';
import type {NodeState} from '../state.ts';

/** The node's files by Windows path; the tool process backs it with DIR/nodes/<name>/fs, tests with a Map. */
export interface NodeFiles {
  read(winPath: string): Buffer | undefined;
  write(winPath: string, data: Buffer): void;
  exists(winPath: string): boolean;
}

export interface ToolContext {
  readonly node: NodeInfo;
  /** Treat as read-only: return a changed copy in ToolResult.state. */
  readonly state: NodeState;
  readonly files: NodeFiles;
  readonly now: Date;
  /** Standard input as lines, when the caller piped any (RunOptions.input): how a password reaches powershell. */
  readonly stdin?: readonly string[];
}

export interface ToolResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Already reduced to what a POSIX process can return (see exitCodeFor). */
  readonly exitCode: number;
  /** Present only when the command changed the node. */
  readonly state?: NodeState;
}

export interface SandboxProgram {
  run(context: ToolContext, args: readonly string[]): ToolResult;
  /** What the program prints (and, rarely, does) when an injected fault fires without its own output. */
  fault(context: ToolContext, args: readonly string[]): ToolResult;
}

/**
 * Windows returns 32-bit codes (sc.exe the Win32 error, certutil the HRESULT); a POSIX exit code keeps 8 bits. Use
 * the low byte, or 1 when that byte is 0, so a failure never looks like success.
 */
export function exitCodeFor(code: number): number {
  if (code === 0) return 0;
  return code & 0xff || 1;
}

export function lines(...text: string[]): string {
  return `${text.join('\n')}\n`;
}

/** A deep copy to change and hand back as the new state. */
export function cloneState(state: NodeState): NodeState {
  return structuredClone(state);
}
