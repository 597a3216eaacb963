// lync-remove-previous through the real runner on the fake fleet: Remove-CsCertificate -Previous once the previous
// issuer has expired, the pool read until it is gone everywhere; refused at prepare while it is still valid; no undo.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {findProcedure} from '../../src/procedures/index.ts';
import {FakeFleet} from '../helpers/fake-fleet.ts';
import {assertCommands, assertPhase, prepareOn, runnerOn, send, statusOf} from '../helpers/fake-run.ts';
import {FRONT_ENDS, GET_OAUTH, REPLICATION_STATUS, cmdlet, everywhere, poolRows, psLine, type CertReference} from '../helpers/fake-lync.ts';
import {JsonDate} from '../helpers/fake-tool-output.ts';
import {prepareContext} from '../../src/runner/step-files.ts';

const DAY_MS = 86_400_000;
const NOW = new Date();
const PARAMS = {frontEnd: 'fe1', replicationTimeout: '30'};
const REMOVE = 'Remove-CsCertificate -Identity global -Type OAuthTokenIssuer -Previous';
const CURRENT: CertReference = {
  Issuer: 'CN=s2s-2027.contoso.com',
  NotAfter: new JsonDate(new Date(NOW.getTime() + 700 * DAY_MS)),
  NotBefore: new JsonDate(new Date(NOW.getTime() - 30 * DAY_MS)),
  SerialNumber: '0B90657372753266662CB0F193AF2085',
  Subject: 'CN=s2s-2027.contoso.com',
  AlternativeNames: ['s2s-2027.contoso.com'],
  Thumbprint: '96AE838B6576B70DC2322F63064E9904F091D8A8',
  EffectiveDate: null,
  PreviousThumbprint: null,
  PreviousNotAfter: null,
  Use: 'OAuthTokenIssuer',
};
const OLD_THUMB = 'ECFCDE93548B90AC5634B1AD6EE54304FFBF9576';

/** A pool whose previous issuer expired `expiredDaysAgo` days ago (negative: still valid). */
function pool(expiredDaysAgo: number): FakeFleet {
  const withPrevious = {...CURRENT, PreviousThumbprint: OLD_THUMB, PreviousNotAfter: new JsonDate(new Date(NOW.getTime() - expiredDaysAgo * DAY_MS))};
  return new FakeFleet(
    FRONT_ENDS.map((info) => ({info, facts: {oauth: 'with-previous'}})),
    [
      ...poolRows({'with-previous': [withPrevious], 'no-previous': [CURRENT]}, NOW),
      {node: 'fe1', command: 'powershell', args: cmdlet(REMOVE), when: {oauth: 'with-previous'}, ...everywhere('no-previous')},
    ],
  );
}

describe('lync-remove-previous on the fake fleet', () => {
  test('main path: the expired previous issuer is removed and every Front End is read until it is gone', async () => {
    const fleet = pool(3);
    const value = await prepareOn(fleet, 'lync-remove-previous', PARAMS);
    const ranInPrepare = fleet.commands.length;
    const r = runnerOn(fleet, 'lync-remove-previous', PARAMS, value);
    await send(r, {type: 'start'});

    assertPhase(r, fleet, 'completed');
    assertCommands(fleet.commandLines(ranInPrepare), [
      GET_OAUTH('fe1'),
      psLine('fe1', REMOVE),
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
      FRONT_ENDS.map((fe) => fleet.facts(fe.name).oauth),
      ['no-previous', 'no-previous', 'no-previous'],
    );
    assert.equal(statusOf(r, 'fe1.remove-previous').kind, 'done');
    r.close();
  });

  test('a previous issuer still valid is refused at prepare, naming its date, after one read', async () => {
    const fleet = pool(-2);
    const result = await findProcedure('lync-remove-previous').prepare(fleet, PARAMS, prepareContext());
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.errors.frontEnd!, new RegExp(`the previous certificate ${OLD_THUMB} is valid until .*remove it after it expires`));
    assert.deepEqual(fleet.commandLines(), [GET_OAUTH('fe1')]);
  });
});
