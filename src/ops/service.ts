// sc.exe query / stop / start, and a restart that waits for the service to really stop and really run.
// sc stop and sc start return as soon as the request is queued (STOP_PENDING / START_PENDING), so callers poll.
import {command, runCommand} from './command.ts';
import type {Command} from './command.ts';
import {ToolError} from './tool-error.ts';
import {SC_CONFIG_LABELS_EN, SC_CONFIG_ROW_ORDER, SC_STATUS_LABELS, SC_STATUS_ROW_ORDER, sameText} from './tool-labels.ts';
import type {Host} from '../hosts/host.ts';

const TOOL = 'sc.exe';

export type ServiceState = 'stopped' | 'start-pending' | 'stop-pending' | 'running' | 'continue-pending' | 'pause-pending' | 'paused';

export interface ServiceStatus {
  readonly serviceName: string;
  readonly state: ServiceState;
  readonly stateCode: number;
  readonly win32ExitCode: number;
  /** Meaningful when win32ExitCode is 1066 (ERROR_SERVICE_SPECIFIC_ERROR). */
  readonly serviceExitCode?: number;
  /** Printed by `sc start` only. */
  readonly pid?: number;
}

// SERVICE_STATUS.dwCurrentState values; the words after them may be translated, the numbers are not.
const STATES: Record<number, ServiceState> = {
  1: 'stopped',
  2: 'start-pending',
  3: 'stop-pending',
  4: 'running',
  5: 'continue-pending',
  6: 'pause-pending',
  7: 'paused',
};

export const ERROR_SERVICE_DOES_NOT_EXIST = 1060;
export const ERROR_SERVICE_ALREADY_RUNNING = 1056;
export const ERROR_SERVICE_NOT_ACTIVE = 1062;

function assertServiceName(name: string): void {
  if (!/^[A-Za-z0-9_.$#@ -]+$/.test(name) || name.trim() !== name) throw new ToolError(TOOL, `"${name}" is not a service name such as SSISScaleOutMaster140`);
}

// The command that reports a service's state.
export function queryServiceCommand(name: string): Command {
  assertServiceName(name);
  return command('sc.exe', 'query', name);
}

// The command that prints a service's configuration (its account is SERVICE_START_NAME).
export function queryServiceConfigCommand(name: string): Command {
  assertServiceName(name);
  return command('sc.exe', 'qc', name);
}

// The command that asks a service to stop (returns while it is still stopping).
export function stopServiceCommand(name: string): Command {
  assertServiceName(name);
  return command('sc.exe', 'stop', name);
}

// The command that asks a service to start (returns while it is still starting).
export function startServiceCommand(name: string): Command {
  assertServiceName(name);
  return command('sc.exe', 'start', name);
}

interface ScRow {
  readonly label: string;
  readonly value: string;
  readonly line: string;
}

interface ScBlock {
  readonly serviceName: ScRow;
  /** The indented `LABEL : value` rows in printed order; continuation lines (`(STOPPABLE, …)`, more DEPENDENCIES) are left out. */
  readonly rows: ScRow[];
}

const splitRow = (line: string): ScRow | null => {
  const m = /^\s*([^\s:][^:]*?)\s*:\s*(.*)$/.exec(line);
  return m ? {label: m[1]!, value: m[2]!.trim(), line: line.trim()} : null;
};

// The first `NAME: value` line that indented rows follow. Its label is SERVICE_NAME in every capture but the
// Russian one (`Имя_службы`), so the structure finds it: prompts and `[SC] …` lines have no indented rows after them.
function findBlock(text: string): ScBlock | null {
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s/.test(line) || line.trim().startsWith('[')) continue;
    const serviceName = splitRow(line);
    const next = lines.slice(i + 1).find((l) => l.trim() !== '');
    if (!serviceName || next === undefined || !/^\s+\S/.test(next) || !splitRow(next)) continue;
    const rows: ScRow[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const row = lines[j]!;
      if (row.trim() === '') {
        if (rows.length > 0) break;
        continue;
      }
      if (!/^\s/.test(row)) break;
      const parsed = splitRow(row);
      if (parsed) rows.push(parsed);
    }
    return {serviceName, rows};
  }
  return null;
}

// Each row by its label in a known language, else by its position in the order sc prints them.
function rowsByField<F extends string>(rows: readonly ScRow[], order: readonly F[], tables: readonly Readonly<Record<F, string>>[]): Partial<Record<F, ScRow>> {
  const byLabel = rows.map((row) => {
    for (const table of tables) {
      const hit = order.find((field) => sameText(row.label, table[field]));
      if (hit) return hit;
    }
    return undefined;
  });
  const found: Partial<Record<F, ScRow>> = {};
  rows.forEach((row, i) => {
    const field = byLabel[i] ?? (byLabel.every((f) => f === undefined) ? order[i] : undefined);
    if (field !== undefined && found[field] === undefined) found[field] = row;
  });
  return found;
}

function leadingNumber(row: ScRow | undefined, what: string, text: string): number | undefined {
  if (row === undefined) return undefined;
  const m = /^(\d+)(?:\s|$)/.exec(row.value);
  if (!m) throw new ToolError(TOOL, `sc.exe printed "${row.line}" where ${what} (a number first) should be`, {output: text});
  return Number(m[1]);
}

// Parse the status block that sc query / stop / start print. Only numbers are read: STATE's word after the code is
// English in every capture but could be translated, the code is not.
export function parseScOutput(text: string): ServiceStatus {
  const block = findBlock(text);
  if (!block) throw new ToolError(TOOL, 'sc.exe printed no service status (a SERVICE_NAME line followed by TYPE, STATE… rows)', {output: text});
  const rows = rowsByField(block.rows, SC_STATUS_ROW_ORDER, Object.values(SC_STATUS_LABELS));
  const stateCode = leadingNumber(rows.state, 'the state code (STATE : 4  RUNNING)', text);
  const state = stateCode === undefined ? undefined : STATES[stateCode];
  if (stateCode === undefined || state === undefined) {
    const seen = rows.state ? `"${rows.state.line}"` : 'no STATE row';
    throw new ToolError(TOOL, `sc.exe printed ${seen}: not a service state code 1 to 7`, {output: text});
  }
  const win32ExitCode = leadingNumber(rows.win32ExitCode, 'the Win32 exit code', text) ?? 0;
  const serviceExitCode = leadingNumber(rows.serviceExitCode, 'the service exit code', text);
  const pid = leadingNumber(rows.pid, 'the process id', text);
  return {
    serviceName: block.serviceName.value,
    state,
    stateCode,
    win32ExitCode,
    ...(serviceExitCode === undefined ? {} : {serviceExitCode}),
    ...(pid === undefined ? {} : {pid}),
  };
}

export interface ServiceConfig {
  readonly serviceName: string;
  readonly displayName: string;
  readonly binaryPath: string;
  /** The account the service runs as: `LocalSystem`, `NT Service\\X`, `CONTOSO\\svc-ssis`. */
  readonly account: string;
}

// Parse `sc qc`: `[SC] QueryServiceConfig SUCCESS`, then `SERVICE_NAME:` and indented `LABEL : value` lines.
// Without English labels the nine rows are read by position, so a block of another length is refused.
export function parseServiceConfig(text: string): ServiceConfig {
  const block = findBlock(text);
  const rows = block ? rowsByField(block.rows, SC_CONFIG_ROW_ORDER, [SC_CONFIG_LABELS_EN]) : {};
  const labelled = block?.rows.some((row) => SC_CONFIG_ROW_ORDER.some((field) => sameText(row.label, SC_CONFIG_LABELS_EN[field])));
  if (block && !labelled && block.rows.length !== SC_CONFIG_ROW_ORDER.length) {
    throw new ToolError(
      TOOL,
      `sc.exe qc printed ${block.rows.length} rows with labels certwalk does not know (expected ${SC_CONFIG_ROW_ORDER.length} in a fixed order); cannot tell which is SERVICE_START_NAME`,
      {output: text},
    );
  }
  if (block && rows.type) leadingNumber(rows.type, 'the service type (TYPE : 10  WIN32_OWN_PROCESS)', text);
  if (block && rows.startType) leadingNumber(rows.startType, 'the start type (START_TYPE : 2  AUTO_START)', text);
  const account = rows.account?.value;
  if (!block || account === undefined || account === '') {
    throw new ToolError(TOOL, 'sc.exe qc printed no service configuration (SERVICE_NAME and SERVICE_START_NAME)', {output: text});
  }
  return {serviceName: block.serviceName.value, account, displayName: rows.displayName?.value ?? '', binaryPath: rows.binaryPath?.value ?? ''};
}

// The Win32 error sc.exe printed (`[SC] OpenService FAILED 1060:` + its message), or null. The verb is translated
// (`échec(s) 1060 :`, `失败 1060:`, `ошибка: 1060:`, `실패 1060` without its colon), the number is not.
export function parseScError(text: string): {code: number; message: string} | null {
  const lines = text.split(/\r\n|\r|\n/);
  const errorLine = /^\s*\[SC\].*?\s(\d+)\s*:?\s*$/;
  const i = lines.findIndex((l) => errorLine.test(l));
  if (i < 0) return null;
  const code = Number(errorLine.exec(lines[i]!)![1]);
  const message =
    lines
      .slice(i + 1)
      .find((l) => l.trim() !== '')
      ?.trim() ?? lines[i]!.trim();
  return {code, message};
}

export interface ServiceWaitOptions {
  /** Give up after this long (default 60 s). */
  readonly timeoutMs?: number;
  /** Time between two queries (default 250 ms). */
  readonly pollMs?: number;
  /** Injected so tests do not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface ScRun {
  readonly exitCode: number;
  readonly output: string;
  readonly error: {code: number; message: string} | null;
}

async function runSc(host: Host, cmd: Command): Promise<ScRun> {
  const r = await runCommand(host, cmd);
  const output = r.stderr.trim() === '' ? r.stdout : `${r.stdout}\n${r.stderr}`;
  return {exitCode: r.exitCode, output, error: parseScError(output)};
}

function scFailure(cmd: Command, run: ScRun): ToolError {
  const what = `sc.exe ${cmd.args.join(' ')}`;
  if (run.error) {
    return new ToolError(TOOL, `${what} failed: ${run.error.message} (error ${run.error.code})`, {code: run.error.code, exitCode: run.exitCode, output: run.output});
  }
  return new ToolError(TOOL, `${what} failed with exit code ${run.exitCode}`, {exitCode: run.exitCode, output: run.output});
}

// The current status of a service; ToolError code 1060 when it is not installed.
export async function queryService(host: Host, name: string): Promise<ServiceStatus> {
  const cmd = queryServiceCommand(name);
  const run = await runSc(host, cmd);
  if (run.error || run.exitCode !== 0) throw scFailure(cmd, run);
  return parseScOutput(run.output);
}

// The service's configuration; ToolError code 1060 when it is not installed.
export async function queryServiceConfig(host: Host, name: string): Promise<ServiceConfig> {
  const cmd = queryServiceConfigCommand(name);
  const run = await runSc(host, cmd);
  if (run.error || run.exitCode !== 0) throw scFailure(cmd, run);
  return parseServiceConfig(run.output);
}

// Query until `done` says so; the time limit counts both wall time and time slept, so an injected sleep still ends.
async function pollUntil(
  host: Host,
  name: string,
  options: ServiceWaitOptions,
  done: (status: ServiceStatus) => boolean,
  describeTimeout: (status: ServiceStatus, timeoutMs: number) => string,
): Promise<ServiceStatus> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const pollMs = options.pollMs ?? 250;
  const sleep = options.sleep ?? defaultSleep;
  const started = Date.now();
  let slept = 0;
  for (;;) {
    const status = await queryService(host, name);
    if (done(status)) return status;
    if (slept >= timeoutMs || Date.now() - started >= timeoutMs) {
      throw new ToolError(TOOL, describeTimeout(status, timeoutMs));
    }
    await sleep(pollMs);
    slept += pollMs;
  }
}

// Stop a service and wait until it is STOPPED; a service that was not running counts as stopped.
export async function stopService(host: Host, name: string, options: ServiceWaitOptions = {}): Promise<ServiceStatus> {
  const cmd = stopServiceCommand(name);
  const run = await runSc(host, cmd);
  const notRunning = run.error?.code === ERROR_SERVICE_NOT_ACTIVE;
  if (!notRunning && (run.error || run.exitCode !== 0)) throw scFailure(cmd, run);
  return pollUntil(
    host,
    name,
    options,
    (s) => s.state === 'stopped',
    (s, ms) => `service ${name} did not stop within ${ms / 1000} s (still ${s.state})`,
  );
}

// Start a service and wait until it is RUNNING; one that stops again instead is reported with its exit code.
export async function startService(host: Host, name: string, options: ServiceWaitOptions = {}): Promise<ServiceStatus> {
  const cmd = startServiceCommand(name);
  const run = await runSc(host, cmd);
  const alreadyRunning = run.error?.code === ERROR_SERVICE_ALREADY_RUNNING;
  if (!alreadyRunning && (run.error || run.exitCode !== 0)) throw scFailure(cmd, run);
  const status = await pollUntil(
    host,
    name,
    options,
    (s) => s.state === 'running' || s.state === 'stopped',
    (s, ms) => `service ${name} did not reach RUNNING within ${ms / 1000} s (still ${s.state})`,
  );
  if (status.state === 'stopped') {
    // 1066 means the service reported its own code, which is the one worth showing.
    const specific = status.win32ExitCode === 1066 && status.serviceExitCode !== undefined ? `, service-specific code ${status.serviceExitCode}` : '';
    throw new ToolError(TOOL, `service ${name} stopped right after start (exit code ${status.win32ExitCode}${specific})`, {
      code: status.win32ExitCode,
    });
  }
  return status;
}

// Stop then start, so the service reloads its settings and certificates; returns the final (running) status.
export async function restartService(host: Host, name: string, options: ServiceWaitOptions = {}): Promise<ServiceStatus> {
  await stopService(host, name, options);
  return startService(host, name, options);
}
