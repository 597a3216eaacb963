import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {
  CRYPT_E_NOT_FOUND,
  addStore,
  addStoreCommand,
  certmgrDeleteByNameCommand,
  delStore,
  delStoreCommand,
  listStore,
  listStoreCommand,
  parseCertmgrResult,
  parseCertutilResult,
  parseStore,
} from '../../src/ops/certutil.ts';
import * as certutilOps from '../../src/ops/certutil.ts';
import type {StoreEntryWithExportability} from '../../src/ops/certutil.ts';
import {ToolError} from '../../src/ops/tool-error.ts';
import {FakeHost} from '../helpers/fake-host.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const crlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

const THUMB_MASTER = 'E6CC21E72B8357BD5A0990DB7DED3421F3F8B9AA';
const THUMB_WORKER = '0123456789ABCDEF0123456789ABCDEF01234567';

// The -store format documented in docs/TOOL-OUTPUT.md: one cert with an exportable key, one without a key whose
// 20-byte serial number is 40 hex digits (it must not be mistaken for the thumbprint), hash printed as byte pairs.
const ROOT_STORE = `Root "Trusted Root Certification Authorities"
================ Certificate 0 ================
Serial Number: 40d7e4a080d857b7418f88e767a9c405
Issuer: CN=master.contoso.local
 NotBefore: 8/2/2026 11:16 PM
 NotAfter: 8/2/2028 11:16 PM
Subject: CN=MASTER, CN=master.contoso.local
Signature matches Public Key
Root Certificate: Subject matches Issuer
Cert Hash(sha1): e6cc21e72b8357bd5a0990db7ded3421f3f8b9aa
  Key Container = {BCFFCA5D-B870-4CC2-A8E9-10A641CA58D0}
  Unique container name: 8e5a57f198ccf38cb4e07149dcca663d_55a42ce9-5197-498f-a203-54bfba68824d
  Provider = Microsoft Software Key Storage Provider
Encryption test passed
================ Certificate 1 ================
Serial Number: 1111111111222222222233333333334444444444
Issuer: CN=WORKER1
 NotBefore: 1/5/2026 9:03 AM
 NotAfter: 1/5/2027 9:03 AM
Subject: CN=WORKER1; CN=10.0.0.21
Signature matches Public Key
Root Certificate: Subject matches Issuer
Cert Hash(sha1): 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67
No key provider information
Cannot find the certificate and private key for decryption.

CertUtil: -store command completed successfully.
`;

const EXPECTED_ROOT: StoreEntryWithExportability[] = [
  {
    thumbprint: THUMB_MASTER,
    subject: 'CN=MASTER, CN=master.contoso.local',
    issuer: 'CN=master.contoso.local',
    serialNumber: '40d7e4a080d857b7418f88e767a9c405',
    notBefore: '8/2/2026 11:16 PM',
    notAfter: '8/2/2028 11:16 PM',
    hasPrivateKey: true,
    exportable: true,
    exportability: 'exportable',
    keyTest: 'passed',
  },
  {
    thumbprint: THUMB_WORKER,
    subject: 'CN=WORKER1; CN=10.0.0.21',
    issuer: 'CN=WORKER1',
    serialNumber: '1111111111222222222233333333334444444444',
    notBefore: '1/5/2026 9:03 AM',
    notAfter: '1/5/2027 9:03 AM',
    hasPrivateKey: false,
    exportable: false,
    exportability: 'not-exportable',
    keyTest: 'not-run',
  },
];

const EXPECTED_MY_SAMPLE: StoreEntryWithExportability[] = [
  {
    thumbprint: THUMB_MASTER,
    subject: 'DC=Windows Azure CRP Certificate Generator',
    issuer: 'DC=Windows Azure CRP Certificate Generator',
    serialNumber: '40d7e4a080d857b7418f88e767a9c405',
    notBefore: '8/2/2026 11:16 PM',
    notAfter: '8/2/2027 11:16 PM',
    hasPrivateKey: true,
    exportable: false,
    exportability: 'not-exportable',
    keyTest: 'passed',
  },
];

const NOT_FOUND = (verb: string) => `CertUtil: -${verb} command FAILED: 0x80092004 (-2146885628 CRYPT_E_NOT_FOUND)
CertUtil: Cannot find object or property.
`;

describe('parseStore', () => {
  test('certutil-store-my.txt (the real sample)', () => {
    assert.deepEqual(parseStore(fixture('certutil-store-my.txt')), EXPECTED_MY_SAMPLE);
    assert.deepEqual(parseStore(crlf(fixture('certutil-store-my.txt'))), EXPECTED_MY_SAMPLE);
  });

  test('the documented format: key / no key, spaced hash, 40-hex serial', () => {
    assert.deepEqual(parseStore(ROOT_STORE), EXPECTED_ROOT);
    assert.deepEqual(parseStore(crlf(ROOT_STORE)), EXPECTED_ROOT);
  });

  test('an empty store', () => {
    assert.deepEqual(parseStore('My "Personal"\r\nCertUtil: -store command completed successfully.\r\n'), []);
  });

  test('the thumbprint is found by its 40-hex value even with a translated label', () => {
    const text = ROOT_STORE.replace('Cert Hash(sha1)', 'Zertifikathash(sha1)').replaceAll('Key Container', 'Schlüsselcontainer');
    const certs = parseStore(text);
    assert.equal(certs[0]!.thumbprint, THUMB_MASTER);
    assert.equal(certs[0]!.hasPrivateKey, true);
  });

  test('translated leading labels fall back to their positions', () => {
    const text = fixture('certutil-store-my.txt')
      .replace('Serial Number:', 'Seriennummer:')
      .replace('Issuer:', 'Aussteller:')
      .replace('NotBefore:', 'Gültig ab:')
      .replace('NotAfter:', 'Gültig bis:')
      .replace('Subject:', 'Antragsteller:');
    assert.deepEqual(parseStore(text), EXPECTED_MY_SAMPLE);
  });

  test('a certificate block without a hash line is refused', () => {
    assert.throws(() => parseStore('My "Personal"\n================ Certificate 0 ================\nSerial Number: 01\n'), ToolError);
  });

  test('the key test: passed only on a passed line; the FAILED line or no line at all is no proof', () => {
    const sample = fixture('certutil-store-my.txt');
    assert.ok(sample.includes('Encryption test passed\n'));
    const keyTest = (text: string) => parseStore(text)[0]!.keyTest;
    // The real sample passes, with LF or CRLF
    assert.equal(keyTest(sample), 'passed');
    assert.equal(keyTest(crlf(sample)), 'passed');
    // A signature-only key prints "Signature test passed" (seen in public transcripts of makecert keys)
    assert.equal(keyTest(sample.replace('Encryption test passed', 'Signature test passed')), 'passed');
    // The sandbox's rendering of a key that is not the certificate's (docs/TOOL-OUTPUT.md), and an error line after it
    assert.equal(keyTest(sample.replace('Encryption test passed', 'Encryption test FAILED')), 'failed');
    assert.equal(keyTest(crlf(sample.replace('Encryption test passed', 'Encryption test FAILED\nBad Key.'))), 'failed');
    // A failure wins over a pass in the same block
    assert.equal(keyTest(sample.replace('Encryption test passed', 'Signature test passed\nEncryption test FAILED')), 'failed');
    // A key with no result line (cut output, a translated or unknown line) is not proof
    assert.equal(keyTest(sample.replace('Encryption test passed\n', '')), 'not-run');
    assert.equal(keyTest(sample.replace('Encryption test passed', 'Verschlüsselungstest bestanden')), 'not-run');
    assert.equal(keyTest(sample.replace('Encryption test passed', 'Encryption test passed?')), 'not-run');
    // A certificate without a key runs no test, even if a stray passed line follows
    assert.equal(parseStore(ROOT_STORE)[1]!.keyTest, 'not-run');
    assert.equal(parseStore(ROOT_STORE.replace('private key for decryption.\n', 'private key for decryption.\nEncryption test passed\n'))[1]!.keyTest, 'not-run');
    // The pass of one certificate is not carried into the next block
    const twoBlocks = ROOT_STORE.replace('Encryption test passed\n', '');
    assert.deepEqual(
      parseStore(twoBlocks).map((c) => c.keyTest),
      ['not-run', 'not-run'],
    );
  });

  test('a 40-hex serial number is never taken for the thumbprint', () => {
    const withoutHash = ROOT_STORE.split('\n')
      .filter((l) => !l.includes('01 23 45 67'))
      .join('\n');
    assert.throws(() => parseStore(withoutHash), /without a SHA-1 hash line \(serial 1111111111222222222233333333334444444444\)/);
  });
});

describe('parseCertutilResult', () => {
  test('success', () => {
    assert.deepEqual(parseCertutilResult('CertUtil: -delstore command completed successfully.\r\n'), {ok: true});
  });

  test('CRYPT_E_NOT_FOUND', () => {
    assert.deepEqual(parseCertutilResult(crlf(`My "Personal"\n${NOT_FOUND('delstore')}`), 1), {
      ok: false,
      hresult: CRYPT_E_NOT_FOUND,
      name: 'CRYPT_E_NOT_FOUND',
      message: 'Cannot find object or property.',
    });
  });

  test('a WIN32 error carries its number', () => {
    const text = 'CertUtil: -importPFX command FAILED: 0x80070056 (WIN32: 86 ERROR_INVALID_PASSWORD)\nCertUtil: The specified network password is not correct.\n';
    assert.deepEqual(parseCertutilResult(text, 0x56), {
      ok: false,
      hresult: '0x80070056',
      name: 'ERROR_INVALID_PASSWORD',
      win32: 86,
      message: 'The specified network password is not correct.',
    });
  });

  test('a non-zero exit code without a FAILED line is still a failure', () => {
    assert.equal(parseCertutilResult('something odd\n', 1).ok, false);
  });
});

describe('command builders', () => {
  test('list, add, delete', () => {
    assert.deepEqual(listStoreCommand('Root'), {command: 'certutil', args: ['-store', 'Root']});
    assert.deepEqual(addStoreCommand('Root', 'C:\\Windows\\Temp\\m.cer'), {command: 'certutil', args: ['-addstore', 'Root', 'C:\\Windows\\Temp\\m.cer']});
    assert.deepEqual(delStoreCommand('My', THUMB_MASTER), {command: 'certutil', args: ['-delstore', 'My', THUMB_MASTER]});
  });

  test('no PFX import or export: certutil would carry the password in its command line (ops/pki.ts does them)', () => {
    for (const name of ['importPfx', 'importPfxCommand', 'exportPfx', 'exportPfxCommand']) assert.ok(!(name in certutilOps), name);
  });

  test('inputs are validated', () => {
    assert.throws(() => delStoreCommand('My', `${THUMB_MASTER.slice(0, 39)}`), /40-hex-digit/);
    assert.throws(() => delStoreCommand('My', 'CN=MASTER'), /40-hex-digit/);
    assert.throws(() => listStoreCommand('-delstore'), /store name/);
    assert.throws(() => addStoreCommand('Root', ''), /file path/);
  });

  test('certmgr delete-by-name, for display', () => {
    const cmd = certmgrDeleteByNameCommand('My', 'WORKER1');
    assert.deepEqual(cmd, {command: 'certmgr.exe', args: ['/del', '/c', '/s', '/r', 'localmachine', 'My', '/n', 'WORKER1']});
  });
});

describe('parseCertmgrResult', () => {
  for (const name of ['certmgr-succeeded.txt', 'certmgr-list-empty-store.txt', 'certmgr-list-one-cert-partial.txt', 'makecert-then-certmgr-transcript.txt']) {
    test(`${name} succeeded`, () => {
      assert.deepEqual(parseCertmgrResult(fixture(name)), {ok: true});
      assert.deepEqual(parseCertmgrResult(crlf(fixture(name))), {ok: true});
    });
  }

  test('CertMgr Failed', () => {
    assert.deepEqual(parseCertmgrResult('CertMgr Failed\r\n'), {ok: false, message: 'CertMgr Failed'});
  });

  test('Error lines win over a success line', () => {
    assert.deepEqual(parseCertmgrResult('Error: Can not find a certificate matching the hash value\nCertMgr Succeeded\n'), {
      ok: false,
      message: 'Error: Can not find a certificate matching the hash value',
    });
  });

  test('no success line is a failure (exit codes are unreliable)', () => {
    assert.equal(parseCertmgrResult(fixture('makecert-succeeded.txt')).ok, false);
    assert.equal(parseCertmgrResult('').ok, false);
  });
});

describe('host functions', () => {
  test('listStore', async () => {
    const host = new FakeHost([{command: 'certutil', args: ['-store', 'Root'], stdout: crlf(ROOT_STORE)}]);
    assert.deepEqual(await listStore(host, 'Root'), EXPECTED_ROOT);
  });

  test('listStore failure throws with the HRESULT', async () => {
    const host = new FakeHost([{command: 'certutil', args: ['-store', 'Root'], stdout: `Root "Trusted Root Certification Authorities"\n${NOT_FOUND('store')}`, exitCode: 4}]);
    await assert.rejects(listStore(host, 'Root'), (e: unknown) => e instanceof ToolError && e.details.code === CRYPT_E_NOT_FOUND && e.details.exitCode === 4);
  });

  test('addStore: added, then already', async () => {
    const file = 'C:\\Windows\\Temp\\m.cer';
    const added =
      'Root "Trusted Root Certification Authorities"\nSignature matches Public Key\nCertificate "master.contoso.local" added to store.\nCertUtil: -addstore command completed successfully.\n';
    const host = new FakeHost([
      {command: 'certutil', args: ['-addstore', 'Root', file], stdout: crlf(added), once: true},
      {command: 'certutil', args: ['-addstore', 'Root', file], stdout: crlf(added.replace('added to store.', 'already in store.'))},
    ]);
    assert.equal(await addStore(host, 'Root', file), 'added');
    assert.equal(await addStore(host, 'Root', file), 'already');
  });

  test('addStore with a missing file throws with the win32 HRESULT', async () => {
    const stdout = 'CertUtil: -addstore command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)\nCertUtil: The system cannot find the file specified.\n';
    const host = new FakeHost([{command: 'certutil', args: /^-addstore /, stdout, exitCode: 2}]);
    await assert.rejects(addStore(host, 'Root', 'C:\\nope.cer'), (e: unknown) => {
      assert.ok(e instanceof ToolError);
      assert.equal(e.details.code, '0x80070002');
      assert.match(e.message, /The system cannot find the file specified/);
      return true;
    });
  });

  test('delStore: success, then CRYPT_E_NOT_FOUND', async () => {
    const deleted = `My "Personal"\n================ Certificate 0 ================\nSerial Number: 01\nCert Hash(sha1): ${THUMB_MASTER}\nDeleting Certificate 0\nCertUtil: -delstore command completed successfully.\n`;
    const host = new FakeHost([
      {command: 'certutil', args: ['-delstore', 'My', THUMB_MASTER], stdout: deleted, once: true},
      {command: 'certutil', args: ['-delstore', 'My', THUMB_MASTER], stdout: `My "Personal"\n${NOT_FOUND('delstore')}`, exitCode: 4},
    ]);
    await delStore(host, 'My', THUMB_MASTER);
    await assert.rejects(delStore(host, 'My', THUMB_MASTER), (e: unknown) => e instanceof ToolError && e.details.code === CRYPT_E_NOT_FOUND);
    assert.equal(host.calls.length, 2);
  });
});
