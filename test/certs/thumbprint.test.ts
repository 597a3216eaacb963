import {test} from 'node:test';
import assert from 'node:assert/strict';
import {cleanThumbprint, createSelfSigned, keyMatchesCertificate} from '../../src/certs/index.ts';

const HEX = 'e6cc21e72b8357bd5a0990db7ded3421f3f8b9aa';
const UPPER = HEX.toUpperCase();

test('cleanThumbprint strips the invisible mark the Certificates console copies', () => {
  assert.equal(cleanThumbprint(`\u200e${HEX}`), UPPER);
  assert.equal(cleanThumbprint(`\u200f\ufeff${HEX}\u200b`), UPPER);
});

test('cleanThumbprint removes spaces, colons and dashes and uppercases', () => {
  assert.equal(cleanThumbprint('e6 cc 21 e7 2b 83 57 bd 5a 09 90 db 7d ed 34 21 f3 f8 b9 aa'), UPPER);
  assert.equal(cleanThumbprint('E6:CC:21:E7:2B:83:57:BD:5A:09:90:DB:7D:ED:34:21:F3:F8:B9:AA'), UPPER);
  assert.equal(cleanThumbprint(`  ${HEX.slice(0, 20)}-${HEX.slice(20)}\t\n`), UPPER);
  assert.equal(cleanThumbprint(`${HEX.slice(0, 10)}\u00a0${HEX.slice(10)}`), UPPER);
});

test('cleanThumbprint names the bad character and its position', () => {
  assert.throws(() => cleanThumbprint(`${HEX.slice(0, 5)}g${HEX.slice(6)}`), /character 'g' \(U\+0067\) at position 6/);
  assert.throws(() => cleanThumbprint(`?${HEX}`), /'\?' \(U\+003F\) at position 1/);
});

test('cleanThumbprint reports a wrong length', () => {
  assert.throws(() => cleanThumbprint(HEX.slice(0, 39)), /40 hexadecimal digits, this one has 39/);
  assert.throws(() => cleanThumbprint(''), /this one has 0/);
  assert.throws(() => cleanThumbprint('ab'.repeat(32)), /has 64 \(that looks like a SHA-256 hash\)/);
});

test('keyMatchesCertificate tells the right key from another one', async () => {
  const a = await createSelfSigned({commonNames: ['a']});
  const b = await createSelfSigned({commonNames: ['b']});
  assert.equal(keyMatchesCertificate(a.certPem, a.keyPem), true);
  assert.equal(keyMatchesCertificate(a.certPem, b.keyPem), false);
  assert.throws(() => keyMatchesCertificate(a.certPem, 'not a key'), /cannot read the private key/);
});
