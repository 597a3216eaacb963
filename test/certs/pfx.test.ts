import {test} from 'node:test';
import assert from 'node:assert/strict';
import {PfxFormatError, PfxPasswordError, createSelfSigned, describeCertificate, fromPfx, keyMatchesCertificate, toPfx} from '../../src/certs/index.ts';

const made = await createSelfSigned({commonNames: ['pfx.contoso.local']});

test('a PFX round-trips the certificate and its key', () => {
  const pfx = toPfx(made, 'S3cret!');
  const back = fromPfx(pfx, 'S3cret!');
  assert.equal(describeCertificate(back.certPem).thumbprint, made.info.thumbprint);
  assert.ok(back.keyPem);
  assert.equal(keyMatchesCertificate(back.certPem, back.keyPem), true);
});

test('a wrong password is a PfxPasswordError, a damaged file a PfxFormatError', () => {
  const pfx = toPfx(made, 'right');
  assert.throws(() => fromPfx(pfx, 'wrong'), PfxPasswordError);
  assert.throws(() => fromPfx(Buffer.from('not a pfx at all'), 'right'), PfxFormatError);
  assert.throws(
    () => fromPfx(pfx.subarray(0, 200), 'right'),
    (error: unknown) => !(error instanceof PfxPasswordError),
  );
});

test('the key is protected with 3DES so that Windows Server 2016 can import it', () => {
  const pfx = toPfx(made, 'pw');
  // The shrouded key bag sits in an unencrypted SafeContents, so its algorithm OID is visible in the DER:
  // 1.2.840.113549.1.12.1.3 pbeWithSHAAnd3-KeyTripleDES-CBC, and no PBES2 (1.2.840.113549.1.5.13, used for AES).
  assert.ok(pfx.includes(Buffer.from('060a2a864886f70d010c0103', 'hex')), '3DES OID present');
  assert.ok(!pfx.includes(Buffer.from('06092a864886f70d01050d', 'hex')), 'no PBES2/AES');
});
