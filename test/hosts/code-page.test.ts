// Output decoding by the node's code page: a real child process writing cp850, GBK and EUC-KR bytes, characters cut
// between two writes, and the code page asked once per node (`chcp`, whose real localized lines are fixtures).
import assert from 'node:assert/strict';
import {chmodSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, test} from 'node:test';
import iconv from 'iconv-lite';
import {CodePageCache, parseChcp} from '../../src/hosts/code-page.ts';
import {runProcess} from '../../src/hosts/process.ts';
import {LocalHost} from '../../src/hosts/windows/local-host.ts';
import {powershellArgs} from '../../src/ops/powershell.ts';
import {tempDir} from '../helpers/temp.ts';

const node = process.execPath;
const fixture = (path: string) => readFileSync(new URL(`../fixtures/localized/${path}`, import.meta.url), 'utf8');

/** A child that writes `bytes` (hex) in pieces cut at `cuts`, each write awaited before the next. */
function writerScript(bytes: Buffer, cuts: readonly number[]): string {
  return `
    const all = Buffer.from('${bytes.toString('hex')}', 'hex');
    const cuts = ${JSON.stringify([0, ...cuts, bytes.length])};
    (async () => {
      for (let i = 0; i + 1 < cuts.length; i++) await new Promise((done) => process.stdout.write(all.subarray(cuts[i], cuts[i + 1]), done));
    })();
  `;
}

describe('decoding by code page', () => {
  const samples = [
    {codePage: 850, encoding: 'cp850', text: "Le service spécifié n'existe pas en tant que service installé.\n"},
    {codePage: 936, encoding: 'gbk', text: '[SC] OpenService 失败 1060:\n\n指定的服务未安装。\n'},
    {codePage: 949, encoding: 'euc-kr', text: '[SC] OpenService 실패 1060:\n\n지정된 서비스가 설치된 서비스로는 없습니다.\n'},
  ];
  for (const {codePage, encoding, text} of samples) {
    test(`code page ${codePage}: the child's bytes become the text, whole and line by line`, async () => {
      const bytes = iconv.encode(text, encoding);
      // The bytes are not UTF-8: read as UTF-8 they would not give the text back (the test can fail).
      assert.notEqual(bytes.toString('utf8'), text);
      const lines: string[] = [];
      const r = await runProcess(node, ['-e', writerScript(bytes, [])], {codePage, onLine: (line) => lines.push(line)});
      assert.equal(r.stdout, text);
      assert.deepEqual(lines, text.replace(/\n$/, '').split('\n'));
    });
  }

  test('a GBK character cut between two chunks is decoded whole, in the output and in its line', async () => {
    const text = '证书哈希\n';
    const bytes = iconv.encode(text, 'gbk');
    assert.deepEqual([...bytes.subarray(0, 8)], [0xd6, 0xa4, 0xca, 0xe9, 0xb9, 0xfe, 0xcf, 0xa3]);
    const lines: string[] = [];
    // Cut inside the first and the third character.
    const r = await runProcess(node, ['-e', writerScript(bytes, [1, 5])], {codePage: 936, onLine: (line) => lines.push(line)});
    assert.equal(r.stdout, text);
    assert.deepEqual(lines, ['证书哈希']);
  });

  test('without a code page the output is UTF-8, as before; an unknown code page is an error naming it', async () => {
    const r = await runProcess(node, ['-e', "process.stdout.write('été\\n')"]);
    assert.equal(r.stdout, 'été\n');
    await assert.rejects(runProcess(node, ['-e', ''], {codePage: 1}), /code page 1 is not one certwalk can decode/);
  });
});

describe('chcp', () => {
  test("the number is the last on the line, in every language's real sample", () => {
    assert.equal(parseChcp(fixture('fr/chcp-partial.txt')), 850);
    assert.equal(parseChcp('活动代码页: 936\r\n'), 936);
    assert.equal(parseChcp('활성 코드 페이지: 949\r\n'), 949);
    assert.equal(parseChcp('Active code page: 65001\r\n'), 65001);
    assert.equal(parseChcp('Parameter format not correct\r\n'), null);
  });

  test('the real zh-CN and ko transcripts hold the lines parsed above', () => {
    assert.match(fixture('zh-CN/chcp-transcript.txt'), /活动代码页: 936/);
    assert.match(fixture('ko/chcp-transcript-partial.txt'), /활성 코드 페이지: 949/);
  });

  test('a node is asked once, by every caller at once; a failed answer is asked again', async () => {
    let asked = 0;
    const cache = new CodePageCache('fr1', async () => {
      asked++;
      return asked === 1 ? {exitCode: 1, stdout: '', stderr: 'Access is denied.\r\n'} : {exitCode: 0, stdout: 'Page de codes active : 850\r\n', stderr: ''};
    });
    await assert.rejects(cache.get(), /fr1: could not learn the console code page \(chcp exited 1: "Access is denied\."\)/);
    assert.deepEqual(await Promise.all([cache.get(), cache.get(), cache.get()]), [850, 850, 850]);
    assert.equal(await cache.get(), 850);
    assert.equal(asked, 2);
  });
});

describe('LocalHost', () => {
  /** A stand-in Windows program: a node script named NAME.EXE in `dir`. */
  function standIn(dir: string, name: string, body: string): void {
    const file = join(dir, `${name}.exe`);
    writeFileSync(file, `#!${process.execPath}\n${body}\n`);
    chmodSync(file, 0o755);
  }

  test("asks chcp once, decodes native programs in that code page and certwalk's PowerShell scripts as UTF-8", async () => {
    const dir = tempDir('certwalk-local-cp-');
    const asked = join(dir, 'asked');
    // chcp as a French server prints it, in cp850 (`Page de codes active : 850`); each call leaves a mark.
    standIn(
      dir,
      'chcp',
      `require('fs').appendFileSync(${JSON.stringify(asked)}, 'x'); process.stdout.write(Buffer.from('${iconv.encode('Page de codes active : 850\r\n', 'cp850').toString('hex')}', 'hex'));`,
    );
    const french = "[SC] OpenService échec(s) 1060 :\r\n\r\nLe service spécifié n'existe pas en tant que service installé.\r\n";
    standIn(dir, 'sc', `process.stdout.write(Buffer.from('${iconv.encode(french, 'cp850').toString('hex')}', 'hex'));`);
    standIn(dir, 'powershell', "process.stdout.write('Émetteur: CN=Łódź\\r\\n');");
    const host = new LocalHost({name: 'fr1', machineName: 'FR1', fqdn: 'fr1.contoso.local', ip: '10.0.0.1', roles: []}, {Path: dir, PATHEXT: '.EXE'});

    const [first, second] = await Promise.all([host.run('sc', ['query', 'x']), host.run('sc.exe', ['query', 'y'])]);
    assert.equal(first.stdout, french);
    assert.equal(second.stdout, french);
    const ps = await host.run('powershell', powershellArgs("'x'"));
    assert.equal(ps.stdout, 'Émetteur: CN=Łódź\r\n');
    assert.equal(readFileSync(asked, 'utf8'), 'x', 'chcp ran once for three commands');
  });
});
