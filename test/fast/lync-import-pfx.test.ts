// lync-import-pfx through the real runner on the fake fleet: the admin's PFX on fe1 imported as the global
// OAuthTokenIssuer, its password only on stdin; the pool read back; the rollback sets the captured one again
// (test/procedures/lync.test.ts runs it on the sandbox).
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {describe, test} from 'node:test';
import {createSelfSigned, toPfx} from '../../src/certs/index.ts';
import {findProcedure} from '../../src/procedures/index.ts';
import {FakeFleet} from '../helpers/fake-fleet.ts';
import {assertCommands, assertPhase, prepareOn, runnerOn, send, statusOf} from '../helpers/fake-run.ts';
import {FRONT_ENDS, GET_OAUTH, REPLICATION_STATUS, cmdlet, everywhere, poolRows, psLine, referenceOf, type CertReference} from '../helpers/fake-lync.ts';
import {JsonDate} from '../helpers/fake-tool-output.ts';
import {prepareContext} from '../../src/runner/step-files.ts';

const PFX_PATH = 'C:\\Certificates\\ServerToServerAuth.pfx';
const NOW = new Date();
const CURRENT: CertReference = {
  Issuer: 'CN=s2s.contoso.com',
  NotAfter: new JsonDate(new Date(NOW.getTime() + 60 * 86_400_000)),
  NotBefore: new JsonDate(new Date(NOW.getTime() - 300 * 86_400_000)),
  SerialNumber: '21B490FDFA06C817001812516014AE0E',
  Subject: 'CN=s2s.contoso.com',
  AlternativeNames: ['s2s.contoso.com'],
  Thumbprint: 'CAE02EF8477FB30AB8E5950EDE5696572111D4D9',
  EffectiveDate: null,
  PreviousThumbprint: null,
  PreviousNotAfter: null,
  Use: 'OAuthTokenIssuer',
};
const IMPORT = `$password = [Console]::In.ReadLine(); Import-CsCertificate -Identity global -Type OAuthTokenIssuer -Path '${PFX_PATH}' -Password $password`;
const SET_BACK = `Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint '${CURRENT.Thumbprint}'`;

// A password of this run only: the tests look for it in every command line certwalk ran.
const PASSWORD = randomBytes(12).toString('base64url');
// One certificate and PFX per file, each test on a fresh fleet: an RSA key and a PFX take a few hundred milliseconds each.
const MADE = createSelfSigned({commonNames: ['s2s-2027.contoso.com'], dnsNames: ['s2s-2027.contoso.com'], keyBits: 2048, validDays: 730});
const PFX = MADE.then((made) => toPfx(made, PASSWORD));

async function prepared() {
  const made = await MADE;
  const pfx = await PFX;
  const password = PASSWORD;
  // Imported without -Roll it is current at once; the previous slot keeps what it held (nothing), as the sandbox models it.
  const imported = referenceOf(made, 'OAuthTokenIssuer', ['s2s-2027.contoso.com']);
  const fleet = new FakeFleet(
    FRONT_ENDS.map((info) => ({info, facts: {oauth: 'current'}, ...(info.name === 'fe1' ? {files: {[PFX_PATH]: pfx}} : {})})),
    [
      ...poolRows({current: [CURRENT], imported: [imported]}, NOW),
      {
        node: 'fe1',
        command: 'powershell',
        args: cmdlet('\\$password = \\[Console\\]::In\\.ReadLine\\(\\)\\nImport-CsCertificate -Identity global -Type OAuthTokenIssuer'),
        when: {oauth: 'current'},
        ...everywhere('imported'),
      },
      {
        node: 'fe1',
        command: 'powershell',
        args: cmdlet(`Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint '${CURRENT.Thumbprint}'`),
        when: {oauth: 'imported'},
        ...everywhere('current'),
      },
    ],
  );
  const params = {frontEnd: 'fe1', pfx: PFX_PATH, password, replicationTimeout: '30'};
  const value = await prepareOn(fleet, 'lync-import-pfx', params);
  return {fleet, value, made, params, password, ranInPrepare: fleet.commandLines()};
}

describe('lync-import-pfx on the fake fleet', () => {
  test('main path: Import-CsCertificate reads the password from stdin, never from its command line; the pool holds the new issuer', async () => {
    // Given a PFX on fe1 and a pool on the s2s certificate
    const {fleet, value, made, params, password, ranInPrepare} = await prepared();

    // When the procedure runs
    const r = runnerOn(fleet, 'lync-import-pfx', params, value);
    await send(r, {type: 'start'});

    // Then it completes with exactly these commands, none of them holding the password
    assertPhase(r, fleet, 'completed');
    assertCommands(fleet.commandLines(ranInPrepare.length), [
      GET_OAUTH('fe1'),
      psLine('fe1', IMPORT),
      GET_OAUTH('fe1'),
      REPLICATION_STATUS,
      GET_OAUTH('fe1'),
      GET_OAUTH('fe2'),
      GET_OAUTH('fe3'),
      REPLICATION_STATUS,
      GET_OAUTH('fe1'),
      GET_OAUTH('fe2'),
      GET_OAUTH('fe3'),
    ]);
    assert.deepEqual(
      fleet.commandLines().filter((line) => line.includes(password)),
      [],
    );
    const change = statusOf(r, 'fe1.import-oauth');
    assert.equal(change.kind, 'done');
    assert.ok(
      change.changes.some((c) => c.before === CURRENT.Thumbprint && c.after === made.info.thumbprint),
      JSON.stringify(change.changes),
    );
    r.close();
  });

  test('rollback: the captured current certificate is set again on every Front End', async () => {
    // Given a completed run
    const {fleet, value, params} = await prepared();
    const r = runnerOn(fleet, 'lync-import-pfx', params, value);
    await send(r, {type: 'start'});
    assertPhase(r, fleet, 'completed');
    const ranBefore = fleet.commands.length;

    // When it is rolled back
    await send(r, {type: 'rollback-requested'});

    // Then
    assertPhase(r, fleet, 'rolled-back');
    assertCommands(fleet.commandLines(ranBefore), [GET_OAUTH('fe1'), psLine('fe1', SET_BACK), GET_OAUTH('fe1'), GET_OAUTH('fe1'), GET_OAUTH('fe2'), GET_OAUTH('fe3')]);
    assert.deepEqual(
      FRONT_ENDS.map((fe) => fleet.facts(fe.name).oauth),
      ['current', 'current', 'current'],
    );
    r.close();
  });

  test('a wrong password is refused at prepare, before any command, without the password in the error', async () => {
    const {fleet, params} = await prepared();
    const ran = fleet.commands.length;
    const result = await findProcedure('lync-import-pfx').prepare(fleet, {...params, password: 'Wr0ng-guess'}, prepareContext());
    assert.equal(result.ok, false);
    assert.deepEqual(result.ok ? null : result.errors, {password: `this password does not open ${PFX_PATH}`});
    assert.equal(fleet.commands.length, ran);
  });
});
