// lync-manual through the real runner on the fake fleet: a checklist the admin ticks, one prompt at a time, with no
// command run for any item; given a thumbprint, the last step reads every Front End until it holds it.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {FakeFleet} from '../helpers/fake-fleet.ts';
import {assertCommands, assertPhase, prepareOn, runnerOn, send, statusOf} from '../helpers/fake-run.ts';
import {FRONT_ENDS, GET_OAUTH, REPLICATION_STATUS, poolRows, type CertReference} from '../helpers/fake-lync.ts';
import {JsonDate} from '../helpers/fake-tool-output.ts';

const NOW = new Date();
const MOVED: CertReference = {
  Issuer: 'CN=s2s-2027.contoso.com',
  NotAfter: new JsonDate(new Date(NOW.getTime() + 700 * 86_400_000)),
  NotBefore: new JsonDate(new Date(NOW.getTime() - 30 * 86_400_000)),
  SerialNumber: '0B90657372753266662CB0F193AF2085',
  Subject: 'CN=s2s-2027.contoso.com',
  AlternativeNames: ['s2s-2027.contoso.com'],
  Thumbprint: '96AE838B6576B70DC2322F63064E9904F091D8A8',
  EffectiveDate: null,
  PreviousThumbprint: null,
  PreviousNotAfter: null,
  Use: 'OAuthTokenIssuer',
};
const PARAMS = {frontEnd: 'fe1', thumbprint: MOVED.Thumbprint, pfx: 'C:\\Certificates\\ServerToServerAuth.pfx', replicationTimeout: '30'};

describe('lync-manual on the fake fleet', () => {
  test('each item waits for its tick and runs nothing; the closing read-back checks every Front End', async () => {
    // Given a pool that (after the admin's work) holds the moved certificate everywhere
    const fleet = new FakeFleet(
      FRONT_ENDS.map((info) => ({info, facts: {oauth: 'moved'}})),
      poolRows({moved: [MOVED]}, NOW),
    );
    const value = await prepareOn(fleet, 'lync-manual', PARAMS);
    const r = runnerOn(fleet, 'lync-manual', PARAMS, value, {autoConfirmAll: false});
    const checklist = r.steps.filter((s) => s.manual).map((s) => s.id);
    assert.ok(checklist.length >= 4, checklist.join(', '));

    // When the admin ticks each item in turn
    await send(r, {type: 'start'});
    for (const id of checklist) {
      // Then the procedure waits on exactly that item, having run no command
      assert.equal(r.snapshot.state.steps[r.snapshot.state.current ?? -1]?.info.id, id);
      assert.equal(statusOf(r, id).kind, 'awaiting-confirmation');
      assert.deepEqual(fleet.commands, []);
      await send(r, {type: 'confirmed', stepId: id, scope: 'step'});
    }

    // And the last step read the pool, every Front End holding the thumbprint
    assertPhase(r, fleet, 'completed');
    assertCommands(fleet.commandLines(), [
      REPLICATION_STATUS,
      GET_OAUTH('fe1'),
      GET_OAUTH('fe2'),
      GET_OAUTH('fe3'),
      REPLICATION_STATUS,
      GET_OAUTH('fe1'),
      GET_OAUTH('fe2'),
      GET_OAUTH('fe3'),
    ]);
    const verify = statusOf(r, 'fe1.manual-verify');
    assert.equal(verify.kind, 'done');
    assert.ok(
      verify.checks.every((c) => c.ok),
      JSON.stringify(verify.checks),
    );
    r.close();
  });
});
