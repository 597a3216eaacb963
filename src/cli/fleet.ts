// Opens the fleet a command works on: the sandbox (made on first use) or an inventory of real Windows nodes. What is
// not needed for the fleet at hand (making a sandbox: forge; remoting) loads only when it is.
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import type {Fleet} from '../hosts/host.ts';
import {SandboxFleet} from '../hosts/sandbox/sandbox-fleet.ts';
import type {Credential} from '../hosts/windows/remote-host.ts';
import type {SessionHeader} from '../runner/journal.ts';
import {defaultSandboxDir} from '../runner/paths.ts';

export interface FleetChoice {
  readonly sandbox?: string;
  /** An inventory of real Windows nodes (JSON); the sandbox when absent. */
  readonly hosts?: string;
  readonly credential?: Credential;
}

/** The sandbox is the embedded default: a demo fleet is made on first use. */
export async function openFleet(choice: FleetChoice): Promise<Fleet> {
  if (choice.hosts) {
    const {WindowsFleet} = await import('../hosts/windows/windows-fleet.ts');
    return WindowsFleet.open(choice.hosts, choice.credential ?? null);
  }
  const dir = choice.sandbox ?? defaultSandboxDir();
  if (!existsSync(join(dir, 'sandbox.json'))) {
    if (choice.sandbox && existsSync(dir)) {
      throw new Error(`${dir} is not a certwalk sandbox (no sandbox.json); create one with \`certwalk sandbox init ${dir}\``);
    }
    const {initSandbox} = await import('../hosts/sandbox/init.ts');
    await initSandbox(dir, {});
  }
  // Test sweeps only (the crash tests run a procedure hundreds of times): see SandboxFleet.
  return new SandboxFleet(dir, {inProcess: process.env['CERTWALK_SANDBOX_IN_PROCESS'] === '1'});
}

/** The fleet a journal ran on, unless the command line names one. */
export function fleetFromJournal(header: SessionHeader, given: FleetChoice): FleetChoice {
  if (given.sandbox || given.hosts) return given;
  return header.fleet.kind === 'sandbox' ? {sandbox: header.fleet.location} : {...given, hosts: header.fleet.location};
}
