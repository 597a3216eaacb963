// ssis-master through the real runner on the fake fleet: the commands in order, the read-backs, the before/after
// rows, the rollback, and a failing command at each step (test/procedures/ssis-master.test.ts runs it on the sandbox).
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {createSelfSigned} from '../../src/certs/index.ts';
import type {NodeInfo} from '../../src/hosts/host.ts';
import {findProcedure} from '../../src/procedures/index.ts';
import {prepareContext} from '../../src/runner/step-files.ts';
import {FakeFleet, type FileFault, type ToolRow} from '../helpers/fake-fleet.ts';
import {assertCommands, assertPhase, assertStoppedAt, prepareOn, runnerOn, send, statusOf, undoOrder} from '../helpers/fake-run.ts';
import {bindingRows, serviceRows, storeRows} from '../helpers/fake-tables.ts';
import {
  NETSH_ADD_FAILED_1312,
  NETSH_DELETE_FAILED_2,
  certutilStore,
  netshShow,
  scConfig,
  scFailed,
  settingsFile,
  type NetshBinding,
  type StoreEntry,
} from '../helpers/fake-tool-output.ts';

const MASTER_SETTINGS = 'C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\MasterSettings.config';
const WORKER_SETTINGS = 'C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\WorkerSettings.config';
const MASTER_SERVICE = 'SSISScaleOutMaster140';
const WORKER_SERVICE = 'SSISScaleOutWorker140';

const MASTER: NodeInfo = {name: 'master', machineName: 'MASTER', fqdn: 'master.contoso.local', ip: '10.0.0.10', roles: ['ssis-master']};
const WORKER: NodeInfo = {name: 'worker1', machineName: 'WORKER1', fqdn: 'worker1.contoso.local', ip: '10.0.1.1', roles: ['ssis-worker']};

// The master's current certificate is the one of certutil-store-my.txt, its binding the 2022 sample's.
const OLD: StoreEntry = {
  thumbprint: 'E6CC21E72B8357BD5A0990DB7DED3421F3F8B9AA',
  subject: 'CN=master.contoso.local',
  serial: '40d7e4a080d857b7418f88e767a9c405',
  notBefore: '8/2/2026 11:16 PM',
  notAfter: '8/2/2027 11:16 PM',
  withKey: true,
};
const WORKER_CERT: StoreEntry = {
  thumbprint: '1434A5E3888E25637398F13793888C0A96CC4AAC',
  subject: 'CN=10.0.1.1, CN=WORKER1',
  serial: '7bd5f57213bd95edaf69392a97a7b2c9',
  notBefore: '2/5/2026 4:08 PM',
  notAfter: '2/5/2028 4:08 PM',
  withKey: false,
};
const SSIS_BINDING: NetshBinding = {ipport: '0.0.0.0:8391', certHash: OLD.thumbprint, appId: '{6b9d1f0c-2f5a-4c1e-9d8e-1f2a3b4c5d6e}', storeName: 'Root'};
const OTHER_BINDING: NetshBinding = {
  ipport: '0.0.0.0:443',
  certHash: 'e53b0a7e92e2b9d53992fe6718800239907c5316',
  appId: '{4dc3e181-e14b-4a21-b022-59fc669b0914}',
  storeName: 'WebHosting',
};

const PARAMS = {master: 'master', certificate: 'new', workers: 'all', port: '8391', keyBits: '2048', validDays: '730', commonNames: 'master.contoso.local,MASTER,10.0.0.10'};

const BINN = 'C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn';
/** `sc qc` of both services: where they are installed, hence where their settings files are. */
const SC_QC_ROWS: ToolRow[] = [
  {
    node: 'master',
    command: 'sc.exe',
    args: ['qc', MASTER_SERVICE],
    stdout: scConfig(
      MASTER_SERVICE,
      'SQL Server Integration Services Scale Out Master 14.0',
      `${BINN}\\ScaleOut\\MasterService\\Microsoft.SqlServer.IntegrationServices.Scaleout.MasterService.exe`,
      `NT Service\\${MASTER_SERVICE}`,
    ),
  },
  {
    node: 'worker1',
    command: 'sc.exe',
    args: ['qc', WORKER_SERVICE],
    stdout: scConfig(
      WORKER_SERVICE,
      'SQL Server Integration Services Scale Out Worker 14.0',
      `${BINN}\\ScaleOut\\WorkerAgent\\Microsoft.SqlServer.IntegrationServices.Scaleout.WorkerAgent.exe`,
      `NT Service\\${WORKER_SERVICE}`,
    ),
  },
];

function newFleet(): FakeFleet {
  const fleet = bareFleet();
  fleet.addRows(SC_QC_ROWS);
  return fleet;
}

function bareFleet(): FakeFleet {
  return new FakeFleet([
    {
      info: MASTER,
      facts: {binding: 'old', Root: 'none', [MASTER_SERVICE]: 'running'},
      files: {[MASTER_SETTINGS]: settingsFile({PortNumber: 8391, SSLCertThumbprint: OLD.thumbprint, SqlServerName: 'MASTER\\SQL2017', MasterHeartbeatIntervalInMs: 30000})},
    },
    {
      info: WORKER,
      facts: {Root: 'none', [WORKER_SERVICE]: 'running'},
      files: {
        [WORKER_SETTINGS]: settingsFile({
          MasterEndpoint: 'https://master.contoso.local:8391',
          MasterHttpsCertThumbprint: OLD.thumbprint,
          WorkerHttpsCertThumbprint: WORKER_CERT.thumbprint,
          StoreLocation: 'LocalMachine',
          StoreName: 'My',
        }),
      },
    },
  ]);
}

interface NewCert {
  readonly thumbprint: string;
  readonly subject: string;
}

/** The rows that name the certificate prepare made; everything the main path and its rollback run. */
function tableFor(cert: NewCert): ToolRow[] {
  const entry = (withKey: boolean): StoreEntry => ({
    thumbprint: cert.thumbprint,
    subject: cert.subject,
    serial: '34874e729008f3b763dab16f49179a65',
    notBefore: '12/2/2026 4:03 PM',
    notAfter: '12/1/2028 4:03 PM',
    withKey,
  });
  return [
    ...bindingRows({node: 'master', others: [OTHER_BINDING], old: SSIS_BINDING, newHash: cert.thumbprint}),
    ...storeRows({node: 'master', store: 'Root', fixed: [OLD, WORKER_CERT], changing: {new: {entry: entry(true), simpleName: 'master.contoso.local'}}}),
    ...serviceRows('master', MASTER_SERVICE),
    ...storeRows({node: 'worker1', store: 'Root', fixed: [{...OLD, withKey: false}], changing: {new: {entry: entry(false), simpleName: 'master.contoso.local'}}}),
    ...serviceRows('worker1', WORKER_SERVICE),
  ];
}

/** Prepare's answer and the commands it ran, on a fleet of its own. */
async function prepareOnce() {
  const fleet = newFleet();
  // prepare reads the binding before any certificate exists: the rows that name none answer it
  fleet.addRows(bindingRows({node: 'master', others: [OTHER_BINDING], old: SSIS_BINDING, newHash: '0'.repeat(40)}).slice(0, 1));
  const value = await prepareOn(fleet, 'ssis-master', PARAMS);
  return {value, cert: (value.resolved as unknown as {cert: NewCert}).cert, prepareCommands: fleet.commandLines()};
}

// Prepare makes an RSA key and a PFX, half a second: once per file, and each test runs it on a fresh fleet.
let preparing: ReturnType<typeof prepareOnce> | undefined;

async function prepared() {
  preparing ??= prepareOnce();
  const {value, cert, prepareCommands} = await preparing;
  const fleet = newFleet();
  fleet.addRows(tableFor(cert));
  return {fleet, value, cert, prepareCommands};
}

const settingOf = (fleet: FakeFleet, node: string, path: string, key: string): unknown => JSON.parse(fleet.file(node, path)!.subarray(3).toString('utf8'))[key];

const MAIN_PATH = (thumb: string): (string | RegExp)[] => [
  // master.import-cert: capture, do (is it there yet?), import, verify
  'master: certutil -store Root',
  'master: certutil -store Root',
  new RegExp(
    `^master: powershell .*Import-PfxCertificate -FilePath 'C:\\\\Windows\\\\Temp\\\\certwalk-${thumb}\\.pfx' -CertStoreLocation 'Cert:\\\\LocalMachine\\\\Root' -Password \\$password -Exportable`,
  ),
  'master: certutil -store Root',
  // master.delete-binding: capture (binding, the certificate it names), do, verify
  'master: netsh http show sslcert',
  'master: certutil -store Root',
  'master: netsh http show sslcert',
  'master: netsh http delete sslcert ipport=0.0.0.0:8391',
  'master: netsh http show sslcert',
  // master.add-binding: the new hash with the captured appid, store and every flag of the 2022 sample
  'master: netsh http show sslcert',
  `master: netsh http add sslcert ipport=0.0.0.0:8391 certhash=${thumb.toLowerCase()} appid={6b9d1f0c-2f5a-4c1e-9d8e-1f2a3b4c5d6e} certstorename=Root verifyclientcertrevocation=enable verifyrevocationwithcachedclientcertonly=disable usagecheck=enable revocationfreshnesstime=0 urlretrievaltimeout=0 dsmapperusage=disable clientcertnegotiation=disable reject=disable disablehttp2=disable disablequic=disable disablelegacytls=disable disabletls12=disable disabletls13=disable disableocspstapling=disable enabletokenbinding=disable logextendedevents=disable enablesessionticket=disable`,
  'master: netsh http show sslcert',
  // master.settings is file work only; master.restart: capture, stop, wait, start, wait, verify
  `master: sc.exe query ${MASTER_SERVICE}`,
  `master: sc.exe stop ${MASTER_SERVICE}`,
  `master: sc.exe query ${MASTER_SERVICE}`,
  `master: sc.exe start ${MASTER_SERVICE}`,
  `master: sc.exe query ${MASTER_SERVICE}`,
  `master: sc.exe query ${MASTER_SERVICE}`,
  // worker1.trust-master: the public part only
  'worker1: certutil -store Root',
  'worker1: certutil -store Root',
  `worker1: certutil -addstore Root C:\\Windows\\Temp\\certwalk-${thumb}.cer`,
  'worker1: certutil -store Root',
  `worker1: sc.exe query ${WORKER_SERVICE}`,
  `worker1: sc.exe stop ${WORKER_SERVICE}`,
  `worker1: sc.exe query ${WORKER_SERVICE}`,
  `worker1: sc.exe start ${WORKER_SERVICE}`,
  `worker1: sc.exe query ${WORKER_SERVICE}`,
  `worker1: sc.exe query ${WORKER_SERVICE}`,
];

describe('ssis-master on the fake fleet', () => {
  test('main path: the commands in order, every read-back green, the before/after rows', async () => {
    // Given a master on the 2022 binding sample and one worker trusting its certificate
    const {fleet, value, cert, prepareCommands} = await prepared();
    assert.deepEqual(prepareCommands, [`master: sc.exe qc ${MASTER_SERVICE}`, 'master: netsh http show sslcert', `worker1: sc.exe qc ${WORKER_SERVICE}`]);

    // When the procedure runs with every confirmation given
    const r = runnerOn(fleet, 'ssis-master', PARAMS, value);
    await send(r, {type: 'start'});

    // Then it completes having run exactly these commands
    assertPhase(r, fleet, 'completed');
    assertCommands(fleet.commandLines(), MAIN_PATH(cert.thumbprint));
    // And every step read its change back
    for (const step of r.snapshot.state.steps) {
      const status = step.status;
      assert.equal(status.kind, 'done', step.info.id);
      assert.ok(status.checks.length > 0 && status.checks.every((c) => c.ok), `${step.info.id}: ${JSON.stringify(status.checks)}`);
    }
    // And the new binding was read back field by field: the new hash with the captured appid and store
    const added = statusOf(r, 'master.add-binding');
    assert.equal(added.kind, 'done');
    assert.deepEqual(
      added.checks.slice(0, 3).map((c) => [c.what, c.observed]),
      [
        ['certificate hash', cert.thumbprint],
        ['application id', SSIS_BINDING.appId],
        ['certificate store', 'Root'],
      ],
    );
    // And the rows say what changed, from what
    const changes = r.snapshot.state.steps.flatMap((s) => (s.status.kind === 'done' ? s.status.changes : []));
    assert.deepEqual(
      changes.map((c) => [c.node, c.label, c.before, c.after]),
      [
        ['master', 'LocalMachine\\Root', null, cert.thumbprint],
        ['master', 'http.sys 0.0.0.0:8391 (deleted)', OLD.thumbprint, null],
        ['master', 'http.sys 0.0.0.0:8391', OLD.thumbprint, cert.thumbprint],
        ['master', 'MasterSettings.config SSLCertThumbprint', OLD.thumbprint, cert.thumbprint],
        ['worker1', 'LocalMachine\\Root', null, cert.thumbprint],
        ['worker1', 'WorkerSettings.config MasterHttpsCertThumbprint', OLD.thumbprint, cert.thumbprint],
      ],
    );
    // And the files name the new certificate, the temp PFX is gone
    assert.equal(settingOf(fleet, 'master', MASTER_SETTINGS, 'SSLCertThumbprint'), cert.thumbprint);
    assert.equal(settingOf(fleet, 'worker1', WORKER_SETTINGS, 'MasterHttpsCertThumbprint'), cert.thumbprint);
    assert.equal(fleet.file('master', `C:\\Windows\\Temp\\certwalk-${cert.thumbprint}.pfx`), undefined);
    r.close();
  });

  test('rollback: undoes newest first with the captured values, restarts last, leaves the nodes as they were', async () => {
    // Given a completed run
    const {fleet, value, cert} = await prepared();
    const r = runnerOn(fleet, 'ssis-master', PARAMS, value);
    await send(r, {type: 'start'});
    assertPhase(r, fleet, 'completed');
    const ranBefore = fleet.commands.length;
    const order = undoOrder(r);

    // When it is rolled back
    await send(r, {type: 'rollback-requested'});

    // Then every step is undone, newest first, the restarts after everything else
    assertPhase(r, fleet, 'rolled-back');
    assert.deepEqual(order, [
      'worker1.settings',
      'worker1.trust-master',
      'master.settings',
      'master.add-binding',
      'master.delete-binding',
      'master.remove-temp-pfx',
      'master.import-cert',
      'master.restart',
      'worker1.restart',
    ]);
    // And the binding goes back with the hash, appid, store and flags captured before the change
    assertCommands(fleet.commandLines(ranBefore), [
      'worker1: certutil -store Root',
      `worker1: certutil -delstore Root ${cert.thumbprint}`,
      'master: netsh http show sslcert',
      'master: netsh http delete sslcert ipport=0.0.0.0:8391',
      'master: netsh http show sslcert',
      `master: netsh http add sslcert ipport=0.0.0.0:8391 certhash=${OLD.thumbprint.toLowerCase()} appid={6b9d1f0c-2f5a-4c1e-9d8e-1f2a3b4c5d6e} certstorename=Root verifyclientcertrevocation=enable verifyrevocationwithcachedclientcertonly=disable usagecheck=enable revocationfreshnesstime=0 urlretrievaltimeout=0 dsmapperusage=disable clientcertnegotiation=disable reject=disable disablehttp2=disable disablequic=disable disablelegacytls=disable disabletls12=disable disabletls13=disable disableocspstapling=disable enabletokenbinding=disable logextendedevents=disable enablesessionticket=disable`,
      'master: certutil -store Root',
      `master: certutil -delstore Root ${cert.thumbprint}`,
      `master: sc.exe stop ${MASTER_SERVICE}`,
      `master: sc.exe query ${MASTER_SERVICE}`,
      `master: sc.exe start ${MASTER_SERVICE}`,
      `master: sc.exe query ${MASTER_SERVICE}`,
      `worker1: sc.exe stop ${WORKER_SERVICE}`,
      `worker1: sc.exe query ${WORKER_SERVICE}`,
      `worker1: sc.exe start ${WORKER_SERVICE}`,
      `worker1: sc.exe query ${WORKER_SERVICE}`,
    ]);
    // And the nodes hold what they held before the session
    assert.deepEqual(fleet.facts('master'), {binding: 'old', Root: 'none', [MASTER_SERVICE]: 'running', 'key:new': 'none'});
    assert.deepEqual(fleet.facts('worker1'), {Root: 'none', [WORKER_SERVICE]: 'running'});
    assert.equal(settingOf(fleet, 'master', MASTER_SETTINGS, 'SSLCertThumbprint'), OLD.thumbprint);
    assert.equal(settingOf(fleet, 'worker1', WORKER_SETTINGS, 'MasterHttpsCertThumbprint'), OLD.thumbprint);
    r.close();
  });

  test('rollback after someone edited MasterSettings.config: that undo is a conflict naming both values, the master is not restarted on it', async () => {
    // Given a completed run, then the setting changed by hand
    const {fleet, value, cert} = await prepared();
    const r = runnerOn(fleet, 'ssis-master', PARAMS, value);
    await send(r, {type: 'start'});
    assertPhase(r, fleet, 'completed');
    const byHand = 'AB'.repeat(20);
    const host = await fleet.host('master');
    await host.writeFile(MASTER_SETTINGS, Buffer.from(fleet.file('master', MASTER_SETTINGS)!.toString('utf8').replace(cert.thumbprint, byHand), 'utf8'));
    const ranBefore = fleet.commands.length;

    // When it is rolled back
    await send(r, {type: 'rollback-requested'});

    // Then the settings undo changed nothing and says why; the restart's undo refuses to restart on that file
    assertPhase(r, fleet, 'rollback-failed');
    const settings = statusOf(r, 'master.settings');
    assert.equal(settings.kind, 'undo-failed');
    assert.equal(settings.kind === 'undo-failed' && settings.conflict, true);
    assert.match(settings.kind === 'undo-failed' ? settings.error : '', new RegExp(`${byHand}.*${cert.thumbprint}|${cert.thumbprint}.*${byHand}`));
    assert.equal(settingOf(fleet, 'master', MASTER_SETTINGS, 'SSLCertThumbprint'), byHand);
    assert.equal(statusOf(r, 'master.restart').kind, 'undo-failed');
    assert.deepEqual(
      fleet.commandLines(ranBefore).filter((line) => line.startsWith('master: sc.exe')),
      [],
    );
    // And the binding and the worker were still put back
    assert.equal(fleet.facts('master').binding, 'old');
    assert.equal(settingOf(fleet, 'worker1', WORKER_SETTINGS, 'MasterHttpsCertThumbprint'), OLD.thumbprint);
    r.close();
  });
});

// A PowerShell terminating error as Windows PowerShell 5.1 prints it (docs/TOOL-OUTPUT.md), exit code 1.
const IMPORT_FAILED = [
  'Import-PfxCertificate : The specified network password is not correct. (Exception from HRESULT: 0x80070056)',
  'At line:3 char:13',
  "+ $imported = Import-PfxCertificate -FilePath 'C:\\Windows\\Temp\\certwalk.pfx' -CertStoreLocation 'Cert:\\LocalMachine\\Root' -Password $password -Exportable",
  '+             ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~',
  '    + CategoryInfo          : NotSpecified: (:) [Import-PfxCertificate], Win32Exception',
  '    + FullyQualifiedErrorId : System.ComponentModel.Win32Exception,Microsoft.CertificateServices.Commands.ImportPfxCertificate',
  ' ',
  '',
].join('\r\n');

interface FailureCase {
  readonly name: string;
  readonly step: string;
  readonly phase: 'capture' | 'do' | 'verify';
  /** The failing answer, placed before the main path's rows. */
  readonly rows?: (thumb: string) => ToolRow[];
  readonly fileFault?: FileFault;
  /** What the step's error says (the tool's own message, or the capture's refusal). */
  readonly error: RegExp;
  /** The last command that ran: nothing after it. */
  readonly last: (thumb: string) => string | RegExp;
}

const FAILURES: readonly FailureCase[] = [
  {
    name: 'Import-PfxCertificate refuses the password',
    step: 'master.import-cert',
    phase: 'do',
    rows: () => [{node: 'master', command: 'powershell', args: /Import-PfxCertificate/, stderr: IMPORT_FAILED, exitCode: 1}],
    error: /The specified network password is not correct/,
    last: () => /^master: powershell .*Import-PfxCertificate/,
  },
  {
    name: 'netsh delete fails with error 2',
    step: 'master.delete-binding',
    phase: 'do',
    rows: () => [{node: 'master', command: 'netsh', args: ['http', 'delete', 'sslcert', 'ipport=0.0.0.0:8391'], stdout: NETSH_DELETE_FAILED_2, exitCode: 1}],
    error: /Error: 2|cannot find the file specified/i,
    last: () => 'master: netsh http delete sslcert ipport=0.0.0.0:8391',
  },
  {
    name: 'netsh add fails with error 1312',
    step: 'master.add-binding',
    phase: 'do',
    rows: () => [{node: 'master', command: 'netsh', args: /^http add sslcert /, stdout: NETSH_ADD_FAILED_1312, exitCode: 1}],
    error: /1312/,
    last: (thumb) => new RegExp(`^master: netsh http add sslcert ipport=0\\.0\\.0\\.0:8391 certhash=${thumb.toLowerCase()} `),
  },
  {
    // netsh says it added the binding, but http.sys lists none: the read-back catches what the exit code did not.
    name: 'the added binding is not there when read back',
    step: 'master.add-binding',
    phase: 'verify',
    rows: () => [{node: 'master', command: 'netsh', args: ['http', 'show', 'sslcert'], when: {binding: 'new'}, stdout: netshShow([OTHER_BINDING])}],
    error: /certificate hash: expected [0-9A-F]{40}, observed \(no binding\)/,
    last: () => 'master: netsh http show sslcert',
  },
  {
    name: 'MasterSettings.config cannot be written',
    step: 'master.settings',
    phase: 'do',
    fileFault: {node: 'master', op: 'writeFile', path: /MasterSettings\.config$/i, message: 'EACCES: permission denied, open MasterSettings.config'},
    error: /EACCES/,
    last: () => 'master: netsh http show sslcert',
  },
  {
    name: 'sc start fails with 1053',
    step: 'master.restart',
    phase: 'do',
    rows: () => [
      {
        node: 'master',
        command: 'sc.exe',
        args: ['start', MASTER_SERVICE],
        stdout: scFailed('StartService', 1053, 'The service did not respond to the start or control request in a timely fashion.'),
        exitCode: 1053,
      },
    ],
    error: /1053/,
    last: () => `master: sc.exe start ${MASTER_SERVICE}`,
  },
  {
    name: 'certutil -addstore is denied on the worker',
    step: 'worker1.trust-master',
    phase: 'do',
    rows: (thumb) => [
      {
        node: 'worker1',
        command: 'certutil',
        args: ['-addstore', 'Root', `C:\\Windows\\Temp\\certwalk-${thumb}.cer`],
        stdout: 'Root "Trusted Root Certification Authorities"\r\nCertUtil: -addstore command FAILED: 0x80070005 (WIN32: 5 ERROR_ACCESS_DENIED)\r\nCertUtil: Access is denied.\r\n',
        exitCode: 5,
      },
    ],
    error: /Access is denied/,
    last: (thumb) => `worker1: certutil -addstore Root C:\\Windows\\Temp\\certwalk-${thumb}.cer`,
  },
  {
    // Someone re-bound the port between the plan and the run: refused while nothing of the binding is deleted.
    name: 'the binding names another certificate than the plan',
    step: 'master.delete-binding',
    phase: 'capture',
    rows: () => [
      {
        node: 'master',
        command: 'netsh',
        args: ['http', 'show', 'sslcert'],
        when: {binding: 'old'},
        stdout: netshShow([OTHER_BINDING, {...SSIS_BINDING, certHash: 'e53b0a7e92e2b9d53992fe6718800239907c5316'}]),
      },
    ],
    error: /the binding on 0\.0\.0\.0:8391 changed since the plan was made .*E53B0A7E92E2B9D53992FE6718800239907C5316/,
    last: () => 'master: netsh http show sslcert',
  },
  {
    name: 'the binding is gone since the plan',
    step: 'master.delete-binding',
    phase: 'capture',
    rows: () => [{node: 'master', command: 'netsh', args: ['http', 'show', 'sslcert'], when: {binding: 'old'}, stdout: netshShow([OTHER_BINDING])}],
    error: /there is no SSL binding on 0\.0\.0\.0:8391; certwalk will not invent one/,
    last: () => 'master: netsh http show sslcert',
  },
];

describe('ssis-master on the fake fleet: a failure at each step', () => {
  for (const c of FAILURES) {
    test(`${c.name}: ${c.step} fails in ${c.phase}, nothing after it runs`, async () => {
      // Given the main path's table with one command failing
      const {fleet, value, cert} = await prepared();
      fleet.override(c.rows?.(cert.thumbprint) ?? []);
      if (c.fileFault) fleet.addFileFault(c.fileFault);

      // When the procedure runs
      const r = runnerOn(fleet, 'ssis-master', PARAMS, value);
      await send(r, {type: 'start'});

      // Then that step failed in that phase with the tool's own message, every command was answered
      assertStoppedAt(r, fleet, {step: c.step, phase: c.phase, error: c.error, last: c.last(cert.thumbprint)});
      r.close();
    });
  }
});

/** Prepare on a fresh fleet with `rows` added; its refusal's errors and the commands it ran. */
async function refusedPrepare(params: Readonly<Record<string, string>>, rows: readonly ToolRow[], fleet = newFleet()) {
  fleet.addRows(rows);
  const result = await findProcedure('ssis-master').prepare(fleet, params, prepareContext());
  return {errors: result.ok ? null : result.errors, commands: fleet.commandLines(), unanswered: fleet.unanswered};
}

const escapeRe = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const showOnly = (binding: NetshBinding): ToolRow[] => [{node: 'master', command: 'netsh', args: ['http', 'show', 'sslcert'], stdout: netshShow([OTHER_BINDING, binding])}];

/** A certificate already in the master's Root (with its key), exported by prepare for the workers. */
// One key for every such certificate: making a 2048-bit key costs a fraction of a second each time.
let existingKey: Promise<string> | undefined;
async function existingCertRows(spec: {commonNames: string[]; dnsNames?: string[]; notBefore?: Date; validDays?: number}) {
  existingKey ??= createSelfSigned({commonNames: ['key']}).then((c) => c.keyPem);
  const made = await createSelfSigned({keyPem: await existingKey, ...spec});
  const thumb = made.info.thumbprint;
  const entry: StoreEntry = {thumbprint: thumb, subject: made.info.subject, serial: '11'.repeat(16), notBefore: '1/1/2026 1:00 AM', notAfter: '1/1/2027 1:00 AM', withKey: true};
  const file = `C:\\Windows\\Temp\\certwalk-${thumb}.cer`;
  const rows: ToolRow[] = [
    ...showOnly(SSIS_BINDING),
    {node: 'master', command: 'certutil', args: ['-store', 'Root'], stdout: certutilStore('Root', [OLD, WORKER_CERT, entry])},
    {node: 'master', command: 'certutil', args: ['-store', 'Root', thumb, file], stdout: certutilStore('Root', [entry]), writes: {[file]: made.der}},
  ];
  return {thumb, rows};
}

describe('ssis-master on the fake fleet: what prepare refuses before any change', () => {
  test('a binding whose extended properties netsh add cannot set is refused, naming them, after one read', async () => {
    // Given the binding's HTTP/2 receive window was changed from what netsh add gives (1048576)
    const {errors, commands} = await refusedPrepare(PARAMS, showOnly({...SSIS_BINDING, receiveWindow: 65536}));

    // Then prepare refuses on the port, naming the property and its value, having only read the bindings
    assert.match(errors?.port ?? '', /extended properties that `netsh http add sslcert` cannot set.*PropertyId 0 \(Receive Window = 65536\)/);
    assert.deepEqual(commands, [`master: sc.exe qc ${MASTER_SERVICE}`, 'master: netsh http show sslcert']);
  });

  test('a master installed on D: whose MasterSettings.config is not beside the service is refused, naming where it looked', async () => {
    // Given sc qc says the master service is on D:, and the only MasterSettings.config is on C:
    const fleet = bareFleet();
    const onD = SC_QC_ROWS[0]!.stdout!.replace(`"${BINN}`, `"D${BINN.slice(1)}`);
    fleet.addRows([{...SC_QC_ROWS[0]!, stdout: onD}]);
    const {errors, commands} = await refusedPrepare(PARAMS, showOnly(SSIS_BINDING), fleet);

    // Then the master is refused with the folders on D: it looked in, before the bindings are read
    const dBinn = `D${BINN.slice(1)}`;
    assert.match(
      errors?.master ?? '',
      new RegExp(`^MasterSettings\\.config is not in ${escapeRe(`${dBinn}\\ScaleOut\\MasterService`)} nor in .* nor in ${escapeRe(dBinn)} on master`),
    );
    assert.deepEqual(commands, [`master: sc.exe qc ${MASTER_SERVICE}`]);
  });

  test("a new certificate's CN list without the host the workers connect to is refused, naming it and the worker", async () => {
    // Given a CN list that leaves out master.contoso.local, the host of worker1's MasterEndpoint
    const {errors} = await refusedPrepare({...PARAMS, commonNames: 'MASTER,10.0.0.10'}, showOnly(SSIS_BINDING));

    // Then the CN list is refused with the endpoint host and where it was read
    assert.match(errors?.commonNames ?? '', /"master\.contoso\.local" \(MasterEndpoint in WorkerSettings\.config on worker1\).*add it to the CN list/);
  });

  test('a worker whose WorkerSettings.config has no MasterEndpoint is refused: the name the certificate needs is unknown', async () => {
    // Given worker1's settings without MasterEndpoint
    const fleet = newFleet();
    const host = await fleet.host('worker1');
    await host.writeFile(WORKER_SETTINGS, settingsFile({MasterHttpsCertThumbprint: OLD.thumbprint, WorkerHttpsCertThumbprint: WORKER_CERT.thumbprint}));
    const {errors} = await refusedPrepare(PARAMS, showOnly(SSIS_BINDING), fleet);

    // Then the workers parameter names the worker and the missing key
    assert.match(errors?.workers ?? '', /^worker1: WorkerSettings\.config has no MasterEndpoint/);
  });

  test('an existing certificate that has expired is refused, with its date', async () => {
    // Given a certificate in Root that expired a year ago
    const {thumb, rows} = await existingCertRows({commonNames: ['master.contoso.local'], notBefore: new Date(Date.now() - 400 * 86_400_000), validDays: 30});
    const {errors} = await refusedPrepare({...PARAMS, certificate: thumb}, rows);

    // Then it is refused as expired
    assert.match(errors?.certificate ?? '', new RegExp(`^${thumb} expired on \\d{4}-`));
  });

  test('an existing certificate that does not name the endpoint host is refused, listing the names it has', async () => {
    // Given a valid certificate for another host
    const {thumb, rows} = await existingCertRows({commonNames: ['MASTER'], dnsNames: ['master.fabrikam.local']});
    const {errors} = await refusedPrepare({...PARAMS, certificate: thumb}, rows);

    // Then it is refused, naming the endpoint host and the certificate's names
    assert.match(errors?.certificate ?? '', /"master\.contoso\.local".*it names MASTER, master\.fabrikam\.local/);
  });

  test('an existing certificate naming the endpoint host through a SAN wildcard is accepted; one label only (RFC 6125)', async () => {
    // Given a certificate whose only matching name is *.contoso.local in its SAN (its CN in another case)
    const good = await existingCertRows({commonNames: ['WEB'], dnsNames: ['*.CONTOSO.local']});
    const accepted = await findProcedure('ssis-master').prepare(
      (() => {
        const fleet = newFleet();
        fleet.addRows(good.rows);
        return fleet;
      })(),
      {...PARAMS, certificate: good.thumb},
      prepareContext(),
    );
    assert.ok(accepted.ok, JSON.stringify(accepted.ok ? null : accepted.errors));

    // And *.local does not cover master.contoso.local (the wildcard matches one label)
    const wide = await existingCertRows({commonNames: ['WEB'], dnsNames: ['*.local']});
    const {errors} = await refusedPrepare({...PARAMS, certificate: wide.thumb}, wide.rows);
    assert.match(errors?.certificate ?? '', /"master\.contoso\.local"/);
  });
});
