// The files a step keeps on this computer (StepContext.files, .sealing; PrepareContext): only in the state
// directory, private ones 0600 in 0700 folders and never over an existing file.
import assert from 'node:assert/strict';
import {existsSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, test} from 'node:test';
import {OutsideStateDirectory, prepareContext, stateFiles, stateSealing} from '../../src/runner/step-files.ts';
import {tempDir} from '../helpers/temp.ts';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('stateFiles', () => {
  test('a private file is 0600 in 0700 folders and never overwritten; a public one is overwritten', async () => {
    const root = tempDir('certwalk-step-files-');
    const files = stateFiles(root);
    const key = files.path('azureml', 'session', 'key.pem');
    await files.createPrivate(key, 'secret');
    assert.equal(modeOf(key), 0o600);
    assert.equal(modeOf(join(root, 'azureml')), 0o700);
    assert.equal(modeOf(join(root, 'azureml', 'session')), 0o700);
    assert.equal(await files.mode(key), 0o600);
    await assert.rejects(files.createPrivate(key, 'another'), /EEXIST/);
    assert.equal(readFileSync(key, 'utf8'), 'secret', 'the first one is kept');

    const cert = files.path('azureml', 'session', 'cert.pem');
    await files.writePublic(cert, 'one');
    await files.writePublic(cert, 'two');
    assert.equal((await files.read(cert))?.toString('utf8'), 'two');
  });

  test('what is not there reads as null, and removing it is fine', async () => {
    const files = stateFiles(tempDir('certwalk-step-files-'));
    const absent = files.path('nothing.pem');
    assert.equal(await files.read(absent), null);
    assert.equal(await files.mode(absent), null);
    assert.equal(await files.exists(absent), false);
    await files.remove(absent);
    await files.removeTree(files.path('no-folder'));
    await files.removeDirIfEmpty(files.path('no-folder'));
  });

  test('a folder is removed only when empty; removeTree takes everything in it', async () => {
    const root = tempDir('certwalk-step-files-');
    const files = stateFiles(root);
    mkdirSync(join(root, 'full', 'previous'), {recursive: true});
    writeFileSync(join(root, 'full', 'previous', 'key.pem'), 'k');
    await files.removeDirIfEmpty(files.path('full'));
    assert.equal(existsSync(join(root, 'full', 'previous', 'key.pem')), true);
    await files.removeTree(files.path('full', 'previous'));
    assert.equal(existsSync(join(root, 'full', 'previous')), false);
    await files.removeDirIfEmpty(files.path('full'));
    assert.equal(existsSync(join(root, 'full')), false);
  });

  test('a path outside the state directory is refused before anything is read or written', async () => {
    const base = tempDir('certwalk-step-files-');
    const root = join(base, 'state');
    const files = stateFiles(root);
    const outside = join(base, 'elsewhere.pem');
    writeFileSync(outside, 'theirs');
    for (const path of [outside, join(root, '..', 'elsewhere.pem'), `${root}-other/key.pem`, root]) {
      await assert.rejects(files.createPrivate(path, 'x'), OutsideStateDirectory, path);
      await assert.rejects(files.writePublic(path, 'x'), OutsideStateDirectory, path);
      await assert.rejects(files.read(path), OutsideStateDirectory, path);
      await assert.rejects(files.remove(path), OutsideStateDirectory, path);
      await assert.rejects(files.removeTree(path), OutsideStateDirectory, path);
    }
    assert.throws(() => files.path('..', 'elsewhere.pem'), OutsideStateDirectory);
    assert.equal(readFileSync(outside, 'utf8'), 'theirs');
    assert.equal(existsSync(root), false, 'nothing was made');
  });
});

describe('stateSealing', () => {
  test('the key goes to keys/<name> (0600, folder 0700) and opens the value; a path as the name is refused', () => {
    const root = tempDir('certwalk-step-sealing-');
    const sealing = stateSealing(root);
    const sealed = sealing.seal({password: 'pw'}, 'THUMB', 'THUMB-1.key');
    assert.equal(sealed.keyFile, join(root, 'keys', 'THUMB-1.key'));
    assert.equal(modeOf(sealed.keyFile), 0o600);
    assert.equal(modeOf(join(root, 'keys')), 0o700);
    assert.deepEqual(sealing.unseal(sealed, 'THUMB'), {ok: true, value: {password: 'pw'}});
    assert.equal(sealing.hasKey(sealed), true);
    sealing.discardKey(sealed);
    assert.equal(sealing.hasKey(sealed), false);
    assert.throws(() => sealing.seal('x', 'b', '../escape.key'), /a key file name, not a path/);
    assert.equal(existsSync(join(root, 'escape.key')), false);
  });
});

describe('prepareContext', () => {
  test('a new folder for a session is STATE/<area>/<time stamp>-<name>; nothing is made', () => {
    const root = tempDir('certwalk-step-prepare-');
    const folder = prepareContext(root).newStateFolder('azureml', 'ml-rg-mlcluster');
    assert.match(folder, new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/azureml/\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\dZ-ml-rg-mlcluster$`));
    assert.equal(existsSync(join(root, 'azureml')), false);
    assert.throws(() => prepareContext(root).newStateFolder('..', 'x'), OutsideStateDirectory);
  });
});
