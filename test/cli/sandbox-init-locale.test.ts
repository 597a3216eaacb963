// `certwalk sandbox init DIR --locale … --drive …` through the real binary: bad values are usage errors (exit 2) that
// make nothing; good ones make localized nodes with SQL Server on the drive.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {test} from 'node:test';
import {tempDir} from '../helpers/temp.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'certwalk.js');
const base = tempDir('certwalk-cli-locale-');
const home = join(base, 'home');

function certwalk(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {cwd: root, encoding: 'utf8', env: {...process.env, CERTWALK_HOME: home, NO_COLOR: '1'}, input: ''});
  return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

test('an unknown locale or drive is a usage error naming what is accepted; nothing is made', () => {
  const dir = join(base, 'refused');
  const locale = certwalk(['sandbox', 'init', dir, '--locale', 'de-DE']);
  assert.equal(locale.code, 2);
  assert.match(locale.stderr, /--locale takes one of en-US, fr-FR, zh-CN, ko-KR, not "de-DE"/);
  const drive = certwalk(['sandbox', 'init', dir, '--drive', 'A']);
  assert.equal(drive.code, 2);
  assert.match(drive.stderr, /--drive takes a drive letter from C to Z \(e\.g\. D\), not "A"/);
  assert.equal(certwalk(['sandbox', 'init', dir, '--drive', 'DD']).code, 2);
  assert.ok(!existsSync(dir));
});

test('--locale zh-CN --drive d: every node is Chinese, the Scale Out install on D:', () => {
  const dir = join(base, 'zh');
  const init = certwalk(['sandbox', 'init', dir, '--workers', '1', '--locale', 'zh-cn', '--drive', 'd:']);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, /\(nodes in zh-CN, SQL Server on D:\)/);
  for (const node of ['master', 'worker1', 'mlclient', 'fe1']) {
    assert.equal(JSON.parse(readFileSync(join(dir, 'nodes', node, 'state.json'), 'utf8')).locale, 'zh-CN', node);
  }
  assert.ok(existsSync(join(dir, 'nodes', 'master', 'fs', 'D', 'Program Files', 'Microsoft SQL Server', '140', 'DTS', 'Binn', 'MasterSettings.config')));
  assert.ok(!existsSync(join(dir, 'nodes', 'master', 'fs', 'C', 'Program Files', 'Microsoft SQL Server')));
});
