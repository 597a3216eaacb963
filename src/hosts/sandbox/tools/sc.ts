// sc.exe query|stop|start. Starting a Scale Out service runs the checks the real service makes (service-checks.ts):
// like the real thing, `start` only reports START_PENDING; a failure shows on the next query as STOPPED / 1067.
import type {NodeState, SandboxService} from '../state.ts';
import {cloneState, exitCodeFor, lines} from './program.ts';
import type {SandboxProgram, ToolContext, ToolResult} from './program.ts';
import {startFailure} from './service-checks.ts';
import {nodeLocale} from '../locale.ts';
import {scMessage, scText} from './sc-text.ts';

const PROCESS_TERMINATED = 1067;
const STATES = {
  stopped: '1  STOPPED',
  startPending: '2  START_PENDING',
  stopPending: '3  STOP_PENDING',
  running: '4  RUNNING',
} as const;
const ACCEPTS = '(STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)';
const IGNORES = '(NOT_STOPPABLE, NOT_PAUSABLE, IGNORES_SHUTDOWN)';

const USAGE = lines(
  'DESCRIPTION:',
  '        SC is a command line program used for communicating with the',
  '        Service Control Manager and services.',
  'USAGE:',
  '        sc <server> [command] [service name] <option1> <option2>...',
);

export const sc: SandboxProgram = {
  run(context, args) {
    const verb = args[0]?.toLowerCase();
    const given = args[1];
    if (!verb || !given || !['query', 'qc', 'stop', 'start'].includes(verb)) return {stdout: USAGE, stderr: '', exitCode: 1};
    const name = serviceKey(context.state, given);
    if (!name) return error(context, 'OpenService', 1060);
    if (verb === 'query') return {stdout: statusBlock(name, context.state.services[name]!), stderr: '', exitCode: 0};
    if (verb === 'qc') return {stdout: configBlock(context, name, context.state.services[name]!), stderr: '', exitCode: 0};
    if (verb === 'stop') return stop(context, name);
    return start(context, name);
  },
  fault(context, args) {
    // An injected `sc start` failure is the service dying during start: it ends STOPPED / 1067.
    const verb = args[0]?.toLowerCase();
    const name = args[1] === undefined ? undefined : serviceKey(context.state, args[1]);
    if (verb === 'start' && name) {
      const state = cloneState(context.state);
      state.services[name] = {...state.services[name]!, status: 'stopped', win32ExitCode: PROCESS_TERMINATED, lastStartFailure: 'injected fault'};
      return {...error(context, 'StartService', PROCESS_TERMINATED), state};
    }
    if (verb === 'stop') return error(context, 'ControlService', 1062);
    return error(context, 'OpenService', 1060);
  },
};

/** Service names are case-insensitive on Windows. */
function serviceKey(state: NodeState, given: string): string | undefined {
  return Object.keys(state.services).find((name) => name.toLowerCase() === given.toLowerCase());
}

function stop(context: ToolContext, name: string): ToolResult {
  const state = context.state;
  const service = state.services[name]!;
  if (service.status !== 'running') return error(context, 'ControlService', 1062);
  const next = cloneState(state);
  next.services[name] = {...service, status: 'stopped', win32ExitCode: 0};
  return {stdout: block(name, STATES.stopPending, ACCEPTS, 0, '0x0'), stderr: '', exitCode: 0, state: next};
}

function start(context: ToolContext, name: string): ToolResult {
  const service = context.state.services[name]!;
  if (service.status === 'running') return error(context, 'StartService', 1056);
  const failure = startFailure(context, name);
  const next = cloneState(context.state);
  const updated: SandboxService = failure
    ? {...service, status: 'stopped', win32ExitCode: PROCESS_TERMINATED, lastStartFailure: failure}
    : {...service, status: 'running', win32ExitCode: 0};
  if (!failure) delete updated.lastStartFailure;
  next.services[name] = updated;
  const pid = 1000 + Math.floor(Math.random() * 9000);
  const stdout = block(name, STATES.startPending, IGNORES, 0, '0x7d0', [`        PID                : ${pid}`, '        FLAGS              :']);
  return {stdout, stderr: '', exitCode: 0, state: next};
}

// `sc qc` as Windows prints it; the sandbox keeps no binary path, so the Scale Out services' install path stands in.
function configBlock(context: ToolContext, name: string, service: SandboxService): string {
  return lines(
    scText(nodeLocale(context.state)).success('QueryServiceConfig'),
    '',
    `SERVICE_NAME: ${name}`,
    '        TYPE               : 10  WIN32_OWN_PROCESS',
    '        START_TYPE         : 2   AUTO_START',
    '        ERROR_CONTROL      : 1   NORMAL',
    `        BINARY_PATH_NAME   : ${service.binaryPath ?? `C:\\Windows\\System32\\${name}.exe`}`,
    '        LOAD_ORDER_GROUP   :',
    '        TAG                : 0',
    `        DISPLAY_NAME       : ${service.displayName}`,
    '        DEPENDENCIES       :',
    `        SERVICE_START_NAME : ${service.account}`,
  );
}

function statusBlock(name: string, service: SandboxService): string {
  return service.status === 'running' ? block(name, STATES.running, ACCEPTS, 0, '0x0') : block(name, STATES.stopped, IGNORES, service.win32ExitCode, '0x0');
}

function block(name: string, state: string, accepts: string, exitCode: number, waitHint: string, extra: string[] = []): string {
  return lines(
    '',
    `SERVICE_NAME: ${name}`,
    '        TYPE               : 10  WIN32_OWN_PROCESS',
    `        STATE              : ${state}`,
    `                                ${accepts}`,
    `        WIN32_EXIT_CODE    : ${exitCode}  (0x${exitCode.toString(16)})`,
    '        SERVICE_EXIT_CODE  : 0  (0x0)',
    '        CHECKPOINT         : 0x0',
    `        WAIT_HINT          : ${waitHint}`,
    ...extra,
  );
}

/** `[SC] Api FAILED n:` / blank / message / blank, in the node's language; the exit code is the Win32 error. */
function error(context: ToolContext, api: string, code: number): ToolResult {
  const text = scText(nodeLocale(context.state));
  return {stdout: lines(text.failed(api, code), '', scMessage(text, code), ''), stderr: '', exitCode: exitCodeFor(code)};
}
