import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {Fleet, NodeInfo} from '../../src/hosts/host.ts';
import {catalogWorkers, describeCatalog} from '../../src/procedures/scale-out-catalog.ts';
import {FakeHost} from '../helpers/fake-host.ts';

const node = (name: string, roles: string[]): NodeInfo => ({name, machineName: name.toUpperCase(), fqdn: `${name}.contoso.local`, ip: '', roles});

function fleetWith(host: FakeHost, nodes: NodeInfo[]): Fleet {
  return {kind: 'sandbox', description: 'test', location: 'test', identity: async () => 'test', nodes: async () => nodes, host: async () => host};
}

test("the catalog's workers are matched to inventory nodes by machine name; the others are named as unreachable", async () => {
  // Given a catalog listing WORKER1, WORKER2 and WORKER9, and an inventory without worker9
  const rows = [
    '6A2E3C1D-0000-4000-8000-000000000001|WORKER1|WORKER1|1|2026-11-23 10:00:00.0000000 +00:00',
    '6A2E3C1D-0000-4000-8000-000000000002|WORKER2|Worker two|1|NULL',
    '6A2E3C1D-0000-4000-8000-000000000009|WORKER9|WORKER9|0|NULL',
  ].join('\r\n');
  const host = new FakeHost([{command: 'sqlcmd', args: /-S MASTER\\SQL2017 -d SSISDB/, stdout: `${rows}\r\n`}]);
  const fleet = fleetWith(host, [node('master', ['ssis-master']), node('worker1', ['ssis-worker']), node('worker2', ['ssis-worker'])]);
  // When certwalk reads the catalog
  const catalog = await catalogWorkers(fleet, node('master', ['ssis-master']), 'MASTER\\SQL2017');
  // Then it has the reachable nodes by their certwalk names and names the one it cannot reach
  assert.deepEqual(catalog, {ok: true, server: 'MASTER\\SQL2017', nodes: ['worker1', 'worker2'], unreachable: ['WORKER9']});
  assert.match(describeCatalog(catalog), /lists 3 worker\(s\); not in the inventory, so not reachable: WORKER9/);
});

test('an unreadable catalog is reported, not fatal', async () => {
  const host = new FakeHost([], {});
  const catalog = await catalogWorkers(fleetWith(host, []), node('master', ['ssis-master']), 'MASTER\\SQL2017');
  assert.equal(catalog.ok, false);
  assert.match(describeCatalog(catalog), /SSISDB catalog not read/);
  const unnamed = await catalogWorkers(fleetWith(host, []), node('master', ['ssis-master']), undefined);
  assert.deepEqual(unnamed, {ok: false, error: 'MasterSettings.config names no SqlServerName'});
});
