// The sandbox's Import-PfxCertificate / Export-PfxCertificate / ConvertTo-SecureString, run with the very scripts
// src/ops/pki.ts builds (password on stdin): they change the stores as certutil does and refuse what Windows refuses.
import assert from 'node:assert/strict';
import {before, describe, test} from 'node:test';
import {createSelfSigned, fromPfx, toDer, toPfx} from '../../src/certs/index.ts';
import type {NodeInfo} from '../../src/hosts/host.ts';
import {emptyNodeState} from '../../src/hosts/sandbox/state.ts';
import type {NodeState} from '../../src/hosts/sandbox/state.ts';
import {powershellProgram} from '../../src/hosts/sandbox/tools/powershell.ts';
import type {NodeFiles, ToolResult} from '../../src/hosts/sandbox/tools/program.ts';
import {sandboxCertFromDer} from '../../src/hosts/sandbox/tools/stores.ts';
import {exportPfxCommand, importPfxCommand} from '../../src/ops/pki.ts';
import {powershellArgs} from '../../src/ops/powershell.ts';

const NODE: NodeInfo = {name: 'worker1', machineName: 'WORKER1', fqdn: 'worker1.contoso.local', ip: '10.0.0.21', roles: ['ssis-worker']};
const PFX = 'C:\\Windows\\Temp\\certwalk-new.pfx';

function memoryFiles(initial: ReadonlyArray<readonly [string, Buffer]> = []): NodeFiles & {map: Map<string, Buffer>} {
  const map = new Map(initial.map(([k, v]) => [k.toLowerCase(), v]));
  return {map, read: (p) => map.get(p.toLowerCase()), write: (p, d) => void map.set(p.toLowerCase(), d), exists: (p) => map.has(p.toLowerCase())};
}

function run(args: readonly string[], state: NodeState, files: NodeFiles, stdin?: string[]): ToolResult {
  return powershellProgram().run({node: NODE, state, files, now: new Date(), ...(stdin ? {stdin} : {})}, args);
}

let cert: {certPem: string; keyPem: string; thumbprint: string};
before(async () => {
  const made = await createSelfSigned({commonNames: ['worker1.contoso.local']});
  cert = {...made, thumbprint: sandboxCertFromDer(toDer(made.certPem)).thumbprint};
});

describe('Import-PfxCertificate', () => {
  test('the password read on stdin opens the PFX: the certificate goes in with an exportable key, its thumbprint printed', () => {
    const files = memoryFiles([[PFX, toPfx(cert, 'Right-1')]]);
    const r = run(importPfxCommand('My', PFX).command.args, emptyNodeState(), files, ['Right-1']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, `${cert.thumbprint}\n`);
    const stored = r.state!.stores['My']!.find((c) => c.thumbprint === cert.thumbprint)!;
    assert.ok(stored.keyPem, 'with its private key');
    assert.equal(stored.exportable, true);
    // Again: the same certificate is replaced, not added twice (certutil -f -importPFX did the same).
    const again = run(importPfxCommand('My', PFX).command.args, r.state!, files, ['Right-1']);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.equal(again.state!.stores['My']!.length, 1);
  });

  test('a wrong password is refused as Windows refuses it, and nothing changes', () => {
    const files = memoryFiles([[PFX, toPfx(cert, 'Right-1')]]);
    const r = run(importPfxCommand('Root', PFX).command.args, emptyNodeState(), files, ['Wrong-2']);
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /^Import-PfxCertificate : The specified network password is not correct\. \(Exception from HRESULT: 0x80070056\)/);
    assert.equal(r.state, undefined);
  });

  test('no line on stdin: ConvertTo-SecureString refuses $null and the import never runs', () => {
    const files = memoryFiles([[PFX, toPfx(cert, 'Right-1')]]);
    const r = run(importPfxCommand('My', PFX).command.args, emptyNodeState(), files, []);
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /ConvertTo-SecureString : Cannot bind argument to parameter 'String' because it is null\./);
    assert.equal(r.state, undefined);
  });

  test('a plain string is not a SecureString: -Password refuses it', () => {
    const files = memoryFiles([[PFX, toPfx(cert, 'Right-1')]]);
    const script = `Import-PfxCertificate -FilePath '${PFX}' -CertStoreLocation 'Cert:\\LocalMachine\\My' -Password 'Right-1'`;
    const r = run(powershellArgs(script), emptyNodeState(), files);
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /Cannot convert the "Right-1" value of type "System\.String" to type "System\.Security\.SecureString"/);
  });
});

describe('Export-PfxCertificate', () => {
  const withCert = (exportable: boolean): NodeState => ({...emptyNodeState(), stores: {My: [sandboxCertFromDer(toDer(cert.certPem), {keyPem: cert.keyPem, exportable})]}});

  test('writes a PFX that the password read on stdin opens, holding the same certificate and key', () => {
    const files = memoryFiles();
    const r = run(exportPfxCommand('My', cert.thumbprint, PFX).command.args, withCert(true), files, ['One-Time-3']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, '');
    const opened = fromPfx(files.read(PFX)!, 'One-Time-3');
    assert.equal(sandboxCertFromDer(toDer(opened.certPem)).thumbprint, cert.thumbprint);
    assert.ok(opened.keyPem);
  });

  test('a key that may not be exported: refused, no file', () => {
    const files = memoryFiles();
    const r = run(exportPfxCommand('My', cert.thumbprint, PFX).command.args, withCert(false), files, ['One-Time-3']);
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /^Export-PfxCertificate : Cannot export non-exportable private key\./);
    assert.equal(files.map.size, 0);
  });

  test('a thumbprint not in the store: the path does not exist', () => {
    const r = run(exportPfxCommand('My', 'AB'.repeat(20), PFX).command.args, withCert(true), memoryFiles(), ['One-Time-3']);
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /Cannot find path 'Cert:\\LocalMachine\\My\\(AB){20}' because it does not exist\./);
  });
});

test('the scripts carry no password: it is a stdin line, made a SecureString inside the script', () => {
  for (const cmd of [importPfxCommand('My', PFX), exportPfxCommand('My', 'AB'.repeat(20), PFX)]) {
    assert.match(cmd.script, /\$password = ConvertTo-SecureString -String \(\[Console\]::In\.ReadLine\(\)\) -AsPlainText -Force/);
    assert.match(cmd.script, /-Password \$password/);
    assert.equal(cmd.command.command, 'powershell');
    assert.ok(cmd.command.args.includes('-EncodedCommand'));
  }
});
