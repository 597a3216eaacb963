// sqlcmd against the fleet's SQL Server: the instance named by the master's SqlServerName (`MASTER\SQL2017`) with the
// SSISDB catalog, whose `[catalog].[worker_agents]` view lists the Scale Out Workers. The rows are derived from the
// fleet when the command runs (readSqlServer, the only I/O here, called by dispatch.ts); the program itself stays a
// pure function of them and the arguments. It understands `SET NOCOUNT ON|OFF` and `SELECT cols|* FROM
// [SSISDB.]catalog.worker_agents [ORDER BY col [ASC|DESC], …]`; any other statement is a syntax error.
// Formats and error texts: docs/TOOL-OUTPUT.md ("sqlcmd").
import {stat} from 'node:fs/promises';
import type {NodeInfo} from '../../host.ts';
import {nodeFiles} from '../node-files.ts';
import {MASTER_SERVICE, WORKER_SERVICE, parseSettingsJson, settingsPathOf} from '../scale-out-files.ts';
import {readNodeState, sandboxPaths} from '../state.ts';
import type {NodeState} from '../state.ts';
import {lines} from './program.ts';
import type {SandboxProgram, ToolContext, ToolResult} from './program.ts';

const DRIVER = 'Microsoft ODBC Driver 17 for SQL Server';
const DATABASES = ['master', 'tempdb', 'model', 'msdb', 'SSISDB'];

/** A Scale Out Worker as the catalog knows it. */
export interface CatalogWorker {
  /** WorkerSettings.config's AgentId (any case; printed upper-case as SQL Server prints a uniqueidentifier). */
  readonly agentId: string;
  readonly machineName: string;
  readonly displayName: string;
  readonly description: string;
  readonly userAccount: string;
  /** Its service and the master's are running: LastOnlineTime is the time of the query. */
  readonly online: boolean;
  /** When not online: when it last was (ISO; the last change of the stopped node's state), or null. */
  readonly lastSeen: string | null;
}

/** The SQL Server instance behind the Scale Out master(s). */
export interface SqlServerInstance {
  /** The SqlServerName of every master (what `-S` must name; @@SERVERNAME is the first). Empty: no SQL Server. */
  readonly names: readonly string[];
  readonly workers: readonly CatalogWorker[];
}

// The catalog as the fleet implies it: every ssis-worker node whose WorkerSettings.config has an AgentId (a worker
// registers with its AgentId), named by its machine name and settings DisplayName. Never throws: a node that cannot be
// read is left out, as a worker that never registered would be.
export async function readSqlServer(dir: string, nodes: readonly NodeInfo[]): Promise<SqlServerInstance> {
  const names: string[] = [];
  let masterRunning = false;
  let masterStoppedAt: Date | null = null;
  for (const node of nodes.filter((n) => n.roles.includes('ssis-master'))) {
    const state = await readState(dir, node);
    const settings = readSettings(dir, node, settingsPathOf(state ?? {services: {}}, MASTER_SERVICE));
    const name = settings?.['SqlServerName'];
    if (typeof name === 'string' && name.trim() !== '') names.push(name.trim());
    if (serviceRunning(state, MASTER_SERVICE)) masterRunning = true;
    else masterStoppedAt = await changedAt(dir, node);
  }
  const workers: CatalogWorker[] = [];
  for (const node of nodes.filter((n) => n.roles.includes('ssis-worker'))) {
    const state = await readState(dir, node);
    const settings = readSettings(dir, node, settingsPathOf(state ?? {services: {}}, WORKER_SERVICE));
    const agentId = settings?.['AgentId'];
    if (typeof agentId !== 'string' || !/^\{?[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}\}?$/.test(agentId)) continue;
    const running = serviceRunning(state, WORKER_SERVICE);
    const stopped = [running ? null : await changedAt(dir, node), masterRunning ? null : masterStoppedAt].filter((d): d is Date => d !== null);
    const lastSeen = stopped.length === 0 ? null : new Date(Math.min(...stopped.map((d) => d.getTime())));
    const text = (key: string, fallback: string) => (typeof settings?.[key] === 'string' ? (settings[key] as string) : fallback);
    workers.push({
      agentId: agentId.replace(/[{}]/g, ''),
      machineName: node.machineName,
      displayName: text('DisplayName', node.machineName),
      description: text('Description', ''),
      userAccount: serviceKey(state, WORKER_SERVICE) ? state!.services[serviceKey(state, WORKER_SERVICE)!]!.account : `NT Service\\${WORKER_SERVICE}`,
      online: running && masterRunning,
      lastSeen: running && masterRunning ? null : (lastSeen?.toISOString() ?? null),
    });
  }
  return {names, workers};
}

function readSettings(dir: string, node: NodeInfo, path: string): Record<string, unknown> | undefined {
  const bytes = nodeFiles(sandboxPaths.nodeDir(dir, node.name)).read(path);
  if (!bytes) return undefined;
  try {
    return parseSettingsJson(bytes);
  } catch {
    return undefined;
  }
}

async function readState(dir: string, node: NodeInfo): Promise<NodeState | undefined> {
  try {
    // Without the node's lock: state.json is replaced atomically, so this is a consistent (if momentary) view.
    return await readNodeState(dir, node.name);
  } catch {
    return undefined;
  }
}

async function changedAt(dir: string, node: NodeInfo): Promise<Date | null> {
  try {
    return (await stat(sandboxPaths.nodeState(dir, node.name))).mtime;
  } catch {
    return null;
  }
}

function serviceKey(state: NodeState | undefined, name: string): string | undefined {
  return state ? Object.keys(state.services).find((s) => s.toLowerCase() === name.toLowerCase()) : undefined;
}

function serviceRunning(state: NodeState | undefined, name: string): boolean {
  const key = serviceKey(state, name);
  return key !== undefined && state!.services[key]!.status === 'running';
}

// ---------------------------------------------------------------------------------------------------------------
// Arguments. Options are case-sensitive (-s separator, -S server); a value may follow with or without a space.

const VALUE_OPTIONS = new Set([...'SdUPhsQqiolt', ...'wvVmacHKMfyYzZ']);
const FLAG_OPTIONS = new Set([...'EbWeICNxXAGgjuR?']);
const OPTIONAL_VALUE_OPTIONS = new Set([...'rkpL']);

interface Options {
  readonly values: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
}

function parseArgs(args: readonly string[]): Options | ToolResult {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!/^[-/]./.test(arg)) return usageError(`Sqlcmd: '${arg}': Unexpected argument. Enter '-?' for help.`);
    const letter = arg[1]!;
    const rest = arg.slice(2);
    if (VALUE_OPTIONS.has(letter)) {
      const value = rest !== '' ? rest : args[++i];
      if (value === undefined) return usageError(`Sqlcmd: '-${letter}': Missing argument. Enter '-?' for help.`);
      values.set(letter, value);
    } else if ((FLAG_OPTIONS.has(letter) && rest === '') || OPTIONAL_VALUE_OPTIONS.has(letter)) {
      flags.add(letter);
    } else {
      return usageError(`Sqlcmd: '${arg}': Unknown Option. Enter '-?' for help.`);
    }
  }
  return {values, flags};
}

function usageError(text: string): ToolResult {
  return {stdout: lines(text), stderr: '', exitCode: 1};
}

// ---------------------------------------------------------------------------------------------------------------
// Errors, as sqlcmd prints them: all on stdout.

/** The server cannot be reached (no such host or instance): what a wrong -S gets, after the login timeout. */
function unreachable(server: string): ToolResult {
  const network = server.includes('\\') ? ['HResult 0xFFFFFFFF, Level 16, State 1', 'SQL Server Network Interfaces: Error Locating Server/Instance Specified [xFFFFFFFF]. '] : [];
  return {
    stdout: lines(
      ...network,
      `Sqlcmd: Error: ${DRIVER} : Login timeout expired.`,
      `Sqlcmd: Error: ${DRIVER} : A network-related or instance-specific error has occurred while establishing a connection to SQL Server. Server is not found or not accessible. Check if instance name is correct and if SQL Server is configured to allow remote connections. For more information see SQL Server Books Online..`,
    ),
    stderr: '',
    exitCode: 1,
  };
}

function clientErrors(...messages: string[]): ToolResult {
  return {stdout: lines(...messages.map((m) => `Sqlcmd: Error: ${DRIVER} : ${m}`)), stderr: '', exitCode: 1};
}

class SqlError extends Error {
  constructor(
    readonly number: number,
    readonly level: number,
    message: string,
  ) {
    super(message);
  }
}

const syntaxError = (near: string) => new SqlError(102, 15, `Incorrect syntax near '${near}'.`);

// ---------------------------------------------------------------------------------------------------------------
// The view.

type SqlValue = string | number | Date | null;

interface Column {
  readonly name: string;
  /** Display width without -W (sqlcmd pads to the type's width; nvarchar(max) to -y, 256). */
  readonly width: number;
  readonly value: (worker: CatalogWorker, now: Date) => SqlValue;
}

const COLUMNS: readonly Column[] = [
  {name: 'WorkerAgentId', width: 36, value: (w) => w.agentId.toUpperCase()},
  {name: 'IsEnabled', width: 9, value: () => 1},
  {name: 'DisplayName', width: 256, value: (w) => w.displayName},
  {name: 'Description', width: 256, value: (w) => w.description},
  {name: 'MachineName', width: 256, value: (w) => w.machineName},
  {name: 'Tags', width: 256, value: () => null},
  {name: 'UserAccount', width: 256, value: (w) => w.userAccount},
  {name: 'LastOnlineTime', width: 34, value: (w, now) => (w.online ? now : w.lastSeen === null ? null : new Date(w.lastSeen))},
];

function column(name: string): Column {
  const found = COLUMNS.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!found) throw new SqlError(207, 16, `Invalid column name '${name}'.`);
  return found;
}

/** datetimeoffset(7) in UTC: `2026-08-02 23:16:00.1230000 +00:00`. */
function formatDateTimeOffset(date: Date): string {
  const iso = date.toISOString(); // 2026-08-02T23:16:00.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${iso.slice(20, 23)}0000 +00:00`;
}

function formatValue(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (value instanceof Date) return formatDateTimeOffset(value);
  return String(value);
}

function compare(a: SqlValue, b: SqlValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1; // NULLs first, as SQL Server sorts them
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  // The default collation is case-insensitive.
  const x = String(a).toUpperCase();
  const y = String(b).toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

const unbracket = (name: string) => name.trim().replace(/^\[(.*)\]$/, '$1');

interface Select {
  readonly columns: readonly Column[];
  readonly object: readonly string[];
  readonly order: readonly {column: Column; descending: boolean}[];
}

type Statement = {kind: 'nocount'; on: boolean} | {kind: 'select'; text: string};

/** The batch's statements; a statement certwalk's SQL Server does not understand fails the whole batch (Msg 102). */
function parseBatch(query: string): Statement[] {
  const statements: Statement[] = [];
  for (const raw of query.split(';')) {
    const text = raw.trim().replace(/\s+/g, ' ');
    if (text === '') continue;
    const nocount = /^SET NOCOUNT (ON|OFF)$/i.exec(text);
    if (nocount) statements.push({kind: 'nocount', on: nocount[1]!.toUpperCase() === 'ON'});
    else if (/^SELECT .+ FROM \S+( ORDER BY .+)?$/i.test(text)) statements.push({kind: 'select', text});
    else throw syntaxError(text.split(' ').at(-1)!.replace(/[[\]]/g, ''));
  }
  return statements;
}

function parseSelect(text: string): Select {
  const m = /^SELECT (.+?) FROM (\S+)(?: ORDER BY (.+))?$/i.exec(text)!;
  const columns = m[1]!.split(',').flatMap((c) => (c.trim() === '*' ? [...COLUMNS] : [column(unbracket(c))]));
  const object = m[2]!.split('.').map(unbracket);
  const order = (m[3] ?? '')
    .split(',')
    .filter((o) => o.trim() !== '')
    .map((o) => {
      const [name, direction] = o.trim().split(' ') as [string, string | undefined];
      if (direction !== undefined && !/^(ASC|DESC)$/i.test(direction)) throw syntaxError(direction);
      return {column: column(unbracket(name)), descending: direction?.toUpperCase() === 'DESC'};
    });
  return {columns, object, order};
}

/** `[catalog].[worker_agents]` in SSISDB, or `SSISDB.catalog.worker_agents` from anywhere; else Msg 208. */
function checkObject(object: readonly string[], database: string): void {
  const [db, schema, name] = object.length === 3 ? object : [database, ...(object.length === 2 ? object : ['dbo', ...object])];
  const ok = db!.toLowerCase() === 'ssisdb' && schema!.toLowerCase() === 'catalog' && name!.toLowerCase() === 'worker_agents';
  if (!ok) throw new SqlError(208, 16, `Invalid object name '${object.join('.')}'.`);
}

interface Output {
  readonly headers: boolean;
  readonly separator: string;
  readonly trim: boolean;
}

function resultSet(select: Select, workers: readonly CatalogWorker[], now: Date, output: Output, nocount: boolean): string[] {
  const rows = [...workers];
  if (select.order.length > 0) {
    rows.sort((a, b) => {
      for (const {column: c, descending} of select.order) {
        const d = compare(c.value(a, now), c.value(b, now));
        if (d !== 0) return descending ? -d : d;
      }
      return 0;
    });
  }
  const cell = (text: string, c: Column) => (output.trim ? text.trimEnd() : text.padEnd(Math.max(c.width, c.name.length)));
  const printed: string[] = [];
  if (output.headers) {
    printed.push(select.columns.map((c) => cell(c.name, c)).join(output.separator));
    printed.push(select.columns.map((c) => '-'.repeat(output.trim ? c.name.length : Math.max(c.width, c.name.length))).join(output.separator));
  }
  for (const worker of rows) printed.push(select.columns.map((c) => cell(formatValue(c.value(worker, now)), c)).join(output.separator));
  // `(1 rows affected)` too: sqlcmd's own wording (docs/TOOL-OUTPUT.md).
  if (!nocount) printed.push('', `(${rows.length} rows affected)`);
  return printed;
}

function sameServer(given: string, configured: string): boolean {
  return given.trim().toLowerCase() === configured.toLowerCase();
}

/** The Windows account a trusted connection logs in as: the sandbox's stand-in for the admin running certwalk. */
function windowsAccount(context: ToolContext): string {
  const domain = context.node.fqdn.split('.')[1] ?? 'WORKGROUP';
  return `${domain.toUpperCase()}\\Administrator`;
}

function run(instance: SqlServerInstance, context: ToolContext, args: readonly string[]): ToolResult {
  const parsed = parseArgs(args);
  if (!('values' in parsed)) return parsed;
  const {values, flags} = parsed;
  if (flags.has('E') && (values.has('U') || values.has('P'))) return usageError('Sqlcmd: The -E and the -U/-P options are mutually exclusive.');
  const query = values.get('Q') ?? values.get('q');
  if (query === undefined) {
    return {stdout: '', stderr: lines('certwalk sandbox: sqlcmd runs a query given with -Q "…" only (no interactive session, no -i files)'), exitCode: 1};
  }
  const server = values.get('S') ?? '';
  const serverName = instance.names.find((name) => sameServer(server, name));
  if (serverName === undefined) return unreachable(server);
  const login = values.get('U');
  if (login !== undefined) return clientErrors(`Login failed for user '${login}'..`);
  const requested = values.get('d') ?? 'master';
  const database = DATABASES.find((db) => db.toLowerCase() === requested.toLowerCase());
  if (database === undefined) {
    return clientErrors(`Cannot open database "${requested}" requested by the login. The login failed..`, `Login failed for user '${windowsAccount(context)}'..`);
  }
  const headers = Number(values.get('h') ?? '1') !== -1;
  const output: Output = {headers, separator: values.get('s') ?? ' ', trim: flags.has('W')};
  const printed: string[] = [];
  try {
    let nocount = false;
    for (const statement of parseBatch(query)) {
      if (statement.kind === 'nocount') {
        nocount = statement.on;
        continue;
      }
      const select = parseSelect(statement.text);
      checkObject(select.object, database);
      printed.push(...resultSet(select, instance.workers, context.now, output, nocount));
    }
  } catch (error) {
    if (!(error instanceof SqlError)) throw error;
    printed.push(`Msg ${error.number}, Level ${error.level}, State 1, Server ${serverName}, Line 1`, error.message);
    // -b: exit 1 when an error above severity 10 occurred; without it sqlcmd reports success.
    return {stdout: lines(...printed), stderr: '', exitCode: flags.has('b') ? 1 : 0};
  }
  return {stdout: printed.length === 0 ? '' : lines(...printed), stderr: '', exitCode: 0};
}

/** sqlcmd on a fleet whose SQL Server is `instance` (readSqlServer). */
export function sqlcmdProgram(instance: SqlServerInstance): SandboxProgram {
  return {
    run: (context, args) => run(instance, context, args),
    // An injected failure is the one an admin meets most: the server does not answer.
    fault: (_context, args) => {
      const parsed = parseArgs(args);
      return unreachable('values' in parsed ? (parsed.values.get('S') ?? '') : '');
    },
  };
}
