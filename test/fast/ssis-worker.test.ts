// ssis-worker through the real runner on the fake fleet: the new certificate in My and Root, the old one kept (its
// PFX exported) and deleted by thumbprint, the service account granted the new key, the setting, the master's trust,
// the restart; the rollback; a failing command at each step (test/procedures/ssis-worker.test.ts runs it on the sandbox).
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {describe, test} from 'node:test';
import type {NodeInfo} from '../../src/hosts/host.ts';
import {findProcedure} from '../../src/procedures/index.ts';
import {prepareContext} from '../../src/runner/step-files.ts';
import {FakeFleet, type FileFault, type ToolRow} from '../helpers/fake-fleet.ts';
import {assertCommands, assertPhase, assertStoppedAt, prepareOn, runnerOn, send, statusOf, undoOrder} from '../helpers/fake-run.ts';
import {keyAccessRows, serviceRows, storeRows} from '../helpers/fake-tables.ts';
import {certutilStore, scConfig, scFailed, settingsFile, type StoreEntry} from '../helpers/fake-tool-output.ts';

const WORKER_SETTINGS = 'C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\WorkerSettings.config';
const SERVICE = 'SSISScaleOutWorker140';
const ACCOUNT = 'NT Service\\SSISScaleOutWorker140';
const SUBJECT = 'CN=10.0.1.1, CN=WORKER1';

const MASTER: NodeInfo = {name: 'master', machineName: 'MASTER', fqdn: 'master.contoso.local', ip: '10.0.0.10', roles: ['ssis-master']};
const WORKER: NodeInfo = {name: 'worker1', machineName: 'WORKER1', fqdn: 'worker1.contoso.local', ip: '10.0.1.1', roles: ['ssis-worker']};

// The worker's current certificate is the one of certutil-store-my.txt (its key exportable here: it is kept).
const OLD: StoreEntry = {
  thumbprint: 'E6CC21E72B8357BD5A0990DB7DED3421F3F8B9AA',
  subject: SUBJECT,
  serial: '40d7e4a080d857b7418f88e767a9c405',
  notBefore: '8/2/2026 11:16 PM',
  notAfter: '8/2/2027 11:16 PM',
  withKey: true,
  exportable: true,
};
const MASTER_CERT: StoreEntry = {
  thumbprint: '7F563DE2E587C6E1BAA687B413CEC41F33CD0911',
  subject: 'CN=10.0.0.10, CN=MASTER, CN=master.contoso.local',
  serial: '5b3107fd13f667e603d0382c96491ef4',
  notBefore: '2/5/2026 4:08 PM',
  notAfter: '2/5/2028 4:08 PM',
  withKey: false,
};
const OLD_PUBLIC: StoreEntry = {...OLD, withKey: false};

const PARAMS = {workers: 'worker1', account: 'auto', keyBits: '2048', validDays: '730'};
const SC_QC = scConfig(
  SERVICE,
  'SQL Server Integration Services Scale Out Worker 14.0',
  'C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\ScaleOut\\WorkerAgent\\Microsoft.SqlServer.IntegrationServices.Scaleout.WorkerAgent.exe',
  ACCOUNT,
);

interface NewCert {
  readonly thumbprint: string;
  readonly subject: string;
}

/** The new certificate as certutil lists it in My (with its key). */
const newEntry = (newCert: NewCert): StoreEntry => ({
  thumbprint: newCert.thumbprint,
  subject: newCert.subject,
  serial: '34874e729008f3b763dab16f49179a65',
  notBefore: '12/2/2026 4:03 PM',
  notAfter: '12/1/2028 4:03 PM',
  withKey: true,
});

/** The worker's My and the key access rows for its old certificate and (once prepare made it) the new one. */
function workerMyRows(newCert: NewCert, keptPfx: Buffer): ToolRow[] {
  const entry = newEntry(newCert);
  return [
    ...storeRows({node: 'worker1', store: 'My', fixed: [], changing: {old: {entry: OLD, simpleName: 'WORKER1', pfx: keptPfx}, new: {entry, simpleName: 'WORKER1'}}}),
    ...keyAccessRows({
      node: 'worker1',
      store: 'My',
      search: 'WORKER1',
      account: ACCOUNT,
      baseAccounts: ['BUILTIN\\Administrators', 'NT AUTHORITY\\SYSTEM'],
      subject: SUBJECT,
      names: ['old', 'new'],
    }),
  ];
}

function tableFor(newCert: NewCert, keptPfx: Buffer): ToolRow[] {
  const publicNew: StoreEntry = {
    thumbprint: newCert.thumbprint,
    subject: newCert.subject,
    serial: '34874e729008f3b763dab16f49179a65',
    notBefore: '12/2/2026 4:03 PM',
    notAfter: '12/1/2028 4:03 PM',
    withKey: false,
  };
  return [
    {node: 'worker1', command: 'sc.exe', args: ['qc', SERVICE], stdout: SC_QC},
    ...workerMyRows(newCert, keptPfx),
    ...storeRows({node: 'worker1', store: 'Root', fixed: [MASTER_CERT], changing: {new: {entry: publicNew, simpleName: 'WORKER1'}}}),
    ...serviceRows('worker1', SERVICE),
    ...storeRows({node: 'master', store: 'Root', fixed: [{...MASTER_CERT, withKey: true}, OLD_PUBLIC], changing: {new: {entry: publicNew, simpleName: 'WORKER1'}}}),
  ];
}

function newFleet(): FakeFleet {
  return new FakeFleet([
    {info: MASTER, facts: {Root: 'none'}},
    {
      info: WORKER,
      facts: {My: 'old', 'key:old': 'granted', Root: 'none', [SERVICE]: 'running'},
      files: {
        [WORKER_SETTINGS]: settingsFile({
          MasterEndpoint: 'https://master.contoso.local:8391',
          MasterHttpsCertThumbprint: MASTER_CERT.thumbprint,
          WorkerHttpsCertThumbprint: OLD.thumbprint,
          StoreLocation: 'LocalMachine',
          StoreName: 'My',
        }),
      },
    },
  ]);
}

const KEPT_PFX = randomBytes(96);

/** Prepare's answer and the commands it ran, on a fleet of its own. */
async function prepareOnce() {
  const fleet = newFleet();
  // prepare reads the worker before the new certificate exists: rows naming a placeholder answer its reads of My.
  fleet.addRows([
    {node: 'worker1', command: 'sc.exe', args: ['qc', SERVICE], stdout: SC_QC},
    ...workerMyRows({thumbprint: 'F'.repeat(40), subject: SUBJECT}, KEPT_PFX).filter((row) => row.command !== 'powershell'),
  ]);
  const value = await prepareOn(fleet, 'ssis-worker', PARAMS);
  return {value, cert: (value.resolved as unknown as {workers: {cert: NewCert}[]}).workers[0]!.cert, ranInPrepare: fleet.commandLines()};
}

// Prepare makes an RSA key and a PFX, half a second: once per file, and each test runs it on a fresh fleet.
let preparing: ReturnType<typeof prepareOnce> | undefined;

async function prepared() {
  preparing ??= prepareOnce();
  const {value, cert, ranInPrepare} = await preparing;
  const fleet = newFleet();
  fleet.addRows(tableFor(cert, KEPT_PFX));
  return {fleet, value, cert, ranInPrepare};
}

const setting = (fleet: FakeFleet): unknown => JSON.parse(fleet.file('worker1', WORKER_SETTINGS)!.subarray(3).toString('utf8')).WorkerHttpsCertThumbprint;

const MAIN_PATH = (thumb: string): (string | RegExp)[] => [
  // worker1.import-cert
  'worker1: certutil -store My',
  'worker1: certutil -store My',
  new RegExp(`^worker1: powershell .*Import-PfxCertificate -FilePath 'C:\\\\Windows\\\\Temp\\\\certwalk-${thumb}\\.pfx' -CertStoreLocation 'Cert:\\\\LocalMachine\\\\My'`),
  'worker1: certutil -store My',
  // worker1.root: the public part
  'worker1: certutil -store Root',
  'worker1: certutil -store Root',
  `worker1: certutil -addstore Root C:\\Windows\\Temp\\certwalk-${thumb}.cer`,
  'worker1: certutil -store Root',
  // worker1.delete-old: capture keeps a PFX of the old certificate and its key access, and reads what points at it
  'worker1: certutil -store My',
  new RegExp(
    `^worker1: powershell .*Export-PfxCertificate -Cert 'Cert:\\\\LocalMachine\\\\My\\\\${OLD.thumbprint}' -FilePath 'C:\\\\Windows\\\\Temp\\\\certwalk-${OLD.thumbprint}-old\\.pfx'`,
  ),
  'worker1: winhttpcertcfg -l -c LOCAL_MACHINE\\My -s WORKER1',
  'worker1: certutil -store Root',
  'master: certutil -store Root',
  'worker1: certutil -store My',
  `worker1: certutil -delstore My ${OLD.thumbprint}`,
  'worker1: certutil -store My',
  // worker1.grant-key
  'worker1: certutil -store My',
  'worker1: winhttpcertcfg -l -c LOCAL_MACHINE\\My -s WORKER1',
  'worker1: certutil -store My',
  `worker1: winhttpcertcfg -g -c LOCAL_MACHINE\\My -s WORKER1 -a ${ACCOUNT}`,
  'worker1: certutil -store My',
  'worker1: winhttpcertcfg -l -c LOCAL_MACHINE\\My -s WORKER1',
  // worker1.settings is file work; master.trust-worker1
  'master: certutil -store Root',
  'master: certutil -store Root',
  `master: certutil -addstore Root C:\\Windows\\Temp\\certwalk-${thumb}.cer`,
  'master: certutil -store Root',
  // worker1.restart
  `worker1: sc.exe query ${SERVICE}`,
  `worker1: sc.exe stop ${SERVICE}`,
  `worker1: sc.exe query ${SERVICE}`,
  `worker1: sc.exe start ${SERVICE}`,
  `worker1: sc.exe query ${SERVICE}`,
  `worker1: sc.exe query ${SERVICE}`,
];

describe('ssis-worker on the fake fleet', () => {
  test('main path: the commands in order, every read-back green, the before/after rows', async () => {
    // Given a worker whose certificate (key exportable, granted to the service account) is in its settings
    const {fleet, value, cert, ranInPrepare} = await prepared();
    assert.deepEqual(ranInPrepare, [`worker1: sc.exe qc ${SERVICE}`, 'worker1: certutil -store My', 'worker1: winhttpcertcfg -l -c LOCAL_MACHINE\\My -s WORKER1']);

    // When the procedure runs with every confirmation given
    const r = runnerOn(fleet, 'ssis-worker', PARAMS, value);
    await send(r, {type: 'start'});

    // Then it completes having run exactly these commands, every read-back green
    assertPhase(r, fleet, 'completed');
    assertCommands(fleet.commandLines(), MAIN_PATH(cert.thumbprint));
    for (const step of r.snapshot.state.steps) {
      const status = step.status;
      assert.equal(status.kind, 'done', step.info.id);
      assert.ok(status.checks.length > 0 && status.checks.every((c) => c.ok), `${step.info.id}: ${JSON.stringify(status.checks)}`);
    }
    // And the rows say what changed
    const changes = r.snapshot.state.steps.flatMap((s) => (s.status.kind === 'done' ? s.status.changes.map((c) => [s.info.id, c.label, c.before, c.after]) : []));
    const rowOf = (id: string) => changes.filter((c) => c[0] === id).map((c) => c.slice(1));
    assert.deepEqual(rowOf('worker1.import-cert'), [['LocalMachine\\My', null, cert.thumbprint]]);
    assert.deepEqual(rowOf('worker1.delete-old'), [['LocalMachine\\My old certificate', OLD.thumbprint, null]]);
    assert.deepEqual(rowOf('worker1.settings'), [['WorkerSettings.config WorkerHttpsCertThumbprint', OLD.thumbprint, cert.thumbprint]]);
    assert.deepEqual(rowOf('master.trust-worker1'), [['LocalMachine\\Root', null, cert.thumbprint]]);
    // And the node holds the new certificate alone, its key granted, the setting naming it
    assert.deepEqual([fleet.facts('worker1').My, fleet.facts('worker1')['key:new']], ['new', 'granted']);
    assert.equal(setting(fleet), cert.thumbprint);
    assert.equal(fleet.file('worker1', `C:\\Windows\\Temp\\certwalk-${OLD.thumbprint}-old.pfx`), undefined, 'the kept PFX left the node');
    r.close();
  });

  test('rollback: newest first; the old certificate comes back from its kept PFX and gets its key access again', async () => {
    // Given a completed run
    const {fleet, value, cert} = await prepared();
    const r = runnerOn(fleet, 'ssis-worker', PARAMS, value);
    await send(r, {type: 'start'});
    assertPhase(r, fleet, 'completed');
    const ranBefore = fleet.commands.length;
    const order = undoOrder(r);

    // When it is rolled back
    await send(r, {type: 'rollback-requested'});

    // Then every step is undone newest first; the old certificate's return and the restart (undoLast) after the rest,
    // in their own order: the old key is granted again once the new certificate is gone (winhttpcertcfg takes the first match)
    assertPhase(r, fleet, 'rolled-back');
    assert.deepEqual(order, [
      'master.trust-worker1',
      'worker1.settings',
      'worker1.grant-key',
      'worker1.root',
      'worker1.remove-temp-pfx',
      'worker1.import-cert',
      'worker1.delete-old',
      'worker1.restart',
    ]);
    assertCommands(fleet.commandLines(ranBefore), [
      'master: certutil -store Root',
      `master: certutil -delstore Root ${cert.thumbprint}`,
      // grant-key: the account's access to the new key goes
      'worker1: certutil -store My',
      'worker1: certutil -store My',
      `worker1: winhttpcertcfg -r -c LOCAL_MACHINE\\My -s WORKER1 -a ${ACCOUNT}`,
      'worker1: certutil -store Root',
      `worker1: certutil -delstore Root ${cert.thumbprint}`,
      'worker1: certutil -store My',
      `worker1: certutil -delstore My ${cert.thumbprint}`,
      // delete-old: the kept PFX goes back in, then the access the capture read
      'worker1: certutil -store My',
      new RegExp(
        `^worker1: powershell .*Import-PfxCertificate -FilePath 'C:\\\\Windows\\\\Temp\\\\certwalk-${OLD.thumbprint}-old\\.pfx' -CertStoreLocation 'Cert:\\\\LocalMachine\\\\My'`,
      ),
      'worker1: certutil -store My',
      'worker1: winhttpcertcfg -l -c LOCAL_MACHINE\\My -s WORKER1',
      `worker1: winhttpcertcfg -g -c LOCAL_MACHINE\\My -s WORKER1 -a ${ACCOUNT}`,
      `worker1: sc.exe stop ${SERVICE}`,
      `worker1: sc.exe query ${SERVICE}`,
      `worker1: sc.exe start ${SERVICE}`,
      `worker1: sc.exe query ${SERVICE}`,
    ]);
    // And the worker holds its old certificate again, its key granted to the account, the setting naming it
    assert.deepEqual([fleet.facts('worker1').My, fleet.facts('worker1')['key:old'], fleet.facts('master').Root], ['old', 'granted', 'none']);
    assert.equal(setting(fleet), OLD.thumbprint);
    r.close();
  });
});

interface FailureCase {
  readonly name: string;
  readonly step: string;
  readonly phase: 'capture' | 'do';
  readonly rows?: (cert: NewCert) => ToolRow[];
  readonly fileFault?: FileFault;
  readonly error: RegExp;
  /** The last command that ran: nothing after it. */
  readonly last: (thumb: string) => string | RegExp;
}

const DENIED = (store: string, verb: string) =>
  `${store === 'My' ? 'My "Personal"' : 'Root "Trusted Root Certification Authorities"'}\r\nCertUtil: -${verb} command FAILED: 0x80070005 (WIN32: 5 ERROR_ACCESS_DENIED)\r\nCertUtil: Access is denied.\r\n`;

const FAILURES: readonly FailureCase[] = [
  {
    name: 'Import-PfxCertificate refuses the PFX',
    step: 'worker1.import-cert',
    phase: 'do',
    rows: () => [
      {
        node: 'worker1',
        command: 'powershell',
        args: /Import-PfxCertificate/,
        stderr:
          'Import-PfxCertificate : The specified network password is not correct. (Exception from HRESULT: 0x80070056)\r\n    + FullyQualifiedErrorId : System.ComponentModel.Win32Exception,Microsoft.CertificateServices.Commands.ImportPfxCertificate\r\n \r\n',
        exitCode: 1,
      },
    ],
    error: /The specified network password is not correct/,
    last: () => /^worker1: powershell .*Import-PfxCertificate/,
  },
  {
    name: "the worker's Root refuses the public part",
    step: 'worker1.root',
    phase: 'do',
    rows: (cert) => [
      {node: 'worker1', command: 'certutil', args: ['-addstore', 'Root', `C:\\Windows\\Temp\\certwalk-${cert.thumbprint}.cer`], stdout: DENIED('Root', 'addstore'), exitCode: 5},
    ],
    error: /Access is denied/,
    last: (thumb) => `worker1: certutil -addstore Root C:\\Windows\\Temp\\certwalk-${thumb}.cer`,
  },
  {
    // Someone deleted the old certificate between the plan and the run: refused before the export, nothing deleted.
    name: 'the old certificate is gone since the plan',
    step: 'worker1.delete-old',
    phase: 'capture',
    rows: (cert) => [{node: 'worker1', command: 'certutil', args: ['-store', 'My'], when: {My: 'old+new'}, stdout: certutilStore('My', [newEntry(cert)])}],
    error: new RegExp(`the old certificate ${OLD.thumbprint} is no longer in LocalMachine\\\\My on worker1; there is nothing to delete`),
    last: () => 'worker1: certutil -store My',
  },
  {
    name: 'WorkerSettings.config cannot be written',
    step: 'worker1.settings',
    phase: 'do',
    fileFault: {node: 'worker1', op: 'writeFile', path: /WorkerSettings\.config$/i, message: 'EACCES: permission denied, open WorkerSettings.config'},
    error: /EACCES/,
    last: () => 'worker1: winhttpcertcfg -l -c LOCAL_MACHINE\\My -s WORKER1',
  },
  {
    name: 'sc stop fails with 1061',
    step: 'worker1.restart',
    phase: 'do',
    rows: () => [
      {
        node: 'worker1',
        command: 'sc.exe',
        args: ['stop', SERVICE],
        stdout: scFailed('ControlService', 1061, 'The service cannot accept control messages at this time.'),
        exitCode: 1061,
      },
    ],
    error: /1061/,
    last: () => `worker1: sc.exe stop ${SERVICE}`,
  },
  {
    // A key that may not leave the node cannot be kept: refused before anything is deleted.
    name: 'the old key is not exportable',
    step: 'worker1.delete-old',
    phase: 'capture',
    rows: () => [
      {
        node: 'worker1',
        command: 'powershell',
        args: /Export-PfxCertificate/,
        stderr:
          'Export-PfxCertificate : Cannot export non-exportable private key.\r\nAt line:3 char:12\r\n    + CategoryInfo          : NotSpecified: (:) [Export-PfxCertificate], Win32Exception\r\n    + FullyQualifiedErrorId : System.ComponentModel.Win32Exception,Microsoft.CertificateServices.Commands.ExportPfxCertificate\r\n \r\n',
        exitCode: 1,
      },
    ],
    error: /could not be kept: its private key is not exportable .* Nothing was deleted/,
    last: () => /^worker1: powershell .*Export-PfxCertificate/,
  },
  {
    name: 'certutil -delstore is denied',
    step: 'worker1.delete-old',
    phase: 'do',
    rows: () => [
      {
        node: 'worker1',
        command: 'certutil',
        args: ['-delstore', 'My', OLD.thumbprint],
        stdout: 'My "Personal"\r\nCertUtil: -delstore command FAILED: 0x80070005 (WIN32: 5 ERROR_ACCESS_DENIED)\r\nCertUtil: Access is denied.\r\n',
        exitCode: 5,
      },
    ],
    error: /Access is denied/,
    last: () => `worker1: certutil -delstore My ${OLD.thumbprint}`,
  },
  {
    name: 'winhttpcertcfg finds no such account',
    step: 'worker1.grant-key',
    phase: 'do',
    rows: () => [{node: 'worker1', command: 'winhttpcertcfg', args: /^-g /, stderr: 'Error: No account information was found.\r\n'}],
    error: /No account information was found/,
    last: () => `worker1: winhttpcertcfg -g -c LOCAL_MACHINE\\My -s WORKER1 -a ${ACCOUNT}`,
  },
  {
    name: 'the master refuses the trust',
    step: 'master.trust-worker1',
    phase: 'do',
    rows: (cert) => [
      {
        node: 'master',
        command: 'certutil',
        args: ['-addstore', 'Root', `C:\\Windows\\Temp\\certwalk-${cert.thumbprint}.cer`],
        stdout: 'Root "Trusted Root Certification Authorities"\r\nCertUtil: -addstore command FAILED: 0x80070005 (WIN32: 5 ERROR_ACCESS_DENIED)\r\nCertUtil: Access is denied.\r\n',
        exitCode: 5,
      },
    ],
    error: /Access is denied/,
    last: (thumb) => `master: certutil -addstore Root C:\\Windows\\Temp\\certwalk-${thumb}.cer`,
  },
];

describe('ssis-worker on the fake fleet: a failure at each step', () => {
  for (const c of FAILURES) {
    test(`${c.name}: ${c.step} fails in ${c.phase}, nothing after it runs`, async () => {
      // Given the main path's table with one command failing
      const {fleet, value, cert} = await prepared();
      fleet.override(c.rows?.(cert) ?? []);
      if (c.fileFault) fleet.addFileFault(c.fileFault);

      // When the procedure runs
      const r = runnerOn(fleet, 'ssis-worker', PARAMS, value);
      await send(r, {type: 'start'});

      // Then that step failed in that phase with the tool's message, and nothing ran after the failing command
      assertStoppedAt(r, fleet, {step: c.step, phase: c.phase, error: c.error, last: c.last(cert.thumbprint)});
      r.close();
    });
  }
});

const waitingStep = (r: ReturnType<typeof runnerOn>): string | undefined => r.snapshot.state.steps.find((s) => s.status.kind === 'awaiting-confirmation')?.info.id;

// The documents' MakeCert line (no -pe) makes a key Windows will not export: the common case.
const OLD_UNEXPORTABLE: StoreEntry = {...OLD, exportable: false};
const FQDN_SEARCH = 'worker1.contoso.local';

/** A worker whose old key cannot be exported; the new certificate (with its FQDN CN) is granted through that name. */
function oldStaysRows(newCert: NewCert): ToolRow[] {
  const entry = newEntry(newCert);
  const publicNew: StoreEntry = {...entry, withKey: false};
  const keyAccess = {node: 'worker1', store: 'My', account: ACCOUNT, baseAccounts: ['BUILTIN\\Administrators', 'NT AUTHORITY\\SYSTEM'], names: ['old', 'new']};
  return [
    {node: 'worker1', command: 'sc.exe', args: ['qc', SERVICE], stdout: SC_QC},
    ...storeRows({node: 'worker1', store: 'My', fixed: [], changing: {old: {entry: OLD_UNEXPORTABLE, simpleName: 'WORKER1'}, new: {entry, simpleName: 'WORKER1'}}}),
    ...keyAccessRows({...keyAccess, search: 'WORKER1', subject: SUBJECT}),
    ...keyAccessRows({...keyAccess, search: FQDN_SEARCH, subject: newCert.subject, matching: ['new']}),
    ...storeRows({node: 'worker1', store: 'Root', fixed: [MASTER_CERT], changing: {new: {entry: publicNew, simpleName: 'WORKER1'}}}),
    ...serviceRows('worker1', SERVICE),
    ...storeRows({node: 'master', store: 'Root', fixed: [{...MASTER_CERT, withKey: true}, OLD_PUBLIC], changing: {new: {entry: publicNew, simpleName: 'WORKER1'}}}),
  ];
}

interface OldStaysPlan {
  readonly grantSearch: string;
  readonly oldFate: string;
  readonly cert: NewCert;
}

/** Prepare with the old key unexportable, then a fresh fleet holding the rows for the certificate it made. */
async function preparedOldStays(params: Readonly<Record<string, string>>) {
  const preparing = newFleet();
  preparing.addRows(oldStaysRows({thumbprint: 'F'.repeat(40), subject: SUBJECT}).filter((row) => row.command !== 'powershell'));
  const value = await prepareOn(preparing, 'ssis-worker', params);
  const plan = (value.resolved as unknown as {workers: OldStaysPlan[]}).workers[0]!;
  const fleet = newFleet();
  fleet.addRows(oldStaysRows(plan.cert));
  return {fleet, value, plan, describe: findProcedure('ssis-worker').describe(value.resolved)};
}

describe('ssis-worker on the fake fleet: an old key that cannot be exported', () => {
  test('default: the plan says the worker keeps its old certificate; no delete step; the grant finds the new key by its FQDN CN', async () => {
    // Given worker1's old key is not exportable, and the default oldCertificate=delete
    const {fleet, value, plan, describe: lines} = await preparedOldStays(PARAMS);

    // Then the plan says, before anything runs, that worker1 keeps it and how to remove it later
    assert.equal(plan.oldFate, 'keep');
    assert.ok(
      lines.some((l) => /^keeps {4}old certificate left in LocalMachine\\My, its key cannot be exported \(worker1\): remove it later/.test(l)),
      lines.join('\n'),
    );
    const r = runnerOn(fleet, 'ssis-worker', PARAMS, value);
    assert.deepEqual(
      r.steps.map((s) => s.id),
      ['worker1.import-cert', 'worker1.remove-temp-pfx', 'worker1.root', 'worker1.grant-key', 'worker1.settings', 'master.trust-worker1', 'worker1.restart'],
    );
    assert.ok(r.steps[0]!.plan().some((line) => line.text.includes(`certutil -delstore My ${OLD.thumbprint}`)));
    // And the new certificate carries the FQDN as a CN, the one name winhttpcertcfg -s finds alone
    assert.match(plan.cert.subject, /CN=worker1\.contoso\.local/);
    assert.equal(plan.grantSearch, FQDN_SEARCH);

    // When it runs
    await send(r, {type: 'start'});

    // Then it completes with the old certificate still in My, untouched, and nothing exported
    assertPhase(r, fleet, 'completed');
    assert.equal(fleet.facts('worker1').My, 'old+new');
    assert.equal(fleet.facts('worker1')['key:old'], 'granted');
    assert.equal(fleet.facts('worker1')['key:new'], 'granted');
    assert.equal(setting(fleet), plan.cert.thumbprint);
    assert.ok(!fleet.commandLines().some((line) => /Export-PfxCertificate|-delstore My/.test(line)), fleet.commandLines().join('\n'));
    r.close();
  });

  test('oldCertificate=delete-unrecoverable: deleted last, after the restart, with its own confirmation saying no rollback brings it back', async () => {
    // Given the admin chose to delete unexportable old certificates
    const params = {...PARAMS, oldCertificate: 'delete-unrecoverable'};
    const {fleet, value, plan, describe: lines} = await preparedOldStays(params);
    assert.equal(plan.oldFate, 'delete-unrecoverable');
    assert.ok(lines.some((l) => /^WARNING {2}old certificate deleted with NO way back.*\(worker1\)/.test(l)));

    // When it runs, answering each confirmation by hand
    const r = runnerOn(fleet, 'ssis-worker', params, value, {autoConfirmAll: false});
    assert.deepEqual(r.steps.at(-1)!.id, 'worker1.delete-old-unrecoverable');
    assert.equal(r.steps.at(-1)!.kind, 'delete-certificate-unrecoverable');
    await send(r, {type: 'start'});
    for (let other = waitingStep(r); other && other !== 'worker1.delete-old-unrecoverable'; other = waitingStep(r)) {
      await send(r, {type: 'confirmed', stepId: other, scope: 'step'});
    }

    // Then it waits at the unrecoverable delete once the worker runs on the new certificate, saying so
    const waiting = statusOf(r, 'worker1.delete-old-unrecoverable');
    assert.equal(waiting.kind, 'awaiting-confirmation');
    assert.equal(statusOf(r, 'worker1.restart').kind, 'done');
    const prompt = waiting.kind === 'awaiting-confirmation' ? waiting.prompt : null;
    assert.deepEqual(prompt?.restoreWith, []);
    assert.match(prompt?.warnings.join('\n') ?? '', /its private key is not exportable: certwalk cannot keep a copy, and no rollback can bring this certificate back/);
    assert.equal(fleet.facts('worker1').My, 'old+new');

    // When it is confirmed
    await send(r, {type: 'confirmed', stepId: 'worker1.delete-old-unrecoverable', scope: 'step'});

    // Then the old certificate is gone, the new one stays
    assertPhase(r, fleet, 'completed');
    assert.equal(fleet.facts('worker1').My, 'new');

    // And a rollback changes nothing of that worker: undoing any step would point it at a certificate that is gone
    await send(r, {type: 'rollback-requested'});
    r.close();
    assert.equal(r.snapshot.state.phase, 'rollback-failed');
    assert.equal(fleet.facts('worker1').My, 'new');
    assert.equal(setting(fleet), plan.cert.thumbprint);
    const settingsUndo = statusOf(r, 'worker1.settings');
    assert.match(settingsUndo.kind === 'undo-failed' ? settingsUndo.error : '', /deleted without a way back \(its private key is not exportable\), so worker1 stays on/);
  });

  test('an unknown oldCertificate value is refused before any command', async () => {
    const fleet = newFleet();
    const result = await findProcedure('ssis-worker').prepare(fleet, {...PARAMS, oldCertificate: 'remove'}, prepareContext());
    assert.deepEqual(result.ok ? null : result.errors, {oldCertificate: '"remove" is not one of delete, keep, delete-unrecoverable'});
    assert.deepEqual(fleet.commandLines(), []);
  });
});

describe('ssis-worker on the fake fleet: the settings file is found from the service', () => {
  const D_BINN = 'D:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn';
  // sc qc's BINARY_PATH_NAME: the quoted executable on D:, with an argument after it.
  const scQcOnD = {
    node: 'worker1',
    command: 'sc.exe',
    args: ['qc', SERVICE],
    stdout: SC_QC.replace(/"C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\(.*?\.exe)"/, `"${D_BINN}\\$1" -service`),
  };

  test('a worker installed on D: has its WorkerSettings.config read and changed there', async () => {
    // Given the worker's service and settings on D:
    const fleet = new FakeFleet([
      {info: MASTER, facts: {Root: 'none'}},
      {
        info: WORKER,
        facts: {My: 'old', 'key:old': 'granted', Root: 'none'},
        files: {[`${D_BINN}\\WorkerSettings.config`]: settingsFile({MasterEndpoint: 'https://master.contoso.local:8391', WorkerHttpsCertThumbprint: OLD.thumbprint})},
      },
    ]);
    fleet.addRows([scQcOnD, ...workerMyRows({thumbprint: 'F'.repeat(40), subject: SUBJECT}, KEPT_PFX).filter((row) => row.command !== 'powershell')]);

    // When prepare reads it
    const value = await prepareOn(fleet, 'ssis-worker', PARAMS);

    // Then the settings step edits the file on D:
    assert.equal((value.resolved as unknown as {workers: {settingsPath: string}[]}).workers[0]!.settingsPath, `${D_BINN}\\WorkerSettings.config`);
    const settings = findProcedure('ssis-worker')
      .steps(value.resolved, value.secrets)
      .find((s) => s.id === 'worker1.settings')!;
    assert.ok(
      settings.plan().some((line) => line.text.includes(`${D_BINN}\\WorkerSettings.config`)),
      JSON.stringify(settings.plan()),
    );
  });

  test('a settings file that is not beside the service is refused, naming every folder looked in', async () => {
    // Given the service on D: and the settings file only on C:
    const fleet = newFleet();
    fleet.addRows([scQcOnD]);
    const result = await findProcedure('ssis-worker').prepare(fleet, PARAMS, prepareContext());

    // Then the refusal names the folders from the executable's up to DTS\Binn, and the binary path
    const folder = `${D_BINN}\\ScaleOut\\WorkerAgent`;
    assert.equal(
      result.ok ? null : result.errors.workers,
      `worker1: WorkerSettings.config is not in ${folder} nor in ${D_BINN}\\ScaleOut nor in ${D_BINN} on worker1 (looked beside the service's BINARY_PATH_NAME "${folder}\\Microsoft.SqlServer.IntegrationServices.Scaleout.WorkerAgent.exe" -service)`,
    );
  });
});
