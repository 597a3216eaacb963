// `certwalk run ssis-master --param certificate=THUMB` through the real binary, for a certificate in the master's Root
// whose store entry is linked to a key that is not its own: refused as a parameter (exit 2) before anything changes.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, test} from 'node:test';
import {createSelfSigned, toPfx} from '../../src/certs/index.ts';
import {SandboxFleet} from '../../src/hosts/sandbox/index.ts';
import {giveForeignKey} from '../helpers/foreign-key.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'certwalk.js');
const base = mkdtempSync(join(tmpdir(), 'certwalk-keytest-'));
after(() => rmSync(base, {recursive: true, force: true}));

function certwalk(args: string[], home: string) {
  const result = spawnSync(process.execPath, [bin, ...args], {cwd: root, encoding: 'utf8', env: {...process.env, CERTWALK_HOME: home, NO_COLOR: '1'}, input: ''});
  return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

test("run refuses an existing certificate whose key fails certutil's key test: exit 2, the thumbprint named, nothing changed", async () => {
  // Given a sandbox whose master holds in Root a second certificate imported with its key
  const home = join(base, 'home');
  const dir = join(base, 'sandbox');
  const init = certwalk(['sandbox', 'init', dir, '--workers', '1'], home);
  assert.equal(init.code, 0, init.stderr);
  const made = await createSelfSigned({commonNames: ['master.contoso.local'], dnsNames: ['master.contoso.local']});
  const thumb = made.info.thumbprint;
  const host = await new SandboxFleet(dir).host('master');
  await host.writeFile('C:\\Windows\\Temp\\other.pfx', toPfx(made, 'pw-1234'));
  const imported = await host.run('certutil', ['-f', '-p', 'pw-1234', '-importpfx', 'Root', 'C:\\Windows\\Temp\\other.pfx']);
  assert.equal(imported.exitCode, 0, imported.stdout);
  // And that store entry then linked to a key that is not its own
  await giveForeignKey(dir, 'master', 'Root', thumb);
  const before = certwalk(['sandbox', 'show', dir, '--json'], home).stdout;

  // When it is given as the certificate of an unattended run
  const run = certwalk(['run', 'ssis-master', '--sandbox', dir, '--yes', '--param', `certificate=${thumb}`], home);

  // Then the parameters are refused with the reason and the remedy, and no node changed
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stderr, /ssis-master: the parameters were refused; nothing was changed:/);
  assert.match(run.stderr, new RegExp(`certificate: ${thumb} in LocalMachine\\\\Root on master failed certutil's key test \\("Encryption test FAILED"\\)`));
  assert.match(run.stderr, /use certificate=new/);
  assert.equal(certwalk(['sandbox', 'show', dir, '--json'], home).stdout, before);
});
