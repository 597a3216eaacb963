// One sealing implementation (src/secrets/sealing.ts) for a session's secrets and for the kept copy of a deleted
// certificate. Journals and key files written before it existed must still open: the records below were produced by
// the code of commit 33f0885 (src/runner/sealed-secrets.ts sealSecrets, and the delete-certificate step's seal), with
// the key files' text verbatim; only their keyFile paths are rewritten to where this test writes the key.
import assert from 'node:assert/strict';
import {createDecipheriv} from 'node:crypto';
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, test} from 'node:test';
import {discardKey, hasKey, seal, unseal, type Sealed} from '../../src/secrets/sealing.ts';

const base = mkdtempSync(join(tmpdir(), 'certwalk-sealing-'));
after(() => rmSync(base, {recursive: true, force: true}));

/** A journal header's `sealedSecrets`, as sealSecrets wrote it before this module. */
const SESSION = {
  sessionId: '2026-03-14T09-26-53Z-5f3c1a',
  secrets: {pfxPassword: 'fixture-pass-Qz81', pfxBase64: 'bm90IGEgcmVhbCBQRlgsIGEgZml4dHVyZQ=='},
  sealed: {
    algorithm: 'aes-256-gcm',
    iv: '7Zoi8NDpJYta0nsf',
    tag: '5JWLvUK+SXqOqBS9WKIP3Q==',
    ciphertext: 'iEFdsqCK8Vn/CKHw6/RC9DouX3T2jHTQR32fm3wDiwnbqCviMr2EsjlyhQzQT3HWtGX3mY2icdWx7yna+FQ5puFoEu8LanSCUtPzr4/1DJN/gK3tN8Q=',
    keyFile: '/tmp/sealgen-91tWUT/keys/session-2026-03-14T09-26-53Z-5f3c1a.key',
  },
  keyText: 'NqDPzc5+eTik2B08flCFnltXtvr6i7G+EoiqmPOMc3w=\n',
} as const;

/** A delete-certificate capture's `kept`, as the step's seal wrote it before this module. */
const KEPT = {
  thumbprint: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
  password: 'one-time-pass-Lx42',
  pfx: 'fixture PFX bytes',
  kept: {
    algorithm: 'aes-256-gcm',
    iv: '9sLWMOJe3NvdEE0a',
    tag: 'p+KB/iMG/mA1gvoWck/CMA==',
    ciphertext: 'CLfXDT6j4FBOlOI8Q2R2kcZ1w+nkQF9p10RS0ddrs3I+duim5vNJJ9EdbuEjkJM3+DTngF8EZ8TzKHfC/euHswcWXOSIdRHK',
    keyFile: '/tmp/sealgen-91tWUT/keys/A1B2C3D4E5F60718293A4B5C6D7E8F9012345678-954cac1839f1.key',
    pfxBytes: 17,
  },
  keyText: 'pM5L1lqx31YgtHZihGpGw0Nd/t1Y7PkUz4qPCLfadz0=\n',
} as const;

/** Writes a fixture's key file under `dir` and points the record at it. */
function placeKey<T extends Sealed>(dir: string, sealed: T, keyText: string): T {
  mkdirSync(dir, {recursive: true});
  const keyFile = join(dir, sealed.keyFile.split('/').at(-1)!);
  writeFileSync(keyFile, keyText, {mode: 0o600});
  return {...sealed, keyFile};
}

/** What the code before this module did to open a record, kept here to show records sealed now still open with it. */
function openAsBefore(sealed: Sealed, boundTo: string): unknown {
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(readFileSync(sealed.keyFile, 'utf8').trim(), 'base64'), Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(boundTo, 'utf8'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return JSON.parse(Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8'));
}

describe('records written before the one sealing module', () => {
  test("a journal header's sealed secrets open, through unseal and through openSecrets", async () => {
    const home = join(base, 'old-session');
    const sealed = placeKey(join(home, 'keys'), SESSION.sealed, SESSION.keyText);
    assert.deepEqual(unseal(sealed, SESSION.sessionId), {ok: true, value: SESSION.secrets});
    const {openSecrets, discardSecrets} = await import('../../src/runner/sealed-secrets.ts');
    assert.deepEqual(openSecrets(SESSION.sessionId, sealed), {ok: true, secrets: SESSION.secrets});
    // Bound to its session: another session id does not open it
    assert.deepEqual(openSecrets('2026-03-14T09-26-53Z-000000', sealed), {ok: false, reason: `${sealed.keyFile} does not open this session's secrets (wrong or damaged key file)`});
    discardSecrets(sealed);
    assert.equal(existsSync(sealed.keyFile), false);
    assert.deepEqual(openSecrets(SESSION.sessionId, sealed), {ok: false, reason: `the key of this session's secrets is not readable at ${sealed.keyFile} (ENOENT)`});
  });

  test("a delete-certificate capture's kept copy opens to the PFX and its password", () => {
    const kept = placeKey(join(base, 'old-kept', 'keys'), KEPT.kept, KEPT.keyText);
    const opened = unseal<{password: string; pfxBase64: string}>(kept, KEPT.thumbprint);
    assert.ok(opened.ok);
    assert.equal(opened.value.password, KEPT.password);
    assert.equal(Buffer.from(opened.value.pfxBase64, 'base64').toString('utf8'), KEPT.pfx);
    assert.equal(Buffer.from(opened.value.pfxBase64, 'base64').length, kept.pfxBytes);
    // Bound to its thumbprint; the other record's key does not open it either
    assert.deepEqual(unseal(kept, KEPT.thumbprint.toLowerCase()), {ok: false, problem: 'does-not-open'});
    const other = placeKey(join(base, 'old-kept', 'other'), {...KEPT.kept, keyFile: kept.keyFile}, SESSION.keyText);
    assert.deepEqual(unseal(other, KEPT.thumbprint), {ok: false, problem: 'does-not-open'});
  });
});

describe('seal', () => {
  test('writes a fresh key as base64 and a newline to a 0600 file in a 0700 folder, and a record the code before it opened', () => {
    const dir = join(base, 'fresh', 'keys');
    const sealed = seal({password: 'p-1', pfxBase64: 'AAEC'}, 'THUMB', join(dir, 'THUMB-1.key'));
    assert.deepEqual(Object.keys(sealed), ['algorithm', 'iv', 'tag', 'ciphertext', 'keyFile']);
    assert.equal(sealed.algorithm, 'aes-256-gcm');
    assert.equal(Buffer.from(sealed.iv, 'base64').length, 12);
    assert.equal(Buffer.from(sealed.tag, 'base64').length, 16);
    assert.equal(sealed.keyFile, join(dir, 'THUMB-1.key'));
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(sealed.keyFile).mode & 0o777, 0o600);
    assert.match(readFileSync(sealed.keyFile, 'utf8'), /^[A-Za-z0-9+/]{43}=\n$/);
    assert.deepEqual(openAsBefore(sealed, 'THUMB'), {password: 'p-1', pfxBase64: 'AAEC'});
    assert.deepEqual(unseal(sealed, 'THUMB'), {ok: true, value: {password: 'p-1', pfxBase64: 'AAEC'}});
    // The journal holds no plaintext
    assert.doesNotMatch(JSON.stringify(sealed), /p-1|AAEC/);
  });

  test('never overwrites a key file', () => {
    const keyFile = join(base, 'taken', 'keys', 'k.key');
    seal({a: '1'}, 'x', keyFile);
    const before = readFileSync(keyFile, 'utf8');
    assert.throws(() => seal({a: '2'}, 'x', keyFile), /EEXIST/);
    assert.equal(readFileSync(keyFile, 'utf8'), before);
  });

  test('unseal says why not: a missing key file, a damaged record; discardKey removes the key, twice is fine', () => {
    const sealed = seal({a: '1'}, 'x', join(base, 'why', 'keys', 'k.key'));
    assert.equal(hasKey(sealed), true);
    assert.deepEqual(unseal(sealed, 'x'), {ok: true, value: {a: '1'}});
    assert.deepEqual(unseal({...sealed, tag: Buffer.alloc(16).toString('base64')}, 'x'), {ok: false, problem: 'does-not-open'});
    writeFileSync(join(base, 'why', 'keys', 'k2.key'), 'not a key\n');
    assert.deepEqual(unseal({...sealed, keyFile: join(base, 'why', 'keys', 'k2.key')}, 'x'), {ok: false, problem: 'does-not-open'});
    discardKey(sealed);
    discardKey(sealed);
    assert.equal(hasKey(sealed), false);
    assert.deepEqual(unseal(sealed, 'x'), {ok: false, problem: 'key-unreadable', code: 'ENOENT'});
  });
});

describe("sealSecrets: the session's key in STATE/keys", () => {
  test('session-<id>.key, 0600; nothing to seal writes nothing; discardSecrets removes the key', async () => {
    const home = join(base, 'state');
    const saved = process.env.CERTWALK_HOME;
    process.env.CERTWALK_HOME = home;
    try {
      const {sealSecrets, openSecrets, discardSecrets} = await import('../../src/runner/sealed-secrets.ts');
      assert.equal(sealSecrets('s-0', {}), undefined);
      assert.equal(existsSync(join(home, 'keys')), false);
      const sealed = sealSecrets('s-1', {pfxPassword: 'pw'})!;
      assert.equal(sealed.keyFile, join(home, 'keys', 'session-s-1.key'));
      assert.equal(statSync(sealed.keyFile).mode & 0o777, 0o600);
      assert.equal(statSync(join(home, 'keys')).mode & 0o777, 0o700);
      assert.deepEqual(openAsBefore(sealed, 's-1'), {pfxPassword: 'pw'});
      assert.deepEqual(openSecrets('s-1', sealed), {ok: true, secrets: {pfxPassword: 'pw'}});
      discardSecrets(sealed);
      discardSecrets(undefined);
      assert.equal(existsSync(sealed.keyFile), false);
    } finally {
      if (saved === undefined) delete process.env.CERTWALK_HOME;
      else process.env.CERTWALK_HOME = saved;
    }
  });
});
