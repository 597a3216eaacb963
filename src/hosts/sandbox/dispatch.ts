// One simulated command on one node: find the program, let an injected fault fire, else run the program on the
// node's state under the node lock and save what it changed. tool-main.ts is this plus process I/O.
import {readManifest, findNode, sandboxPaths, updateNodeState} from './state.ts';
import {listFaults, normaliseProgram, ruleMatches, takeFault} from './faults.ts';
import {updateFrontEndState} from './lync-pool.ts';
import {REPLICATION_FAULT_PROGRAM} from './lync-state.ts';
import {powershellProgram, scriptOf} from './tools/powershell.ts';
import {nodeFiles} from './node-files.ts';
import {certmgr} from './tools/certmgr.ts';
import {chcp} from './tools/chcp.ts';
import {nodeLocale, oemCodePage} from './locale.ts';
import {UTF8_CODE_PAGE} from '../code-page.ts';
import {setsUtf8Output} from '../../ops/powershell.ts';
import {certutil} from './tools/certutil.ts';
import {netsh} from './tools/netsh.ts';
import {sc} from './tools/sc.ts';
import {readSqlServer, sqlcmdProgram} from './tools/sqlcmd.ts';
import {winhttpcertcfg} from './tools/winhttpcertcfg.ts';
import {az} from './tools/az.ts';
import {nslookup} from './tools/nslookup.ts';
import {lines} from './tools/program.ts';
import type {SandboxProgram, ToolContext, ToolResult} from './tools/program.ts';
import type {NodeInfo} from '../host.ts';

const PROGRAMS: Record<string, SandboxProgram> = {netsh, certutil, sc, certmgr, winhttpcertcfg, az, nslookup, chcp};

/** Programs that see more of the fleet than their own node (sqlcmd reaches the master's SQL Server): built per run. */
const FLEET_PROGRAMS: Record<string, (dir: string, nodes: readonly NodeInfo[]) => Promise<SandboxProgram>> = {
  sqlcmd: async (dir, nodes) => sqlcmdProgram(await readSqlServer(dir, nodes)),
  // The Lync cmdlets need to know which Front Ends a replication fault cuts off (a rule that never fires as a command).
  powershell: async (dir, nodes) => powershellProgram({replicationFaults: await replicationFaults(dir, nodes)}),
};

export interface SandboxInvocation {
  readonly dir: string;
  readonly node: string;
  readonly program: string;
  readonly args: readonly string[];
  /** JSON array of fault rules for this invocation only (env CERTWALK_SANDBOX_FAULT). */
  readonly envFaults?: string;
  readonly now?: Date;
  /** What the caller piped to the program's standard input (a password for powershell), if anything. */
  readonly stdin?: string;
}

export interface SandboxOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
  /** How fast the tool process prints stdout (a fault rule's linesPerSecond); all at once when absent. */
  readonly linesPerSecond?: number;
  /**
   * The code page the tool process writes both streams in: the node's OEM code page, or UTF-8 for a PowerShell
   * script that sets it (src/ops/powershell.ts). Absent (UTF-8) when no node was read.
   */
  readonly codePage?: number;
}

export async function runSandboxCommand(invocation: SandboxInvocation): Promise<SandboxOutput> {
  const {dir, program, args} = invocation;
  const fleetProgram = FLEET_PROGRAMS[normaliseProgram(program)];
  let implementation = PROGRAMS[normaliseProgram(program)];
  if (!implementation && !fleetProgram) {
    return {stdout: '', stderr: lines(`'${program}' is not recognized as an internal or external command,`, 'operable program or batch file.'), exitCode: 1};
  }
  let node;
  let manifest;
  try {
    manifest = await readManifest(dir);
    node = findNode(manifest, invocation.node);
  } catch (error) {
    return {stdout: '', stderr: lines(`certwalk sandbox: ${(error as Error).message}`), exitCode: 1};
  }
  implementation ??= await fleetProgram!(dir, manifest.nodes);
  const fault = await takeFault(dir, node.name, program, faultMatchArgs(program, args), invocation.envFaults);
  const files = nodeFiles(sandboxPaths.nodeDir(dir, node.name));
  const stdin = invocation.stdin === undefined ? undefined : stdinLines(invocation.stdin);
  const update = normaliseProgram(program) === 'powershell' ? updateFrontEndState : updateNodeState;
  const script = normaliseProgram(program) === 'powershell' ? scriptOf(args) : null;
  const utf8Script = script !== null && 'script' in script && setsUtf8Output(script.script);
  let codePage: number = UTF8_CODE_PAGE;
  const output = await update(dir, node.name, (state) => {
    codePage = utf8Script ? UTF8_CODE_PAGE : oemCodePage(nodeLocale(state));
    const context: ToolContext = {node, state, files, now: invocation.now ?? new Date(), ...(stdin ? {stdin} : {})};
    let result: ToolResult;
    if (fault) {
      // The program's own failure text, but never its normal effect (only sc start's "died while starting").
      const simulated = implementation.fault(context, args);
      result = {...simulated, stdout: fault.output === undefined ? simulated.stdout : ensureNewline(fault.output), exitCode: fault.exitCode ?? 1};
    } else {
      result = implementation.run(context, args);
    }
    const {state: changed, ...printed} = result;
    return changed ? {state: changed, result: printed} : {result: printed};
  });
  return {...output, codePage, ...(fault?.linesPerSecond ? {linesPerSecond: fault.linesPerSecond} : {})};
}

function ensureNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

/** A fault rule's `match` for powershell is tested against the script, not its base64 (`--match Set-CsCertificate`). */
function faultMatchArgs(program: string, args: readonly string[]): readonly string[] {
  if (normaliseProgram(program) !== 'powershell') return args;
  const found = scriptOf(args);
  return 'script' in found ? [found.script] : args;
}

function stdinLines(text: string): string[] {
  const split = text.split(/\r?\n/);
  if (split.at(-1) === '') split.pop();
  return split;
}

/** Lync Front Ends a `lync-replication` fault rule names (every Front End for a rule without a node). */
async function replicationFaults(dir: string, nodes: readonly NodeInfo[]): Promise<string[]> {
  const rules = (await listFaults(dir)).filter((rule) => normaliseProgram(rule.program) === REPLICATION_FAULT_PROGRAM);
  return nodes.filter((n) => n.roles.includes('lync-fe') && rules.some((rule) => ruleMatches(rule, n.name, REPLICATION_FAULT_PROGRAM, []))).map((n) => n.name);
}
