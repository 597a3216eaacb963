// The sandbox's fleet identity (Fleet.identity): a random id in sandbox.json, made by initSandbox. Two sandboxes
// made from the same demo have the same nodes and addresses, so only a random id tells them apart: a journal of
// sandbox A must not roll back sandbox B. A sandbox made before the id existed gets one the first time it is asked
// for, written once under a lock (two certwalks asking at once must not each record a different id).
import {randomBytes} from 'node:crypto';
import {withLock} from './lock.ts';
import {readManifest, sandboxPaths, writeManifest} from './state.ts';

export function newFleetId(): string {
  return `sandbox-${randomBytes(8).toString('hex')}`;
}

export async function sandboxFleetId(dir: string): Promise<string> {
  const manifest = await readManifest(dir);
  if (manifest.fleetId) return manifest.fleetId;
  return withLock(sandboxPaths.manifestLock(dir), async () => {
    const current = await readManifest(dir);
    if (current.fleetId) return current.fleetId;
    const fleetId = newFleetId();
    await writeManifest(dir, {...current, fleetId});
    return fleetId;
  });
}
