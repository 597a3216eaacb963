// winhttpcertcfg.exe -g|-r|-l -c LOCAL_MACHINE\STORE -s SUBJECT [-a ACCOUNT]: grants, removes or lists read access to
// a certificate's private key (the worker service account needs it; -r is how a grant is rolled back). Texts from
// test/fixtures/winhttpcertcfg-*.txt and the tool's C source; the -l listing layout is [unconfirmed]. Like the real
// tool, -s is a case-insensitive substring of the subject and the FIRST matching certificate wins, so with an old and
// a new cert sharing a CN it may pick the old one.
import type {NodeState, SandboxCert} from '../state.ts';
import {cloneState, lines} from './program.ts';
import type {SandboxProgram, ToolResult} from './program.ts';
import {canonicalStoreName, sameAccount} from './stores.ts';

const BANNER = ['Microsoft (R) WinHTTP Certificate Configuration Tool', 'Copyright (C) Microsoft Corporation 2001.', ''];
const NOT_FOUND: ToolResult = {stdout: '', stderr: lines('Error:  Unable to find or obtain a context for requested certificate', ''), exitCode: 1};
const NO_ACCOUNT: ToolResult = {stdout: '', stderr: lines('Error: No account information was found.'), exitCode: 1};
const WELL_KNOWN_ACCOUNTS: Record<string, string> = {
  networkservice: 'NT AUTHORITY\\NETWORK SERVICE',
  'network service': 'NT AUTHORITY\\NETWORK SERVICE',
  localservice: 'NT AUTHORITY\\LOCAL SERVICE',
  'local service': 'NT AUTHORITY\\LOCAL SERVICE',
  system: 'NT AUTHORITY\\SYSTEM',
};

export const winhttpcertcfg: SandboxProgram = {
  run(context, args) {
    const options = parseArgs(args);
    const location = /^LOCAL_MACHINE\\(.+)$/i.exec(options.c ?? '');
    if (!location || options.s === undefined || (!options.g && !options.l && !options.r)) {
      return {stdout: '', stderr: lines('Usage: winhttpcertcfg -g|-r|-l -c LOCAL_MACHINE\\STORE -s SUBJECT [-a ACCOUNT]'), exitCode: 1};
    }
    const cert = firstMatch(context.state, location[1]!, options.s);
    if (!cert?.keyPem) return NOT_FOUND;
    if (options.l) {
      const accounts = ['BUILTIN\\Administrators', 'NT AUTHORITY\\SYSTEM', ...cert.keyAcl];
      const stdout = lines(
        ...BANNER,
        'Matching certificate:',
        cert.subject,
        '',
        'Additional accounts and groups with access to the private key include:',
        '',
        ...accounts.map((a) => `    ${a}`),
      );
      return {stdout, stderr: '', exitCode: 0};
    }
    const account = options.a === undefined ? undefined : resolveAccount(context.state, options.a);
    if (!account) return NO_ACCOUNT;
    if (options.r) return removeAccess(context.state, location[1]!, cert, account);
    if (cert.keyAcl.some((granted) => sameAccount(granted, account))) {
      return {
        stdout: lines(...BANNER, 'Matching certificate:', cert.subject, '', '', 'Private key access has already been granted for account:', `    ${account}`),
        stderr: '',
        exitCode: 0,
      };
    }
    const state = cloneState(context.state);
    const store = state.stores[canonicalStoreName(state, location[1]!)]!;
    store.find((c) => c.thumbprint === cert.thumbprint)!.keyAcl.push(account);
    return {stdout: lines(...BANNER, 'Matching certificate:', cert.subject, '', 'Granting private key access for account:', `    ${account}`), stderr: '', exitCode: 0, state};
  },
  fault() {
    return NOT_FOUND;
  },
};

/**
 * -r, as in the tool's C source (RemovePrivateKeyAccess): every ACE of the account goes; an account without access
 * is not an error (stderr line, exit code 0).
 */
function removeAccess(state: NodeState, storeName: string, cert: SandboxCert, account: string): ToolResult {
  const head = [...BANNER, 'Matching certificate:', cert.subject, ''];
  const present = cert.keyAcl.filter((granted) => sameAccount(granted, account));
  if (present.length === 0) return {stdout: lines(...head), stderr: lines('Account already does not have access to private key.', ''), exitCode: 0};
  const next = cloneState(state);
  const stored = next.stores[canonicalStoreName(next, storeName)]!.find((c) => c.thumbprint === cert.thumbprint)!;
  stored.keyAcl = stored.keyAcl.filter((granted) => !sameAccount(granted, account));
  return {stdout: lines(...head, ...present.flatMap((granted) => ['Removing private key access for account:', `    ${granted}`])), stderr: '', exitCode: 0, state: next};
}

function parseArgs(args: readonly string[]): {g: boolean; l: boolean; r: boolean; c?: string; s?: string; a?: string} {
  const result: {g: boolean; l: boolean; r: boolean; c?: string; s?: string; a?: string} = {g: false, l: false, r: false};
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!.replace(/^[-/]/, '').toLowerCase();
    if (flag === 'g' || flag === 'l' || flag === 'r') result[flag] = true;
    else if (flag === 'c' || flag === 's' || flag === 'a') {
      const value = args[++i];
      if (value !== undefined) result[flag] = value;
    }
  }
  return result;
}

function firstMatch(state: NodeState, storeName: string, subject: string): SandboxCert | undefined {
  const certs = state.stores[canonicalStoreName(state, storeName)] ?? [];
  return certs.find((cert) => cert.subject.toLowerCase().includes(subject.toLowerCase()));
}

/** What LookupAccountName would resolve on this node: qualified names as given, service accounts by bare name. */
function resolveAccount(state: NodeState, given: string): string | undefined {
  if (given.includes('\\')) return given;
  const wellKnown = WELL_KNOWN_ACCOUNTS[given.toLowerCase()];
  if (wellKnown) return wellKnown;
  return Object.values(state.services)
    .map((s) => s.account)
    .find((account) => sameAccount(account, given));
}
