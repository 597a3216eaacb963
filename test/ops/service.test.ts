import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {
  parseScError,
  parseScOutput,
  parseServiceConfig,
  queryService,
  queryServiceConfig,
  queryServiceConfigCommand,
  queryServiceCommand,
  restartService,
  startService,
  startServiceCommand,
  stopService,
  stopServiceCommand,
} from '../../src/ops/service.ts';
import {ToolError} from '../../src/ops/tool-error.ts';
import {FakeHost} from '../helpers/fake-host.ts';
import type {FakeRow} from '../helpers/fake-host.ts';

const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');
const NAME = 'SSISScaleOutMaster140';

// The formats of docs/TOOL-OUTPUT.md, with CRLF as sc.exe prints them.
const status = (code: number, word: string, opts: {exit?: number; serviceExit?: number; pid?: number} = {}) =>
  crlf(`
SERVICE_NAME: ${NAME}
        TYPE               : 10  WIN32_OWN_PROCESS
        STATE              : ${code}  ${word}
                                (${code === 1 ? 'NOT_STOPPABLE, NOT_PAUSABLE, IGNORES_SHUTDOWN' : 'STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN'})
        WIN32_EXIT_CODE    : ${opts.exit ?? 0}  (0x${(opts.exit ?? 0).toString(16)})
        SERVICE_EXIT_CODE  : ${opts.serviceExit ?? 0}  (0x${(opts.serviceExit ?? 0).toString(16)})
        CHECKPOINT         : 0x0
        WAIT_HINT          : 0x0
${opts.pid === undefined ? '' : `        PID                : ${opts.pid}\n        FLAGS              :\n`}`);

const RUNNING = status(4, 'RUNNING');
const STOPPED = status(1, 'STOPPED');
const STOP_PENDING = status(3, 'STOP_PENDING');
const START_PENDING = status(2, 'START_PENDING', {pid: 4242});
const scError = (op: string, code: number, message: string) => crlf(`[SC] ${op} FAILED ${code}:\n\n${message}\n\n`);

const query = (stdout: string, once = true): FakeRow => ({command: 'sc.exe', args: ['query', NAME], stdout, once});
const noSleep = {sleep: async () => {}, pollMs: 250, timeoutMs: 2000};

describe('parseScOutput', () => {
  test('running', () => {
    assert.deepEqual(parseScOutput(RUNNING), {serviceName: NAME, state: 'running', stateCode: 4, win32ExitCode: 0, serviceExitCode: 0});
  });

  test('start prints START_PENDING with a PID (LF or CRLF)', () => {
    const expected = {serviceName: NAME, state: 'start-pending', stateCode: 2, win32ExitCode: 0, serviceExitCode: 0, pid: 4242};
    assert.deepEqual(parseScOutput(START_PENDING), expected);
    assert.deepEqual(parseScOutput(START_PENDING.replace(/\r\n/g, '\n')), expected);
  });

  test('a failed start: STOPPED with exit code 1067', () => {
    const s = parseScOutput(status(1, 'STOPPED', {exit: 1067}));
    assert.equal(s.state, 'stopped');
    assert.equal(s.win32ExitCode, 1067);
  });

  test('keys on the number: a translated state word changes nothing', () => {
    assert.equal(parseScOutput(STOP_PENDING.replace('STOP_PENDING', 'WIRD_BEENDET')).state, 'stop-pending');
    assert.equal(parseScOutput(status(7, 'ANGEHALTEN')).state, 'paused');
    assert.equal(parseScOutput(status(5, 'X')).state, 'continue-pending');
    assert.equal(parseScOutput(status(6, 'X')).state, 'pause-pending');
  });

  test('text without a status is refused', () => {
    assert.throws(() => parseScOutput(scError('OpenService', 1060, 'x')), ToolError);
    assert.throws(() => parseScOutput(status(9, 'WHAT')), ToolError);
  });
});

describe('parseScError', () => {
  test('1060, 1062, 1056', () => {
    assert.deepEqual(parseScError(scError('OpenService', 1060, 'The specified service does not exist as an installed service.')), {
      code: 1060,
      message: 'The specified service does not exist as an installed service.',
    });
    assert.deepEqual(parseScError(scError('ControlService', 1062, 'The service has not been started.')), {code: 1062, message: 'The service has not been started.'});
    assert.deepEqual(parseScError(scError('StartService', 1056, 'An instance of the service is already running.')), {
      code: 1056,
      message: 'An instance of the service is already running.',
    });
  });

  test('a status is not an error', () => {
    assert.equal(parseScError(RUNNING), null);
  });
});

describe('command builders', () => {
  test('argv arrays', () => {
    assert.deepEqual(queryServiceCommand(NAME), {command: 'sc.exe', args: ['query', NAME]});
    assert.deepEqual(stopServiceCommand(NAME), {command: 'sc.exe', args: ['stop', NAME]});
    assert.deepEqual(startServiceCommand('MSSQL$SQL2017'), {command: 'sc.exe', args: ['start', 'MSSQL$SQL2017']});
  });

  test('a name that is not one is refused', () => {
    assert.throws(() => stopServiceCommand('a"b'), ToolError);
    assert.throws(() => stopServiceCommand(''), ToolError);
  });
});

describe('queryService', () => {
  test('returns the status', async () => {
    const host = new FakeHost([query(RUNNING)]);
    assert.equal((await queryService(host, NAME)).state, 'running');
  });

  test('a missing service throws with code 1060', async () => {
    const host = new FakeHost([
      {
        command: 'sc.exe',
        args: ['query', NAME],
        stdout: scError('EnumQueryServicesStatus:OpenService', 1060, 'The specified service does not exist as an installed service.'),
        exitCode: 1060 & 0xff,
      },
    ]);
    await assert.rejects(queryService(host, NAME), (e: unknown) => {
      assert.ok(e instanceof ToolError);
      assert.equal(e.details.code, 1060);
      assert.match(e.message, /does not exist/);
      return true;
    });
  });
});

describe('stopService', () => {
  test('stop, then polls through STOP_PENDING until STOPPED', async () => {
    const sleeps: number[] = [];
    const host = new FakeHost([{command: 'sc.exe', args: ['stop', NAME], stdout: STOP_PENDING}, query(STOP_PENDING), query(STOP_PENDING), query(STOPPED)]);
    const s = await stopService(host, NAME, {sleep: async (ms) => void sleeps.push(ms), pollMs: 100, timeoutMs: 5000});
    assert.equal(s.state, 'stopped');
    assert.deepEqual(sleeps, [100, 100]);
    assert.deepEqual(host.unusedOnceRows, []);
    assert.deepEqual(
      host.calls.map((c) => c.args[0]),
      ['stop', 'query', 'query', 'query'],
    );
  });

  test('1062 (not started) counts as already stopped', async () => {
    const host = new FakeHost([
      {command: 'sc.exe', args: ['stop', NAME], stdout: scError('ControlService', 1062, 'The service has not been started.'), exitCode: 1062 & 0xff},
      query(STOPPED),
    ]);
    assert.equal((await stopService(host, NAME, noSleep)).state, 'stopped');
  });

  test('another sc error is thrown', async () => {
    const host = new FakeHost([{command: 'sc.exe', args: ['stop', NAME], stdout: scError('OpenService', 5, 'Access is denied.'), exitCode: 5}]);
    await assert.rejects(stopService(host, NAME, noSleep), (e: unknown) => e instanceof ToolError && e.details.code === 5);
    assert.equal(host.calls.length, 1);
  });

  test('times out with a ToolError when the service never stops', async () => {
    const host = new FakeHost([{command: 'sc.exe', args: ['stop', NAME], stdout: STOP_PENDING}, query(STOP_PENDING, false)]);
    await assert.rejects(stopService(host, NAME, {sleep: async () => {}, pollMs: 500, timeoutMs: 2000}), (e: unknown) => {
      assert.ok(e instanceof ToolError);
      assert.match(e.message, /did not stop within 2 s \(still stop-pending\)/);
      return true;
    });
    // one query at 0, 500, 1000, 1500 and 2000 ms of sleep
    assert.equal(host.calls.filter((c) => c.args[0] === 'query').length, 5);
  });
});

describe('startService', () => {
  test('start, then polls until RUNNING', async () => {
    const host = new FakeHost([{command: 'sc.exe', args: ['start', NAME], stdout: START_PENDING}, query(START_PENDING), query(RUNNING)]);
    const s = await startService(host, NAME, noSleep);
    assert.equal(s.state, 'running');
    assert.deepEqual(host.unusedOnceRows, []);
  });

  test('1056 (already running) is fine', async () => {
    const host = new FakeHost([
      {command: 'sc.exe', args: ['start', NAME], stdout: scError('StartService', 1056, 'An instance of the service is already running.'), exitCode: 1056 & 0xff},
      query(RUNNING),
    ]);
    assert.equal((await startService(host, NAME, noSleep)).state, 'running');
  });

  test('a service that stops right after start is reported with its exit code', async () => {
    const host = new FakeHost([{command: 'sc.exe', args: ['start', NAME], stdout: START_PENDING}, query(START_PENDING), query(status(1, 'STOPPED', {exit: 1067}))]);
    await assert.rejects(startService(host, NAME, noSleep), (e: unknown) => {
      assert.ok(e instanceof ToolError);
      assert.equal(e.message, `service ${NAME} stopped right after start (exit code 1067)`);
      assert.equal(e.details.code, 1067);
      return true;
    });
  });

  test('a service-specific exit code is included', async () => {
    const host = new FakeHost([{command: 'sc.exe', args: ['start', NAME], stdout: START_PENDING}, query(status(1, 'STOPPED', {exit: 1066, serviceExit: 42}))]);
    await assert.rejects(startService(host, NAME, noSleep), /exit code 1066, service-specific code 42/);
  });

  test('times out when it stays START_PENDING', async () => {
    const host = new FakeHost([{command: 'sc.exe', args: ['start', NAME], stdout: START_PENDING}, query(START_PENDING, false)]);
    await assert.rejects(startService(host, NAME, noSleep), /did not reach RUNNING within 2 s \(still start-pending\)/);
  });

  test('a missing service fails at sc start', async () => {
    const host = new FakeHost([
      {command: 'sc.exe', args: ['start', NAME], stdout: scError('OpenService', 1060, 'The specified service does not exist as an installed service.'), exitCode: 36},
    ]);
    await assert.rejects(startService(host, NAME, noSleep), (e: unknown) => e instanceof ToolError && e.details.code === 1060 && e.details.exitCode === 36);
  });
});

describe('restartService', () => {
  test('stop, wait, start, wait: returns the running status', async () => {
    const host = new FakeHost([
      {command: 'sc.exe', args: ['stop', NAME], stdout: STOP_PENDING},
      query(STOP_PENDING),
      query(STOPPED),
      {command: 'sc.exe', args: ['start', NAME], stdout: START_PENDING},
      query(START_PENDING),
      query(RUNNING),
    ]);
    const s = await restartService(host, NAME, noSleep);
    assert.equal(s.state, 'running');
    assert.deepEqual(
      host.calls.map((c) => c.args[0]),
      ['stop', 'query', 'query', 'start', 'query', 'query'],
    );
    assert.deepEqual(host.unusedOnceRows, []);
  });

  test('does not start when the stop times out', async () => {
    const host = new FakeHost([{command: 'sc.exe', args: ['stop', NAME], stdout: STOP_PENDING}, query(STOP_PENDING, false)]);
    await assert.rejects(restartService(host, NAME, noSleep), /did not stop/);
    assert.ok(!host.calls.some((c) => c.args[0] === 'start'));
  });
});

// `sc qc` as Windows Server prints it (the layout of docs/TOOL-OUTPUT.md; CRLF, the account last).
const QC = crlf(`[SC] QueryServiceConfig SUCCESS

SERVICE_NAME: SSISScaleOutWorker140
        TYPE               : 10  WIN32_OWN_PROCESS
        START_TYPE         : 2   AUTO_START
        ERROR_CONTROL      : 1   NORMAL
        BINARY_PATH_NAME   : "C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\ScaleOut\\WorkerAgent\\Microsoft.SqlServer.IntegrationServices.Scaleout.WorkerAgent.exe"
        LOAD_ORDER_GROUP   :
        TAG                : 0
        DISPLAY_NAME       : SQL Server Integration Services Scale Out Worker 14.0
        DEPENDENCIES       :
        SERVICE_START_NAME : CONTOSO\\svc-ssis worker
`);

describe('sc qc', () => {
  test('parses the account (SERVICE_START_NAME, spaces kept), display name and binary path', () => {
    const config = parseServiceConfig(QC);
    assert.equal(config.serviceName, 'SSISScaleOutWorker140');
    assert.equal(config.account, 'CONTOSO\\svc-ssis worker');
    assert.equal(config.displayName, 'SQL Server Integration Services Scale Out Worker 14.0');
    assert.match(config.binaryPath, /^"C:\\Program Files\\.*WorkerAgent\.exe"$/);
  });

  test('a block without SERVICE_START_NAME is refused, not read as an empty account', () => {
    assert.throws(() => parseServiceConfig(QC.replace(/ {8}SERVICE_START_NAME.*\r\n/, '')), ToolError);
  });

  test('queryServiceConfig runs sc.exe qc NAME and reports a missing service with its Win32 error', async () => {
    assert.deepEqual(queryServiceConfigCommand('SSISScaleOutWorker140'), {command: 'sc.exe', args: ['qc', 'SSISScaleOutWorker140']});
    const host = new FakeHost([{command: 'sc.exe', args: ['qc', 'SSISScaleOutWorker140'], stdout: QC}]);
    assert.equal((await queryServiceConfig(host, 'SSISScaleOutWorker140')).account, 'CONTOSO\\svc-ssis worker');
    const missing = new FakeHost([
      {command: 'sc.exe', args: ['qc', 'Nope'], stdout: scError('OpenService', 1060, 'The specified service does not exist as an installed service.'), exitCode: 36},
    ]);
    await assert.rejects(queryServiceConfig(missing, 'Nope'), (e: ToolError) => e.details.code === 1060 && /does not exist/.test(e.message));
  });
});
