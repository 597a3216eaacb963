// The sandbox's sqlcmd: the master's SQL Server answers the catalog query from the fleet's workers, in sqlcmd's
// format, and fails as sqlcmd fails. Through runSandboxCommand (in process) and SandboxFleet (the bundled tool).
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {useFreshSandboxTool} from '../helpers/sandbox-tool.ts';
import {addFault, initSandbox, runSandboxCommand, SandboxFleet, WORKER_SETTINGS_PATH} from '../../src/hosts/sandbox/index.ts';
import {nodeFiles} from '../../src/hosts/sandbox/node-files.ts';
import {sandboxPaths} from '../../src/hosts/sandbox/state.ts';
import {parseSettingsJson} from '../../src/hosts/sandbox/scale-out-files.ts';
import {replaceSetting} from '../../src/ops/scale-out-settings.ts';
import {parseSqlcmdErrors, parseWorkerAgents, readWorkerAgents, workerAgentsCommand, WORKER_AGENTS_QUERY} from '../../src/ops/ssisdb.ts';
import {ToolError} from '../../src/ops/tool-error.ts';

const SERVER = 'MASTER\\SQL2017';
const NOW = new Date('2026-08-03T10:20:30.456Z');
let work: string;
let dir: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'certwalk-sqlcmd-'));
  await useFreshSandboxTool(work);
  dir = join(work, 'sandbox');
  await initSandbox(dir, {workers: 3});
});

after(async () => {
  await rm(work, {recursive: true, force: true});
});

/** What `AgentId` each worker's WorkerSettings.config holds. */
function agentIds(sandbox: string, workers: string[]): Record<string, string> {
  return Object.fromEntries(
    workers.map((name) => {
      const bytes = nodeFiles(sandboxPaths.nodeDir(sandbox, name)).read(WORKER_SETTINGS_PATH)!;
      return [name, String(parseSettingsJson(bytes)['AgentId'])];
    }),
  );
}

const sqlcmd = (args: readonly string[], options: {node?: string; sandbox?: string; now?: Date} = {}) =>
  runSandboxCommand({dir: options.sandbox ?? dir, node: options.node ?? 'master', program: 'sqlcmd', args, now: options.now ?? NOW});

const query = (q: string, extra: string[] = []) => ['-S', SERVER, '-d', 'SSISDB', '-E', '-b', '-W', '-h', '-1', '-s', '|', ...extra, '-Q', q];

describe('the catalog query', () => {
  test('prints one row per worker, ordered by machine name, in sqlcmd -W -h -1 -s "|" form', async () => {
    const ids = agentIds(dir, ['worker1', 'worker2', 'worker3']);
    const r = await sqlcmd(workerAgentsCommand(SERVER).args);
    assert.equal(r.exitCode, 0);
    assert.equal(r.stderr, '');
    const at = '2026-08-03 10:20:30.4560000 +00:00';
    assert.equal(r.stdout, ['1', '2', '3'].map((n) => `${ids[`worker${n}`]!.toUpperCase()}|WORKER${n}|WORKER${n}|1|${at}\n`).join(''));
  });

  test('the server name is case-insensitive, and sqlcmd works from any node', async () => {
    const r = await sqlcmd(workerAgentsCommand('master\\sql2017').args, {node: 'worker2'});
    assert.equal(r.exitCode, 0);
    assert.equal(parseWorkerAgents(r.stdout).length, 3);
  });

  test('columns, *, ORDER BY DESC, NOCOUNT OFF with headers, three-part names from master', async () => {
    const r = await sqlcmd(['-S', SERVER, '-E', '-W', '-s', '|', '-Q', 'SELECT MachineName, UserAccount, Tags FROM SSISDB.[catalog].worker_agents ORDER BY MachineName DESC']);
    assert.equal(r.exitCode, 0);
    assert.equal(
      r.stdout,
      [
        'MachineName|UserAccount|Tags',
        '-----------|-----------|----',
        'WORKER3|CONTOSO\\svc-ssis-worker|NULL',
        'WORKER2|NT Service\\SSISScaleOutWorker140|NULL',
        'WORKER1|NT Service\\SSISScaleOutWorker140|NULL',
        '',
        '(3 rows affected)',
        '',
      ].join('\n'),
    );
    const all = await sqlcmd(query('SET NOCOUNT ON; SELECT * FROM [catalog].[worker_agents]'));
    assert.equal(all.stdout.split('\n')[0]!.split('|').length, 8);
  });

  test('without -W columns are padded to their display width', async () => {
    const r = await sqlcmd(['-S', SERVER, '-d', 'SSISDB', '-h', '-1', '-Q', 'SET NOCOUNT ON; SELECT WorkerAgentId, IsEnabled FROM catalog.worker_agents ORDER BY MachineName']);
    const first = r.stdout.split('\n')[0]!;
    assert.equal(first.length, 36 + 1 + 9);
    assert.match(first, /^[0-9A-F-]{36} 1 {8}$/);
  });
});

describe('failures, as sqlcmd prints them', () => {
  test("a server that is not the master's SqlServerName: login timeout, exit 1", async () => {
    for (const server of ['OTHER\\SQL2017', 'MASTER', '']) {
      const r = await sqlcmd(workerAgentsCommand(server === '' ? 'x' : server).args.map((a) => (a === 'x' ? '' : a)));
      assert.equal(r.exitCode, 1, server);
      const errors = parseSqlcmdErrors(r.stdout);
      assert.ok(
        errors.some((e) => e.source === 'client' && e.message === 'Login timeout expired.'),
        server,
      );
      assert.equal(
        errors.some((e) => e.source === 'network'),
        server.includes('\\'),
        `${server}: HResult lines only for a named instance`,
      );
    }
  });

  test('an unknown statement: Msg 102 on the whole batch, exit 1 with -b, 0 without', async () => {
    const r = await sqlcmd(query('SET NOCOUNT ON; SELECT WorkerAgentId FROM [catalog].[worker_agents]; SELECT MachineName FROM'));
    assert.equal(r.exitCode, 1);
    assert.equal(r.stdout, `Msg 102, Level 15, State 1, Server ${SERVER}, Line 1\nIncorrect syntax near 'FROM'.\n`, 'no rows: the batch did not run');
    const noB = await sqlcmd(['-S', SERVER, '-d', 'SSISDB', '-Q', 'DROP TABLE x']);
    assert.equal(noB.exitCode, 0);
    assert.deepEqual(
      parseSqlcmdErrors(noB.stdout).map((e) => e.number),
      [102],
    );
  });

  test('the view outside SSISDB: Msg 208; an unknown column: Msg 207', async () => {
    const r = await sqlcmd(['-S', SERVER, '-E', '-b', '-Q', WORKER_AGENTS_QUERY]);
    assert.equal(r.exitCode, 1);
    assert.equal(r.stdout, `Msg 208, Level 16, State 1, Server ${SERVER}, Line 1\nInvalid object name 'catalog.worker_agents'.\n`);
    const col = await sqlcmd(query('SELECT AgentId FROM [catalog].[worker_agents]'));
    assert.deepEqual(parseSqlcmdErrors(col.stdout), [{source: 'server', number: 207, level: 16, state: 1, server: SERVER, line: 1, message: "Invalid column name 'AgentId'."}]);
  });

  test('SQL login, unknown database, conflicting options', async () => {
    const sql = await sqlcmd(['-S', SERVER, '-U', 'sa', '-P', 'x', '-Q', WORKER_AGENTS_QUERY]);
    assert.equal(sql.stdout, "Sqlcmd: Error: Microsoft ODBC Driver 17 for SQL Server : Login failed for user 'sa'..\n");
    assert.equal(sql.exitCode, 1);
    const db = await sqlcmd(['-S', SERVER, '-d', 'SSISDB2', '-Q', WORKER_AGENTS_QUERY]);
    assert.deepEqual(
      parseSqlcmdErrors(db.stdout).map((e) => e.message),
      ['Cannot open database "SSISDB2" requested by the login. The login failed.', "Login failed for user 'CONTOSO\\Administrator'."],
    );
    const both = await sqlcmd(['-S', SERVER, '-E', '-U', 'sa', '-Q', WORKER_AGENTS_QUERY]);
    assert.equal(both.stdout, 'Sqlcmd: The -E and the -U/-P options are mutually exclusive.\n');
    const unknown = await sqlcmd(['-S', SERVER, '-J', '-Q', WORKER_AGENTS_QUERY]);
    assert.equal(unknown.stdout, "Sqlcmd: '-J': Unknown Option. Enter '-?' for help.\n");
    assert.equal(unknown.exitCode, 1);
  });

  test('options accept their value attached (-SMASTER\\SQL2017) and / as prefix', async () => {
    const r = await sqlcmd([`-S${SERVER}`, '/d', 'SSISDB', '-E', '-W', '-h-1', '-s|', '-Q', WORKER_AGENTS_QUERY]);
    assert.equal(r.exitCode, 0);
    assert.equal(parseWorkerAgents(r.stdout).length, 3);
  });
});

describe('through SandboxFleet and readWorkerAgents', () => {
  test('the three workers, with the machine names and AgentIds of the nodes', async () => {
    const fleet = new SandboxFleet(dir);
    const master = await fleet.host('master');
    const agents = await readWorkerAgents(master, SERVER);
    const nodes = (await fleet.nodes()).filter((n) => n.roles.includes('ssis-worker'));
    const ids = agentIds(
      dir,
      nodes.map((n) => n.name),
    );
    assert.deepEqual(
      agents.map((a) => ({machineName: a.machineName, agentId: a.agentId, enabled: a.enabled})),
      nodes.map((n) => ({machineName: n.machineName, agentId: ids[n.name]!.toUpperCase(), enabled: true})),
    );
    for (const a of agents) assert.match(a.lastOnline ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{7} \+00:00$/);
  });

  test('a wrong server is a ToolError (HYT00, exit code 1)', async () => {
    const master = await new SandboxFleet(dir).host('master');
    await assert.rejects(readWorkerAgents(master, 'MASTER\\SQLEXPRESS'), (e: unknown) => {
      assert.ok(e instanceof ToolError);
      assert.equal(e.details.code, 'HYT00');
      assert.equal(e.details.exitCode, 1);
      assert.match(e.message, /Login timeout expired/);
      return true;
    });
  });
});

describe('the catalog follows the fleet', () => {
  let copy: string;
  before(async () => {
    copy = join(work, 'changing');
    await initSandbox(copy, {workers: 2});
  });

  test('display names from WorkerSettings, a stopped worker keeps its last online time, a worker without AgentId is absent', async () => {
    const files = nodeFiles(sandboxPaths.nodeDir(copy, 'worker1'));
    files.write(WORKER_SETTINGS_PATH, replaceSetting(files.read(WORKER_SETTINGS_PATH)!, 'DisplayName', 'Build agent | east wing'));
    const stop = await runSandboxCommand({dir: copy, node: 'worker2', program: 'sc.exe', args: ['stop', 'SSISScaleOutWorker140']});
    assert.equal(stop.exitCode, 0);
    const later = new Date(Date.now() + 3_600_000);
    const r = await sqlcmd(workerAgentsCommand(SERVER).args, {sandbox: copy, now: later});
    const [w1, w2] = parseWorkerAgents(r.stdout);
    assert.equal(w1!.displayName, 'Build agent | east wing');
    assert.equal(w1!.lastOnline, `${later.toISOString().replace('T', ' ').slice(0, 23)}0000 +00:00`);
    assert.notEqual(w2!.lastOnline, w1!.lastOnline, 'the stopped worker was last online before the query');
    assert.ok(new Date(w2!.lastOnline!.slice(0, 23).replace(' ', 'T') + 'Z').getTime() < later.getTime());

    const w2files = nodeFiles(sandboxPaths.nodeDir(copy, 'worker2'));
    w2files.write(WORKER_SETTINGS_PATH, Buffer.from('{"DisplayName": "WORKER2"}'));
    const after = parseWorkerAgents((await sqlcmd(workerAgentsCommand(SERVER).args, {sandbox: copy})).stdout);
    assert.deepEqual(
      after.map((a) => a.machineName),
      ['WORKER1'],
    );
    const one = await sqlcmd(['-S', SERVER, '-d', 'SSISDB', '-W', '-h', '-1', '-Q', 'SELECT MachineName FROM catalog.worker_agents'], {sandbox: copy});
    assert.equal(one.stdout, 'WORKER1\n\n(1 rows affected)\n', 'sqlcmd says "rows" for one row too');
  });

  test('an injected fault is the unreachable server, once', async () => {
    await addFault(copy, {program: 'sqlcmd'});
    const failed = await sqlcmd(workerAgentsCommand(SERVER).args, {sandbox: copy});
    assert.equal(failed.exitCode, 1);
    assert.match(failed.stdout, /Login timeout expired\./);
    const ok = await sqlcmd(workerAgentsCommand(SERVER).args, {sandbox: copy});
    assert.equal(ok.exitCode, 0);
  });
});
