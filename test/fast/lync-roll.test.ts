// lync-roll through the real runner on the fake fleet: a new OAuthTokenIssuer staged with -Roll at an effective date
// built inside PowerShell, the pool read until every Front End holds the staged roll; the rollback sets the captured
// current certificate again, which drops the roll (test/procedures/lync.test.ts runs it on the sandbox).
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {createSelfSigned, type MadeCert} from '../../src/certs/index.ts';
import {FakeFleet, type ToolRow} from '../helpers/fake-fleet.ts';
import {assertCommands, assertPhase, prepareOn, runnerOn, send, statusOf} from '../helpers/fake-run.ts';
import {
  FRONT_ENDS,
  GET_OAUTH,
  REPLICATION_STATUS,
  cmdlet,
  everywhere,
  myStoreRows,
  poolRows,
  psLine,
  referenceOf,
  type CertReference,
  type KeyFacts,
} from '../helpers/fake-lync.ts';
import {JsonDate} from '../helpers/fake-tool-output.ts';
import {findProcedure} from '../../src/procedures/index.ts';
import {prepareContext} from '../../src/runner/step-files.ts';

const DAY_MS = 86_400_000;
const NOW = new Date();
/** A whole hour a month ahead: before the current certificate's expiry less the documented 24 hours. */
const EFFECTIVE = new Date(Math.floor((NOW.getTime() + 30 * DAY_MS) / 3_600_000) * 3_600_000);
const EFFECTIVE_TEXT = EFFECTIVE.toISOString().replace('.000Z', 'Z');

// The token issuer in use until two months from now (only its properties are read).
const CURRENT: CertReference = {
  Issuer: 'CN=s2s.contoso.com',
  NotAfter: new JsonDate(new Date(NOW.getTime() + 60 * DAY_MS)),
  NotBefore: new JsonDate(new Date(NOW.getTime() - 300 * DAY_MS)),
  SerialNumber: '21B490FDFA06C817001812516014AE0E',
  Subject: 'CN=s2s.contoso.com',
  AlternativeNames: ['s2s.contoso.com'],
  Thumbprint: 'ECFCDE93548B90AC5634B1AD6EE54304FFBF9576',
  EffectiveDate: null,
  PreviousThumbprint: null,
  PreviousNotAfter: null,
  Use: 'OAuthTokenIssuer',
};

const ROLL = (thumb: string) => `Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint '${thumb}' -EffectiveDate $effective -Roll`;
const SET_BACK = `Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint '${CURRENT.Thumbprint}'`;

/** Each replica is `current` (no roll) or `staged` (the new certificate waiting for its date, the current one named previous). */
function tableFor(made: MadeCert): ToolRow[] {
  const staged = {
    ...referenceOf(made, 'OAuthTokenIssuer', ['s2s-2027.contoso.com']),
    EffectiveDate: new JsonDate(EFFECTIVE),
    PreviousThumbprint: CURRENT.Thumbprint,
    PreviousNotAfter: CURRENT.NotAfter,
  };
  const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [
    ...poolRows({current: [CURRENT], staged: [CURRENT, staged]}, NOW),
    {node: 'fe1', command: 'powershell', args: cmdlet(escaped(ROLL(made.info.thumbprint))), when: {oauth: 'current'}, ...everywhere('staged')},
    {node: 'fe1', command: 'powershell', args: cmdlet(escaped(SET_BACK)), when: {oauth: 'staged'}, ...everywhere('current')},
  ];
}

// One certificate per file, each test on a fresh fleet: an RSA key takes a few hundred milliseconds.
const MADE = createSelfSigned({commonNames: ['s2s-2027.contoso.com'], dnsNames: ['s2s-2027.contoso.com'], keyBits: 2048, validDays: 730});

function fleetFor(made: MadeCert, key: KeyFacts = {}): FakeFleet {
  return new FakeFleet(
    FRONT_ENDS.map((info) => ({info, facts: {oauth: 'current'}})),
    [...myStoreRows([made], key), ...tableFor(made)],
  );
}

async function prepared() {
  const made = await MADE;
  const fleet = fleetFor(made);
  const params = {frontEnd: 'fe1', thumbprint: made.info.thumbprint, effectiveDate: EFFECTIVE_TEXT, replicationTimeout: '30'};
  const value = await prepareOn(fleet, 'lync-roll', params);
  return {fleet, value, made, params, ranInPrepare: fleet.commandLines()};
}

describe('lync-roll on the fake fleet', () => {
  test('main path: the date parsed as ISO 8601 inside PowerShell, -Roll, then every Front End holds the staged roll', async () => {
    // Given a pool whose token issuer expires in two months and a new certificate in fe1's My
    const {fleet, value, made, params, ranInPrepare} = await prepared();

    // When the procedure runs
    const r = runnerOn(fleet, 'lync-roll', params, value);
    await send(r, {type: 'start'});

    // Then it completes with exactly these commands
    assertPhase(r, fleet, 'completed');
    const rolled = `[DateTime]::Parse('${EFFECTIVE_TEXT}', [Globalization.CultureInfo]::InvariantCulture, 'AdjustToUniversal'); ${ROLL(made.info.thumbprint)}`;
    assertCommands(fleet.commandLines(ranInPrepare.length), [
      GET_OAUTH('fe1'),
      psLine('fe1', `$effective = ${rolled}`),
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
    // And every Front End was seen holding the roll
    const replication = statusOf(r, 'fe1.replication');
    assert.equal(replication.kind, 'done');
    assert.deepEqual(
      replication.checks.map((c) => c.ok),
      [true, true, true],
    );
    assert.deepEqual(
      FRONT_ENDS.map((fe) => fleet.facts(fe.name).oauth),
      ['staged', 'staged', 'staged'],
    );
    r.close();
  });

  test('rollback: the captured current certificate is set again (no -Roll), which drops the staged roll everywhere', async () => {
    // Given a completed run
    const {fleet, value, params} = await prepared();
    const r = runnerOn(fleet, 'lync-roll', params, value);
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

  test('someone staged another roll since the plan: the undo refuses as a conflict and changes nothing', async () => {
    // Given a completed run, then another roll staged by hand (a later change on the CMS)
    const {fleet, value, params, made} = await prepared();
    const r = runnerOn(fleet, 'lync-roll', params, value);
    await send(r, {type: 'start'});
    assertPhase(r, fleet, 'completed');
    const other = {
      ...referenceOf(made, 'OAuthTokenIssuer', ['s2s-2027.contoso.com']),
      Thumbprint: '0123456789ABCDEF0123456789ABCDEF01234567',
      EffectiveDate: new JsonDate(EFFECTIVE),
      PreviousThumbprint: CURRENT.Thumbprint,
    };
    fleet.override(poolRows({staged: [CURRENT, other]}, NOW).slice(0, FRONT_ENDS.length));
    const ranBefore = fleet.commands.length;

    // When it is rolled back
    await send(r, {type: 'rollback-requested'});

    // Then the undo read the configuration, found the other roll and set nothing
    assertPhase(r, fleet, 'rollback-failed');
    const undo = statusOf(r, 'fe1.roll-oauth');
    assert.equal(undo.kind, 'undo-failed');
    assert.equal(undo.kind === 'undo-failed' && undo.conflict, true);
    assert.match(undo.kind === 'undo-failed' ? undo.error : '', /0123456789ABCDEF0123456789ABCDEF01234567/);
    assertCommands(fleet.commandLines(ranBefore), [GET_OAUTH('fe1')]);
    r.close();
  });

  /** prepare's answer for the new certificate at `effectiveDate`, on a fleet whose My lists it with `key`. */
  async function prepareAt(effectiveDate: string, key: KeyFacts = {}) {
    const made = await MADE;
    const fleet = fleetFor(made, key);
    const params = {frontEnd: 'fe1', thumbprint: made.info.thumbprint, effectiveDate, replicationTimeout: '30'};
    const result = await findProcedure('lync-roll').prepare(fleet, params, prepareContext());
    return {fleet, result, made};
  }
  const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const CURRENT_EXPIRY = CURRENT.NotAfter.date;

  for (const [what, date] of [
    ['at', CURRENT_EXPIRY],
    ['a day after', new Date(CURRENT_EXPIRY.getTime() + DAY_MS)],
  ] as const) {
    test(`an effective date ${what} the current certificate's expiry is refused with both dates, and nothing changes`, async () => {
      // Given a current certificate that expires in two months, and a date that leaves no valid token issuer
      const {fleet, result} = await prepareAt(date.toISOString());

      // Then prepare refuses under effectiveDate, naming the date and the expiry
      assert.equal(result.ok, false);
      const message = result.ok ? '' : (result.errors.effectiveDate ?? '');
      assert.ok(message.includes(`${iso(date)} is at or after the current certificate ${CURRENT.Thumbprint} expires (${iso(CURRENT_EXPIRY)})`), message);
      // And only reads ran
      assert.ok(
        fleet.commandLines().every((line) => !/Set-CsCertificate|Remove-CsCertificate/.test(line)),
        fleet.commandLines().join('\n'),
      );
      assert.deepEqual(fleet.unanswered, []);
    });
  }

  test('an effective date less than 24 hours before the expiry is still allowed, with the documented rule as a warning', async () => {
    const {result} = await prepareAt(iso(new Date(CURRENT_EXPIRY.getTime() - 12 * 3_600_000)));
    assert.ok(result.ok, JSON.stringify(result.ok ? null : result.errors));
    const describe = findProcedure('lync-roll').describe(result.value.resolved).join('\n');
    assert.match(describe, /warning {2}the effective date is less than 24 hours before the current certificate expires/);
  });

  test('a date a day and more before the expiry carries no warning', async () => {
    const {result} = await prepareAt(EFFECTIVE_TEXT);
    assert.ok(result.ok, JSON.stringify(result.ok ? null : result.errors));
    assert.doesNotMatch(findProcedure('lync-roll').describe(result.value.resolved).join('\n'), /warning {2}the effective date/);
  });

  for (const [what, key, expected] of [
    ['a key that is not exportable', {exportable: false}, /cannot be the token issuer: its private key is not exportable: the global token issuer is replicated with its key/],
    ['no private key', {withKey: false}, /cannot be the token issuer: it has no private key/],
  ] as const) {
    test(`a new certificate with ${what} is refused by the check lync-assign-default shares`, async () => {
      const {fleet, result, made} = await prepareAt(EFFECTIVE_TEXT, key);
      assert.equal(result.ok, false);
      const message = result.ok ? '' : (result.errors.thumbprint ?? '');
      assert.ok(message.startsWith(`${made.info.thumbprint} (${made.info.subject})`), message);
      assert.match(message, expected);
      assert.ok(fleet.commandLines().every((line) => !/Set-CsCertificate/.test(line)));
    });
  }
});
