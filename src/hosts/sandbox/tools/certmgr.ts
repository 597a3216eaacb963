// certmgr.exe (Windows SDK): `/add FILE /s /r localMachine STORE` and `/del /c /s /r localMachine STORE /n NAME`.
// The documented worker rotation deletes the old certificate with `/del … /n <CN>`, and /n matches by name: every
// certificate whose subject contains NAME goes, the new one too when it shares the CN. The sandbox keeps that trap.
import {toDer} from '../../../certs/pem.ts';
import type {NodeState, SandboxCert} from '../state.ts';
import {cloneState, lines} from './program.ts';
import type {SandboxProgram, ToolContext, ToolResult} from './program.ts';
import {canonicalStoreName, sandboxCertFromDer} from './stores.ts';

const SUCCEEDED = lines('CertMgr Succeeded');
const FAILED: ToolResult = {stdout: lines('CertMgr Failed'), stderr: '', exitCode: 1};

interface Invocation {
  readonly switches: ReadonlySet<string>;
  readonly location: string | undefined;
  readonly name: string | undefined;
  readonly positional: readonly string[];
}

export const certmgr: SandboxProgram = {
  run(context, args) {
    const invocation = parseArgs(args);
    if (invocation.location?.toLowerCase() !== 'localmachine' || !invocation.switches.has('s')) {
      // Current-user stores and certificate files as stores are not simulated.
      return {...FAILED, stderr: lines('certwalk sandbox: only `/s /r localMachine STORE` is simulated')};
    }
    if (invocation.switches.has('del')) return remove(context.state, invocation);
    if (invocation.switches.has('add')) return add(context, invocation);
    return FAILED;
  },
  fault() {
    return FAILED;
  },
};

function parseArgs(args: readonly string[]): Invocation {
  const switches = new Set<string>();
  const positional: string[] = [];
  let location: string | undefined;
  let name: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const flag = /^[-/]/.test(arg) ? arg.slice(1).toLowerCase() : undefined;
    if (flag === 'r') location = args[++i];
    else if (flag === 'n') name = args[++i];
    else if (flag !== undefined) switches.add(flag);
    else positional.push(arg);
  }
  return {switches, location, name, positional};
}

function remove(state: NodeState, {name, positional}: Invocation): ToolResult {
  const [storeName] = positional;
  if (!storeName || name === undefined) return FAILED;
  const canonical = canonicalStoreName(state, storeName);
  const certs = state.stores[canonical] ?? [];
  const matches = (cert: SandboxCert) => cert.subject.toLowerCase().includes(name.toLowerCase());
  if (!certs.some(matches)) return FAILED;
  const next = cloneState(state);
  next.stores[canonical] = certs.filter((cert) => !matches(cert));
  return {stdout: SUCCEEDED, stderr: '', exitCode: 0, state: next};
}

function add(context: ToolContext, {positional}: Invocation): ToolResult {
  const [file, storeName] = positional;
  if (!file || !storeName) return FAILED;
  const bytes = context.files.read(file);
  if (!bytes) return FAILED;
  let cert: SandboxCert;
  try {
    cert = sandboxCertFromDer(toDer(bytes));
  } catch {
    return FAILED;
  }
  const next = cloneState(context.state);
  const store = (next.stores[canonicalStoreName(next, storeName)] ??= []);
  if (!store.some((c) => c.thumbprint === cert.thumbprint)) store.push(cert);
  return {stdout: SUCCEEDED, stderr: '', exitCode: 0, state: next};
}
