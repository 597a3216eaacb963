// The sandbox end to end: initSandbox, then the simulated tools reached through SandboxFleet → runProcess → the
// bundled tool, exactly as the app reaches them.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {useFreshSandboxTool} from '../helpers/sandbox-tool.ts';
import {createSelfSigned, describeCertificate, fromPfx, toPfx} from '../../src/certs/index.ts';
import type {Host} from '../../src/hosts/host.ts';
import {addFault, initSandbox, listFaults, MASTER_SETTINGS_PATH, SandboxFleet, showSandbox, WORKER_SETTINGS_PATH} from '../../src/hosts/sandbox/index.ts';
import type {SandboxSnapshot} from '../../src/hosts/sandbox/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
let work: string;
let dir: string;
let fleet: SandboxFleet;
let master: Host;
let worker1: Host;
let initial: SandboxSnapshot;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'certwalk-sandbox-'));
  await useFreshSandboxTool(work);
  dir = join(work, 'sandbox');
  await initSandbox(dir, {workers: 3});
  fleet = new SandboxFleet(dir);
  master = await fleet.host('master');
  worker1 = await fleet.host('worker1');
  initial = await showSandbox(dir);
});

after(async () => {
  await rm(work, {recursive: true, force: true});
});

/** Each test that changes a node works on its own copy of the sandbox, so tests stay independent. */
async function freshSandbox(): Promise<{fleet: SandboxFleet; dir: string; master: Host; snapshot: SandboxSnapshot}> {
  const copy = await mkdtemp(join(work, 'copy-'));
  await initSandbox(copy, {workers: 2});
  const f = new SandboxFleet(copy);
  return {fleet: f, dir: copy, master: await f.host('master'), snapshot: await showSandbox(copy)};
}

test('the fleet lists the master and the workers with their addresses', async () => {
  const nodes = await fleet.nodes();
  assert.deepEqual(
    nodes.map((n) => n.name),
    ['master', 'worker1', 'worker2', 'worker3', 'mlclient', 'fe1', 'fe2', 'fe3'],
  );
  assert.deepEqual(nodes[1], {name: 'worker1', machineName: 'WORKER1', fqdn: 'worker1.contoso.local', ip: '10.0.1.1', roles: ['ssis-worker']});
  assert.equal(fleet.kind, 'sandbox');
  assert.equal(fleet.description, `sandbox ${dir}`);
  await assert.rejects(fleet.host('nope'), /unknown sandbox node 'nope'; nodes: master, worker1, worker2, worker3/);
});

test('init: the master binding, MasterSettings and the Root store agree on one certificate', () => {
  const m = initial.nodes['master']!;
  const binding = m.bindings.find((b) => b.ipport === '0.0.0.0:8391')!;
  const settings = m.settings[MASTER_SETTINGS_PATH]!.values!;
  const thumbprint = settings['SSLCertThumbprint'] as string;
  assert.match(thumbprint, /^[0-9A-F]{40}$/);
  assert.equal(binding.certhash, thumbprint.toLowerCase());
  assert.equal(binding.certstorename, 'Root');
  assert.equal(binding.appid, '{6b9d1f0c-2f5a-4c1e-9d8e-1f2a3b4c5d6e}');
  assert.equal(binding.options.clientcertnegotiation, 'enable');
  assert.equal(binding.options.disablequic, 'enable');
  const cert = m.stores['Root']!.find((c) => c.thumbprint === thumbprint)!;
  assert.equal(cert.hasPrivateKey, true);
  assert.equal(cert.subject, 'CN=10.0.0.10, CN=MASTER, CN=master.contoso.local');
  assert.equal(settings['PortNumber'], 8391);
  assert.equal(settings['SqlServerName'], 'MASTER\\SQL2017');
  assert.deepEqual(m.services, {SSISScaleOutMaster140: {status: 'running', account: 'NT Service\\SSISScaleOutMaster140', win32ExitCode: 0}});
  const other = m.bindings.find((b) => b.ipport === '0.0.0.0:443')!;
  assert.equal(other.certstorename, null);
  assert.ok(m.stores['My']!.some((c) => c.thumbprint === other.certhash.toUpperCase() && c.hasPrivateKey));
});

test('init: every worker trusts the master certificate, and the master trusts every worker certificate', () => {
  const masterThumbprint = initial.nodes['master']!.settings[MASTER_SETTINGS_PATH]!.values!['SSLCertThumbprint'];
  const masterRoot = initial.nodes['master']!.stores['Root']!.map((c) => c.thumbprint);
  for (const name of ['worker1', 'worker2', 'worker3']) {
    const w = initial.nodes[name]!;
    const settings = w.settings[WORKER_SETTINGS_PATH]!.values!;
    assert.equal(settings['MasterHttpsCertThumbprint'], masterThumbprint);
    assert.ok(w.stores['Root']!.some((c) => c.thumbprint === masterThumbprint && !c.hasPrivateKey));
    const own = w.stores['My']!.find((c) => c.thumbprint === settings['WorkerHttpsCertThumbprint'])!;
    assert.equal(own.hasPrivateKey, true);
    // The service's own account can read the key (worker3 runs as a domain account, the others as the default)
    assert.deepEqual(own.keyAcl, [name === 'worker3' ? 'CONTOSO\\svc-ssis-worker' : 'NT Service\\SSISScaleOutWorker140']);
    assert.ok(masterRoot.includes(own.thumbprint), `${name}'s certificate is in the master's Root`);
    assert.equal(w.services['SSISScaleOutWorker140']?.status, 'running');
  }
  assert.equal(initial.nodes['worker1']!.stores['My']![0]!.subject, 'CN=10.0.1.1, CN=WORKER1');
});

test('init: settings files are JSON with a BOM and CRLF, worker keys in the product order', async () => {
  const bytes = await worker1.readFile(WORKER_SETTINGS_PATH);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8').slice(1);
  assert.ok(text.includes('\r\n') && !/[^\r]\n/.test(text), 'CRLF only');
  assert.match(text, /"TaskRequestMaxCPU": 70\.0,/);
  const keys = Object.keys(JSON.parse(text) as object);
  assert.deepEqual(keys.slice(0, 5), ['DisplayName', 'Description', 'MasterEndpoint', 'MasterHttpsCertThumbprint', 'WorkerHttpsCertThumbprint']);
  assert.equal(keys.at(-1), 'AgentId');
  assert.equal(keys.length, 24);
  const hash = initial.nodes['worker1']!.settings[WORKER_SETTINGS_PATH]!.sha256;
  assert.equal(hash, (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex'));
});

test('show: snapshots are deterministic; an unknown node lists the nodes', async () => {
  assert.deepEqual(await showSandbox(dir), initial);
  const one = await showSandbox(dir, {node: 'worker2'});
  assert.deepEqual(Object.keys(one.nodes), ['worker2']);
  await assert.rejects(showSandbox(dir, {node: 'ghost'}), /nodes: master, worker1, worker2, worker3/);
});

test('host files: Windows paths map case-insensitively into the node', async () => {
  const path = 'C:\\Windows\\Temp\\Hello.TXT';
  assert.equal(await master.fileExists(path), false);
  await master.writeFile(path, Buffer.from('hi'));
  assert.equal((await master.readFile('c:\\windows\\temp\\hello.txt')).toString(), 'hi');
  assert.equal(await master.fileExists('C:/WINDOWS/TEMP/HELLO.txt'), true);
  assert.equal(await worker1.fileExists(path), false, 'nodes do not share files');
  await master.removeFile(path);
  assert.equal(await master.fileExists(path), false);
  await assert.rejects(master.readFile(path), /no such file on master/);
  assert.equal(master.tempDir, 'C:\\Windows\\Temp');
});

test('netsh show through the host: sample structure, lines streamed to onLine', async () => {
  const seen: string[] = [];
  const result = await master.run('netsh', ['http', 'show', 'sslcert', 'ipport=0.0.0.0:8391'], {onLine: (line) => seen.push(line)});
  assert.equal(result.exitCode, 0);
  const fixture = await readFile(join(root, 'test/fixtures/netsh-show-sslcert-win10-2022-extended.txt'), 'utf8');
  const label = (line: string) => line.replace(/: .*$/, ':');
  assert.deepEqual(result.stdout.trimEnd().split('\n').map(label), fixture.trimEnd().split('\n').map(label));
  assert.match(result.stdout, /Negotiate Client Certificate : Enabled\n/);
  assert.match(result.stdout, /Disable QUIC {17}: Set\n/);
  assert.ok(seen.includes('SSL Certificate bindings:'));
  assert.ok(seen.some((line) => line.startsWith('    Certificate Hash')));
});

test('netsh add twice → 183; delete missing → error 2; unknown hash → 1312', async () => {
  const {master: m, snapshot} = await freshSandbox();
  const thumbprint = (await createSelfSigned({commonNames: ['x']})).info.thumbprint;
  const existing = snapshot.nodes['master']!.bindings.find((b) => b.ipport === '0.0.0.0:443')!;
  const add = (ipport: string, hash: string) => m.run('netsh', ['http', 'add', 'sslcert', `ipport=${ipport}`, `certhash=${hash}`, `appid=${existing.appid}`]);
  const first = await m.run('netsh', ['http', 'delete', 'sslcert', 'ipport=0.0.0.0:443']);
  assert.equal(first.stdout, 'SSL Certificate successfully deleted\n');
  const ok = await add('0.0.0.0:443', existing.certhash);
  assert.deepEqual([ok.exitCode, ok.stdout], [0, 'SSL Certificate successfully added\n']);
  const twice = await add('0.0.0.0:443', existing.certhash);
  assert.deepEqual([twice.exitCode, twice.stdout], [1, 'SSL Certificate add failed, Error: 183\nCannot create a file when that file already exists.\n']);
  const missing = await m.run('netsh', ['http', 'delete', 'sslcert', 'ipport=0.0.0.0:9443']);
  assert.deepEqual([missing.exitCode, missing.stdout], [1, 'SSL Certificate deletion failed, Error: 2\nThe system cannot find the file specified.\n']);
  const unknown = await add('0.0.0.0:9443', thumbprint);
  assert.deepEqual(
    [unknown.exitCode, unknown.stdout],
    [1, 'SSL Certificate add failed, Error: 1312\nA specified logon session does not exist. It may already have been terminated.\n'],
  );
});

test('certutil through the host: -addstore a file written on the node, -store it, -delstore it', async () => {
  const {master: m, dir: d} = await freshSandbox();
  const cert = await createSelfSigned({commonNames: ['new.contoso.local']});
  await m.writeFile('C:\\Windows\\Temp\\new.cer', cert.der);
  const added = await m.run('certutil', ['-addstore', 'Root', 'C:\\Windows\\Temp\\new.cer']);
  assert.equal(added.exitCode, 0);
  assert.match(added.stdout, /Certificate "new.contoso.local" added to store\./);
  const listed = await m.run('certutil.exe', ['-store', 'Root', cert.info.thumbprint.toLowerCase()]);
  assert.match(listed.stdout, new RegExp(`Cert Hash\\(sha1\\): ${cert.info.thumbprint.toLowerCase()}\\nNo key provider information`));
  const deleted = await m.run('certutil', ['-delstore', 'Root', cert.info.thumbprint]);
  assert.match(deleted.stdout, /CertUtil: -delstore command completed successfully\./);
  const snapshot = await showSandbox(d, {node: 'master'});
  assert.ok(!snapshot.nodes['master']!.stores['Root']!.some((c) => c.thumbprint === cert.info.thumbprint));
  const gone = await m.run('certutil', ['-store', 'Root', cert.info.thumbprint]);
  assert.equal(gone.exitCode, 4);
  assert.match(gone.stdout, /CRYPT_E_NOT_FOUND/);
});

test('certutil -importPFX / wrong password / -exportPFX through the host', async () => {
  const {master: m, snapshot} = await freshSandbox();
  const cert = await createSelfSigned({commonNames: ['master.contoso.local', 'MASTER']});
  await m.writeFile('C:\\Windows\\Temp\\new.pfx', toPfx(cert, 'Pa55'));
  const wrong = await m.run('certutil', ['-f', '-p', 'bad', '-importpfx', 'Root', 'C:\\Windows\\Temp\\new.pfx']);
  assert.equal(wrong.exitCode, 0x56);
  assert.match(wrong.stdout, /ERROR_INVALID_PASSWORD\)\nCertUtil: The specified network password is not correct\./);
  const imported = await m.run('certutil', ['-f', '-p', 'Pa55', '-importpfx', 'Root', 'C:\\Windows\\Temp\\new.pfx']);
  assert.equal(imported.exitCode, 0, imported.stdout);
  assert.match(imported.stdout, /Certificate "master.contoso.local" added to store\./);
  const exported = await m.run('certutil', ['-p', 'Out1', '-exportPFX', 'Root', cert.info.thumbprint, 'C:\\Windows\\Temp\\back.pfx']);
  assert.equal(exported.exitCode, 0, exported.stdout);
  const back = fromPfx(await m.readFile('C:\\Windows\\Temp\\back.pfx'), 'Out1');
  assert.equal(describeCertificate(back.certPem).thumbprint, cert.info.thumbprint);
  // The demo master key was made like MakeCert without -pe: not exportable.
  const oldThumbprint = snapshot.nodes['master']!.settings[MASTER_SETTINGS_PATH]!.values!['SSLCertThumbprint'] as string;
  const refused = await m.run('certutil', ['-p', 'x', '-exportPFX', 'Root', oldThumbprint, 'C:\\Windows\\Temp\\old.pfx']);
  assert.equal(refused.exitCode, 0x0b);
  assert.match(refused.stdout, /NTE_BAD_KEY_STATE\)\nCertUtil: Key not valid for use in specified state\.\n$/);
});

test('sc stop / query / start, and a start whose checks fail ends STOPPED with 1067', async () => {
  const {master: m} = await freshSandbox();
  const stop = await m.run('sc.exe', ['stop', 'SSISScaleOutMaster140']);
  assert.match(stop.stdout, /3 {2}STOP_PENDING/);
  assert.match((await m.run('sc', ['query', 'SSISScaleOutMaster140'])).stdout, /1 {2}STOPPED/);
  const start = await m.run('sc', ['start', 'SSISScaleOutMaster140']);
  assert.equal(start.exitCode, 0);
  assert.match(start.stdout, /2 {2}START_PENDING/);
  assert.match((await m.run('sc', ['query', 'SSISScaleOutMaster140'])).stdout, /4 {2}RUNNING/);
  // Break the binding, restart: the service dies during start.
  await m.run('netsh', ['http', 'delete', 'sslcert', 'ipport=0.0.0.0:8391']);
  await m.run('sc', ['stop', 'SSISScaleOutMaster140']);
  const restart = await m.run('sc', ['start', 'SSISScaleOutMaster140']);
  assert.equal(restart.exitCode, 0);
  const query = await m.run('sc', ['query', 'SSISScaleOutMaster140']);
  assert.match(query.stdout, /STATE {14}: 1 {2}STOPPED/);
  assert.match(query.stdout, /WIN32_EXIT_CODE {4}: 1067 {2}\(0x42b\)/);
});

test('certmgr /del /n deletes every matching certificate through the host', async () => {
  const {fleet: f, dir: d} = await freshSandbox();
  const w = await f.host('worker1');
  const renewed = await createSelfSigned({commonNames: ['WORKER1', '10.0.1.1']});
  await w.writeFile('C:\\Windows\\Temp\\renewed.pfx', toPfx(renewed, 'p'));
  await w.run('certutil', ['-p', 'p', '-importpfx', 'My', 'C:\\Windows\\Temp\\renewed.pfx']);
  assert.equal((await showSandbox(d, {node: 'worker1'})).nodes['worker1']!.stores['My']!.length, 2);
  const result = await w.run('certmgr', ['/del', '/c', '/s', '/r', 'localmachine', 'My', '/n', 'WORKER1']);
  assert.deepEqual([result.exitCode, result.stdout], [0, 'CertMgr Succeeded\n']);
  assert.deepEqual((await showSandbox(d, {node: 'worker1'})).nodes['worker1']!.stores['My'], []);
});

test('a fault rule fires once, prints the real error, and leaves the node unchanged', async () => {
  const {master: m, dir: d} = await freshSandbox();
  const before = await showSandbox(d);
  await addFault(d, {program: 'netsh', node: 'master', match: 'delete sslcert'});
  const faulted = await m.run('netsh', ['http', 'delete', 'sslcert', 'ipport=0.0.0.0:8391']);
  assert.deepEqual([faulted.exitCode, faulted.stdout], [1, 'SSL Certificate deletion failed, Error: 2\nThe system cannot find the file specified.\n']);
  assert.deepEqual(await showSandbox(d), before);
  assert.deepEqual(await listFaults(d), [], 'the rule was consumed');
  const real = await m.run('netsh', ['http', 'delete', 'sslcert', 'ipport=0.0.0.0:8391']);
  assert.equal(real.stdout, 'SSL Certificate successfully deleted\n');
});

test('fault rules: custom output and exit code, times, other nodes unaffected, and the env one-off', async () => {
  const {fleet: f, master: m, dir: d} = await freshSandbox();
  await addFault(d, {program: 'certutil.exe', node: 'master', times: 2, exitCode: 5, output: 'CertUtil: boom'});
  const w = await f.host('worker1');
  assert.equal((await w.run('certutil', ['-store', 'My'])).exitCode, 0, 'other node not affected');
  for (let i = 0; i < 2; i++) {
    const r = await m.run('CERTUTIL', ['-store', 'My']);
    assert.deepEqual([r.exitCode, r.stdout], [5, 'CertUtil: boom\n']);
  }
  assert.equal((await m.run('certutil', ['-store', 'My'])).exitCode, 0);
  process.env['CERTWALK_SANDBOX_FAULT'] = JSON.stringify([{program: 'sc', match: 'start'}]);
  try {
    await m.run('sc', ['stop', 'SSISScaleOutMaster140']);
    const start = await m.run('sc', ['start', 'SSISScaleOutMaster140']);
    assert.equal(start.exitCode, 1);
  } finally {
    delete process.env['CERTWALK_SANDBOX_FAULT'];
  }
  const query = await m.run('sc', ['query', 'SSISScaleOutMaster140']);
  assert.match(query.stdout, /1 {2}STOPPED[\s\S]*1067/);
});

test('a fault rule with linesPerSecond prints its output as a stream: the lines arrive over time, all of them', async () => {
  const {master: m, dir: d} = await freshSandbox();
  const output = Array.from({length: 400}, (_, i) => `line ${i + 1}`).join('\n');
  await addFault(d, {program: 'certutil', node: 'master', exitCode: 1, output, linesPerSecond: 1000});
  const arrivals: number[] = [];
  const started = performance.now();
  const r = await m.run('certutil', ['-store', 'My'], {onLine: () => arrivals.push(performance.now() - started)});
  assert.deepEqual([r.exitCode, r.stdout], [1, `${output}\n`]);
  assert.equal(arrivals.length, 400);
  // 400 lines at 1000 a second: the last one at least about 0.35 s after the first.
  assert.ok(arrivals.at(-1)! - arrivals[0]! >= 300, `streamed over ${Math.round(arrivals.at(-1)! - arrivals[0]!)} ms`);
  await assert.rejects(addFault(d, {program: 'certutil', linesPerSecond: 0}), /linesPerSecond/);
});

test('an unknown program is not recognized, as cmd.exe says', async () => {
  const result = await master.run('makecert.exe', ['-r']);
  assert.equal(result.exitCode, 1);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, "'makecert.exe' is not recognized as an internal or external command,\noperable program or batch file.\n");
});

test('20 parallel certutil -addstore into the master Root store all land (the node lock works)', async () => {
  const {master: m, dir: d} = await freshSandbox();
  const certs = await Promise.all(Array.from({length: 20}, (_, i) => createSelfSigned({commonNames: [`PARALLEL${i}`]})));
  await Promise.all(certs.map((c, i) => m.writeFile(`C:\\Windows\\Temp\\p${i}.cer`, c.der)));
  const results = await Promise.all(certs.map((_, i) => m.run('certutil', ['-addstore', 'Root', `C:\\Windows\\Temp\\p${i}.cer`])));
  assert.deepEqual(
    results.map((r) => r.exitCode),
    Array(20).fill(0),
  );
  const root = (await showSandbox(d, {node: 'master'})).nodes['master']!.stores['Root']!.map((c) => c.thumbprint);
  for (const c of certs) assert.ok(root.includes(c.info.thumbprint), `${c.info.commonNames[0]} landed`);
});
