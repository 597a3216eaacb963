// The dates the Plan screen shows, from what prepare read: the old certificates' NotAfter as certutil printed it on
// the node (`2/5/2028 4:13 PM`), the new ones' as certwalk recorded it (ISO). Each reads YYYY-MM-DD.
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {ssisWorker} from '../../src/procedures/ssis-worker.ts';
import type {Json} from '../../src/state/types.ts';

const OLD = '5EDA7F4F1FEDD2442F63874FE5650B17E704341D';
const NEW = '3883875B1547395C5A0B48C461DB04DE7BAFBEAE';

/** One worker's plan as prepare resolves it, with the old certificate's NotAfter as the node's certutil printed it. */
function worker(name: string, oldNotAfter: string) {
  return {
    worker: name,
    machineName: name.toUpperCase(),
    ip: '10.0.0.5',
    master: 'master',
    account: 'NT Service\\SSISScaleOutWorker140',
    old: {thumbprint: OLD, subject: 'CN=old', notAfter: oldNotAfter, exportable: true, hasPrivateKey: true, keyAccess: []},
    oldSetting: OLD,
    cert: {thumbprint: NEW, subject: 'CN=new', notAfter: '2030-02-05T16:13:00.000Z', sha256: 'AB'.repeat(32), derBase64: '', keyBits: 2048},
    grantSearch: 'CN=new',
    oldSearch: 'CN=old',
    grantSeesOld: false,
  };
}

const plan = (...workers: ReturnType<typeof worker>[]) => ssisWorker.describe({master: 'master', workers} as unknown as Json);

describe('ssis-worker plan dates', () => {
  test("one worker: the old certificate's certutil date and the new one's ISO date both read YYYY-MM-DD", () => {
    const lines = plan(worker('worker1', '2/5/2028 4:13 PM'));
    const current = lines.find((l) => l.startsWith('current '))!;
    const fresh = lines.find((l) => l.startsWith('new '))!;
    assert.match(current, /valid until 2028-02-05, key exportable$/, current);
    assert.match(fresh, /valid until 2030-02-05 \(made now/, fresh);
  });

  test('many workers: the earliest and latest expiry by date (not "2/5/2028 4", not text order)', () => {
    const lines = plan(worker('worker1', '2/5/2028 4:13 PM'), worker('worker2', '10/1/2027 9:00 AM'), worker('worker3', '11/30/2027 11:59 PM'));
    const current = lines.find((l) => l.startsWith('current '))!;
    assert.equal(current, 'current  3 certificates, valid until 2027-10-01 to 2028-02-05');
    assert.match(
      lines.find((l) => l.startsWith('new '))!,
      /valid until 2030-02-05$/,
    );
  });

  test('a date in a form certwalk cannot read (a D/M locale) is shown whole, never cut', () => {
    const current = plan(worker('worker1', '05/02/2028 16:13')).find((l) => l.startsWith('current '))!;
    assert.match(current, /valid until 05\/02\/2028 16:13, /, current);
  });
});
