// The fake fleet the fast layer's procedures run on: a command no row answers fails loudly, rows answer by the facts
// a node holds and change them, and every command is recorded in order.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {powershellArgs} from '../../src/ops/powershell.ts';
import {FakeFleet} from '../helpers/fake-fleet.ts';

const NODE = {name: 'master', machineName: 'MASTER', fqdn: 'master.contoso.local', ip: '10.0.0.10', roles: []};

test('a command no row answers throws naming the node, the command and the facts, and is listed as unanswered', async () => {
  const fleet = new FakeFleet(
    [{info: NODE, facts: {binding: 'none'}}],
    [{node: 'master', command: 'netsh', args: ['http', 'show', 'sslcert'], when: {binding: 'old'}, stdout: 'x'}],
  );
  const host = await fleet.host('master');
  await assert.rejects(host.run('netsh', ['http', 'show', 'sslcert']), {message: 'fake fleet: no row answers master: netsh http show sslcert (facts: {"binding":"none"})'});
  assert.deepEqual(fleet.unanswered, ['no row answers master: netsh http show sslcert (facts: {"binding":"none"})']);
});

test('rows answer by facts and leave new ones, on their node and (thenOn) on others; the log keeps the order', async () => {
  const other = {...NODE, name: 'fe2'};
  const fleet = new FakeFleet(
    [
      {info: NODE, facts: {state: 'a'}},
      {info: other, facts: {state: 'a'}},
    ],
    [
      {node: 'master', command: 'tool', args: ['read'], when: {state: 'a'}, stdout: 'A'},
      {node: 'master', command: 'tool', args: ['read'], when: {state: 'b'}, stdout: 'B'},
      {node: 'master', command: 'tool', args: /^change /, when: {state: 'a'}, then: {state: 'b'}, thenOn: {fe2: {state: 'b'}}},
    ],
  );
  const host = await fleet.host('master');
  assert.equal((await host.run('tool', ['read'])).stdout, 'A');
  await host.run('tool', ['change', 'now']);
  assert.equal((await host.run('tool', ['read'])).stdout, 'B');
  assert.deepEqual(fleet.facts('fe2'), {state: 'b'});
  assert.deepEqual(fleet.commandLines(), ['master: tool read', 'master: tool change now', 'master: tool read']);
});

test('a PowerShell row matches the decoded -EncodedCommand script, which the log shows', async () => {
  const fleet = new FakeFleet([{info: NODE}], [{node: 'master', command: 'powershell', args: /^Get-CsSipDomain$/m, stdout: '{}'}]);
  const host = await fleet.host('master');
  await host.run('powershell', powershellArgs('Get-CsSipDomain'));
  assert.deepEqual(fleet.commandLines(), ['master: powershell Get-CsSipDomain']);
});

test('an override row goes before the table; a file fault fails that operation only', async () => {
  const fleet = new FakeFleet([{info: NODE, files: {'C:\\a.config': 'old'}}], [{node: 'master', command: 'sc.exe', args: ['start', 'X'], stdout: 'ok'}]);
  fleet.override([{node: 'master', command: 'sc.exe', args: ['start', 'X'], stdout: 'refused', exitCode: 1053}]);
  fleet.addFileFault({node: 'master', op: 'writeFile', path: /a\.config$/, message: 'EACCES: locked'});
  const host = await fleet.host('master');
  assert.deepEqual(await host.run('sc.exe', ['start', 'X']), {exitCode: 1053, stdout: 'refused', stderr: '', durationMs: 1});
  await assert.rejects(host.writeFile('C:\\a.config', Buffer.from('new')), {message: 'EACCES: locked'});
  assert.equal((await host.readFile('C:\\A.CONFIG')).toString(), 'old');
});
