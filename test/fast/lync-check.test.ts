// lync-check through the real runner on the fake fleet: it only reads, the CMS's replication status and every Front
// End's token issuer, and its read-back fails naming a Front End that holds something else.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {FakeFleet} from '../helpers/fake-fleet.ts';
import {assertCommands, assertPhase, prepareOn, runnerOn, send, statusOf} from '../helpers/fake-run.ts';
import {FRONT_ENDS, GET_OAUTH, REPLICATION_STATUS, cmdlet, poolRows, type CertReference} from '../helpers/fake-lync.ts';
import {JsonDate, convertToJson} from '../helpers/fake-tool-output.ts';

const NOW = new Date();
const PARAMS = {frontEnd: 'fe1'};
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
const OLDER: CertReference = {...CURRENT, Thumbprint: '0123456789ABCDEF0123456789ABCDEF01234567', Subject: 'CN=s2s-2025.contoso.com', Issuer: 'CN=s2s-2025.contoso.com'};

async function run(fleet: FakeFleet) {
  const value = await prepareOn(fleet, 'lync-check', PARAMS);
  const ranInPrepare = fleet.commands.length;
  const r = runnerOn(fleet, 'lync-check', PARAMS, value);
  await send(r, {type: 'start'});
  return {r, ran: fleet.commandLines(ranInPrepare)};
}

describe('lync-check on the fake fleet', () => {
  test('a pool in agreement: one status read and every Front End read, all checks green, nothing changed', async () => {
    const fleet = new FakeFleet(
      FRONT_ENDS.map((info) => ({info, facts: {oauth: 'current'}})),
      poolRows({current: [CURRENT]}, NOW),
    );
    const {r, ran} = await run(fleet);
    assertPhase(r, fleet, 'completed');
    assertCommands(ran, [REPLICATION_STATUS, GET_OAUTH('fe1'), GET_OAUTH('fe2'), GET_OAUTH('fe3')]);
    const status = statusOf(r, 'fe1.check-oauth');
    assert.equal(status.kind, 'done');
    assert.deepEqual(
      status.checks.map((c) => [c.what, c.ok]),
      [['OAuthTokenIssuer assigned', true], ...FRONT_ENDS.map((fe) => [`${fe.name} (${fe.fqdn})`, true])],
    );
    assert.ok(
      status.changes.every((c) => c.before === c.after && c.after === CURRENT.Thumbprint),
      JSON.stringify(status.changes),
    );
    r.close();
  });

  test('fe3 holds an older issuer and its replica is behind: the check fails naming fe3', async () => {
    // Given fe3 missed the last change (its replica and the CMS's status say so)
    const behind = FRONT_ENDS.map((fe) => ({
      UpToDate: fe.name !== 'fe3',
      ReplicaFqdn: fe.fqdn,
      LastStatusReport: new JsonDate(NOW),
      LastUpdateCreation: new JsonDate(NOW),
      ProductVersion: '5.0.8308.0',
    }));
    const fleet = new FakeFleet(
      FRONT_ENDS.map((info) => ({info, facts: {oauth: info.name === 'fe3' ? 'older' : 'current'}})),
      [
        {node: 'fe1', command: 'powershell', args: cmdlet('Get-CsManagementStoreReplicationStatus'), stdout: convertToJson(behind)},
        ...poolRows({current: [CURRENT], older: [OLDER]}, NOW),
      ],
    );

    // When the check runs
    const {r} = await run(fleet);

    // Then its read-back failed on fe3 alone
    assertPhase(r, fleet, 'failed');
    const status = statusOf(r, 'fe1.check-oauth');
    assert.equal(status.kind, 'failed');
    assert.equal(status.phase, 'verify');
    assert.deepEqual(
      status.checks?.filter((c) => !c.ok).map((c) => c.what),
      ['fe3 (fe3.contoso.com)'],
    );
    assert.match(status.error, new RegExp(`fe3 \\(fe3\\.contoso\\.com\\): expected same as fe1, observed current ${OLDER.Thumbprint}.*NOT up to date`));
    r.close();
  });
});
