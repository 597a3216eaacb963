// The Lync Server 2013 OAuthTokenIssuer procedures end to end on a sandbox pool: the real runner, journal,
// transcript, and the simulated powershell.exe (each command a real process). Every refusal the issue lists, run +
// rollback back to the exact prior `sandbox show` state, and a Front End whose replication never catches up.
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import {createSelfSigned, toPfx} from '../../src/certs/index.ts';
import {addFault, initSandbox, SandboxFleet, showSandbox} from '../../src/hosts/sandbox/index.ts';
import type {InitOptions} from '../../src/hosts/sandbox/index.ts';
import {DEMO_PFX_PASSWORD, DEMO_PFX_PATH, DEMO_WEAK_PFX_PATH} from '../../src/hosts/sandbox/lync-demo.ts';
import {EMPTY_OAUTH, withRevision} from '../../src/hosts/sandbox/lync-state.ts';
import {readNodeState, updateNodeState} from '../../src/hosts/sandbox/state.ts';
import {cmsCertificateFromDer} from '../../src/hosts/sandbox/tools/lync-cmdlets.ts';
import {NO_TOKEN_ISSUER} from '../../src/procedures/lync-check.ts';
import type {Lab} from '../helpers/procedure.ts';
import {prepare, runner, send} from '../helpers/procedure.ts';
import {useFreshSandboxTool} from '../helpers/sandbox-tool.ts';

// Every folder a test makes, removed at the end (the sandbox tool's too).
const roots: string[] = [];
before(async () => {
  const toolDir = mkdtempSync(join(tmpdir(), 'certwalk-lync-tool-'));
  roots.push(toolDir);
  await useFreshSandboxTool(toolDir);
});
after(() => {
  for (const root of roots) rmSync(root, {recursive: true, force: true});
});

async function lyncLab(options: InitOptions = {}): Promise<Lab> {
  const root = mkdtempSync(join(tmpdir(), 'certwalk-lync-'));
  roots.push(root);
  const dir = join(root, 'sandbox');
  await initSandbox(dir, {workers: 0, azureml: false, lyncReplicationDelaySeconds: 0, ...options});
  return {dir, home: join(root, 'home'), fleet: new SandboxFleet(dir), snapshot: () => showSandbox(dir)};
}

async function refused(l: Lab, procedure: string, overrides: Record<string, string>): Promise<Record<string, string>> {
  const {result} = await prepare(l, procedure, overrides);
  assert.equal(result.ok, false, `${procedure} should refuse ${JSON.stringify(overrides)}`);
  return (result as {errors: Record<string, string>}).errors;
}

async function runToEnd(l: Lab, procedure: string, overrides: Record<string, string> = {}) {
  const {params, result} = await prepare(l, procedure, overrides);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  const r = runner(l, procedure, params, result.value);
  await send(r, {type: 'start'});
  return r;
}

const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Puts a file on a node's disk, as an admin copying a PFX there would. */
async function putFile(l: Lab, node: string, path: string, data: Buffer): Promise<void> {
  await (await l.fleet.host(node)).writeFile(path, data);
}

describe('lync-check', () => {
  test('shows the current certificate on every Front End and how long it has', async () => {
    const l = await lyncLab();
    const {definition, result} = await prepare(l, 'lync-check');
    assert.ok(result.ok);
    assert.match(definition.describe(result.value.resolved).join('\n'), /expires in \d+ days .*stage a roll at least 24 hours before that \(lync-roll\)/);
    const r = await runToEnd(l, 'lync-check');
    assert.equal(r.snapshot.state.phase, 'completed');
    const done = r.snapshot.state.steps[0]!.status;
    assert.equal(done.kind, 'done');
    assert.deepEqual(done.kind === 'done' && done.checks.map((c) => c.what), [
      'OAuthTokenIssuer assigned',
      'fe1 (fe1.contoso.com)',
      'fe2 (fe2.contoso.com)',
      'fe3 (fe3.contoso.com)',
    ]);
  });

  test('nothing assigned: server-to-server authentication is not possible, and the procedures to fix it are named', async () => {
    const l = await lyncLab({lyncOAuthAssigned: false});
    const r = await runToEnd(l, 'lync-check');
    const status = r.snapshot.state.steps[0]!.status;
    assert.equal(status.kind, 'failed');
    assert.match(status.kind === 'failed' ? status.error : '', /OAuthTokenIssuer assigned/);
    assert.match(
      readFileSync(r.transcriptPath, 'utf8'),
      /server-to-server authentication is not possible until a token issuer certificate is assigned; run lync-import-pfx .* or lync-assign-default/,
    );
    assert.match(NO_TOKEN_ISSUER, /^Get-CsCertificate -Type OAuthTokenIssuer returned nothing/);
  });
});

describe('lync-import-pfx', () => {
  test('refusals before anything changes: password, private key, key size, SIP domain, validity, file', async () => {
    const l = await lyncLab();
    const before = await l.snapshot();
    const wrong = await refused(l, 'lync-import-pfx', {password: 'Wr0ng-guess'});
    assert.equal(wrong.password, `this password does not open ${DEMO_PFX_PATH}`);
    assert.equal(JSON.stringify(wrong).includes('Wr0ng-guess'), false, 'the password is never in an error');
    assert.match((await refused(l, 'lync-import-pfx', {password: ''})).password!, /CERTWALK_PFX_PASSWORD/);
    assert.match((await refused(l, 'lync-import-pfx', {pfx: DEMO_WEAK_PFX_PATH, password: DEMO_PFX_PASSWORD})).pfx!, /its key has 1024 bits; Lync requires at least 2048/);
    assert.match((await refused(l, 'lync-import-pfx', {pfx: 'C:\\Certificates\\none.pfx', password: DEMO_PFX_PASSWORD})).pfx!, /cannot read C:\\Certificates\\none\.pfx on fe1/);
    assert.match((await refused(l, 'lync-import-pfx', {pfx: 'relative.pfx', password: DEMO_PFX_PASSWORD})).pfx!, /not a full Windows path/);

    const fabrikam = await createSelfSigned({commonNames: ['s2s.fabrikam.com'], dnsNames: ['s2s.fabrikam.com']});
    await putFile(l, 'fe1', 'C:\\Certificates\\fabrikam.pfx', toPfx(fabrikam, 'pw'));
    assert.match(
      (await refused(l, 'lync-import-pfx', {pfx: 'C:\\Certificates\\fabrikam.pfx', password: 'pw'})).pfx!,
      /neither its subject nor its SAN names the SIP domain contoso\.com/,
    );

    const future = await createSelfSigned({commonNames: ['s2s-next.contoso.com'], notBefore: new Date(Date.now() + 30 * 86_400_000)});
    await putFile(l, 'fe1', 'C:\\Certificates\\future.pfx', toPfx(future, 'pw'));
    assert.match((await refused(l, 'lync-import-pfx', {pfx: 'C:\\Certificates\\future.pfx', password: 'pw'})).pfx!, /it is not valid yet now/);

    const {default: forge} = await import('node-forge');
    const certOnly = forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(null, [forge.pki.certificateFromPem(future.certPem)], 'pw', {algorithm: '3des'})).getBytes();
    await putFile(l, 'fe1', 'C:\\Certificates\\nokey.pfx', Buffer.from(certOnly, 'binary'));
    assert.match((await refused(l, 'lync-import-pfx', {pfx: 'C:\\Certificates\\nokey.pfx', password: 'pw'})).pfx!, /holds no private key/);

    const after = await l.snapshot();
    for (const fe of ['fe1', 'fe2', 'fe3']) assert.deepEqual(after.nodes[fe]!.lync, before.nodes[fe]!.lync, `${fe}: nothing changed`);
  });

  test('imports on one Front End, every Front End gets it; rollback restores the exact prior state; the password is nowhere', async () => {
    const l = await lyncLab();
    const before = await l.snapshot();
    const r = await runToEnd(l, 'lync-import-pfx', {password: DEMO_PFX_PASSWORD, replicationTimeout: '10'});
    assert.equal(r.snapshot.state.phase, 'completed', JSON.stringify(r.snapshot.state.steps.map((s) => s.status)));
    const after = await l.snapshot();
    const imported = after.nodes['fe1']!.lync!.cms!.current;
    assert.notEqual(imported, before.nodes['fe1']!.lync!.cms!.current);
    for (const fe of ['fe1', 'fe2', 'fe3']) assert.equal(after.nodes[fe]!.lync!.replica.current, imported);
    assert.equal(after.nodes['fe1']!.lync!.cms!.previous, before.nodes['fe1']!.lync!.cms!.previous, 'the previous one stays');
    for (const file of [r.transcriptPath, r.journalPath]) assert.equal(readFileSync(file, 'utf8').includes(DEMO_PFX_PASSWORD), false, `${file} holds no password`);
    assert.match(readFileSync(r.journalPath, 'utf8'), /"password":"\*{8}"/);

    await send(r, {type: 'rollback-requested'});
    assert.equal(r.snapshot.state.phase, 'rolled-back');
    assert.deepEqual(await l.snapshot(), before);
  });
});

describe('lync-assign-default', () => {
  test('assigns the Default certificate and rolls back to the exact prior state', async () => {
    const l = await lyncLab();
    const before = await l.snapshot();
    const r = await runToEnd(l, 'lync-assign-default', {replicationTimeout: '10'});
    assert.equal(r.snapshot.state.phase, 'completed');
    const after = await l.snapshot();
    assert.equal(after.nodes['fe1']!.lync!.cms!.current, before.nodes['fe1']!.lync!.assigned['Default']);
    await send(r, {type: 'rollback-requested'});
    assert.deepEqual(await l.snapshot(), before);
  });

  test('run on another Front End: the change lands in the CMS on fe1, fe2 keeps no copy of it', async () => {
    const l = await lyncLab();
    const r = await runToEnd(l, 'lync-assign-default', {frontEnd: 'fe2', replicationTimeout: '10'});
    assert.equal(r.snapshot.state.phase, 'completed');
    const fe1 = await readNodeState(l.dir, 'fe1');
    const fe2 = await readNodeState(l.dir, 'fe2');
    assert.equal(fe1.lync!.cms!.revisions.length, 2);
    assert.equal(fe1.lync!.cms!.revisions[1]!.oauth.current!.thumbprint, fe2.lync!.assigned['Default']);
    assert.equal(fe2.lync!.cms, undefined);
  });

  test('refuses a Default certificate with a short key or without the SIP domain', async () => {
    const l = await lyncLab();
    const fe1 = await readNodeState(l.dir, 'fe1');
    const weak = fe1.stores['My']!.find((c) => c.subject === 'CN=legacy.contoso.com')!;
    const fabrikam = fe1.stores['My']!.find((c) => c.subject === 'CN=intranet.fabrikam.com')!;
    const assign = (thumbprint: string) => updateNodeState(l.dir, 'fe1', (s) => ({state: {...s, lync: {...s.lync!, assigned: {Default: thumbprint}}}, result: null}));
    await assign(weak.thumbprint);
    assert.match((await refused(l, 'lync-assign-default', {})).frontEnd!, /its key has 1024 bits/);
    await assign(fabrikam.thumbprint);
    assert.match((await refused(l, 'lync-assign-default', {})).frontEnd!, /names the SIP domain contoso\.com \(it names intranet\.fabrikam\.com/);
  });
});

describe('lync-roll', () => {
  test('refusals: no date, a regional date, a past date, not exportable, short key, wrong domain, not in the store, not valid at the date', async () => {
    const l = await lyncLab();
    const fe1 = await readNodeState(l.dir, 'fe1');
    const by = (subject: string) => fe1.stores['My']!.find((c) => c.subject === subject)!.thumbprint;
    const candidate = by('CN=s2s-2027.contoso.com');
    const soon = isoIn(86_400_000);
    assert.match((await refused(l, 'lync-roll', {thumbprint: candidate, effectiveDate: ''})).effectiveDate!, /Set-CsCertificate -Roll fails without -EffectiveDate/);
    assert.match((await refused(l, 'lync-roll', {thumbprint: candidate, effectiveDate: '01/12/2026 13:00'})).effectiveDate!, /not ISO 8601 with a time zone.*regional format/);
    assert.match((await refused(l, 'lync-roll', {thumbprint: candidate, effectiveDate: '2020-01-01T00:00:00Z'})).effectiveDate!, /is not in the future/);
    assert.match(
      (await refused(l, 'lync-roll', {thumbprint: by('CN=s2s-noexport.contoso.com'), effectiveDate: soon})).thumbprint!,
      /^[0-9A-F]{40} \(CN=s2s-noexport\.contoso\.com\) cannot be the token issuer: its private key is not exportable/,
    );
    assert.match((await refused(l, 'lync-roll', {thumbprint: by('CN=legacy.contoso.com'), effectiveDate: soon})).thumbprint!, /its key has 1024 bits/);
    assert.match((await refused(l, 'lync-roll', {thumbprint: by('CN=intranet.fabrikam.com'), effectiveDate: soon})).thumbprint!, /SIP domain contoso\.com/);
    assert.match((await refused(l, 'lync-roll', {thumbprint: 'AB'.repeat(20), effectiveDate: soon})).thumbprint!, /is not in LocalMachine\\My on fe1/);
    assert.match((await refused(l, 'lync-roll', {thumbprint: candidate, effectiveDate: '2031-01-01T00:00:00Z'})).thumbprint!, /expired at the effective date/);
  });

  test('a date less than 24 hours before the current certificate expires is allowed, with the documented rule as a warning', async () => {
    const l = await lyncLab();
    const current = (await l.snapshot()).nodes['fe1']!.lync!.cms!.current!;
    const fe1 = await readNodeState(l.dir, 'fe1');
    const notAfter = Date.parse(fe1.lync!.cms!.revisions[0]!.oauth.current!.notAfter);
    const {definition, result} = await prepare(l, 'lync-roll', {effectiveDate: new Date(notAfter - 12 * 3_600_000).toISOString()});
    assert.ok(result.ok);
    assert.match(definition.describe(result.value.resolved).join('\n'), /warning {2}the effective date is less than 24 hours before the current certificate expires/);
    assert.match(definition.describe(result.value.resolved).join('\n'), new RegExp(`current {2}${current.slice(0, 8)}…${current.slice(-4)}`));
  });

  test('stages the roll, shows current and previous before and after, and rolls back to the exact prior state', async () => {
    const l = await lyncLab();
    const before = await l.snapshot();
    const r = await runToEnd(l, 'lync-roll', {replicationTimeout: '10'});
    assert.equal(r.snapshot.state.phase, 'completed');
    const change = r.snapshot.state.steps[0]!.status;
    assert.equal(change.kind, 'done');
    const rows = change.kind === 'done' ? change.changes : [];
    assert.deepEqual(
      rows.map((c) => c.label),
      ['OAuthTokenIssuer current', 'OAuthTokenIssuer previous', 'OAuthTokenIssuer staged roll', 'staged roll effective at'],
    );
    assert.equal(rows[0]!.before, rows[0]!.after, 'current stays current until the date');
    assert.equal(rows[2]!.before, null);
    assert.match(rows[2]!.after!, /^[0-9A-F]{40}$/);
    assert.match(rows[3]!.after!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const staged = (await l.snapshot()).nodes['fe2']!.lync!.replica.staged;
    assert.ok(staged, 'fe2 has the staged roll');
    const transcript = readFileSync(r.transcriptPath, 'utf8');
    assert.match(
      transcript,
      /will run: \$effective = \[DateTime\]::Parse\('\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z', \[Globalization\.CultureInfo\]::InvariantCulture, 'AdjustToUniversal'\)/,
    );

    await send(r, {type: 'rollback-requested'});
    assert.equal(r.snapshot.state.phase, 'rolled-back');
    assert.deepEqual(await l.snapshot(), before);
  });

  test('an injected failure of Set-CsCertificate (matched in the decoded script) fails the step; rollback leaves the pool as it was', async () => {
    const l = await lyncLab();
    const before = await l.snapshot();
    await addFault(l.dir, {program: 'powershell.exe', match: 'Set-CsCertificate', node: 'fe1'});
    const r = await runToEnd(l, 'lync-roll', {replicationTimeout: '5'});
    const roll = r.snapshot.state.steps[0]!.status;
    assert.equal(roll.kind, 'failed');
    assert.match(roll.kind === 'failed' ? roll.error : '', /Set-CsCertificate -Roll failed on fe1: Set-CsCertificate : Command execution failed: The RPC server is unavailable/);
    await send(r, {type: 'rollback-requested'});
    assert.deepEqual(await l.snapshot(), before);
  });

  test('a Front End that never catches up is flagged by name; rollback still restores the prior state', async () => {
    const l = await lyncLab();
    const before = await l.snapshot();
    await addFault(l.dir, {program: 'lync-replication', node: 'fe3', times: 0});
    const r = await runToEnd(l, 'lync-roll', {replicationTimeout: '2'});
    assert.equal(r.snapshot.state.phase, 'failed');
    const wait = r.snapshot.state.steps[1]!.status;
    assert.equal(wait.kind, 'failed');
    const checks = wait.kind === 'failed' ? (wait.checks ?? []) : [];
    assert.deepEqual(
      checks.map((c) => [c.what, c.ok]),
      [
        ['fe1 (fe1.contoso.com)', true],
        ['fe2 (fe2.contoso.com)', true],
        ['fe3 (fe3.contoso.com)', false],
      ],
    );
    assert.match(checks[2]!.observed, /CMS replica NOT up to date/);
    assert.match(readFileSync(r.transcriptPath, 'utf8'), /fe3 \(fe3\.contoso\.com\): NOT caught up after 2 s/);
    await send(r, {type: 'rollback-requested'});
    assert.equal(r.snapshot.state.phase, 'rolled-back');
    assert.deepEqual(await l.snapshot(), before);
  });
});

describe('lync-remove-previous', () => {
  test('refused while there is no previous certificate, or while it is still valid; removes an expired one', async () => {
    const l = await lyncLab();
    assert.match((await refused(l, 'lync-remove-previous', {})).frontEnd!, /there is no previous OAuthTokenIssuer certificate/);
    const fe1 = await readNodeState(l.dir, 'fe1');
    const current = fe1.lync!.cms!.revisions[0]!.oauth.current!;
    const setPrevious = async (notBefore: Date, validDays: number) => {
      const old = await createSelfSigned({commonNames: ['s2s-old.contoso.com'], notBefore, validDays});
      await updateNodeState(l.dir, 'fe1', (s) => ({
        state: {...s, lync: {...s.lync!, cms: withRevision(s.lync!.cms!, {...EMPTY_OAUTH, current, previous: cmsCertificateFromDer(old.der)}, new Date(Date.now() - 1000), [])}},
        result: null,
      }));
    };
    await setPrevious(new Date(Date.now() - 10 * 86_400_000), 30);
    assert.match((await refused(l, 'lync-remove-previous', {})).frontEnd!, /is valid until .*remove it after it expires/);
    await setPrevious(new Date(Date.now() - 400 * 86_400_000), 30);
    const r = await runToEnd(l, 'lync-remove-previous', {replicationTimeout: '10'});
    assert.equal(r.snapshot.state.phase, 'completed');
    assert.equal((await l.snapshot()).nodes['fe1']!.lync!.cms!.previous, null);
    assert.equal(r.snapshot.state.steps[0]!.info.hasUndo, false);
  });
});

describe('lync-manual', () => {
  test('a checklist: each item asks, and each tick is recorded in the transcript with who ticked it', async () => {
    const l = await lyncLab();
    const current = (await l.snapshot()).nodes['fe1']!.lync!.cms!.current!;
    const {params, result} = await prepare(l, 'lync-manual', {thumbprint: current, replicationTimeout: '5'});
    assert.ok(result.ok);
    const r = runner(l, 'lync-manual', params, result.value, false);
    assert.deepEqual(
      r.steps.map((s) => s.id),
      ['fe1.manual-open-mmc', 'fe1.manual-export', 'fe2.manual-import', 'fe3.manual-import', 'fe1.manual-assign', 'fe1.manual-delete-pfx', 'fe1.manual-verify'],
    );
    assert.equal(new Set(r.steps.slice(0, 6).map((s) => s.kind)).size, 6, 'no "yes to all" across items');
    await send(r, {type: 'start'});
    for (let i = 0; i < 6; i++) {
      const waiting = r.snapshot.state.steps[i]!;
      assert.equal(waiting.status.kind, 'awaiting-confirmation', waiting.info.id);
      await send(r, {type: 'confirmed', stepId: waiting.info.id, scope: 'step'});
    }
    assert.equal(r.snapshot.state.phase, 'completed');
    const transcript = readFileSync(r.transcriptPath, 'utf8');
    assert.match(transcript, /Export the token issuer certificate|Export the certificate with thumbprint/);
    assert.equal((transcript.match(/: CONFIRMED by /g) ?? []).length, 6);
    assert.match(transcript, /will run: Yes, export the private key → Next/);
  });
});
