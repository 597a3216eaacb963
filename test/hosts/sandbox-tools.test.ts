// The simulated programs as pure functions: state + arguments in, output + new state out.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {createSelfSigned, fromPfx, describeCertificate, toPfx} from '../../src/certs/index.ts';
import type {MadeCert} from '../../src/certs/index.ts';
import type {NodeInfo} from '../../src/hosts/host.ts';
import {DEFAULT_BINDING_OPTIONS, emptyNodeState} from '../../src/hosts/sandbox/state.ts';
import type {NodeState} from '../../src/hosts/sandbox/state.ts';
import {certmgr} from '../../src/hosts/sandbox/tools/certmgr.ts';
import {certutil, formatCertutilDate} from '../../src/hosts/sandbox/tools/certutil.ts';
import {netsh} from '../../src/hosts/sandbox/tools/netsh.ts';
import {exitCodeFor} from '../../src/hosts/sandbox/tools/program.ts';
import type {NodeFiles, SandboxProgram, ToolResult} from '../../src/hosts/sandbox/tools/program.ts';
import {sc} from '../../src/hosts/sandbox/tools/sc.ts';
import {sandboxCertFromDer} from '../../src/hosts/sandbox/tools/stores.ts';
import {parseStore} from '../../src/ops/certutil.ts';
import {parseServiceConfig} from '../../src/ops/service.ts';
import {winhttpcertcfg} from '../../src/hosts/sandbox/tools/winhttpcertcfg.ts';
import {MASTER_SETTINGS_PATH, WORKER_SETTINGS_PATH, formatSettingsJson, json} from '../../src/hosts/sandbox/scale-out-files.ts';

const NODE: NodeInfo = {name: 'master', machineName: 'MASTER', fqdn: 'master.contoso.local', ip: '10.0.0.10', roles: ['ssis-master']};
const APPID = '{6B9D1F0C-2F5A-4C1E-9D8E-1F2A3B4C5D6E}';
const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

const [withKey, publicOnly, other] = (await Promise.all([
  createSelfSigned({commonNames: ['master.contoso.local', 'MASTER'], notBefore: new Date('2025-08-02T23:16:00Z')}),
  createSelfSigned({commonNames: ['WORKER1', '10.0.1.1']}),
  createSelfSigned({commonNames: ['other.contoso.local']}),
])) as [MadeCert, MadeCert, MadeCert];

function memoryFiles(initial: Record<string, Buffer> = {}): NodeFiles & {map: Map<string, Buffer>} {
  const map = new Map(Object.entries(initial).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    map,
    read: (path) => map.get(path.toLowerCase()),
    write: (path, data) => void map.set(path.toLowerCase(), data),
    exists: (path) => map.has(path.toLowerCase()),
  };
}

function baseState(): NodeState {
  const state = emptyNodeState();
  state.stores['Root'] = [sandboxCertFromDer(withKey.der, {keyPem: withKey.keyPem, exportable: false}), sandboxCertFromDer(publicOnly.der)];
  state.stores['My'] = [sandboxCertFromDer(other.der, {keyPem: other.keyPem, exportable: true})];
  return state;
}

function run(program: SandboxProgram, state: NodeState, args: string[], files = memoryFiles()): ToolResult {
  return program.run({node: NODE, state, files, now: new Date()}, args);
}

/** Runs a sequence, threading the state through; returns the last result and the final state. */
function runAll(program: SandboxProgram, state: NodeState, commands: string[][], files = memoryFiles()) {
  let result: ToolResult | undefined;
  for (const args of commands) {
    result = run(program, state, args, files);
    state = result.state ?? state;
  }
  return {result: result!, state};
}

const addArgs = (ipport: string, hash: string, ...extra: string[]) => ['http', 'add', 'sslcert', `ipport=${ipport}`, `certhash=${hash}`, `appid=${APPID}`, ...extra];

test('netsh show prints each field under the label of the Windows Server 2022 sample, in its order', () => {
  const {state} = runAll(netsh, baseState(), [addArgs('0.0.0.0:7048', withKey.info.thumbprint, 'certstorename=Root')]);
  const result = run(netsh, state, ['http', 'show', 'sslcert', 'ipport=0.0.0.0:7048']);
  assert.equal(result.exitCode, 0);
  const label = (line: string) => line.replace(/: .*$/, ':');
  const expected = fixture('netsh-show-sslcert-win10-2022-extended.txt').trimEnd().split('\n').map(label);
  const actual = result.stdout.trimEnd().split('\n').map(label);
  assert.deepEqual(actual, expected);
  assert.ok(result.stdout.endsWith('PropertyId                   : 4\n\n'), 'a blank line closes every block');
});

test('netsh show echoes the store name case, prints the hash lowercase and the appid as a lowercase GUID', () => {
  const {state} = runAll(netsh, baseState(), [addArgs('0.0.0.0:8391', withKey.info.thumbprint, 'certstorename=ROOT')]);
  const out = run(netsh, state, ['http', 'show', 'sslcert', 'ipport=0.0.0.0:8391']).stdout;
  assert.match(out, /^ {4}Certificate Store Name {7}: ROOT$/m);
  assert.match(out, new RegExp(`^ {4}Certificate Hash {13}: ${withKey.info.thumbprint.toLowerCase()}$`, 'm'));
  assert.match(out, new RegExp(`^ {4}Application ID {15}: ${APPID.toLowerCase().replace(/[{}]/g, '\\$&')}$`, 'm'));
  assert.equal(state.bindings[0]!.appid, APPID, 'the state keeps the appid as given');
});

test('netsh add fills in the Windows defaults and keeps the options given', () => {
  const {state} = runAll(netsh, baseState(), [
    addArgs(
      '0.0.0.0:8391',
      withKey.info.thumbprint,
      'certstorename=Root',
      'clientcertnegotiation=enable',
      'DisableQuic=ENABLE',
      'revocationfreshnesstime=30',
      'sslctlstorename=CtlStore',
    ),
  ]);
  assert.deepEqual(state.bindings[0]!.options, {
    ...DEFAULT_BINDING_OPTIONS,
    clientcertnegotiation: 'enable',
    disablequic: 'enable',
    revocationfreshnesstime: 30,
    sslctlstorename: 'CtlStore',
  });
  const out = run(netsh, state, ['http', 'show', 'sslcert']).stdout;
  assert.match(out, /Negotiate Client Certificate : Enabled/);
  assert.match(out, /Disable QUIC {17}: Set/);
  assert.match(out, /Disable HTTP2 {16}: Not Set/);
  assert.match(out, /Revocation Freshness Time {4}: 30/);
  assert.match(out, /Ctl Store Name {15}: CtlStore/);
  assert.match(out, /Verify Client Certificate Revocation : Enabled/);
});

test('netsh show without ipport lists every binding; a missing one prints the not-found text', () => {
  const {state} = runAll(netsh, baseState(), [addArgs('0.0.0.0:8391', withKey.info.thumbprint, 'certstorename=Root'), addArgs('0.0.0.0:443', other.info.thumbprint)]);
  const all = run(netsh, state, ['http', 'show', 'sslcert']);
  assert.equal(all.stdout.match(/IP:port/g)?.length, 2);
  assert.match(all.stdout, /Certificate Store Name {7}: \(null\)/);
  const missing = run(netsh, state, ['http', 'show', 'sslcert', 'ipport=0.0.0.0:9999']);
  assert.equal(missing.stdout, fixture('netsh-show-sslcert-no-binding.txt'));
  assert.equal(missing.exitCode, 1);
});

test('netsh add on an existing ipport fails with 183', () => {
  const {result} = runAll(netsh, baseState(), [
    addArgs('0.0.0.0:8391', withKey.info.thumbprint, 'certstorename=Root'),
    addArgs('0.0.0.0:8391', withKey.info.thumbprint, 'certstorename=Root'),
  ]);
  assert.equal(result.stdout, fixture('netsh-add-sslcert-error-183.txt'));
  assert.equal(result.exitCode, 1);
  assert.equal(result.state, undefined);
});

test('netsh add fails with 1312 for an unknown hash, a certificate without key, or the wrong store', () => {
  const expected = fixture('netsh-add-sslcert-error-1312.txt');
  const unknown = run(netsh, baseState(), addArgs('0.0.0.0:8391', 'ab'.repeat(20), 'certstorename=Root'));
  const noKey = run(netsh, baseState(), addArgs('0.0.0.0:8391', publicOnly.info.thumbprint, 'certstorename=Root'));
  const defaultStoreIsMy = run(netsh, baseState(), addArgs('0.0.0.0:8391', withKey.info.thumbprint));
  for (const result of [unknown, noKey, defaultStoreIsMy]) {
    assert.equal(result.stdout, expected);
    assert.equal(result.exitCode, 1);
    assert.equal(result.state, undefined);
  }
  const inMy = run(netsh, baseState(), addArgs('0.0.0.0:443', other.info.thumbprint));
  assert.equal(inMy.stdout, fixture('netsh-add-sslcert-success.txt'));
});

test('netsh add: malformed appid or hash → "The parameter is incorrect."; missing appid → usage', () => {
  const incorrect = fixture('netsh-add-sslcert-parameter-incorrect.txt');
  const noBraces = run(netsh, baseState(), ['http', 'add', 'sslcert', 'ipport=0.0.0.0:1', `certhash=${other.info.thumbprint}`, 'appid=6b9d1f0c-2f5a-4c1e-9d8e-1f2a3b4c5d6e']);
  assert.equal(noBraces.stdout, incorrect);
  const invisible = run(netsh, baseState(), addArgs('0.0.0.0:1', `\u200e${other.info.thumbprint}`));
  assert.equal(invisible.stdout, incorrect);
  const usage = run(netsh, baseState(), ['http', 'add', 'sslcert', 'ipport=0.0.0.0:1', `certhash=${other.info.thumbprint}`]);
  assert.equal(usage.stdout, fixture('netsh-add-sslcert-usage-win2022.txt'));
  assert.equal(usage.exitCode, 1);
});

test('netsh delete removes the binding; a missing one is error 2', () => {
  const {state} = runAll(netsh, baseState(), [addArgs('0.0.0.0:8391', withKey.info.thumbprint, 'certstorename=Root')]);
  const deleted = run(netsh, state, ['http', 'delete', 'sslcert', 'ipport=0.0.0.0:8391']);
  assert.equal(deleted.stdout, fixture('netsh-delete-sslcert-success.txt'));
  assert.deepEqual(deleted.state?.bindings, []);
  const again = run(netsh, deleted.state!, ['http', 'delete', 'sslcert', 'ipport=0.0.0.0:8391']);
  assert.equal(again.stdout, fixture('netsh-delete-sslcert-error-2.txt'));
  assert.equal(again.exitCode, 1);
});

test('certutil -store prints the sample block, key lines only for certificates with a key', () => {
  const out = run(certutil, baseState(), ['-store', 'Root']);
  assert.equal(out.exitCode, 0);
  const lines = out.stdout.split('\n');
  assert.equal(lines[0], 'Root "Trusted Root Certification Authorities"');
  assert.equal(lines[1], '================ Certificate 0 ================');
  assert.equal(lines[2], `Serial Number: ${withKey.info.serialNumber}`);
  assert.equal(lines[3], 'Issuer: CN=MASTER, CN=master.contoso.local');
  assert.equal(lines[4], ' NotBefore: 8/2/2025 11:16 PM');
  assert.equal(lines[6], 'Subject: CN=MASTER, CN=master.contoso.local');
  assert.equal(lines[9], `Cert Hash(sha1): ${withKey.info.thumbprint.toLowerCase()}`);
  assert.match(lines[10]!, /^ {2}Key Container = \{[0-9A-F-]{36}\}$/);
  assert.equal(lines[13], 'Private key is NOT exportable');
  assert.equal(lines[14], 'Encryption test passed');
  assert.match(out.stdout, /Cannot find the certificate and private key for decryption\.\n\nCertUtil: -store command completed successfully\.\n$/);
});

test('certutil -store THUMBPRINT accepts spaces and lowercase; an unknown one is CRYPT_E_NOT_FOUND', () => {
  const spaced = withKey.info.thumbprint.toLowerCase().replace(/(..)/g, '$1 ').trim();
  const one = run(certutil, baseState(), ['-store', 'root', spaced]);
  assert.equal(one.stdout.match(/=== Certificate/g)?.length, 1);
  assert.ok(one.stdout.startsWith('root "Trusted Root Certification Authorities"\n'));
  const none = run(certutil, baseState(), ['-store', 'Root', 'ab'.repeat(20)]);
  assert.equal(
    none.stdout,
    'Root "Trusted Root Certification Authorities"\nCertUtil: -store command FAILED: 0x80092004 (-2146885628 CRYPT_E_NOT_FOUND)\nCertUtil: Cannot find object or property.\n',
  );
  assert.equal(none.exitCode, 4);
});

test('certutil -store prints "Encryption test FAILED" for a store entry whose key is not its certificate\'s', () => {
  // Given the master certificate in Root linked to another certificate's key (the store still has "a key")
  const state = baseState();
  state.stores['Root']![0]!.keyPem = other.keyPem;
  // When the store is listed
  const out = run(certutil, state, ['-store', 'Root']);
  // Then the key lines are there, the test fails where it passed, and the command still completes
  assert.equal(out.exitCode, 0);
  const lines = out.stdout.split('\n');
  assert.match(lines[10]!, /^ {2}Key Container = /);
  assert.equal(lines[13], 'Private key is NOT exportable');
  assert.equal(lines[14], 'Encryption test FAILED');
  assert.doesNotMatch(out.stdout, /Encryption test passed/);
  // And certwalk's parser reads it as failed; the entries with their own key still pass
  assert.deepEqual(
    parseStore(out.stdout).map((c) => [c.thumbprint, c.hasPrivateKey, c.keyTest]),
    [
      [withKey.info.thumbprint, true, 'failed'],
      [publicOnly.info.thumbprint, false, 'not-run'],
    ],
  );
  assert.equal(parseStore(run(certutil, state, ['-store', 'My']).stdout)[0]!.keyTest, 'passed');
  // A key that cannot be read proves nothing either
  state.stores['Root']![0]!.keyPem = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n';
  assert.match(run(certutil, state, ['-store', 'Root']).stdout, /Encryption test FAILED/);
});

test('certutil -addstore takes DER or PEM, says "already in store" the second time, and fails on a missing file', () => {
  const files = memoryFiles({'C:\\Temp\\a.cer': other.der, 'C:\\Temp\\b.cer': Buffer.from(publicOnly.certPem)});
  const first = run(certutil, emptyNodeState(), ['-addstore', 'Root', 'C:\\Temp\\a.cer'], files);
  assert.equal(
    first.stdout,
    'Root "Trusted Root Certification Authorities"\nSignature matches Public Key\nCertificate "other.contoso.local" added to store.\nCertUtil: -addstore command completed successfully.\n',
  );
  const pem = run(certutil, first.state!, ['-addstore', 'Root', 'c:\\temp\\B.cer'], files);
  assert.match(pem.stdout, /Certificate "WORKER1" added to store\./);
  assert.deepEqual(
    pem.state!.stores['Root']!.map((c) => c.thumbprint),
    [other.info.thumbprint, publicOnly.info.thumbprint],
  );
  assert.equal(pem.state!.stores['Root']![0]!.keyPem, undefined, 'a .cer brings no key');
  const again = run(certutil, pem.state!, ['-addstore', 'root', 'C:\\Temp\\a.cer'], files);
  assert.match(again.stdout, /Certificate "other.contoso.local" already in store\./);
  assert.equal(again.state, undefined);
  const missing = run(certutil, emptyNodeState(), ['-addstore', 'Root', 'C:\\Temp\\none.cer'], files);
  assert.equal(missing.stdout, 'CertUtil: -addstore command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)\nCertUtil: The system cannot find the file specified.\n');
  assert.equal(missing.exitCode, 2);
});

test('certutil -delstore deletes by thumbprint and reports a missing one', () => {
  const result = run(certutil, baseState(), ['-delstore', 'Root', publicOnly.info.thumbprint]);
  assert.match(result.stdout, /^Root "Trusted Root Certification Authorities"\n=+ Certificate 1 =+\n/);
  assert.match(result.stdout, /Deleting Certificate 1\nCertUtil: -delstore command completed successfully\.\n$/);
  assert.deepEqual(
    result.state!.stores['Root']!.map((c) => c.thumbprint),
    [withKey.info.thumbprint],
  );
  const missing = run(certutil, result.state!, ['-delstore', 'Root', publicOnly.info.thumbprint]);
  assert.match(missing.stdout, /CertUtil: -delstore command FAILED: 0x80092004 \(-2146885628 CRYPT_E_NOT_FOUND\)/);
  assert.equal(missing.exitCode, 4);
});

test('certutil -importPFX keeps the key (exportable), refuses a wrong password and an existing cert without -f', () => {
  const files = memoryFiles({'C:\\Temp\\new.pfx': toPfx(publicOnly, 'pw')});
  const ok = run(certutil, emptyNodeState(), ['-f', '-p', 'pw', '-importPFX', 'My', 'C:\\Temp\\new.pfx'], files);
  assert.equal(ok.stdout, 'Certificate "WORKER1" added to store.\n\nCertUtil: -importPFX command completed successfully.\n');
  const imported = ok.state!.stores['My']![0]!;
  assert.equal(imported.thumbprint, publicOnly.info.thumbprint);
  assert.ok(imported.keyPem);
  assert.equal(imported.exportable, true);
  assert.deepEqual(imported.keyAcl, []);
  const wrong = run(certutil, emptyNodeState(), ['-p', 'nope', '-importpfx', 'My', 'C:\\Temp\\new.pfx'], files);
  assert.equal(wrong.stdout, 'CertUtil: -importPFX command FAILED: 0x80070056 (WIN32: 86 ERROR_INVALID_PASSWORD)\nCertUtil: The specified network password is not correct.\n');
  assert.equal(wrong.exitCode, 0x56);
  const exists = run(certutil, ok.state!, ['-p', 'pw', '-importpfx', 'My', 'C:\\Temp\\new.pfx'], files);
  assert.match(exists.stdout, /CRYPT_E_EXISTS/);
  const noExport = run(certutil, emptyNodeState(), ['-p', 'pw', '-importpfx', 'C:\\Temp\\new.pfx', 'NoExport'], files);
  assert.equal(noExport.state!.stores['My']![0]!.exportable, false, 'store defaults to My; NoExport honoured');
});

test('certutil -exportPFX writes a PFX with the key; a non-exportable or missing key is NTE_BAD_KEY_STATE', () => {
  const files = memoryFiles();
  const ok = run(certutil, baseState(), ['-p', 'pw', '-exportPFX', 'My', other.info.thumbprint, 'C:\\Temp\\out.pfx'], files);
  assert.equal(ok.exitCode, 0);
  assert.match(ok.stdout, /CertUtil: -exportPFX command completed successfully\.\n$/);
  const back = fromPfx(files.read('C:\\Temp\\out.pfx')!, 'pw');
  assert.equal(describeCertificate(back.certPem).thumbprint, other.info.thumbprint);
  assert.ok(back.keyPem);
  const exists = run(certutil, baseState(), ['-p', 'pw', '-exportPFX', 'My', other.info.thumbprint, 'C:\\Temp\\out.pfx'], files);
  assert.match(exists.stdout, /ERROR_FILE_EXISTS/);
  const badKeyState = 'CertUtil: -exportPFX command FAILED: 0x8009000b (-2146893813 NTE_BAD_KEY_STATE)\nCertUtil: Key not valid for use in specified state.\n';
  const notExportable = run(certutil, baseState(), ['-p', 'pw', '-exportPFX', 'Root', withKey.info.thumbprint, 'C:\\Temp\\x.pfx'], files);
  assert.ok(notExportable.stdout.endsWith(badKeyState));
  assert.equal(notExportable.exitCode, 0x0b);
  const noKey = run(certutil, baseState(), ['-p', 'pw', '-exportPFX', 'Root', publicOnly.info.thumbprint, 'C:\\Temp\\y.pfx'], files);
  assert.ok(noKey.stdout.endsWith(badKeyState));
  assert.equal(files.exists('C:\\Temp\\x.pfx') || files.exists('C:\\Temp\\y.pfx'), false);
});

function serviceState(): {state: NodeState; files: ReturnType<typeof memoryFiles>} {
  const state = baseState();
  state.bindings.push({ipport: '0.0.0.0:8391', certhash: withKey.info.thumbprint.toLowerCase(), appid: APPID, certstorename: 'Root', options: {...DEFAULT_BINDING_OPTIONS}});
  state.services['SSISScaleOutMaster140'] = {displayName: 'Master', account: 'NT Service\\SSISScaleOutMaster140', status: 'running', win32ExitCode: 0, startType: 'auto'};
  const files = memoryFiles({
    [MASTER_SETTINGS_PATH]: formatSettingsJson([
      ['PortNumber', json.number(8391)],
      ['SSLCertThumbprint', json.string(withKey.info.thumbprint)],
    ]),
  });
  return {state, files};
}

test('sc query / stop / start print the documented blocks and errors', () => {
  const {state, files} = serviceState();
  const query = run(sc, state, ['query', 'ssisscaleoutmaster140'], files);
  assert.match(query.stdout, /^\nSERVICE_NAME: SSISScaleOutMaster140\n {8}TYPE {15}: 10  WIN32_OWN_PROCESS\n {8}STATE {14}: 4  RUNNING\n/);
  const stop = run(sc, state, ['stop', 'SSISScaleOutMaster140'], files);
  assert.match(stop.stdout, /STATE {14}: 3  STOP_PENDING/);
  assert.equal(stop.state!.services['SSISScaleOutMaster140']!.status, 'stopped');
  const stopAgain = run(sc, stop.state!, ['stop', 'SSISScaleOutMaster140'], files);
  assert.equal(stopAgain.stdout, '[SC] ControlService FAILED 1062:\n\nThe service has not been started.\n\n');
  assert.equal(stopAgain.exitCode, exitCodeFor(1062));
  const start = run(sc, stop.state!, ['start', 'SSISScaleOutMaster140'], files);
  assert.match(start.stdout, /STATE {14}: 2  START_PENDING[\s\S]*PID {16}: \d+\n {8}FLAGS {14}:\n$/);
  assert.equal(start.exitCode, 0);
  assert.equal(run(sc, start.state!, ['query', 'SSISScaleOutMaster140'], files).stdout.includes('4  RUNNING'), true);
  assert.match(run(sc, start.state!, ['start', 'SSISScaleOutMaster140'], files).stdout, /\[SC\] StartService FAILED 1056:/);
  const unknown = run(sc, state, ['query', 'Nope'], files);
  assert.equal(unknown.stdout, '[SC] OpenService FAILED 1060:\n\nThe specified service does not exist as an installed service.\n\n');
  assert.equal(unknown.exitCode, 1060 & 0xff);
});

test('sc qc prints the configuration sc.exe prints, the account the service runs as last, and parses back', () => {
  const {state, files} = serviceState();
  const printed = run(sc, state, ['qc', 'ssisscaleoutmaster140'], files);
  assert.equal(printed.exitCode, 0);
  assert.match(printed.stdout, /^\[SC\] QueryServiceConfig SUCCESS\n\nSERVICE_NAME: SSISScaleOutMaster140\n/);
  const config = parseServiceConfig(printed.stdout);
  assert.equal(config.account, state.services.SSISScaleOutMaster140!.account);
  assert.match(run(sc, state, ['qc', 'Nope'], files).stdout, /\[SC\] OpenService FAILED 1060:/);
});

test('sc start of the master fails (STOPPED, 1067 on the next query) when the binding does not match the settings', () => {
  const {state, files} = serviceState();
  state.services['SSISScaleOutMaster140']!.status = 'stopped';
  state.bindings[0]!.certhash = other.info.thumbprint.toLowerCase();
  const start = run(sc, state, ['start', 'SSISScaleOutMaster140'], files);
  assert.equal(start.exitCode, 0, 'start itself only reports START_PENDING');
  const query = run(sc, start.state!, ['query', 'SSISScaleOutMaster140'], files);
  assert.match(query.stdout, /STATE {14}: 1  STOPPED\n {32}\(NOT_STOPPABLE, NOT_PAUSABLE, IGNORES_SHUTDOWN\)\n {8}WIN32_EXIT_CODE {4}: 1067  \(0x42b\)/);
  assert.match(start.state!.services['SSISScaleOutMaster140']!.lastStartFailure ?? '', /binding on 0.0.0.0:8391 uses/);
});

test('the worker starts only once its service account can read the key: winhttpcertcfg grants it', () => {
  const state = emptyNodeState();
  state.stores['Root'] = [sandboxCertFromDer(withKey.der)];
  state.stores['My'] = [sandboxCertFromDer(publicOnly.der, {keyPem: publicOnly.keyPem, exportable: true})];
  state.services['SSISScaleOutWorker140'] = {displayName: 'Worker', account: 'NT Service\\SSISScaleOutWorker140', status: 'stopped', win32ExitCode: 0, startType: 'auto'};
  const files = memoryFiles({
    [WORKER_SETTINGS_PATH]: formatSettingsJson([
      ['MasterHttpsCertThumbprint', json.string(withKey.info.thumbprint)],
      ['WorkerHttpsCertThumbprint', json.string(publicOnly.info.thumbprint)],
    ]),
  });
  const denied = run(sc, state, ['start', 'SSISScaleOutWorker140'], files);
  assert.equal(denied.state!.services['SSISScaleOutWorker140']!.win32ExitCode, 1067);
  const grant = run(winhttpcertcfg, state, ['-g', '-c', 'LOCAL_MACHINE\\My', '-s', 'worker1', '-a', 'SSISScaleOutWorker140'], files);
  assert.equal(
    grant.stdout,
    'Microsoft (R) WinHTTP Certificate Configuration Tool\nCopyright (C) Microsoft Corporation 2001.\n\nMatching certificate:\nCN=10.0.1.1, CN=WORKER1\n\nGranting private key access for account:\n    NT Service\\SSISScaleOutWorker140\n',
  );
  const started = run(sc, grant.state!, ['start', 'SSISScaleOutWorker140'], files);
  assert.equal(started.state!.services['SSISScaleOutWorker140']!.status, 'running');
  const again = run(winhttpcertcfg, grant.state!, ['-g', '-c', 'LOCAL_MACHINE\\My', '-s', 'WORKER1', '-a', 'SSISScaleOutWorker140'], files);
  assert.match(again.stdout, /Private key access has already been granted for account:/);
});

test('certmgr /del /n deletes EVERY certificate whose subject contains the name', async () => {
  const renewed = await createSelfSigned({commonNames: ['WORKER1', '10.0.1.1']});
  const state = emptyNodeState();
  state.stores['My'] = [
    sandboxCertFromDer(publicOnly.der, {keyPem: publicOnly.keyPem, exportable: true}),
    sandboxCertFromDer(renewed.der, {keyPem: renewed.keyPem, exportable: true}),
    sandboxCertFromDer(other.der, {keyPem: other.keyPem, exportable: true}),
  ];
  const result = run(certmgr, state, ['/del', '/c', '/s', '/r', 'localmachine', 'My', '/n', 'worker1']);
  assert.equal(result.stdout, 'CertMgr Succeeded\n');
  assert.deepEqual(
    result.state!.stores['My']!.map((c) => c.thumbprint),
    [other.info.thumbprint],
    'the new certificate went too',
  );
  const nothing = run(certmgr, result.state!, ['/del', '/c', '/s', '/r', 'localmachine', 'My', '/n', 'worker1']);
  assert.equal(nothing.stdout, 'CertMgr Failed\n');
  assert.equal(nothing.exitCode, 1);
});

test("fault defaults print the program's own error without changing state", () => {
  const context = {node: NODE, state: baseState(), files: memoryFiles(), now: new Date()};
  assert.equal(netsh.fault(context, ['http', 'add', 'sslcert']).stdout, fixture('netsh-add-sslcert-error-1312.txt'));
  assert.equal(netsh.fault(context, ['http', 'delete', 'sslcert']).stdout, fixture('netsh-delete-sslcert-error-2.txt'));
  assert.match(certutil.fault(context, ['-delstore', 'My', 'x']).stdout, /CertUtil: -delstore command FAILED: 0x80092004/);
  assert.equal(netsh.fault(context, ['http', 'add', 'sslcert']).state, undefined);
});

test('helpers: certutil dates are en-US in UTC; exit codes keep the low byte but never 0 for a failure', () => {
  assert.equal(formatCertutilDate(new Date('2026-08-02T23:16:59Z')), '8/2/2026 11:16 PM');
  assert.equal(formatCertutilDate(new Date('2026-01-05T00:07:00Z')), '1/5/2026 12:07 AM');
  assert.equal(exitCodeFor(0x80092004), 4);
  assert.equal(exitCodeFor(0x80070100), 1);
  assert.equal(exitCodeFor(0), 0);
});
