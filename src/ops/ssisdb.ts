// The SSISDB catalog, read with sqlcmd as an admin would: which Scale Out Workers the master knows
// (`[catalog].[worker_agents]`). The SQL Server is MasterSettings.config's SqlServerName (`MASTER\SQL2017`).
// sqlcmd prints its errors on stdout; with -b it exits 1 on an error of severity > 10 (docs/TOOL-OUTPUT.md).
import {command, runCommand} from './command.ts';
import type {Command} from './command.ts';
import {ToolError} from './tool-error.ts';
import type {Host} from '../hosts/host.ts';

const TOOL = 'sqlcmd';
const SEPARATOR = '|';

/** SQL Server error numbers certwalk tells apart. */
export const SQL_SYNTAX_ERROR = 102;
export const SQL_INVALID_COLUMN = 207;
export const SQL_INVALID_OBJECT = 208;
export const SQL_CANNOT_OPEN_DATABASE = 4060;
export const SQL_LOGIN_FAILED = 18456;
/** ODBC SQLSTATE of "Login timeout expired": the server or instance could not be reached. */
export const SQL_LOGIN_TIMEOUT = 'HYT00';

/** The query, one line: NOCOUNT so no `(N rows affected)` line follows the rows. */
export const WORKER_AGENTS_QUERY = 'SET NOCOUNT ON; SELECT WorkerAgentId, MachineName, DisplayName, IsEnabled, LastOnlineTime FROM [catalog].[worker_agents] ORDER BY MachineName';

/** A row of `[catalog].[worker_agents]`. */
export interface WorkerAgent {
  /** WorkerAgentId: upper-case GUID without braces (WorkerSettings.config's AgentId, compared case-insensitively). */
  readonly agentId: string;
  readonly machineName: string;
  readonly displayName: string;
  readonly enabled: boolean;
  /** datetimeoffset(7) as printed (`2026-08-02 23:16:00.1234567 +00:00`); null when the worker was never online. */
  readonly lastOnline: string | null;
}

function assertSqlServer(server: string): void {
  // `MASTER\SQL2017`, `tcp:10.0.0.10,1433`, `(localdb)\X`, `.`: anything but an option, a quote or a line break.
  if (server.trim() === '' || server.trim() !== server || /^[-/]/.test(server) || /["\0\r\n]/.test(server)) {
    throw new ToolError(TOOL, `"${server}" is not a SQL Server name such as MASTER\\SQL2017`);
  }
}

// The command that lists the Scale Out Workers registered in the catalog: trusted connection (-E), exit 1 on error
// (-b), no headers (-h -1), `|` between columns (-s), no padding (-W).
export function workerAgentsCommand(sqlServer: string): Command {
  assertSqlServer(sqlServer);
  return command('sqlcmd', '-S', sqlServer, '-d', 'SSISDB', '-E', '-b', '-W', '-h', '-1', '-s', SEPARATOR, '-Q', WORKER_AGENTS_QUERY);
}

const GUID = /^\{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?$/;
const ROWS_AFFECTED = /^\(\d+ rows? affected\)$|^\(\d+ row\(s\) affected\)$/i;

// Parse the rows `WorkerAgentId|MachineName|DisplayName|IsEnabled|LastOnlineTime` (one per line). A display name may
// itself hold `|`: the two first and two last fields are fixed, so whatever lies between is the name. Blank lines, a
// `(N rows affected)` line and a header (when -h was not -1) are skipped; anything else is refused.
export function parseWorkerAgents(text: string): WorkerAgent[] {
  const agents: WorkerAgent[] = [];
  for (const printed of text.split(/\r\n|\r|\n/)) {
    const line = printed.trim();
    if (line === '' || ROWS_AFFECTED.test(line) || /^[-|\s]+$/.test(line)) continue;
    const raw = line.split(SEPARATOR);
    const fields = raw.map((f) => f.trim());
    if (fields.length >= 5 && /^WorkerAgentId$/i.test(fields[0]!)) continue;
    if (fields.length < 5) throw rowError(`sqlcmd printed a line that is not a worker_agents row: ${line}`, text);
    const [id, machineName] = fields as [string, string];
    const enabled = fields.at(-2)!;
    const last = fields.at(-1)!;
    const guid = GUID.exec(id);
    if (!guid) throw rowError(`WorkerAgentId "${id}" is not a GUID (line: ${line})`, text);
    if (!/^(0|1|true|false)$/i.test(enabled)) throw rowError(`IsEnabled "${enabled}" is not 0 or 1 (line: ${line})`, text);
    agents.push({
      agentId: guid[1]!.toUpperCase(),
      machineName,
      // Joined as printed, so the spaces around a `|` inside the name stay.
      displayName: raw.slice(2, -2).join(SEPARATOR).trim(),
      enabled: /^(1|true)$/i.test(enabled),
      lastOnline: last === '' || last.toUpperCase() === 'NULL' ? null : last,
    });
  }
  return agents;
}

function rowError(message: string, output: string): ToolError {
  return new ToolError(TOOL, message, {output});
}

/** One error sqlcmd printed. */
export interface SqlcmdError {
  /** `server`: `Msg N, Level L, State S, …` from SQL Server; `network`: `HResult 0x…` from the client's network
   * layer; `client`: a `Sqlcmd: Error: <driver> : …` line (connection, login) or another `Sqlcmd:` complaint. */
  readonly source: 'server' | 'network' | 'client';
  readonly number?: number;
  readonly hresult?: string;
  readonly level?: number;
  readonly state?: number;
  readonly server?: string;
  readonly procedure?: string;
  readonly line?: number;
  /** `Microsoft ODBC Driver 17 for SQL Server` (client errors only). */
  readonly driver?: string;
  readonly message: string;
}

// A header never holds the column separator, so a data row that happens to start with "Msg 1, Level 16" is not one.
const MSG = /^Msg (\d+), Level (\d+), State (\d+)((?:, [^,|]+)*)$/;
const HRESULT = /^HResult (0x[0-9A-Fa-f]+), Level (\d+), State (\d+)$/;
const SQLCMD_ERROR = /^Sqlcmd: Error: (.+?) : (.*)$/;

// Every error in sqlcmd's output, in order. Server messages are the header line plus the next non-empty line.
// ODBC doubles a final period (`Login failed for user 'sa'..`); the message is given with one.
export function parseSqlcmdErrors(text: string): SqlcmdError[] {
  const lines = text.split(/\r\n|\r|\n/).map((l) => l.trim());
  const next = (i: number): string => lines.slice(i + 1).find((l) => l !== '') ?? '';
  const errors: SqlcmdError[] = [];
  lines.forEach((line, i) => {
    const msg = MSG.exec(line);
    if (msg) {
      const parts = msg[4]!
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== '');
      const part = (label: string) =>
        parts
          .find((p) => p.startsWith(`${label} `))
          ?.slice(label.length + 1)
          .trim();
      const lineNumber = part('Line');
      const server = part('Server');
      const procedure = part('Procedure');
      errors.push({
        source: 'server',
        number: Number(msg[1]),
        level: Number(msg[2]),
        state: Number(msg[3]),
        ...(server === undefined ? {} : {server}),
        ...(procedure === undefined ? {} : {procedure}),
        ...(lineNumber === undefined || !/^\d+/.test(lineNumber) ? {} : {line: Number(/^\d+/.exec(lineNumber)![0])}),
        message: next(i),
      });
      return;
    }
    const hresult = HRESULT.exec(line);
    if (hresult) {
      errors.push({source: 'network', hresult: hresult[1]!, level: Number(hresult[2]), state: Number(hresult[3]), message: next(i)});
      return;
    }
    const client = SQLCMD_ERROR.exec(line);
    if (client) {
      errors.push({source: 'client', driver: client[1]!.trim(), message: oneFinalPeriod(client[2]!.trim())});
      return;
    }
    // `Sqlcmd: 'x': Unknown Option. …`, `Sqlcmd: The -E and the -U/-P options are mutually exclusive.`
    if (/^Sqlcmd: /i.test(line) && !/^Sqlcmd: Warning/i.test(line)) {
      errors.push({source: 'client', message: line.replace(/^Sqlcmd: /i, '')});
    }
  });
  return errors;
}

function oneFinalPeriod(message: string): string {
  return message.replace(/\.\.$/, '.');
}

/** Severity 10 and below is informational: sqlcmd does not report it as an error (docs: -b). */
function isFailure(error: SqlcmdError): boolean {
  return error.source !== 'server' || (error.level ?? 16) > 10;
}

/** The number a failure is known by: the server's Msg number, or the one behind a client message certwalk knows. */
function codeOf(errors: readonly SqlcmdError[]): number | string | undefined {
  const server = errors.find((e) => e.source === 'server');
  if (server?.number !== undefined) return server.number;
  const messages = errors.map((e) => e.message);
  if (messages.some((m) => /^Cannot open database /i.test(m))) return SQL_CANNOT_OPEN_DATABASE;
  if (messages.some((m) => /^Login failed for user /i.test(m))) return SQL_LOGIN_FAILED;
  if (messages.some((m) => /Login timeout expired/i.test(m))) return SQL_LOGIN_TIMEOUT;
  return errors.find((e) => e.source === 'network')?.hresult;
}

function describe(error: SqlcmdError): string {
  if (error.source === 'server') return `${error.message} (Msg ${error.number}, Level ${error.level})`;
  if (error.source === 'network') return `${error.message} (HResult ${error.hresult})`;
  return error.message;
}

// The ToolError for a sqlcmd run, or null when it printed no error and exited 0. `what` names the command.
export function sqlcmdFailure(what: string, output: string, exitCode: number): ToolError | null {
  const errors = parseSqlcmdErrors(output).filter(isFailure);
  if (errors.length === 0 && exitCode === 0) return null;
  const code = codeOf(errors);
  const text = errors.length === 0 ? `exit code ${exitCode}` : errors.map(describe).join('; ');
  return new ToolError(TOOL, `${what} failed: ${text}`, {...(code === undefined ? {} : {code}), exitCode, output});
}

const joinOutput = (stdout: string, stderr: string): string => (stderr.trim() === '' ? stdout : `${stdout}${stdout.endsWith('\n') ? '' : '\n'}${stderr}`);

// The Scale Out Workers the catalog on `sqlServer` knows, ordered by machine name. ToolError with the SQL Server
// error number (208 when SSISDB has no worker_agents view, 18456 login failed) or HYT00 when the server is unreachable.
export async function readWorkerAgents(host: Host, sqlServer: string): Promise<WorkerAgent[]> {
  const cmd = workerAgentsCommand(sqlServer);
  const r = await runCommand(host, cmd);
  const output = joinOutput(r.stdout, r.stderr);
  const failure = sqlcmdFailure(`sqlcmd -S ${sqlServer} (SSISDB catalog.worker_agents)`, output, r.exitCode);
  if (failure) throw failure;
  return parseWorkerAgents(r.stdout);
}
