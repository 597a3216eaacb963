// Localized sandbox nodes: `initSandbox({locale, drive})`, the simulated tools printing the real localized lines
// (test/fixtures/localized) as bytes of the node's OEM code page, and the host decoding them after one chcp.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {before, describe, test} from 'node:test';
import type {CodePageCache} from '../../src/hosts/code-page.ts';
import type {Host} from '../../src/hosts/host.ts';
import {runProcess} from '../../src/hosts/process.ts';
import {initSandbox, SandboxFleet} from '../../src/hosts/sandbox/index.ts';
import {nodeLocale} from '../../src/hosts/sandbox/locale.ts';
import {sandboxToolArgs} from '../../src/hosts/sandbox/tool-path.ts';
import {powershellArgs} from '../../src/ops/powershell.ts';
import {useFreshSandboxTool} from '../helpers/sandbox-tool.ts';
import {tempDir} from '../helpers/temp.ts';

const fixtureLines = (path: string) =>
  readFileSync(new URL(`../fixtures/localized/${path}`, import.meta.url), 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim());
const work = tempDir('certwalk-locale-');
/** A sandbox host's code page cache (SandboxHost is not exported: the fleet's hosts are `Host`s). */
const codePageOf = (host: Host) => (host as Host & {readonly codePage: CodePageCache}).codePage;
const small = {workers: 1, lyncFrontEnds: 0, azureml: false} as const;

/** One sandbox per locale (made once): fr-FR with SQL Server on D:, zh-CN, ko-KR. */
const sandboxes: Record<string, string> = {};
before(async () => {
  await useFreshSandboxTool(work);
  for (const [locale, drive] of [
    ['fr-FR', 'D'],
    ['zh-CN', undefined],
    ['ko-KR', undefined],
  ] as const) {
    sandboxes[locale] = join(work, locale);
    await initSandbox(sandboxes[locale], {...small, locale, ...(drive ? {drive} : {})});
  }
});

/** The tool's raw output read in a given code page, as a host that knew it would. */
function rawTool(locale: string, program: string, args: readonly string[], codePage?: number) {
  const env = {CERTWALK_SANDBOX_DIR: sandboxes[locale]!, CERTWALK_SANDBOX_NODE: 'master'};
  return runProcess(process.execPath, [...sandboxToolArgs(), program, ...args], {env, ...(codePage === undefined ? {} : {codePage})});
}

describe('a localized node', () => {
  const missing = [
    {locale: 'fr-FR', codePage: 850, sample: 'fr/sc-query-1060-partial.txt', header: '[SC] OpenService échec(s) 1060 :'},
    {locale: 'zh-CN', codePage: 936, sample: 'zh-CN/sc-query-not-installed-transcript.txt', header: '[SC] OpenService 失败 1060:'},
    {locale: 'ko-KR', codePage: 949, sample: 'ko/sc-delete-1060-transcript.txt', header: '[SC] OpenService 실패 1060:'},
  ];
  for (const {locale, codePage, sample, header} of missing) {
    test(`${locale}: sc prints the real sample's 1060 lines in code page ${codePage}; the host asks chcp and decodes them`, async () => {
      const fleet = new SandboxFleet(sandboxes[locale]!);
      const host = await fleet.host('master');
      const result = await host.run('sc.exe', ['query', 'NoSuchService']);
      assert.equal(result.exitCode, 1060 & 0xff);
      const [first, , message] = result.stdout.split('\n');
      assert.equal(first, header);
      // The message is the real capture's line, word for word.
      assert.ok(fixtureLines(sample).includes(message!), `${message} is a line of ${sample}`);
      assert.equal(await codePageOf(host).get(), codePage);
      // The bytes are the code page's, not UTF-8: read as UTF-8 the message is not there.
      const asUtf8 = await rawTool(locale, 'sc', ['query', 'NoSuchService']);
      assert.ok(!asUtf8.stdout.includes(message!));
      assert.equal((await rawTool(locale, 'sc', ['query', 'NoSuchService'], codePage)).stdout, result.stdout);
    });
  }

  test("chcp answers in the node's language, as the real consoles did", async () => {
    assert.equal((await rawTool('fr-FR', 'chcp', [], 850)).stdout.trim(), fixtureLines('fr/chcp-partial.txt')[0]);
    assert.ok(fixtureLines('zh-CN/chcp-transcript.txt').includes((await rawTool('zh-CN', 'chcp', [], 936)).stdout.trim()));
    assert.ok(fixtureLines('ko/chcp-transcript-partial.txt').includes((await rawTool('ko-KR', 'chcp', [], 949)).stdout.trim()));
    // After chcp 65001 the Chinese console answered in English (zh-CN/chcp-transcript.txt).
    assert.equal((await rawTool('zh-CN', 'chcp', ['65001'])).stdout.trim(), 'Active code page: 65001');
  });

  test('zh-CN: sc qc says 成功 (real capture); labels stay English', async () => {
    const host = await new SandboxFleet(sandboxes['zh-CN']!).host('master');
    const result = await host.run('sc', ['qc', 'SSISScaleOutMaster140']);
    assert.equal(result.stdout.split('\n')[0], '[SC] QueryServiceConfig 成功');
    assert.ok(fixtureLines('zh-CN/sc-qc-config-transcript.txt').includes('[SC] QueryServiceConfig 成功'));
    assert.match(result.stdout, /^ {8}BINARY_PATH_NAME {3}: "C:\\Program Files\\/m);
  });

  test('PowerShell: a script that sets UTF-8 output is written in UTF-8, any other in the OEM code page', async () => {
    const host = await new SandboxFleet(sandboxes['zh-CN']!).host('master');
    const utf8 = await host.run('powershell', powershellArgs("'证书哈希'"));
    assert.equal(utf8.stdout, '证书哈希\n');
    const plain = ['-NoProfile', '-EncodedCommand', Buffer.from("'证书哈希'", 'utf16le').toString('base64')];
    assert.equal((await host.run('powershell', plain)).stdout, '证书哈希\n', 'the host decodes it with the node code page');
    assert.equal((await rawTool('zh-CN', 'powershell', plain, 936)).stdout, '证书哈希\n');
    assert.notEqual((await rawTool('zh-CN', 'powershell', plain)).stdout, '证书哈希\n', 'GBK bytes, not UTF-8');
    assert.equal((await rawTool('zh-CN', 'powershell', powershellArgs("'证书哈希'"))).stdout, '证书哈希\n');
  });

  test('the code page is asked once for every host the fleet hands out for a node', async () => {
    const fleet = new SandboxFleet(sandboxes['ko-KR']!);
    const [a, b] = [await fleet.host('master'), await fleet.host('master')];
    assert.equal(codePageOf(a), codePageOf(b));
    assert.notEqual(codePageOf(a), codePageOf(await fleet.host('worker1')));
  });
});

describe('--drive D', () => {
  test('the Scale Out install is on D: (settings, worker certificate, BINARY_PATH_NAME), nothing on C:', async () => {
    const fleet = new SandboxFleet(sandboxes['fr-FR']!);
    const [master, worker] = [await fleet.host('master'), await fleet.host('worker1')];
    const binn = 'D:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn';
    assert.ok(await master.fileExists(`${binn}\\MasterSettings.config`));
    assert.ok(await worker.fileExists(`${binn}\\WorkerSettings.config`));
    assert.ok(await worker.fileExists(`${binn}\\SSISScaleOutWorker.cer`));
    assert.ok(!(await master.fileExists('C:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\MasterSettings.config')));
    const qc = await worker.run('sc', ['qc', 'SSISScaleOutWorker140']);
    assert.match(qc.stdout, /BINARY_PATH_NAME {3}: "D:\\Program Files\\Microsoft SQL Server\\140\\DTS\\Binn\\ScaleOut\\WorkerAgent\\/);
    // The simulated service finds its settings there: it stops and starts again (a missing file makes it die: 1067).
    assert.equal((await worker.run('sc', ['stop', 'SSISScaleOutWorker140'])).exitCode, 0);
    assert.equal((await worker.run('sc', ['start', 'SSISScaleOutWorker140'])).exitCode, 0);
    assert.match((await worker.run('sc', ['query', 'SSISScaleOutWorker140'])).stdout, /STATE {14}: 4 {2}RUNNING/);
  });
});

test('a node state without a locale (a sandbox made before locales) is US English', () => {
  assert.equal(nodeLocale({}), 'en-US');
  assert.equal(nodeLocale({locale: 'zh-CN'}), 'zh-CN');
});
