// The workers the SSISDB catalog knows ([catalog].[worker_agents] on the master's SQL Server), matched to the
// fleet's nodes by machine name: the catalog is the Scale Out's own list, the fleet is what certwalk can reach.
import type {Fleet, NodeInfo} from '../hosts/host.ts';
import {readWorkerAgents} from '../ops/ssisdb.ts';

export type CatalogWorkers =
  {readonly ok: true; readonly server: string; readonly nodes: readonly string[]; readonly unreachable: readonly string[]} | {readonly ok: false; readonly error: string};

/** `sqlServer` is MasterSettings.config's SqlServerName, which the caller has already read. */
export async function catalogWorkers(fleet: Fleet, master: NodeInfo, sqlServer: unknown): Promise<CatalogWorkers> {
  if (typeof sqlServer !== 'string' || !sqlServer) return {ok: false, error: 'MasterSettings.config names no SqlServerName'};
  try {
    const agents = await readWorkerAgents(await fleet.host(master.name), sqlServer);
    const byMachine = new Map((await fleet.nodes()).map((n) => [n.machineName.toLowerCase(), n.name]));
    const nodes: string[] = [];
    const unreachable: string[] = [];
    for (const agent of agents) {
      const node = byMachine.get(agent.machineName.toLowerCase());
      if (node) nodes.push(node);
      else unreachable.push(agent.machineName);
    }
    return {ok: true, server: sqlServer, nodes, unreachable};
  } catch (error) {
    return {ok: false, error: (error as Error).message};
  }
}

/** One line for the Parameters screen: what the catalog said and what certwalk cannot reach. */
export function describeCatalog(catalog: CatalogWorkers): string {
  if (!catalog.ok) return `SSISDB catalog not read (${catalog.error}); using the inventory's workers`;
  const missing = catalog.unreachable.length ? `; not in the inventory, so not reachable: ${catalog.unreachable.join(', ')}` : '';
  return `SSISDB catalog on ${catalog.server} lists ${catalog.nodes.length + catalog.unreachable.length} worker(s)${missing}`;
}
