// Dates as tools print them (certutil's NotAfter in the node's locale, certwalk's ISO records), read as dates and
// shown as YYYY-MM-DD; a form that cannot be read without guessing is shown whole, never cut.
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {parseStore} from '../../src/ops/certutil.ts';
import {dayRange, parseToolDate, toolDay} from '../../src/ops/tool-date.ts';
import {formatCertutilDate} from '../../src/hosts/sandbox/tools/certutil.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe('parseToolDate and toolDay', () => {
  test("certutil's NotBefore/NotAfter from the real sample (en-US: M/D/YYYY h:mm AM/PM)", () => {
    const [cert] = parseStore(fixture('certutil-store-my.txt'));
    assert.equal(cert!.notAfter, '8/2/2027 11:16 PM');
    assert.deepEqual(parseToolDate(cert!.notAfter), new Date(Date.UTC(2027, 7, 2, 23, 16)));
    assert.equal(toolDay(cert!.notAfter), '2027-08-02');
    assert.equal(toolDay(cert!.notBefore), '2026-08-02');
  });

  test('a one-digit month, day and hour is not cut into "2/5/2028 4"', () => {
    assert.equal(toolDay('2/5/2028 4:13 PM'), '2028-02-05');
    assert.equal(toolDay('12/31/2027 12:05 AM'), '2027-12-31');
    // PowerShell's DateTime prints seconds
    assert.deepEqual(parseToolDate('2/5/2028 4:13:09 PM'), new Date(Date.UTC(2028, 1, 5, 16, 13, 9)));
    assert.deepEqual(parseToolDate('2/5/2028 12:00 PM'), new Date(Date.UTC(2028, 1, 5, 12, 0)));
    assert.deepEqual(parseToolDate('2/5/2028 12:00 AM'), new Date(Date.UTC(2028, 1, 5, 0, 0)));
  });

  test("what the sandbox's certutil prints reads back as the day it was made from", () => {
    const made = new Date(Date.UTC(2028, 1, 5, 16, 13));
    assert.equal(toolDay(formatCertutilDate(made)), '2028-02-05');
  });

  test("ISO dates (certwalk's own records) give their day", () => {
    assert.equal(toolDay('2028-02-05T16:13:00.000Z'), '2028-02-05');
    assert.equal(toolDay('2028-02-05 16:13:00'), '2028-02-05');
    assert.equal(toolDay('2028-02-05'), '2028-02-05');
  });

  test('forms that cannot be read without guessing are left whole', () => {
    // D/M or M/D? Without AM/PM a slashed date may be en-GB or fr-FR: not guessed.
    for (const text of ['05/02/2028 16:13', '05.02.2028 16:13', '2028/2/5 16:13', '(unknown)', '', '2/30/2028 4:13 PM', '2/5/2028 13:13 PM']) {
      assert.equal(parseToolDate(text), null, text);
      assert.equal(toolDay(text), text);
    }
  });
});

describe('dayRange', () => {
  test('sorts by date, not by text (as text, 10/1/2027 comes before 2/5/2027)', () => {
    assert.deepEqual(dayRange(['2/5/2028 4:13 PM', '10/1/2027 9:00 AM', '11/30/2027 11:59 PM']), {first: '2027-10-01', last: '2028-02-05'});
    assert.deepEqual(dayRange(['2/5/2028 4:13 PM', '2/5/2028 9:00 AM']), {first: '2028-02-05', last: '2028-02-05'});
    assert.deepEqual(dayRange(['05/02/2028 16:13', '2/5/2028 4:13 PM']), {first: '2028-02-05', last: '05/02/2028 16:13'});
    assert.equal(dayRange([]), null);
  });
});
