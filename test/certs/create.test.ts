import {test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import nodeCrypto from 'node:crypto';
import {createSelfSigned, describeCertificate, generateKeyPem, keyInAdvance, keyMatchesCertificate} from '../../src/certs/index.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const notBefore = new Date('2025-03-01T12:00:00.750Z');
const made = await createSelfSigned({
  commonNames: ['master.contoso.local', 'MASTER', '10.0.0.10'],
  dnsNames: ['master.contoso.local', 'MASTER'],
  ipAddresses: ['10.0.0.10'],
  notBefore,
  validDays: 365,
});
const x509 = new X509Certificate(made.der);

test('the thumbprint is the SHA-1 of the DER as Node computes it, uppercase without colons', () => {
  assert.equal(made.info.thumbprint, x509.fingerprint.replace(/:/g, ''));
  assert.match(made.info.thumbprint, /^[0-9A-F]{40}$/);
  assert.equal(made.info.sha256, x509.fingerprint256.replace(/:/g, ''));
  assert.equal(made.info.sha256Colons, x509.fingerprint256);
});

test('one RDN per CN in the order given; Windows shows them reversed', () => {
  // OpenSSL (Node) prints RDNs in encoding order, one per line.
  assert.equal(x509.subject, 'CN=master.contoso.local\nCN=MASTER\nCN=10.0.0.10');
  assert.equal(made.info.subject, 'CN=10.0.0.10, CN=MASTER, CN=master.contoso.local');
  assert.equal(made.info.issuer, made.info.subject);
  assert.deepEqual(made.info.commonNames, ['master.contoso.local', 'MASTER', '10.0.0.10']);
  assert.equal(made.info.selfSigned, true);
});

test('subject alternative names, key usage and extended key usage are present', () => {
  assert.deepEqual(made.info.dnsNames, ['master.contoso.local', 'MASTER']);
  assert.deepEqual(made.info.ipAddresses, ['10.0.0.10']);
  assert.deepEqual(x509.keyUsage, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']); // Node names the EKU list keyUsage
  assert.equal(x509.ca, false);
  assert.ok(x509.verify(x509.publicKey), 'self-signature verifies');
  assert.match(x509.toLegacyObject().ext_key_usage?.join(',') ?? '', /1\.3\.6\.1\.5\.5\.7\.3\.1/);
});

test('RSA 2048 by default, SHA-256 signature, positive 16-byte serial', () => {
  assert.equal(made.info.keyBits, 2048);
  assert.equal(x509.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  assert.match(made.info.serialNumber, /^[0-7][0-9a-f]{31}$/);
  assert.notEqual(made.info.serialNumber.slice(0, 2), '00');
  // OID 1.2.840.113549.1.1.11 (sha256WithRSAEncryption), in the TBS and in the outer signatureAlgorithm.
  const sha256WithRsa = Buffer.from('06092a864886f70d01010b', 'hex');
  assert.ok(made.der.indexOf(sha256WithRsa) > 0);
  assert.ok(made.der.lastIndexOf(sha256WithRsa) > made.der.indexOf(sha256WithRsa));
});

test('validity starts at notBefore (whole seconds) and lasts validDays', () => {
  assert.equal(made.info.notBefore.toISOString(), '2025-03-01T12:00:00.000Z');
  assert.equal(made.info.notAfter.getTime() - made.info.notBefore.getTime(), 365 * DAY_MS);
  assert.equal(new Date(x509.validTo).getTime(), made.info.notAfter.getTime());
});

test('defaults: valid for 730 days from a few minutes ago', async () => {
  const cert = await createSelfSigned({commonNames: ['defaults']});
  const ageMs = Date.now() - cert.info.notBefore.getTime();
  assert.ok(ageMs > 60_000 && ageMs < 10 * 60_000, `notBefore ${ageMs} ms ago`);
  assert.equal(cert.info.notAfter.getTime() - cert.info.notBefore.getTime(), 730 * DAY_MS);
  assert.deepEqual(cert.info.dnsNames, []);
});

test('the key is PKCS#8 and belongs to the certificate; keys shorter than 2048 bits are refused', async () => {
  assert.match(made.keyPem, /^-----BEGIN PRIVATE KEY-----/);
  assert.equal(keyMatchesCertificate(made.certPem, made.keyPem), true);
  await assert.rejects(createSelfSigned({commonNames: ['weak'], keyBits: 1024}), /1024 bits refused/);
  await assert.rejects(createSelfSigned({commonNames: []}), /at least one common name/);
});

test('a larger key size is honoured', async () => {
  const cert = await createSelfSigned({commonNames: ['big'], keyBits: 3072});
  assert.equal(cert.info.keyBits, 3072);
});

test("key generation uses native crypto: Node's generateKeyPair makes the key (forge's pure-JS path takes seconds)", async (t) => {
  // How fast it is belongs to the bench (npm run bench); here, that the key comes from the native path at all.
  const native = t.mock.method(nodeCrypto, 'generateKeyPair');
  const cert = await createSelfSigned({commonNames: ['fast']});
  assert.equal(native.mock.callCount(), 1);
  assert.equal(native.mock.calls[0]!.arguments[0], 'rsa');
  assert.equal(cert.info.keyBits, 2048);
  assert.equal(keyMatchesCertificate(cert.certPem, cert.keyPem), true);
});

test("a key made in advance is the certificate's key, of the size asked for; one never awaited raises nothing", async () => {
  const pending = keyInAdvance(3072);
  // Refused (1024 bits) and dropped unawaited, as a procedure does when another parameter is wrong: no unhandled rejection.
  keyInAdvance(1024);
  const cert = await createSelfSigned({commonNames: ['WORKER1'], key: await pending});
  assert.equal(cert.info.keyBits, 3072);
  assert.equal(keyMatchesCertificate(cert.certPem, cert.keyPem), true);
  assert.equal(cert.keyPem, (await pending).privateKeyPem);
  await assert.rejects(keyInAdvance(1024), /1024 bits refused/);
  await new Promise((resolve) => setTimeout(resolve, 50));
});

test('a reused key still gives a distinct certificate', async () => {
  const keyPem = await generateKeyPem();
  const a = await createSelfSigned({commonNames: ['WORKER1'], keyPem});
  const b = await createSelfSigned({commonNames: ['WORKER2'], keyPem});
  assert.notEqual(a.info.thumbprint, b.info.thumbprint);
  assert.equal(keyMatchesCertificate(a.certPem, b.keyPem), true);
});

test('describeCertificate reads DER, PEM text and PEM bytes alike', () => {
  const fromPem = describeCertificate(made.certPem);
  assert.deepEqual(fromPem, made.info);
  assert.deepEqual(describeCertificate(Buffer.from(made.certPem)), made.info);
  assert.throws(() => describeCertificate('hello'), /no "-----BEGIN CERTIFICATE-----"/);
});
