// What a Lync change removes and how its rollback puts it back (issue 13, issue 17 point 6): a staged roll or a
// previous certificate named first in the Confirm box's Removes, restored exactly (sandbox show equal to before),
// a restore that is no longer possible refused as a conflict, the undo waiting for every Front End, impossible
// effective dates and a PFX whose key is not its certificate's refused before anything changes; an undo that finds
// another certificate than the one its session left changes nothing (issue 17 point 1), one that finds the original
// succeeds as already restored.
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {setTimeout as delay} from 'node:timers/promises';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import {createSelfSigned, toPfx} from '../../src/certs/index.ts';
import {addFault, initSandbox, SandboxFleet, showSandbox} from '../../src/hosts/sandbox/index.ts';
import type {InitOptions} from '../../src/hosts/sandbox/index.ts';
import {DEMO_PFX_PASSWORD} from '../../src/hosts/sandbox/lync-demo.ts';
import {withRevision} from '../../src/hosts/sandbox/lync-state.ts';
import type {CmsCertificate} from '../../src/hosts/sandbox/lync-state.ts';
import {readNodeState, updateNodeState} from '../../src/hosts/sandbox/state.ts';
import {cmsCertificateFromDer, parseCultureDate} from '../../src/hosts/sandbox/tools/lync-cmdlets.ts';
import type {ProcedureRunner} from '../../src/runner/runner.ts';
import type {ConfirmPrompt} from '../../src/state/types.ts';
import type {Lab} from '../helpers/procedure.ts';
import {prepare, runner, send} from '../helpers/procedure.ts';
import {useFreshSandboxTool} from '../helpers/sandbox-tool.ts';

const roots: string[] = [];
before(async () => {
  const toolDir = mkdtempSync(join(tmpdir(), 'certwalk-lync-restore-tool-'));
  roots.push(toolDir);
  await useFreshSandboxTool(toolDir);
});
after(() => {
  for (const root of roots) rmSync(root, {recursive: true, force: true});
});

async function lyncLab(options: InitOptions = {}): Promise<Lab> {
  const root = mkdtempSync(join(tmpdir(), 'certwalk-lync-restore-'));
  roots.push(root);
  const dir = join(root, 'sandbox');
  await initSandbox(dir, {workers: 0, azureml: false, lyncReplicationDelaySeconds: 0, ...options});
  return {dir, home: join(root, 'home'), fleet: new SandboxFleet(dir), snapshot: () => showSandbox(dir)};
}

const DAY = 86_400_000;
const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const short = (t: string) => `${t.slice(0, 8)}…${t.slice(-4)}`;

/** Runs a procedure answering every Confirm box, and returns the runner with the prompt of its change step. */
async function runConfirming(l: Lab, procedure: string, overrides: Record<string, string>): Promise<{r: ProcedureRunner; prompt: ConfirmPrompt}> {
  const {params, result} = await prepare(l, procedure, overrides);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  const r = runner(l, procedure, params, result.value, false);
  await send(r, {type: 'start'});
  let prompt: ConfirmPrompt | undefined;
  for (;;) {
    const waiting = r.snapshot.state.steps.find((s) => s.status.kind === 'awaiting-confirmation');
    if (!waiting || waiting.status.kind !== 'awaiting-confirmation') break;
    prompt ??= waiting.status.prompt;
    await send(r, {type: 'confirmed', stepId: waiting.info.id, scope: 'step'});
  }
  assert.equal(r.snapshot.state.phase, 'completed', JSON.stringify(r.snapshot.state.steps.map((s) => s.status)));
  assert.ok(prompt, `${procedure} asked nothing`);
  return {r, prompt};
}

async function rollBack(r: ProcedureRunner): Promise<void> {
  await send(r, {type: 'rollback-requested'});
}

/** A certificate of fe1's LocalMachine\My by subject. */
async function mine(l: Lab, subject: string): Promise<string> {
  return (await readNodeState(l.dir, 'fe1')).stores['My']!.find((c) => c.subject === subject)!.thumbprint;
}

/** Puts a new CMS revision in place, as an earlier change would have left it. */
async function setOAuth(
  l: Lab,
  change: (current: CmsCertificate) => {current?: CmsCertificate; previous?: CmsCertificate | null; staged?: {certificate: CmsCertificate; effectiveDate: string} | null},
) {
  await updateNodeState(l.dir, 'fe1', (s) => {
    const cms = s.lync!.cms!;
    const last = cms.revisions[cms.revisions.length - 1]!.oauth;
    const next = {...last, ...change(last.current!)};
    return {state: {...s, lync: {...s.lync!, cms: withRevision(cms, next, new Date(Date.now() - 1000), [])}}, result: null};
  });
}

describe('a staged roll is named first in Removes and comes back exactly with the rollback', () => {
  test('lync-import-pfx, lync-assign-default and lync-roll over a staged roll (issue 13)', async () => {
    const l = await lyncLab();
    const stagedDate = isoIn(20 * DAY);
    const staged = await mine(l, 'CN=s2s-2027.contoso.com');
    const roll = await runConfirming(l, 'lync-roll', {thumbprint: staged, effectiveDate: stagedDate, replicationTimeout: '10'});
    assert.equal(roll.prompt.removes.length, 1, 'nothing was staged before the first roll');
    const withStaged = await l.snapshot();
    assert.equal(withStaged.nodes['fe1']!.lync!.cms!.staged?.thumbprint, staged);

    const runs: [string, Record<string, string>, RegExp][] = [
      ['lync-import-pfx', {password: DEMO_PFX_PASSWORD}, /: dropped$/],
      ['lync-assign-default', {}, /: dropped$/],
      ['lync-roll', {thumbprint: await mine(l, 'CN=s2s-2027.contoso.com'), effectiveDate: isoIn(10 * DAY)}, /: replaced$/],
    ];
    for (const [procedure, overrides, how] of runs) {
      const {r, prompt} = await runConfirming(l, procedure, {...overrides, replicationTimeout: '10'});
      assert.match(prompt.removes[0]!, new RegExp(`^staged roll ${short(staged)} at ${stagedDate}`), `${procedure}: the staged roll comes first`);
      assert.match(prompt.removes[0]!, how, procedure);
      assert.ok(prompt.removes[0]!.length <= 76, `${procedure}: one line at 80 columns`);
      assert.ok(
        prompt.restoreWith.some((line) => line.includes(`-Thumbprint ${staged} -EffectiveDate ${stagedDate} -Roll`)),
        `${procedure}: the re-stage is in restoreWith`,
      );
      assert.notDeepEqual(await l.snapshot(), withStaged, `${procedure} changed something`);
      await rollBack(r);
      assert.equal(r.snapshot.state.phase, 'rolled-back', `${procedure}: ${JSON.stringify(r.snapshot.state.steps.map((s) => s.status))}`);
      assert.deepEqual(await l.snapshot(), withStaged, `${procedure}: the staged roll is back, on every Front End`);
    }
  });

  test('a staged roll whose date has passed is not staged again: the undo refuses as a conflict and changes nothing', async () => {
    const l = await lyncLab();
    const next = cmsCertificateFromDer((await createSelfSigned({commonNames: ['s2s-soon.contoso.com'], dnsNames: ['s2s-soon.contoso.com']})).der);
    // Far enough ahead for the change to capture it as staged on a busy machine.
    const due = Date.now() + 12_000;
    await setOAuth(l, () => ({staged: {certificate: next, effectiveDate: new Date(due).toISOString()}}));
    const {r, prompt} = await runConfirming(l, 'lync-assign-default', {replicationTimeout: '10'});
    assert.match(prompt.removes[0]!, /^staged roll .*: dropped$/);
    const changed = await l.snapshot();
    // Waits for the date itself, not for a guess of how long that takes.
    while (Date.now() <= due) await delay(due - Date.now() + 1);
    await rollBack(r);
    const undo = r.snapshot.state.steps[0]!.status;
    assert.equal(undo.kind, 'undo-failed');
    assert.match(undo.kind === 'undo-failed' ? undo.error : '', /^conflict, nothing changed: the staged roll to [0-9A-F]{40} was due at .*, which has passed/);
    assert.deepEqual(await l.snapshot(), changed, 'nothing changed');
  });
});

describe('a previous certificate', () => {
  test('import and assign keep it, lync-roll names it first (dropped at the date) and warns the undo ends there; each rollback is exact', async () => {
    const l = await lyncLab();
    const old = cmsCertificateFromDer((await createSelfSigned({commonNames: ['s2s-old.contoso.com'], notBefore: new Date(Date.now() - 10 * DAY), validDays: 30})).der);
    await setOAuth(l, () => ({previous: old}));
    const withPrevious = await l.snapshot();
    assert.equal(withPrevious.nodes['fe3']!.lync!.replica.previous, old.thumbprint);
    const date = isoIn(10 * DAY);
    const runs: [string, Record<string, string>][] = [
      ['lync-import-pfx', {password: DEMO_PFX_PASSWORD}],
      ['lync-assign-default', {}],
      ['lync-roll', {thumbprint: await mine(l, 'CN=s2s-2027.contoso.com'), effectiveDate: date}],
    ];
    for (const [procedure, overrides] of runs) {
      const {r, prompt} = await runConfirming(l, procedure, {...overrides, replicationTimeout: '10'});
      if (procedure === 'lync-roll') {
        assert.equal(prompt.removes[0], `previous ${short(old.thumbprint)}: dropped at ${date}`);
        assert.ok(
          prompt.warnings.some((w) => w.startsWith(`undo only before ${date}:`) && w.includes('no Lync cmdlet sets a previous certificate back')),
          JSON.stringify(prompt.warnings),
        );
      } else {
        assert.equal(
          prompt.removes.some((line) => line.includes(old.thumbprint) || line.includes(short(old.thumbprint))),
          false,
          `${procedure} does not remove the previous one`,
        );
        assert.equal((await l.snapshot()).nodes['fe1']!.lync!.cms!.previous, old.thumbprint, `${procedure} kept the previous one`);
      }
      await rollBack(r);
      assert.equal(r.snapshot.state.phase, 'rolled-back', procedure);
      assert.deepEqual(await l.snapshot(), withPrevious, `${procedure}: exact restore`);
    }
  });
});

describe('a Lync rollback waits for replication like a change does', () => {
  test('the rollback returns only when every Front End holds the restored configuration', async () => {
    const l = await lyncLab({lyncReplicationDelaySeconds: 2});
    const before = await l.snapshot();
    const {r} = await runConfirming(l, 'lync-assign-default', {replicationTimeout: '30'});
    await rollBack(r);
    assert.equal(r.snapshot.state.phase, 'rolled-back');
    const undo = r.snapshot.state.steps[0]!.status;
    assert.match(undo.kind === 'undone' ? undo.report : '', /every Front End has it \(fe1, fe2, fe3\)/);
    // At once, with no wait here: fe3 is 4 s behind the CMS.
    assert.deepEqual(await l.snapshot(), before);
  });

  test('a Front End that does not get the undo fails it by name, after the timeout', async () => {
    const l = await lyncLab();
    const {r} = await runConfirming(l, 'lync-assign-default', {replicationTimeout: '2'});
    await addFault(l.dir, {program: 'lync-replication', node: 'fe3', times: 0});
    await rollBack(r);
    const undo = r.snapshot.state.steps[0]!.status;
    assert.equal(undo.kind, 'undo-failed');
    assert.match(undo.kind === 'undo-failed' ? undo.error : '', /but after 2 s fe3 had not received it: fe3 \(fe3\.contoso\.com\) holds current [0-9A-F]{40}/);
  });
});

describe('checks before a big change (issue 17 point 6)', () => {
  test('lync-roll refuses a date the calendar does not have, and so does the simulated -EffectiveDate', async () => {
    const l = await lyncLab();
    const candidate = await mine(l, 'CN=s2s-2027.contoso.com');
    const refused = async (effectiveDate: string) => {
      const {result} = await prepare(l, 'lync-roll', {thumbprint: candidate, effectiveDate});
      assert.equal(result.ok, false, effectiveDate);
      return result.ok ? '' : result.errors.effectiveDate!;
    };
    assert.match(await refused('2027-02-30T13:00:00Z'), /"2027-02-30T13:00:00Z" is not a date on the calendar: 2027-02 has no day 30 \(it has 28 days\)/);
    assert.match(await refused('2028-02-30T13:00:00Z'), /has no day 30 \(it has 29 days\)/);
    assert.match(await refused('2027-04-31T13:00:00+02:00'), /2027-04 has no day 31/);
    assert.match(await refused('2027-13-01T13:00:00Z'), /there is no month 13/);
    assert.match(await refused('2027-03-01T24:00:00Z'), /24:00:00 is not a time of day/);
    assert.match(await refused('2027-03-01T13:00:60Z'), /13:00:60 is not a time of day/);
    assert.equal(parseCultureDate('2027-02-30T13:00:00Z', 'en-GB'), undefined);
    assert.equal(parseCultureDate('2027-02-28T13:00:00Z', 'en-GB')?.toISOString(), '2027-02-28T13:00:00.000Z');
  });

  test("lync-import-pfx refuses a PFX whose key is not its certificate's", async () => {
    const l = await lyncLab();
    const before = await l.snapshot();
    const cert = await createSelfSigned({commonNames: ['s2s-mixed.contoso.com'], dnsNames: ['s2s-mixed.contoso.com']});
    const stranger = await createSelfSigned({commonNames: ['s2s-other.contoso.com']});
    const path = 'C:\\Certificates\\mixed.pfx';
    await (await l.fleet.host('fe1')).writeFile(path, toPfx({...cert, keyPem: stranger.keyPem}, 'pw'));
    const {result} = await prepare(l, 'lync-import-pfx', {pfx: path, password: 'pw'});
    assert.equal(result.ok, false);
    assert.match(
      result.ok ? '' : result.errors.pfx!,
      /the private key in C:\\Certificates\\mixed\.pfx does not belong to its certificate [0-9A-F]{40} \(CN=s2s-mixed\.contoso\.com\)/,
    );
    assert.deepEqual(await l.snapshot(), before);
  });
});

/** The CMS revisions: every Set-/Import-/Remove-CsCertificate adds one, and `sandbox show` does not show them. */
async function revisions(l: Lab) {
  return (await readNodeState(l.dir, 'fe1')).lync!.cms!.revisions;
}

describe('the undo is a compare-and-swap on the global configuration (issue 17 point 1)', () => {
  test('a certificate assigned by hand since is not overwritten; once ours is back, the retried rollback restores the original', async () => {
    const l = await lyncLab();
    const original = await l.snapshot();
    const originalCert = (await revisions(l)).at(-1)!.oauth.current!;
    const {r} = await runConfirming(l, 'lync-assign-default', {replicationTimeout: '10'});
    const ours = (await revisions(l)).at(-1)!.oauth.current!;
    const third = cmsCertificateFromDer((await createSelfSigned({commonNames: ['s2s-byhand.contoso.com'], dnsNames: ['s2s-byhand.contoso.com']})).der);
    await setOAuth(l, () => ({current: third}));
    const byHand = await l.snapshot();
    const count = (await revisions(l)).length;

    await rollBack(r);
    const undo = r.snapshot.state.steps[0]!.status;
    assert.equal(undo.kind, 'undo-failed');
    assert.equal(undo.kind === 'undo-failed' && undo.conflict, true, 'recorded as a conflict (UndoConflict)');
    assert.match(
      undo.kind === 'undo-failed' ? undo.error : '',
      new RegExp(
        `^conflict, not undone: the global OAuthTokenIssuer configuration \\(Get-CsCertificate on fe1\\) holds current ${third.thumbprint}.*, but this session left current ${ours.thumbprint} there; certwalk changed nothing\\. No other certwalk journal shows a change on the Lync pool \\(fe1, fe2, fe3\\)`,
      ),
    );
    assert.deepEqual(await l.snapshot(), byHand, 'nothing changed');
    assert.equal((await revisions(l)).length, count, 'no Set-CsCertificate ran');

    // The person puts this session's certificate back: now the undo is this session's to do again.
    await setOAuth(l, () => ({current: ours}));
    await rollBack(r);
    assert.equal(r.snapshot.state.phase, 'rolled-back', JSON.stringify(r.snapshot.state.steps.map((s) => s.status)));
    assert.deepEqual(await l.snapshot(), original);
    assert.equal((await revisions(l)).at(-1)!.oauth.current!.thumbprint, originalCert.thumbprint);
  });

  test('a roll staged again for another date since is not overwritten: the staged date is part of what this session left', async () => {
    const l = await lyncLab();
    const candidate = await mine(l, 'CN=s2s-2027.contoso.com');
    const date = isoIn(10 * DAY);
    const {r, prompt} = await runConfirming(l, 'lync-roll', {thumbprint: candidate, effectiveDate: date, replicationTimeout: '10'});
    assert.ok(
      prompt.restoreWith.some((line) => line.startsWith('only while the configuration is still what this change left')),
      JSON.stringify(prompt.restoreWith),
    );
    const staged = (await revisions(l)).at(-1)!.oauth.staged!.certificate;
    const later = isoIn(30 * DAY);
    await setOAuth(l, () => ({staged: {certificate: staged, effectiveDate: later}}));
    const restaged = await l.snapshot();
    const count = (await revisions(l)).length;
    await rollBack(r);
    const undo = r.snapshot.state.steps[0]!.status;
    assert.equal(undo.kind === 'undo-failed' && undo.conflict, true, JSON.stringify(undo));
    assert.match(
      undo.kind === 'undo-failed' ? undo.error : '',
      new RegExp(
        `holds current [0-9A-F]{40}.*; staged ${candidate} from ${later.slice(0, 19)}.*, but this session left current [0-9A-F]{40}.*; staged ${candidate} from ${date.slice(0, 19)}`,
      ),
    );
    assert.deepEqual(await l.snapshot(), restaged, 'nothing changed');
    assert.equal((await revisions(l)).length, count, 'no Set-CsCertificate ran');
  });

  test('a configuration already back at the original is reported already restored, and nothing is set', async () => {
    const l = await lyncLab();
    const original = await l.snapshot();
    const originalCert = (await revisions(l)).at(-1)!.oauth.current!;
    const {r} = await runConfirming(l, 'lync-assign-default', {replicationTimeout: '10'});
    // Someone (or an earlier, interrupted rollback) already put the original back.
    await setOAuth(l, () => ({current: originalCert}));
    assert.deepEqual(await l.snapshot(), original);
    const count = (await revisions(l)).length;
    await rollBack(r);
    assert.equal(r.snapshot.state.phase, 'rolled-back', JSON.stringify(r.snapshot.state.steps.map((s) => s.status)));
    const undo = r.snapshot.state.steps[0]!.status;
    assert.match(undo.kind === 'undone' ? undo.report : '', /^already restored: the OAuthTokenIssuer configuration is as captured \(current [0-9A-F]{40}/);
    assert.equal((await revisions(l)).length, count, 'no Set-CsCertificate ran');
    assert.deepEqual(await l.snapshot(), original);
  });
});
