// Where SSIS Scale Out (SQL Server 2017, "140") keeps its settings, and how the sandbox writes them: JSON with a UTF-8
// BOM and CRLF line ends, the worst case for an editor that does not preserve bytes.

export const MASTER_SERVICE = 'SSISScaleOutMaster140';
export const WORKER_SERVICE = 'SSISScaleOutWorker140';

/** SQL Server's Binn folder on a drive (`sandbox init --drive D` installs it on D:). */
export function scaleOutBinn(drive = 'C'): string {
  return `${drive}:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn`;
}

export const SCALE_OUT_BINN = scaleOutBinn();
export const MASTER_SETTINGS_PATH = `${SCALE_OUT_BINN}\\MasterSettings.config`;
export const WORKER_SETTINGS_PATH = `${SCALE_OUT_BINN}\\WorkerSettings.config`;

/**
 * Where a node's Scale Out service keeps its settings: beside the install its BINARY_PATH_NAME names
 * (`"…\\Binn\\ScaleOut\\MasterService\\….exe"` → `…\\Binn\\MasterSettings.config`), as the service itself finds them.
 * A service without a recognisable path reads the default install's.
 */
export function settingsPathOf(state: Pick<NodeState, 'services'>, service: typeof MASTER_SERVICE | typeof WORKER_SERVICE): string {
  const binary = state.services[service]?.binaryPath?.replace(/^"|"$/g, '') ?? '';
  const binn = /^(.*)\\ScaleOut\\[^\\]+\\[^\\]+$/i.exec(binary)?.[1] ?? SCALE_OUT_BINN;
  return `${binn}\\${service === MASTER_SERVICE ? 'MasterSettings.config' : 'WorkerSettings.config'}`;
}

import type {NodeState} from './state.ts';

const BOM = '\uFEFF';

/** The services read their settings with a BOM-tolerant parser; so does the sandbox. */
export function parseSettingsJson(bytes: Buffer): Record<string, unknown> {
  const text = bytes.toString('utf8');
  const value: unknown = JSON.parse(text.startsWith(BOM) ? text.slice(1) : text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('settings file is not a JSON object');
  return value as Record<string, unknown>;
}

/**
 * `entries` are [key, JSON literal] pairs so numbers keep the form .NET writes (`70.0`, which JSON.stringify would
 * shorten to `70`).
 */
export function formatSettingsJson(entries: ReadonlyArray<readonly [string, string]>): Buffer {
  const body = entries.map(([key, literal]) => `  ${JSON.stringify(key)}: ${literal}`).join(',\r\n');
  return Buffer.from(`${BOM}{\r\n${body}\r\n}\r\n`, 'utf8');
}

export const json = {
  string: (value: string) => JSON.stringify(value),
  number: (value: number) => String(value),
  /** A double as .NET serialises it: always with a fraction. */
  double: (value: number) => (Number.isInteger(value) ? value.toFixed(1) : String(value)),
  boolean: (value: boolean) => String(value),
};
