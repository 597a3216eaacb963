// Fleet identity (Fleet.identity): what a journal records so that a rollback or resume on another fleet is refused.
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {SandboxFleet} from '../../src/hosts/sandbox/sandbox-fleet.ts';
import {parseInventory, WindowsFleet} from '../../src/hosts/windows/windows-fleet.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, {recursive: true, force: true});
});

function oldSandbox(): string {
  const dir = mkdtempSync(join(tmpdir(), 'certwalk-fleet-id-'));
  dirs.push(dir);
  const nodes = [{name: 'master', machineName: 'MASTER', fqdn: 'master.contoso.local', ip: '10.0.0.10', roles: ['ssis-master']}];
  // A sandbox made before fleet ids existed: sandbox.json without one.
  writeFileSync(join(dir, 'sandbox.json'), `${JSON.stringify({version: 1, nodes}, null, 2)}\n`);
  return dir;
}

const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'sandbox.json'), 'utf8')) as {fleetId?: string; nodes: unknown[]};

test('a sandbox without a fleet id gets one on first use, written once; later opens read the same one', async () => {
  const dir = oldSandbox();
  // Two certwalks asking at once must agree: the id is written under a lock, and the second reads the first's.
  const [first, second] = await Promise.all([new SandboxFleet(dir).identity(), new SandboxFleet(dir).identity()]);
  assert.match(first, /^sandbox-[0-9a-f]{16}$/);
  assert.equal(second, first);
  assert.equal(manifest(dir).fleetId, first);
  assert.equal(manifest(dir).nodes.length, 1, 'the inventory was lost');
  assert.equal(await new SandboxFleet(dir).identity(), first);
  // Another sandbox with the same nodes is another fleet.
  assert.notEqual(await new SandboxFleet(oldSandbox()).identity(), first);
});

test("a Windows fleet is identified by its nodes' names and addresses, not by roles, order or the file it came from", async () => {
  const node = (name: string, ip: string, roles: string[]) => ({name, fqdn: `${name}.contoso.local`, ip, roles});
  const a = new WindowsFleet(
    '/a/hosts.json',
    parseInventory(JSON.stringify({nodes: [node('master', '10.0.0.10', ['ssis-master']), node('worker1', '10.0.1.1', ['ssis-worker'])]}), 'a'),
  );
  const same = new WindowsFleet('/b/copy.json', parseInventory(JSON.stringify({nodes: [node('WORKER1', '10.0.1.1', []), node('master', '10.0.0.10', ['ssis-master'])]}), 'b'));
  const moved = new WindowsFleet(
    '/a/hosts.json',
    parseInventory(JSON.stringify({nodes: [node('master', '10.0.0.10', ['ssis-master']), node('worker1', '10.0.1.2', ['ssis-worker'])]}), 'c'),
  );
  assert.match(await a.identity(), /^hosts-[0-9a-f]{16}$/);
  assert.equal(await same.identity(), await a.identity());
  assert.notEqual(await moved.identity(), await a.identity());
});
