// Opens the fleet a command works on: a sandbox (the demo one is made on first use) or an inventory of real Windows
// nodes. What is not needed for the fleet at hand (making a sandbox: forge; remoting) loads only when it is.
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import type {Fleet} from '../hosts/host.ts';
import {checkSandbox} from '../hosts/sandbox/manifest-check.ts';
import {SandboxFleet} from '../hosts/sandbox/sandbox-fleet.ts';
import type {Credential} from '../hosts/windows/remote-host.ts';
import type {SessionHeader} from '../runner/journal.ts';
import {defaultSandboxDir} from '../runner/paths.ts';
import {statusLine, type StatusLine} from './status-line.ts';

export interface FleetChoice {
  readonly sandbox?: string;
  /** An inventory of real Windows nodes (JSON); the sandbox when absent. */
  readonly hosts?: string;
  readonly credential?: Credential;
}

/**
 * A sandbox named on the command line (or by a journal) must be one `sandbox init` made: a mistyped path is an error,
 * never a new fleet. Only the default demo sandbox is made on first use, saying so on stderr (stdout of `run` and
 * `sandbox show --json` stays the command's own); `status`, the app's start-up line, is replaced by that line.
 */
export async function openFleet(choice: FleetChoice, status?: StatusLine): Promise<Fleet> {
  if (choice.hosts) {
    const {WindowsFleet} = await import('../hosts/windows/windows-fleet.ts');
    return WindowsFleet.open(choice.hosts, choice.credential ?? null);
  }
  const dir = choice.sandbox ?? (await demoSandbox(status));
  await checkSandbox(dir);
  // Test sweeps only (the crash tests run a procedure hundreds of times): see SandboxFleet.
  return new SandboxFleet(dir, {inProcess: process.env['CERTWALK_SANDBOX_IN_PROCESS'] === '1'});
}

/** The default sandbox's directory, made first if it has no sandbox yet. */
export async function demoSandbox(status?: StatusLine): Promise<string> {
  const dir = defaultSandboxDir();
  if (existsSync(join(dir, 'sandbox.json'))) return dir;
  status?.clear();
  // Making the keys takes seconds: on a terminal a line says so meanwhile, replaced by the one that stays.
  const making = statusLine(process.stderr, `certwalk: making the demo sandbox in ${dir} (first use)…`);
  const [{initSandbox}, {readManifest}] = await Promise.all([import('../hosts/sandbox/init.ts'), import('../hosts/sandbox/state.ts')]);
  try {
    // A directory left by an interrupted first use is replaced (initSandbox never deletes files it did not make).
    await initSandbox(dir, {force: true});
  } finally {
    making.clear();
  }
  const {nodes} = await readManifest(dir);
  making.say(`certwalk: made the demo sandbox in ${dir} (${nodes.length} simulated nodes); \`certwalk sandbox init --force ${dir}\` resets it`);
  return dir;
}

/** The fleet a journal ran on, unless the command line names one. */
export function fleetFromJournal(header: SessionHeader, given: FleetChoice): FleetChoice {
  if (given.sandbox || given.hosts) return given;
  return header.fleet.kind === 'sandbox' ? {sandbox: header.fleet.location} : {...given, hosts: header.fleet.location};
}
