// certutil -store in other languages: each real sample of test/fixtures/localized parsed to the values it shows.
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {parseStore} from '../../src/ops/certutil.ts';
import type {StoreEntryWithExportability} from '../../src/ops/certutil.ts';
import {ToolError} from '../../src/ops/tool-error.ts';

const localized = (path: string): string => readFileSync(new URL(`../fixtures/localized/${path}`, import.meta.url), 'utf8');
const english = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

const NO_KEY = {hasPrivateKey: false, exportable: false, exportability: 'not-exportable', keyTest: 'not-run'} as const;

describe('parseStore on localized samples', () => {
  test('fr Root (console capture): French labels, ` :` spacing, spaced hash, no key', () => {
    const expected: StoreEntryWithExportability[] = [
      {
        thumbprint: 'CDD4EEAE6000AC7F40C3802C171E30148030C072',
        serialNumber: '79ad16a14aa0a5ad4c7358f407132e65',
        issuer: 'CN=Microsoft Root Certificate Authority, DC=microsoft, DC=com',
        subject: 'CN=Microsoft Root Certificate Authority, DC=microsoft, DC=com',
        notBefore: '10/05/2001 00:19',
        notAfter: '10/05/2021 00:28',
        ...NO_KEY,
      },
      {
        thumbprint: 'BE36A4562FB2EE05DBB3D32323ADF445084ED656',
        serialNumber: '00',
        issuer: 'CN=Thawte Timestamping CA, OU=Thawte Certification, O=Thawte, L=Durbanville, S=Western Cape, C=ZA',
        subject: 'CN=Thawte Timestamping CA, OU=Thawte Certification, O=Thawte, L=Durbanville, S=Western Cape, C=ZA',
        notBefore: '01/01/1997 01:00',
        notAfter: '01/01/2021 00:59',
        ...NO_KEY,
      },
    ];
    assert.deepEqual(parseStore(localized('fr/certutil-store-root.txt')), expected);
    assert.deepEqual(parseStore(crlf(localized('fr/certutil-store-root.txt'))), expected);
  });

  test('fr My (parser test data): U+00A0 before the colons, a key whose test passed and no "not exportable" line', () => {
    assert.deepEqual(parseStore(localized('fr/certutil-store-my-parser-testdata.txt')), [
      {
        thumbprint: 'AABBCCDDEEFF00112233445566778899AABBCCDD',
        serialNumber: '1a2b3c4d5e',
        issuer: 'CN=Test Root CA',
        subject: 'CN=www.example.com',
        notBefore: '01/01/2026 01:00',
        notAfter: '01/01/2027 01:00',
        hasPrivateKey: true,
        exportable: true,
        exportability: 'exportable',
        keyTest: 'passed',
      },
    ]);
  });

  test('de My (parser test data): German labels and dates, NICHT exportierbar', () => {
    assert.deepEqual(parseStore(localized('de/certutil-store-my-parser-testdata.txt')), [
      {
        thumbprint: 'AABBCCDDEEFF00112233445566778899AABBCCDD',
        serialNumber: '1a2b3c4d5e',
        issuer: 'CN=Test Root CA',
        subject: 'CN=www.example.com',
        notBefore: '01.01.2026 01:00',
        notAfter: '01.01.2027 01:00',
        hasPrivateKey: true,
        exportable: false,
        exportability: 'not-exportable',
        keyTest: 'passed',
      },
    ]);
  });

  test('zh-CN Root (parser test data): Chinese labels, English NotBefore/NotAfter, ISO dates', () => {
    assert.deepEqual(parseStore(localized('zh-CN/certutil-store-root-parser-testdata.txt')), [
      {
        thumbprint: 'D70CD039051F77C30673B8209FC15EFA650ED52C',
        serialNumber: '0100000000000000000000000000000000',
        issuer: 'CN=SunnyNet, OU=SunnyNet, O=SunnyNet, L=BeiJing, S=BeiJing, C=CN',
        subject: 'CN=SunnyNet, OU=SunnyNet, O=SunnyNet, L=BeiJing, S=BeiJing, C=CN',
        notBefore: '2022-11-04 15:05',
        notAfter: '2122-10-11 15:05',
        ...NO_KEY,
      },
    ]);
  });
});

describe('parseStore without a label table', () => {
  // Labels no table has: the real English sample with each leading label replaced by a placeholder word, which
  // stands for a language with no sample (we never write translations of our own).
  const unlabelled = english('certutil-store-my.txt')
    .replace('Serial Number:', 'L1:')
    .replace('Issuer:', 'L2:')
    .replace('NotBefore:', 'L3:')
    .replace('NotAfter:', 'L4:')
    .replace('Subject:', 'L5:')
    .replace('Cert Hash(sha1):', 'L6(sha1):');

  test('the first five rows are serial, issuer, NotBefore, NotAfter, subject; `(sha1)` marks the thumbprint', () => {
    const [entry] = parseStore(unlabelled);
    assert.equal(entry!.serialNumber, '40d7e4a080d857b7418f88e767a9c405');
    assert.equal(entry!.issuer, 'DC=Windows Azure CRP Certificate Generator');
    assert.equal(entry!.notBefore, '8/2/2026 11:16 PM');
    assert.equal(entry!.notAfter, '8/2/2027 11:16 PM');
    assert.equal(entry!.thumbprint, 'E6CC21E72B8357BD5A0990DB7DED3421F3F8B9AA');
  });

  test('a key line no table knows makes exportability unknown, never exportable', () => {
    // Where the English sample says NOT exportable, a line in an unknown language: it could say the same.
    const text = unlabelled.replace('Private key is NOT exportable', 'L7').replace('Encryption test passed', 'L8');
    const [entry] = parseStore(text);
    assert.equal(entry!.hasPrivateKey, true);
    assert.equal(entry!.exportability, 'unknown');
    assert.equal(entry!.exportable, false);
    assert.equal(entry!.keyTest, 'not-run');
  });

  test('only a key section whose every line is known reads as exportable', () => {
    const sample = english('certutil-store-my.txt');
    assert.equal(parseStore(sample.replace('Private key is NOT exportable\n', ''))[0]!.exportability, 'exportable');
    assert.equal(parseStore(sample.replace('Private key is NOT exportable\n', 'L7\n'))[0]!.exportability, 'unknown');
  });

  test('a serial row that is not hex is refused, naming the line', () => {
    const text = english('certutil-store-my.txt').replace('Serial Number: 40d7e4a080d857b7418f88e767a9c405', 'L1: not-a-serial');
    assert.throws(
      () => parseStore(text),
      (e: unknown) => e instanceof ToolError && e.message.includes('"L1: not-a-serial"'),
    );
  });

  test('a label a table gives to another field is not taken by position', () => {
    // Issuer printed where the serial should be: the serial is then missing, not silently the issuer.
    const text = english('certutil-store-my.txt').replace('Serial Number: 40d7e4a080d857b7418f88e767a9c405\n', '');
    assert.throws(
      () => parseStore(text),
      (e: unknown) => e instanceof ToolError && /serialNumber/.test(e.message),
    );
  });
});
