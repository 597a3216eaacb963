// What the Windows tools print, for the fake fleet's tables: built from the real samples in test/fixtures/ (their
// placeholders filled with the fleet's values), and, where no sample exists (sc.exe, certutil -addstore/-delstore,
// the settings files: test/fixtures/SOURCES.md §6), from the formats docs/TOOL-OUTPUT.md records. Lines end in CRLF as
// a Windows console prints them; the samples had theirs normalised to LF.
import {readFileSync} from 'node:fs';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

/** Fills a sample's placeholder, and fails when the sample no longer holds it (a changed fixture, not a silent miss). */
function fill(text: string, placeholder: string | RegExp, value: string): string {
  const holds = typeof placeholder === 'string' ? text.includes(placeholder) : placeholder.test(text);
  if (!holds) throw new Error(`fake tool output: the sample no longer holds ${String(placeholder)}`);
  return text.replace(placeholder, value);
}

// ---- netsh http show|add|delete sslcert ----

export interface NetshBinding {
  readonly ipport: string;
  readonly certHash: string;
  readonly appId: string;
  readonly storeName: string;
  /** Extended property 0's Receive Window, when something other than netsh's add (the sample's 1048576) set it. */
  readonly receiveWindow?: number;
}

const SHOW_2022 = fixture('netsh-show-sslcert-win10-2022-extended.txt');
const SHOW_HEADER = SHOW_2022.slice(0, SHOW_2022.indexOf('    IP:port'));

/** A binding as Windows Server 2022 prints it (every newer flag, the Extended Properties blocks). */
function binding2022(b: NetshBinding): string {
  let block = SHOW_2022.slice(SHOW_HEADER.length).trimEnd();
  block = fill(block, '0.0.0.0:7048', b.ipport);
  block = fill(block, '<CERTIFICATE-THUMBPRINT>', b.certHash.toLowerCase());
  block = fill(block, '{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}', b.appId);
  if (b.receiveWindow !== undefined) block = fill(block, /(Receive Window\s+: )1048576/, `$1${b.receiveWindow}`);
  return fill(block, /(Certificate Store Name\s+: )\(null\)/, `$1${b.storeName}`);
}

/** `netsh http show sslcert` listing these bindings (none: the header alone). */
export function netshShow(bindings: readonly NetshBinding[]): string {
  return crlf(`${SHOW_HEADER}${bindings.map(binding2022).join('\n\n')}\n\n`);
}

export const NETSH_ADDED = crlf(fixture('netsh-add-sslcert-success.txt'));
export const NETSH_DELETED = crlf(fixture('netsh-delete-sslcert-success.txt'));
export const NETSH_ADD_FAILED_1312 = crlf(fixture('netsh-add-sslcert-error-1312.txt'));
export const NETSH_DELETE_FAILED_2 = crlf(fixture('netsh-delete-sslcert-error-2.txt'));

// ---- certutil ----

export interface StoreEntry {
  readonly thumbprint: string;
  readonly subject: string;
  readonly serial: string;
  /** certutil's en-US dates: `8/2/2026 11:16 PM`. */
  readonly notBefore: string;
  readonly notAfter: string;
  readonly withKey: boolean;
  /** The sample's key is not exportable; an exportable one prints no such line. */
  readonly exportable?: boolean;
}

const STORE_NAMES: Readonly<Record<string, string>> = {My: 'My "Personal"', Root: 'Root "Trusted Root Certification Authorities"'};
const STORE_SAMPLE = fixture('certutil-store-my.txt');
const BLOCK_SAMPLE = STORE_SAMPLE.slice(STORE_SAMPLE.indexOf('Serial Number:')).trimEnd();
// A certificate without a private key prints these two lines in place of the key lines (docs/TOOL-OUTPUT.md).
const NO_KEY = 'No key provider information\nCannot find the certificate and private key for decryption.';

/** One certificate's lines, as the sample prints them; `keyLines: false` is what -delstore prints. */
function certBlock(entry: StoreEntry, keyLines: boolean): string {
  let block = fill(BLOCK_SAMPLE, '40d7e4a080d857b7418f88e767a9c405', entry.serial);
  block = fill(block, /^Issuer: .*$/m, `Issuer: ${entry.subject}`);
  block = fill(block, /^Subject: .*$/m, `Subject: ${entry.subject}`);
  block = fill(block, '8/2/2026 11:16 PM', entry.notBefore);
  block = fill(block, '8/2/2027 11:16 PM', entry.notAfter);
  block = fill(block, 'e6cc21e72b8357bd5a0990db7ded3421f3f8b9aa', entry.thumbprint.toLowerCase());
  if (entry.exportable) block = fill(block, 'Private key is NOT exportable\n', '');
  const keyAt = block.indexOf('  Key Container');
  if (!keyLines) return block.slice(0, keyAt).trimEnd();
  return entry.withKey ? block : `${block.slice(0, keyAt)}${NO_KEY}`;
}

function storeLine(store: string): string {
  const line = STORE_NAMES[store];
  if (!line) throw new Error(`fake tool output: no display name known for store ${store}`);
  return line;
}

/** `certutil -store STORE` listing these certificates. */
export function certutilStore(store: string, entries: readonly StoreEntry[]): string {
  const blocks = entries.map((e, i) => `================ Certificate ${i} ================\n${certBlock(e, true)}\n`);
  return crlf(`${storeLine(store)}\n${blocks.join('\n')}\nCertUtil: -store command completed successfully.\n`);
}

/** `certutil -addstore STORE FILE.cer`; `name` is the certificate's simple name (its first CN). */
export function certutilAdded(store: string, name: string): string {
  return crlf(`${storeLine(store)}\nSignature matches Public Key\nCertificate "${name}" added to store.\nCertUtil: -addstore command completed successfully.\n`);
}

/** `certutil -delstore STORE THUMBPRINT` of the certificate at `index` in the store's listing. */
export function certutilDeleted(store: string, entry: StoreEntry, index: number): string {
  return crlf(
    `${storeLine(store)}\n================ Certificate ${index} ================\n${certBlock(entry, false)}\nDeleting Certificate ${index}\nCertUtil: -delstore command completed successfully.\n`,
  );
}

// ---- winhttpcertcfg ----

const GRANT_SAMPLE = fixture('winhttpcertcfg-grant.txt');
const GRANTED_SAMPLE = fixture('winhttpcertcfg-already-granted.txt');
const SAMPLE_SUBJECT = 'CN=MEVANS-Z620.healinx.inside';
const SAMPLE_ACCOUNT = 'NT AUTHORITY\\NETWORK SERVICE';
const BANNER = GRANT_SAMPLE.slice(0, GRANT_SAMPLE.indexOf('Matching certificate:'));
export const WINHTTP_CERT_NOT_FOUND = crlf(fixture('winhttpcertcfg-error-cert-not-found.txt'));

/** `winhttpcertcfg -g`: granted now, or (the second sample) granted before. */
export function winhttpGranted(subject: string, account: string, already: boolean): string {
  return crlf(fill(fill(already ? GRANTED_SAMPLE : GRANT_SAMPLE, SAMPLE_SUBJECT, subject), SAMPLE_ACCOUNT, account));
}

/** `winhttpcertcfg -l`: the accounts with access (no sample: the strings of the tool's C source, SOURCES.md §3.3). */
export function winhttpAccessList(subject: string, accounts: readonly string[]): string {
  return crlf(
    `${BANNER}Matching certificate:\n${subject}\n\nAdditional accounts and groups with access to the private key include:\n\n${accounts.map((a) => `    ${a}\n`).join('')}\n`,
  );
}

/** `winhttpcertcfg -r` removing an account's access (the C source's string). */
export function winhttpRemoved(subject: string, account: string): string {
  return crlf(`${BANNER}Matching certificate:\n${subject}\n\nRemoving private key access for account:\n    ${account}\n\n`);
}

// ---- sc.exe ----

const SC_STATES = {running: [4, 'RUNNING'], stopped: [1, 'STOPPED'], 'stop-pending': [3, 'STOP_PENDING'], 'start-pending': [2, 'START_PENDING']} as const;

/** `sc.exe query|stop|start NAME` printing the service in `state`; `start` adds the PID lines. */
export function scStatus(name: string, state: keyof typeof SC_STATES, pid?: number): string {
  const [code, word] = SC_STATES[state];
  const controls = state === 'running' || state === 'stop-pending' ? 'STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN' : 'NOT_STOPPABLE, NOT_PAUSABLE, IGNORES_SHUTDOWN';
  const pidLines = pid === undefined ? '' : `        PID                : ${pid}\n        FLAGS              :\n`;
  return crlf(`
SERVICE_NAME: ${name}
        TYPE               : 10  WIN32_OWN_PROCESS
        STATE              : ${code}  ${word}
                                (${controls})
        WIN32_EXIT_CODE    : 0  (0x0)
        SERVICE_EXIT_CODE  : 0  (0x0)
        CHECKPOINT         : 0x0
        WAIT_HINT          : 0x0
${pidLines}`);
}

/** `sc.exe qc NAME`: the service's configuration, run as `account`. */
export function scConfig(name: string, displayName: string, binary: string, account: string): string {
  return crlf(`[SC] QueryServiceConfig SUCCESS

SERVICE_NAME: ${name}
        TYPE               : 10  WIN32_OWN_PROCESS
        START_TYPE         : 2   AUTO_START
        ERROR_CONTROL      : 1   NORMAL
        BINARY_PATH_NAME   : "${binary}"
        LOAD_ORDER_GROUP   :
        TAG                : 0
        DISPLAY_NAME       : ${displayName}
        DEPENDENCIES       :
        SERVICE_START_NAME : ${account}
`);
}

/** `[SC] OP FAILED CODE:` with its message, as sc.exe prints an error (its exit code is CODE). */
export function scFailed(op: string, code: number, message: string): string {
  return crlf(`[SC] ${op} FAILED ${code}:\n\n${message}\n\n`);
}

// ---- SSIS Scale Out settings files ----

/** A settings file as JSON with a UTF-8 BOM and CRLF: no real copy exists (SOURCES.md §2.3), this is the hard case. */
export function settingsFile(values: Readonly<Record<string, string | number | boolean>>): Buffer {
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlf(JSON.stringify(values, null, 2)), 'utf8')]);
}

// ---- Windows PowerShell 5.1 ConvertTo-Json ----

/** A [DateTime] property, as 5.1 serialises it. */
export class JsonDate {
  constructor(readonly date: Date) {}
}

type PsValue = string | number | boolean | null | JsonDate | readonly PsValue[] | {readonly [key: string]: PsValue};

/**
 * `… | ConvertTo-Json` as Windows PowerShell 5.1 prints it (docs/TOOL-OUTPUT.md; no captured sample): two spaces after
 * each colon, a nested value's members four columns right of its opening bracket, the closing bracket under it.
 */
export function convertToJson(value: PsValue): string {
  return crlf(`${render(value, 0)}\n`);
}

function render(value: PsValue, column: number): string {
  if (value === null) return 'null';
  if (value instanceof JsonDate) return `"\\/Date(${value.date.getTime()})\\/"`;
  if (typeof value !== 'object') return JSON.stringify(value);
  const pad = ' '.repeat(column);
  const inner = ' '.repeat(column + 4);
  if (Array.isArray(value)) {
    if (!value.length) return `[\n\n${pad}]`;
    return `[\n${value.map((item: PsValue) => `${inner}${render(item, column + 4)}`).join(',\n')}\n${pad}]`;
  }
  const members = Object.entries(value as Record<string, PsValue>).map(([key, member]) => {
    const lead = `${inner}${JSON.stringify(key)}:  `;
    return `${lead}${render(member, lead.length)}`;
  });
  return `{\n${members.join(',\n')}\n${pad}}`;
}
