// lync-assign-default through the real runner on the fake fleet: the Front End's Default certificate becomes the
// global OAuthTokenIssuer, the pool is read until every Front End has it; the rollback sets the previous one back
// (test/procedures/lync.test.ts runs the Lync procedures on the sandbox).
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {createSelfSigned, type MadeCert} from '../../src/certs/index.ts';
import {FakeFleet, type ToolRow} from '../helpers/fake-fleet.ts';
import {assertCommands, assertPhase, prepareOn, runnerOn, send, statusOf} from '../helpers/fake-run.ts';
import {
  FRONT_ENDS,
  GET_OAUTH,
  REPLICATION_STATUS as STATUS,
  cmdlet,
  everywhere,
  myStoreRows,
  poolRows,
  psLine,
  referenceOf,
  type CertReference,
  type KeyFacts,
} from '../helpers/fake-lync.ts';
import {JsonDate, convertToJson} from '../helpers/fake-tool-output.ts';
import {findProcedure} from '../../src/procedures/index.ts';
import {prepareContext} from '../../src/runner/step-files.ts';

const PARAMS = {frontEnd: 'fe1', replicationTimeout: '30'};
const POOL_NAMES = ['pool01.contoso.com', 'fe1.contoso.com', 'fe2.contoso.com', 'fe3.contoso.com', 'sip.contoso.com'];

// The token issuer in use: a certificate of its own (only its properties are read, never its bytes).
const S2S: CertReference = {
  Issuer: 'CN=s2s.contoso.com',
  NotAfter: new JsonDate(new Date('2027-02-05T16:20:42Z')),
  NotBefore: new JsonDate(new Date('2026-02-05T16:20:42Z')),
  SerialNumber: '21B490FDFA06C817001812516014AE0E',
  Subject: 'CN=s2s.contoso.com',
  AlternativeNames: ['s2s.contoso.com'],
  Thumbprint: 'CAE02EF8477FB30AB8E5950EDE5696572111D4D9',
  EffectiveDate: null,
  PreviousThumbprint: null,
  PreviousNotAfter: null,
  Use: 'OAuthTokenIssuer',
};

/** Each Front End's replica is `s2s` or `default` (the Default certificate assigned). */
function tableFor(made: MadeCert, now: Date, key: KeyFacts = {}): ToolRow[] {
  const thumb = made.info.thumbprint;
  return [
    {node: 'fe1', command: 'powershell', args: cmdlet('Get-CsCertificate -Type Default'), stdout: convertToJson(referenceOf(made, 'Default', POOL_NAMES))},
    ...myStoreRows([made], key),
    ...poolRows({s2s: [S2S], default: [referenceOf(made, 'OAuthTokenIssuer', POOL_NAMES)]}, now),
    {
      node: 'fe1',
      command: 'powershell',
      args: cmdlet(`Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint '${thumb}'`),
      when: {oauth: 's2s'},
      ...everywhere('default'),
    },
    {
      node: 'fe1',
      command: 'powershell',
      args: cmdlet(`Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint '${S2S.Thumbprint}'`),
      when: {oauth: 'default'},
      ...everywhere('s2s'),
    },
  ];
}

// One certificate per file, each test on a fresh fleet: an RSA key takes a few hundred milliseconds.
const MADE = createSelfSigned({commonNames: ['pool01.contoso.com'], dnsNames: POOL_NAMES, keyBits: 2048, validDays: 730});

async function prepared() {
  const made = await MADE;
  const fleet = new FakeFleet(
    FRONT_ENDS.map((info) => ({info, facts: {oauth: 's2s'}})),
    tableFor(made, new Date()),
  );
  const value = await prepareOn(fleet, 'lync-assign-default', PARAMS);
  return {fleet, value, made, ranInPrepare: fleet.commandLines()};
}

const SET = (thumb: string) => psLine('fe1', `Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint '${thumb}'`);

describe('lync-assign-default on the fake fleet', () => {
  test('main path: Set-CsCertificate with the Default thumbprint read at prepare, then every Front End read until it has it', async () => {
    // Given a pool of three Front Ends whose token issuer is the s2s certificate
    const {fleet, value, made, ranInPrepare} = await prepared();
    assertCommands(ranInPrepare, [
      "fe1: powershell $ErrorActionPreference = 'Stop'; Get-CsCertificate -Type Default | Select-Object * | ConvertTo-Json -Depth 3",
      'fe1: certutil -store My',
      `fe1: certutil -store My ${made.info.thumbprint} C:\\Windows\\Temp\\certwalk-${made.info.thumbprint}.cer`,
      "fe1: powershell $ErrorActionPreference = 'Stop'; Get-CsSipDomain | Select-Object * | ConvertTo-Json -Depth 3",
      GET_OAUTH('fe1'),
    ]);

    // When the procedure runs
    const r = runnerOn(fleet, 'lync-assign-default', PARAMS, value);
    await send(r, {type: 'start'});

    // Then it completes with exactly these commands, every Front End checked
    assertPhase(r, fleet, 'completed');
    assertCommands(fleet.commandLines(ranInPrepare.length), [
      // assign-oauth: capture, change, read back
      GET_OAUTH('fe1'),
      SET(made.info.thumbprint),
      GET_OAUTH('fe1'),
      // replication: the CMS's status and each Front End's replica, while waiting and again to verify
      STATUS,
      GET_OAUTH('fe1'),
      GET_OAUTH('fe2'),
      GET_OAUTH('fe3'),
      STATUS,
      GET_OAUTH('fe1'),
      GET_OAUTH('fe2'),
      GET_OAUTH('fe3'),
    ]);
    const replication = statusOf(r, 'fe1.replication');
    assert.equal(replication.kind, 'done');
    assert.deepEqual(
      replication.checks.map((c) => [c.what, c.ok]),
      FRONT_ENDS.map((fe) => [`${fe.name} (${fe.fqdn})`, true]),
    );
    const assign = statusOf(r, 'fe1.assign-oauth');
    assert.equal(assign.kind, 'done');
    assert.ok(
      assign.checks.every((c) => c.ok),
      JSON.stringify(assign.checks),
    );
    assert.ok(
      assign.changes.some((c) => c.before === S2S.Thumbprint && c.after === made.info.thumbprint),
      `a row from ${S2S.Thumbprint} to ${made.info.thumbprint}: ${JSON.stringify(assign.changes)}`,
    );
    r.close();
  });

  test('rollback: the captured s2s certificate is set back and the pool is read until every Front End has it', async () => {
    // Given a completed run
    const {fleet, value} = await prepared();
    const r = runnerOn(fleet, 'lync-assign-default', PARAMS, value);
    await send(r, {type: 'start'});
    assertPhase(r, fleet, 'completed');
    const ranBefore = fleet.commands.length;

    // When it is rolled back
    await send(r, {type: 'rollback-requested'});

    // Then the old thumbprint goes back through fe1, read back on every Front End
    assertPhase(r, fleet, 'rolled-back');
    assertCommands(fleet.commandLines(ranBefore), [
      // the undo compares the whole configuration with what the change left, sets the captured one, reads it back
      GET_OAUTH('fe1'),
      SET(S2S.Thumbprint),
      GET_OAUTH('fe1'),
      // and waits for every Front End to hold it (the replication step's own undo runs nothing)
      GET_OAUTH('fe1'),
      GET_OAUTH('fe2'),
      GET_OAUTH('fe3'),
    ]);
    const undo = statusOf(r, 'fe1.assign-oauth');
    assert.equal(undo.kind, 'undone');
    assert.match(undo.report, new RegExp(`current ${S2S.Thumbprint}`));
    assert.deepEqual(
      FRONT_ENDS.map((fe) => fleet.facts(fe.name).oauth),
      ['s2s', 's2s', 's2s'],
    );
    r.close();
  });

  test("Set-CsCertificate fails: the step fails with the cmdlet's error, the pool is not waited for", async () => {
    // Given the cmdlet refuses (a PowerShell error record, docs/TOOL-OUTPUT.md)
    const {fleet, value, made} = await prepared();
    const refusal = [
      'Set-CsCertificate : Command execution failed: The RPC server is unavailable. (Exception from HRESULT: 0x800706BA)',
      'At line:2 char:1',
      '    + CategoryInfo          : InvalidOperation: (:) [Set-CsCertificate], RpcException',
      '    + FullyQualifiedErrorId : InvalidOperation,Microsoft.Rtc.Management.Deployment.SetCertificateCmdlet',
      ' ',
      '',
    ].join('\r\n');
    fleet.override([{node: 'fe1', command: 'powershell', args: cmdlet('Set-CsCertificate'), stderr: refusal, exitCode: 1}]);

    // When the procedure runs
    const r = runnerOn(fleet, 'lync-assign-default', PARAMS, value);
    await send(r, {type: 'start'});

    // Then the assign step failed in do with the cmdlet's message, and no Front End was polled
    assertPhase(r, fleet, 'failed');
    const assign = statusOf(r, 'fe1.assign-oauth');
    assert.equal(assign.kind, 'failed');
    assert.equal(assign.phase, 'do');
    assert.match(assign.error, /The RPC server is unavailable/);
    assert.equal(fleet.commandLines().at(-1), SET(made.info.thumbprint));
    assert.equal(statusOf(r, 'fe1.replication').kind, 'pending');
    assert.deepEqual(fleet.unanswered, []);
    r.close();
  });

  for (const [what, key, expected] of [
    ['a key that is not exportable', {exportable: false}, /its private key is not exportable: the global token issuer is replicated with its key to every Front End/],
    ['no private key', {withKey: false}, /it has no private key: the token issuer signs with it/],
  ] as const) {
    test(`a Default certificate with ${what} is refused at prepare by the check lync-roll shares, before any change`, async () => {
      // Given fe1's Default certificate listed by certutil with that key
      const made = await MADE;
      const fleet = new FakeFleet(
        FRONT_ENDS.map((info) => ({info, facts: {oauth: 's2s'}})),
        tableFor(made, new Date(), key),
      );

      // When the parameters are checked
      const result = await findProcedure('lync-assign-default').prepare(fleet, PARAMS, prepareContext());

      // Then it is refused under frontEnd, naming the certificate and why
      assert.equal(result.ok, false);
      const message = result.ok ? '' : (result.errors.frontEnd ?? '');
      assert.ok(message.startsWith(`the Default certificate ${made.info.thumbprint} (${made.info.subject}) cannot be the token issuer: `), message);
      assert.match(message, expected);
      assert.ok(fleet.commandLines().every((line) => !/Set-CsCertificate/.test(line)));
      assert.deepEqual(fleet.unanswered, []);
    });
  }
});
