// The temporary PFX on a node: the import runs without the password in any argument and removes its file; a file a
// kill left behind is removed by the remove-temp-pfx step (resume) and by the import's undo (rollback).
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import type {Host} from '../../src/hosts/host.ts';
import {addCertificateStep} from '../../src/procedures/steps/add-certificate.ts';
import {keptPfxName, removeTempPfxStep, tempPfxName} from '../../src/procedures/steps/temp-pfx.ts';
import type {StepContext} from '../../src/procedures/types.ts';
import {stateFiles, stateSealing} from '../../src/runner/step-files.ts';
import {FakeHost} from '../helpers/fake-host.ts';
import {tempDir} from '../helpers/temp.ts';

const THUMB = 'AB'.repeat(20);
const OLD = 'CD'.repeat(20);
const PASSWORD = 'one-Time-Pw-77';
const EMPTY_MY = 'My "Personal"\nCertUtil: -store command completed successfully.\n';

function contextFor(host: Host): StepContext & {notes: string[]; secrets: string[]} {
  const notes: string[] = [];
  const secrets: string[] = [];
  const state = tempDir('certwalk-temp-pfx-state-');
  return {
    notes,
    secrets,
    host: async () => host,
    capturedOf: () => undefined,
    note: (t) => void notes.push(t),
    secret: (v) => void secrets.push(v),
    now: () => new Date(),
    files: stateFiles(state),
    sealing: stateSealing(state),
  };
}

const temp = (name: string) => `C:\\Windows\\Temp\\${name}`;

describe('remove-temp-pfx', () => {
  test('removes what a kill left, verifies the files are gone, and removes them again as its undo', async () => {
    const host = new FakeHost([], {[temp(tempPfxName(THUMB))]: 'pfx bytes', [temp(keptPfxName(OLD))]: 'old pfx bytes', [temp('other.txt')]: 'x'});
    const ctx = contextFor(host);
    const step = removeTempPfxStep({id: 'w.remove-temp-pfx', node: 'w', names: [tempPfxName(THUMB), keptPfxName(OLD)]});
    const {captured} = await step.capture(ctx);
    assert.notEqual(captured, undefined, 'captures something, so a rollback runs its undo');
    assert.ok(
      (await step.verify(ctx, captured)).checks.some((c) => !c.ok),
      'files present: not verified',
    );
    await step.do(ctx, captured);
    assert.deepEqual([...host.files.keys()], [temp('other.txt').toLowerCase()]);
    assert.ok((await step.verify(ctx, captured)).checks.every((c) => c.ok));
    // Idempotent: nothing there is what it wants.
    await step.do(ctx, captured);
    host.files.set(temp(keptPfxName(OLD)).toLowerCase(), Buffer.from('left by a later step'));
    assert.match(await step.undo(ctx, captured), /removed C:\\Windows\\Temp\\certwalk-(CD){20}-old\.pfx/);
    assert.equal(await host.fileExists(temp(keptPfxName(OLD))), false);
  });
});

describe('add-certificate with a PFX', () => {
  const step = () =>
    addCertificateStep({
      id: 'w.import-cert',
      node: 'w',
      store: 'My',
      cert: {thumbprint: THUMB, subject: 'CN=w', derBase64: 'AA==', pfx: {base64: Buffer.from('pfx').toString('base64'), password: PASSWORD}},
    });

  test('imports through PowerShell with the password nowhere in its arguments, and removes the temp file', async () => {
    const host = new FakeHost([
      {command: 'certutil', args: ['-store', 'My'], stdout: EMPTY_MY},
      {command: 'powershell', args: /-EncodedCommand/, stdout: `${THUMB}\n`},
    ]);
    const ctx = contextFor(host);
    await step().do(ctx, {alreadyPresent: false});
    const ps = host.calls.filter((c) => c.command === 'powershell');
    assert.equal(ps.length, 1);
    const script = Buffer.from(ps[0]!.args.at(-1)!, 'base64').toString('utf16le');
    assert.match(
      script,
      /Import-PfxCertificate -FilePath 'C:\\Windows\\Temp\\certwalk-(AB){20}\.pfx' -CertStoreLocation 'Cert:\\LocalMachine\\My' -Password \$password -Exportable/,
    );
    assert.ok(!host.calls.some((c) => c.args.join(' ').includes(PASSWORD)) && !script.includes(PASSWORD));
    assert.ok(!host.calls.some((c) => c.command === 'certutil' && c.args.some((a) => /^[-/]p$/i.test(a))));
    assert.deepEqual(ctx.secrets, [PASSWORD]);
    assert.equal(host.files.size, 0, 'the temp PFX is gone');
  });

  test("verify passes only when certutil's key test passes for the imported certificate", async () => {
    // The block of the documented -store format (docs/TOOL-OUTPUT.md) for THUMB with a key, ending in `result`
    const myWith = (result: string) =>
      [
        'My "Personal"',
        '================ Certificate 0 ================',
        'Serial Number: 40d7e4a080d857b7418f88e767a9c405',
        'Issuer: CN=w',
        ' NotBefore: 8/2/2026 11:16 PM',
        ' NotAfter: 8/2/2028 11:16 PM',
        'Subject: CN=w',
        'Signature matches Public Key',
        'Root Certificate: Subject matches Issuer',
        `Cert Hash(sha1): ${THUMB.toLowerCase()}`,
        '  Key Container = {BCFFCA5D-B870-4CC2-A8E9-10A641CA58D0}',
        '  Provider = Microsoft Software Key Storage Provider',
        ...(result ? [result] : []),
        '',
        'CertUtil: -store command completed successfully.',
        '',
      ].join('\n');
    const verifyOn = async (listing: string) => {
      const host = new FakeHost([{command: 'certutil', args: ['-store', 'My'], stdout: listing}]);
      return (await step().verify(contextFor(host), {alreadyPresent: false})).checks;
    };
    assert.ok((await verifyOn(myWith('Encryption test passed'))).every((c) => c.ok));
    for (const [result, observed] of [
      ['Encryption test FAILED', 'failed'],
      ['', 'not-run'],
    ] as const) {
      const failing = (await verifyOn(myWith(result))).filter((c) => !c.ok);
      assert.deepEqual(failing, [{what: 'its own key (certutil key test)', expected: 'passed', observed, ok: false}], result);
    }
  });

  test('undo (a rollback after a kill during the import) removes the PFX left in the temp folder', async () => {
    const host = new FakeHost([{command: 'certutil', args: ['-store', 'My'], stdout: EMPTY_MY}], {[temp(tempPfxName(THUMB))]: 'pfx bytes'});
    const report = await step().undo(contextFor(host), {alreadyPresent: false});
    assert.match(report, /is not in My; nothing to remove \(already restored\); removed C:\\Windows\\Temp\\certwalk-(AB){20}\.pfx/);
    assert.equal(host.files.size, 0);
  });
});
