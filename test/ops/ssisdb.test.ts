import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {
  parseSqlcmdErrors,
  parseWorkerAgents,
  readWorkerAgents,
  sqlcmdFailure,
  SQL_CANNOT_OPEN_DATABASE,
  SQL_INVALID_OBJECT,
  SQL_LOGIN_FAILED,
  SQL_LOGIN_TIMEOUT,
  SQL_SYNTAX_ERROR,
  WORKER_AGENTS_QUERY,
  workerAgentsCommand,
} from '../../src/ops/ssisdb.ts';
import {formatCommand} from '../../src/ops/command.ts';
import {ToolError} from '../../src/ops/tool-error.ts';
import {FakeHost} from '../helpers/fake-host.ts';

const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');
const SERVER = 'MASTER\\SQL2017';
const ARGS = ['-S', SERVER, '-d', 'SSISDB', '-E', '-b', '-W', '-h', '-1', '-s', '|', '-Q', WORKER_AGENTS_QUERY];

// What sqlcmd -W -h -1 -s "|" prints for the query on Windows (CRLF), as docs/TOOL-OUTPUT.md describes it.
const ROWS = crlf(`6583054A-E915-4C2A-80E4-C765E79EF61D|WORKER1|WORKER1|1|2026-08-02 23:16:00.1234567 +00:00
0F8FAD5B-D9CB-469F-A165-70867728950E|WORKER2|Build agent 2 (east wing)  |0|NULL
7C9E6679-7425-40DE-944B-E07FC1F90AE7|WORKER3|Nightly | ETL|1|2026-07-30 08:00:00.0000000 -05:00
`);

const msg208 = crlf(`Msg 208, Level 16, State 1, Server ${SERVER}, Line 1\nInvalid object name 'catalog.worker_agents'.\n`);
const loginFailed = crlf(`Sqlcmd: Error: Microsoft ODBC Driver 17 for SQL Server : Login failed for user 'CONTOSO\\admin'..\n`);
const timeout = crlf(`HResult 0xFFFFFFFF, Level 16, State 1
SQL Server Network Interfaces: Error Locating Server/Instance Specified [xFFFFFFFF]. 
Sqlcmd: Error: Microsoft ODBC Driver 17 for SQL Server : Login timeout expired.
Sqlcmd: Error: Microsoft ODBC Driver 17 for SQL Server : A network-related or instance-specific error has occurred while establishing a connection to SQL Server. Server is not found or not accessible. Check if instance name is correct and if SQL Server is configured to allow remote connections. For more information see SQL Server Books Online..
`);

describe('workerAgentsCommand', () => {
  test('one argv element per flag and value; -s is a bare |', () => {
    assert.deepEqual(workerAgentsCommand(SERVER), {command: 'sqlcmd', args: ARGS});
    assert.equal(
      WORKER_AGENTS_QUERY,
      'SET NOCOUNT ON; SELECT WorkerAgentId, MachineName, DisplayName, IsEnabled, LastOnlineTime FROM [catalog].[worker_agents] ORDER BY MachineName',
    );
    assert.match(formatCommand(workerAgentsCommand(SERVER)), /^sqlcmd -S MASTER\\SQL2017 -d SSISDB -E -b -W -h -1 -s \| -Q "SET NOCOUNT ON; SELECT /);
  });

  test('other server spellings pass; an option, a quote or a line break is refused', () => {
    assert.equal(workerAgentsCommand('tcp:10.0.0.10,1433').args[1], 'tcp:10.0.0.10,1433');
    for (const bad of ['', ' ', '-Q', '/?', 'a"b', 'MASTER\nx', ' MASTER']) assert.throws(() => workerAgentsCommand(bad), ToolError, JSON.stringify(bad));
  });
});

describe('parseWorkerAgents', () => {
  test('rows with CRLF, NULL, a padded display name and one holding the separator', () => {
    assert.deepEqual(parseWorkerAgents(ROWS), [
      {agentId: '6583054A-E915-4C2A-80E4-C765E79EF61D', machineName: 'WORKER1', displayName: 'WORKER1', enabled: true, lastOnline: '2026-08-02 23:16:00.1234567 +00:00'},
      {agentId: '0F8FAD5B-D9CB-469F-A165-70867728950E', machineName: 'WORKER2', displayName: 'Build agent 2 (east wing)', enabled: false, lastOnline: null},
      {agentId: '7C9E6679-7425-40DE-944B-E07FC1F90AE7', machineName: 'WORKER3', displayName: 'Nightly | ETL', enabled: true, lastOnline: '2026-07-30 08:00:00.0000000 -05:00'},
    ]);
  });

  test('LF, lower-case or braced GUIDs, trailing spaces and blank lines', () => {
    const text = '\n{6583054a-e915-4c2a-80e4-c765e79ef61d}|WORKER1 |Worker one|1|NULL   \n\n';
    assert.deepEqual(parseWorkerAgents(text), [
      {agentId: '6583054A-E915-4C2A-80E4-C765E79EF61D', machineName: 'WORKER1', displayName: 'Worker one', enabled: true, lastOnline: null},
    ]);
  });

  test('no workers: empty output', () => {
    assert.deepEqual(parseWorkerAgents(''), []);
    assert.deepEqual(parseWorkerAgents('\r\n'), []);
  });

  test('tolerates a header (-h not -1) and a rows-affected line (NOCOUNT OFF)', () => {
    const text = crlf(`WorkerAgentId|MachineName|DisplayName|IsEnabled|LastOnlineTime
-------------|-----------|-----------|---------|--------------
6583054A-E915-4C2A-80E4-C765E79EF61D|WORKER1|WORKER1|1|NULL

(1 rows affected)
`);
    assert.equal(parseWorkerAgents(text).length, 1);
    assert.equal(parseWorkerAgents(text.replace('(1 rows affected)', '(1 row(s) affected)')).length, 1);
  });

  test('an error text or a malformed row is refused, not read as data', () => {
    assert.throws(() => parseWorkerAgents(msg208), ToolError);
    assert.throws(() => parseWorkerAgents('not-a-guid|WORKER1|W|1|NULL'), /not a GUID/);
    assert.throws(() => parseWorkerAgents('6583054A-E915-4C2A-80E4-C765E79EF61D|WORKER1|W|yes|NULL'), /IsEnabled "yes"/);
    assert.throws(() => parseWorkerAgents('6583054A-E915-4C2A-80E4-C765E79EF61D|WORKER1|W|1'), /not a worker_agents row/);
  });
});

describe('parseSqlcmdErrors', () => {
  test('a server error: Msg header with Server and Line, then the message', () => {
    assert.deepEqual(parseSqlcmdErrors(msg208), [
      {source: 'server', number: 208, level: 16, state: 1, server: SERVER, line: 1, message: "Invalid object name 'catalog.worker_agents'."},
    ]);
    const syntax = parseSqlcmdErrors(`Msg 102, Level 15, State 1, Server ${SERVER}, Line 1\r\nIncorrect syntax near 'FORM'.\r\n`);
    assert.equal(syntax[0]!.number, SQL_SYNTAX_ERROR);
    assert.equal(syntax[0]!.message, "Incorrect syntax near 'FORM'.");
  });

  test('the SSMS form (no Server) and a procedure are read as well', () => {
    const [e] = parseSqlcmdErrors("Msg 208, Level 16, State 0, Procedure sp_x, Line 3418 [Batch Start Line 12]\nInvalid object name '#t'.\n");
    assert.deepEqual(e, {source: 'server', number: 208, level: 16, state: 0, procedure: 'sp_x', line: 3418, message: "Invalid object name '#t'."});
  });

  test("client errors: one final period instead of ODBC's two; the driver is kept", () => {
    assert.deepEqual(parseSqlcmdErrors(loginFailed), [{source: 'client', driver: 'Microsoft ODBC Driver 17 for SQL Server', message: "Login failed for user 'CONTOSO\\admin'."}]);
    const errors = parseSqlcmdErrors(timeout);
    assert.deepEqual(
      errors.map((e) => e.source),
      ['network', 'client', 'client'],
    );
    assert.equal(errors[0]!.hresult, '0xFFFFFFFF');
    assert.equal(errors[0]!.message, 'SQL Server Network Interfaces: Error Locating Server/Instance Specified [xFFFFFFFF].');
    assert.equal(errors[1]!.message, 'Login timeout expired.');
    assert.match(errors[2]!.message, /Books Online\.$/);
  });

  test('older drivers and other sqlcmd complaints', () => {
    const native = parseSqlcmdErrors('Sqlcmd: Error: Microsoft SQL Server Native Client 10.0 : Login timeout expired.\n');
    assert.equal(native[0]!.driver, 'Microsoft SQL Server Native Client 10.0');
    assert.deepEqual(parseSqlcmdErrors("Sqlcmd: '-j': Unknown Option. Enter '-?' for help.\n"), [{source: 'client', message: "'-j': Unknown Option. Enter '-?' for help."}]);
    assert.deepEqual(parseSqlcmdErrors('Sqlcmd: Warning: The last operation was terminated because the user pressed CTRL+C.\n'), []);
  });

  test('rows are not errors, even a display name that looks like a header', () => {
    assert.deepEqual(parseSqlcmdErrors(ROWS), []);
    assert.deepEqual(parseSqlcmdErrors('6583054A-E915-4C2A-80E4-C765E79EF61D|W1|Msg 1, Level 16, State 1|1|NULL\n'), []);
  });
});

describe('sqlcmdFailure', () => {
  test('codes: the Msg number, else the number or SQLSTATE behind a known client message', () => {
    assert.equal(sqlcmdFailure('q', msg208, 1)?.details.code, SQL_INVALID_OBJECT);
    assert.equal(sqlcmdFailure('q', loginFailed, 1)?.details.code, SQL_LOGIN_FAILED);
    assert.equal(sqlcmdFailure('q', timeout, 1)?.details.code, SQL_LOGIN_TIMEOUT);
    const noDb = `Sqlcmd: Error: Microsoft ODBC Driver 17 for SQL Server : Cannot open database "SSISDB" requested by the login. The login failed..\n${loginFailed}`;
    assert.equal(sqlcmdFailure('q', noDb, 1)?.details.code, SQL_CANNOT_OPEN_DATABASE);
  });

  test('informational messages (level 10 and below) are not failures; a bare non-zero exit is', () => {
    assert.equal(sqlcmdFailure('q', 'Msg 0, Level 10, State 1, Server X, Line 1\nhello\n', 0), null);
    assert.equal(sqlcmdFailure('q', ROWS, 0), null);
    const bare = sqlcmdFailure('q', '', 1)!;
    assert.equal(bare.message, 'q failed: exit code 1');
    assert.equal(bare.details.code, undefined);
  });
});

describe('readWorkerAgents', () => {
  test('runs the command and returns the rows', async () => {
    const host = new FakeHost([{command: 'sqlcmd', args: ARGS, stdout: ROWS}]);
    const agents = await readWorkerAgents(host, SERVER);
    assert.deepEqual(
      agents.map((a) => a.machineName),
      ['WORKER1', 'WORKER2', 'WORKER3'],
    );
    assert.deepEqual(host.calls, [{command: 'sqlcmd', args: ARGS}]);
  });

  test('Msg 208 (no catalog view) throws with the number, exit code and output', async () => {
    const host = new FakeHost([{command: 'sqlcmd', args: ARGS, stdout: msg208, exitCode: 1}]);
    await assert.rejects(readWorkerAgents(host, SERVER), (e: unknown) => {
      assert.ok(e instanceof ToolError);
      assert.equal(e.tool, 'sqlcmd');
      assert.equal(e.details.code, 208);
      assert.equal(e.details.exitCode, 1);
      assert.equal(e.details.output, msg208);
      assert.equal(e.message, `sqlcmd -S ${SERVER} (SSISDB catalog.worker_agents) failed: Invalid object name 'catalog.worker_agents'. (Msg 208, Level 16)`);
      return true;
    });
  });

  test('login failed and an unreachable server', async () => {
    const failed = new FakeHost([{command: 'sqlcmd', args: ARGS, stdout: loginFailed, exitCode: 1}]);
    await assert.rejects(
      readWorkerAgents(failed, SERVER),
      (e: unknown) => e instanceof ToolError && e.details.code === 18456 && /Login failed for user 'CONTOSO\\admin'\./.test(e.message),
    );
    const away = new FakeHost([{command: 'sqlcmd', args: ARGS, stdout: timeout, exitCode: 1}]);
    await assert.rejects(readWorkerAgents(away, SERVER), (e: unknown) => e instanceof ToolError && e.details.code === 'HYT00' && /Login timeout expired/.test(e.message));
  });

  test('an error printed with exit code 0 still fails; so does an error on stderr', async () => {
    const zero = new FakeHost([{command: 'sqlcmd', args: ARGS, stdout: msg208, exitCode: 0}]);
    await assert.rejects(readWorkerAgents(zero, SERVER), (e: unknown) => e instanceof ToolError && e.details.code === 208);
    const stderr = new FakeHost([{command: 'sqlcmd', args: ARGS, stdout: '', stderr: msg208, exitCode: 1}]);
    await assert.rejects(readWorkerAgents(stderr, SERVER), (e: unknown) => e instanceof ToolError && e.details.code === 208);
  });
});
