// A sandbox with nodes and nothing on them: enough for what only needs the nodes' files (node locks), without the
// seconds initSandbox spends making certificates.
import {writeManifest} from '../../src/hosts/sandbox/state.ts';

export async function bareSandbox(dir: string, names: readonly string[]): Promise<void> {
  await writeManifest(dir, {
    version: 1,
    nodes: names.map((name, i) => ({name, machineName: name.toUpperCase(), fqdn: `${name}.contoso.local`, ip: `10.0.0.${i + 10}`, roles: []})),
  });
}
