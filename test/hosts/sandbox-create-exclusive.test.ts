// The sandbox host's exclusive create, what node locks stand on: one creator wins, the file is never replaced, Windows
// paths map as for the other file operations, and what is in the way is named.
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import type {Host} from '../../src/hosts/host.ts';
import {SandboxFleet, windowsPathToSandbox} from '../../src/hosts/sandbox/index.ts';
import {bareSandbox} from '../helpers/bare-sandbox.ts';

let base: string;
let dir: string;
let host: Host;

before(async () => {
  base = mkdtempSync(join(tmpdir(), 'certwalk-create-'));
  dir = join(base, 'sandbox');
  await bareSandbox(dir, ['master']);
  host = await new SandboxFleet(dir).host('master');
});

after(() => rmSync(base, {recursive: true, force: true}));

test('creates the file and its folder once; a second create, in any spelling of the path, changes nothing', async () => {
  assert.equal(await host.createFileExclusive('C:\\Data\\One\\a.lock', Buffer.from('first')), true);
  assert.equal(readFileSync(windowsPathToSandbox(join(dir, 'nodes', 'master'), 'C:\\Data\\One\\a.lock'), 'utf8'), 'first');
  assert.equal(await host.createFileExclusive('c:\\data\\ONE\\A.LOCK', Buffer.from('second')), false);
  assert.equal((await host.readFile('C:\\Data\\One\\a.lock')).toString(), 'first');
});

test('twenty creates at once: exactly one creates, and its contents are what is there', async () => {
  const results = await Promise.all(Array.from({length: 20}, (_, i) => host.createFileExclusive('C:\\Data\\b.lock', Buffer.from(`creator ${i}`))));
  assert.equal(results.filter(Boolean).length, 1);
  assert.equal((await host.readFile('C:\\Data\\b.lock')).toString(), `creator ${results.indexOf(true)}`);
});

test('a folder where the file should be is named, with the node', async () => {
  mkdirSync(windowsPathToSandbox(join(dir, 'nodes', 'master'), 'C:\\Data\\c.lock'), {recursive: true});
  await assert.rejects(host.createFileExclusive('C:\\Data\\c.lock', Buffer.from('x')), {
    message: 'cannot create C:\\Data\\c.lock on master: C:\\Data\\c.lock is a folder, not a file',
  });
});
