// The password-free cert.pem + key.pem pair Azure ML needs, from every source an admin may hold, checked with real
// files (made here with node-forge and node:crypto) and, where openssl is installed, compared with what it reads.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {createPrivateKey, generateKeyPairSync, createPublicKey} from 'node:crypto';
import {readFileSync, statSync, writeFileSync, existsSync} from 'node:fs';
import {join} from 'node:path';
import {describe, test} from 'node:test';
import forge from 'node-forge';
import {createSelfSigned, toPfx} from '../../src/certs/index.ts';
import {
  PassphraseRequiredError,
  WrongPassphraseError,
  nameCovers,
  pemPairFromMade,
  pemPairFromSource,
  pemPairProblems,
  removePemFiles,
  sourceFormat,
  writePemPair,
} from '../../src/certs/pem-pair.ts';
import {stateFiles} from '../../src/runner/step-files.ts';
import {tempDir} from '../helpers/temp.ts';

const CNAME = 'mlscore.contoso.com';
const made = await createSelfSigned({commonNames: [CNAME], dnsNames: [CNAME]});
const other = await createSelfSigned({commonNames: ['other.contoso.com']});
const work = tempDir('certwalk-pem-');
/** The pair is written as a step writes it: through the state directory's files (here, `work`). */
const local = stateFiles(work);
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

function encryptedPkcs8(keyPem: string, passphrase: string): string {
  return createPrivateKey(keyPem).export({type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase}).toString();
}

function legacyEncryptedRsa(keyPem: string, passphrase: string): string {
  // `Proc-Type: 4,ENCRYPTED` / `DEK-Info:`: what `openssl genrsa -aes256` and older tools write.
  return createPrivateKey(keyPem).export({type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase}).toString();
}

function derOf(certPem: string): Buffer {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(certPem))).getBytes(), 'binary');
}

describe('sources', () => {
  test('a new certificate becomes a PKCS#8 key and its certificate, unchanged', () => {
    const pair = pemPairFromMade(made);
    assert.equal(pair.info.thumbprint, made.info.thumbprint);
    assert.match(pair.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.match(pair.certPem, /^-----BEGIN CERTIFICATE-----\n[\s\S]*-----END CERTIFICATE-----\n$/);
  });

  test('a PFX with its password gives the pair; without it the password is asked for, a wrong one is refused', () => {
    const pfx = toPfx(made, 'Pfx-Pass1');
    assert.equal(sourceFormat(pfx), 'pfx');
    const pair = pemPairFromSource({certificate: pfx, passphrase: 'Pfx-Pass1'});
    assert.equal(pair.info.thumbprint, made.info.thumbprint);
    assert.doesNotMatch(pair.keyPem, /ENCRYPTED/);
    assert.throws(() => pemPairFromSource({certificate: pfx}), PassphraseRequiredError);
    assert.throws(() => pemPairFromSource({certificate: pfx, passphrase: 'wrong'}), WrongPassphraseError);
  });

  test('a PFX with a chain puts the certificate that matches the key first, then the chain', () => {
    const asn1 = forge.pkcs12.toPkcs12Asn1(
      forge.pki.privateKeyFromPem(made.keyPem),
      [forge.pki.certificateFromPem(other.certPem), forge.pki.certificateFromPem(made.certPem)],
      'pw',
      {algorithm: '3des'},
    );
    const pfx = Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
    const pair = pemPairFromSource({certificate: pfx, passphrase: 'pw'});
    const blocks = pair.certPem.match(/-----BEGIN CERTIFICATE-----/g) ?? [];
    assert.equal(blocks.length, 2);
    assert.equal(pair.info.thumbprint, made.info.thumbprint);
  });

  test('a DER certificate takes a separate key file, PEM or DER', () => {
    const der = derOf(made.certPem);
    assert.equal(sourceFormat(der), 'der');
    assert.equal(pemPairFromSource({certificate: der, key: Buffer.from(made.keyPem)}).info.thumbprint, made.info.thumbprint);
    const keyDer = createPrivateKey(made.keyPem).export({type: 'pkcs1', format: 'der'});
    assert.equal(pemPairFromSource({certificate: der, key: keyDer}).info.thumbprint, made.info.thumbprint);
    assert.throws(() => pemPairFromSource({certificate: der}), /no private key: the certificate file holds none/);
  });

  test('a PEM file with the certificate and the key in it', () => {
    const pair = pemPairFromSource({certificate: Buffer.from(`${made.certPem}${made.keyPem}`)});
    assert.equal(pair.info.thumbprint, made.info.thumbprint);
  });

  for (const [form, encrypt] of [
    ['PKCS#8 (BEGIN ENCRYPTED PRIVATE KEY)', encryptedPkcs8],
    ['PKCS#1 with Proc-Type: 4,ENCRYPTED', legacyEncryptedRsa],
  ] as const) {
    test(`a key with a passphrase, ${form}: refused without it, decrypted with it`, () => {
      const key = Buffer.from(encrypt(made.keyPem, 'Key-Pass2'));
      assert.throws(() => pemPairFromSource({certificate: Buffer.from(made.certPem), key}), PassphraseRequiredError);
      assert.throws(() => pemPairFromSource({certificate: Buffer.from(made.certPem), key, passphrase: 'nope'}), WrongPassphraseError);
      const pair = pemPairFromSource({certificate: Buffer.from(made.certPem), key, passphrase: 'Key-Pass2'});
      assert.match(pair.keyPem, /^-----BEGIN PRIVATE KEY-----/);
      assert.doesNotMatch(pair.keyPem, /ENCRYPTED|Key-Pass2/);
      // The same key: its public half is the certificate's.
      assert.deepEqual(createPublicKey(pair.keyPem).export({type: 'spki', format: 'der'}), createPublicKey(made.keyPem).export({type: 'spki', format: 'der'}));
    });
  }

  test("a key that is not the certificate's is refused, naming the certificate", () => {
    assert.throws(
      () => pemPairFromSource({certificate: Buffer.from(made.certPem), key: Buffer.from(other.keyPem)}),
      new RegExp(`the private key does not belong to the certificate ${made.info.thumbprint}`),
    );
    const ec = generateKeyPairSync('ec', {namedCurve: 'prime256v1'}).privateKey.export({type: 'pkcs8', format: 'pem'}).toString();
    assert.throws(() => pemPairFromSource({certificate: Buffer.from(made.certPem), key: Buffer.from(ec)}), /does not belong/);
  });

  test('garbage is neither PEM nor DER', () => {
    assert.throws(() => sourceFormat(Buffer.from([0xff, 0x00, 0x13])), /not a certificate file/);
  });
});

describe('checks', () => {
  test('RFC 6125 names: exact, case-insensitive, wildcard as the whole left-most label only', () => {
    assert.equal(nameCovers('mlscore.contoso.com', 'MLScore.Contoso.com.'), true);
    assert.equal(nameCovers('*.contoso.com', 'mlscore.contoso.com'), true);
    assert.equal(nameCovers('*.contoso.com', 'a.mlscore.contoso.com'), false, 'one label only');
    assert.equal(nameCovers('*.contoso.com', 'contoso.com'), false, 'not the parent');
    assert.equal(nameCovers('ml*.contoso.com', 'mlscore.contoso.com'), false, 'no partial-label wildcard');
    assert.equal(nameCovers('mlscore.*.com', 'mlscore.contoso.com'), false, 'not left-most');
    assert.equal(nameCovers('*.com', 'contoso.com'), false, 'not under a top-level domain');
    assert.equal(nameCovers('other.contoso.com', 'mlscore.contoso.com'), false);
  });

  test('a fit pair has no problems; a CNAME it does not name, an expired or future certificate each have one', async () => {
    const now = new Date();
    assert.deepEqual(pemPairProblems(pemPairFromMade(made), CNAME, now), []);
    const wildcard = await createSelfSigned({commonNames: ['contoso wildcard'], dnsNames: ['*.contoso.com']});
    assert.deepEqual(pemPairProblems(pemPairFromMade(wildcard), CNAME, now), [], 'a SAN wildcard covers it');
    assert.match(pemPairProblems(pemPairFromMade(other), CNAME, now).join('\n'), /is not for mlscore\.contoso\.com: it names CN other\.contoso\.com/);
    const expired = await createSelfSigned({commonNames: [CNAME], notBefore: new Date(Date.now() - 40 * 86_400_000), validDays: 30});
    assert.match(pemPairProblems(pemPairFromMade(expired), CNAME, now).join('\n'), /expired on/);
    const future = await createSelfSigned({commonNames: [CNAME], notBefore: new Date(Date.now() + 86_400_000)});
    assert.match(pemPairProblems(pemPairFromMade(future), CNAME, now).join('\n'), /not valid before/);
  });
});

describe('files', () => {
  test('key.pem is 0600 in a 0700 folder, never overwritten, and removed on request', async () => {
    const dir = join(work, 'pair');
    const files = await writePemPair(local, dir, pemPairFromMade(made));
    assert.equal(statSync(files.keyPath).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(readFileSync(files.keyPath, 'utf8'), made.keyPem.replace(/\r\n/g, '\n'));
    await assert.rejects(writePemPair(local, dir, pemPairFromMade(other)), /EEXIST/);
    assert.equal(readFileSync(files.keyPath, 'utf8'), made.keyPem.replace(/\r\n/g, '\n'), 'the first key is kept');
    await removePemFiles(local, files, {certToo: false});
    assert.equal(existsSync(files.keyPath), false);
    assert.equal(existsSync(files.certPath), true);
  });

  test('openssl reads the files as certwalk does (comparison skipped only when openssl is absent)', async (t) => {
    const dir = join(work, 'openssl');
    const pfx = toPfx(made, 'pw');
    const files = await writePemPair(local, dir, pemPairFromSource({certificate: pfx, passphrase: 'pw'}));
    // The main assertion holds everywhere: the written pair is password-free and belongs together.
    assert.equal(createPrivateKey(readFileSync(files.keyPath)).asymmetricKeyType, 'rsa');
    assert.deepEqual(pemPairProblems(pemPairFromSource({certificate: readFileSync(files.certPath), key: readFileSync(files.keyPath)}), CNAME, new Date()), []);
    if (!hasOpenssl) {
      t.diagnostic('openssl not installed: the comparison with openssl is skipped');
      return;
    }
    const fingerprint = spawnSync('openssl', ['x509', '-noout', '-fingerprint', '-sha1', '-in', files.certPath], {encoding: 'utf8'});
    assert.equal(fingerprint.stdout.trim().split('=')[1]?.replace(/:/g, ''), made.info.thumbprint);
    // -passin none: openssl must open the key without asking, i.e. it is not encrypted.
    const pub = spawnSync('openssl', ['pkey', '-in', files.keyPath, '-passin', 'pass:', '-pubout'], {encoding: 'utf8'});
    assert.equal(pub.status, 0, pub.stderr);
    assert.equal(pub.stdout, createPublicKey(made.certPem).export({type: 'spki', format: 'pem'}).toString());
    // And the other way: a PFX openssl made (AES, PBES2 on OpenSSL 3) is read by certwalk.
    const made2 = join(work, 'openssl-made.pfx');
    writeFileSync(join(work, 'k.pem'), made.keyPem);
    writeFileSync(join(work, 'c.pem'), made.certPem);
    const exported = spawnSync('openssl', ['pkcs12', '-export', '-in', join(work, 'c.pem'), '-inkey', join(work, 'k.pem'), '-out', made2, '-passout', 'pass:Op3n'], {
      encoding: 'utf8',
    });
    assert.equal(exported.status, 0, exported.stderr);
    assert.equal(pemPairFromSource({certificate: readFileSync(made2), passphrase: 'Op3n'}).info.thumbprint, made.info.thumbprint);
  });
});
