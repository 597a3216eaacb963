// sc.exe in other languages: each real sample of test/fixtures/localized parsed to the values it shows.
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {parseScError, parseScOutput, parseServiceConfig} from '../../src/ops/service.ts';
import {ToolError} from '../../src/ops/tool-error.ts';

const localized = (path: string): string => readFileSync(new URL(`../fixtures/localized/${path}`, import.meta.url), 'utf8');

// The part of a transcript from `marker` on (the transcripts hold several commands).
const from = (text: string, marker: string): string => {
  const at = text.indexOf(marker);
  assert.ok(at >= 0, `the sample holds "${marker}"`);
  return text.slice(at);
};

describe('sc error lines in every captured language', () => {
  const cases: [path: string, code: number, message: string][] = [
    ['fr/sc-query-1060-partial.txt', 1060, "Le service spécifié n'existe pas en tant que service installé."],
    ['zh-CN/sc-query-not-installed-transcript.txt', 1060, '指定的服务未安装。'],
    ['zh-CN/sc-start-error-1056-partial.txt', 1056, '服务的实例已在运行中。'],
    ['zh-CN/sc-controlservice-errors-transcript.txt', 1061, '服务无法在此时接受控制信息。'],
    ['zh-CN/sc-install-start-transcript.txt', 1060, '指定的服务未安装。'],
    ['ko/sc-delete-1060-transcript.txt', 1060, '지정된 서비스가 설치된 서비스로는 없습니다.'],
    ['ko/sc-query-1060-blog-partial.txt', 1060, '지정된 서비스가 설치된 서비스로 존재하지 않습니다.'],
    ['es/sc-query-1060-msi-log-partial.txt', 1060, 'El servicio especificado no existe como servicio instalado.'],
    ['ru/sc-install-query-transcript-partial.txt', 1060, 'Указанная служба не установлена.'],
    ['ja/sc-qc-1060-system-locale-932-partial.txt', 1060, '[SC] OpenService FAILED 1060:'],
  ];
  for (const [path, code, message] of cases) {
    test(`${path}: ${code}`, () => {
      // The fr and es samples were printed inside another program's log line (`📊 Result: `, `Log: `): from [SC] on.
      assert.deepEqual(parseScError(from(localized(path), '[SC]')), {code, message});
    });
  }

  test('the other ControlService errors of the zh-CN transcript', () => {
    const text = localized('zh-CN/sc-controlservice-errors-transcript.txt');
    assert.deepEqual(parseScError(from(text, 'sc stop commonusb2')), {code: 1052, message: '请求的控件对此服务无效。'});
    assert.deepEqual(parseScError(from(text, 'sc stop srv2')), {code: 1051, message: '停止控制被发送到其他正在运行的服务所依赖的服务。'});
  });

  test('success lines in other languages are no error', () => {
    assert.equal(parseScError(localized('ko/sc-getkeyname-delete-transcript.txt')), null);
    assert.equal(parseScError(from(localized('zh-CN/sc-qc-config-transcript.txt'), 'sc qc')), null);
  });
});

describe('sc status blocks', () => {
  test('zh-CN query, start, stop (English labels, Chinese prompts and verbs)', () => {
    const text = localized('zh-CN/sc-create-start-stop-transcript.txt');
    assert.deepEqual(parseScOutput(from(text, '[SC] CreateService')), {serviceName: 'MywindowsService', state: 'stopped', stateCode: 1, win32ExitCode: 1077, serviceExitCode: 0});
    assert.deepEqual(parseScOutput(from(text, 'sc start MywindowsService')), {
      serviceName: 'MywindowsService',
      state: 'running',
      stateCode: 4,
      win32ExitCode: 0,
      serviceExitCode: 0,
      pid: 22680,
    });
    assert.deepEqual(parseScOutput(from(text, 'sc stop MywindowsService')), {
      serviceName: 'MywindowsService',
      state: 'stop-pending',
      stateCode: 3,
      win32ExitCode: 0,
      serviceExitCode: 0,
    });
  });

  test('zh-CN install: START_PENDING with a PID after [SC] lines and Chinese messages', () => {
    assert.deepEqual(parseScOutput(localized('zh-CN/sc-install-start-transcript.txt')), {
      serviceName: 'PcapDNSProxyService',
      state: 'start-pending',
      stateCode: 2,
      win32ExitCode: 0,
      serviceExitCode: 0,
      pid: 6308,
    });
  });

  test('ru: translated labels (Имя_службы, Состояние, ID_процесса)', () => {
    assert.deepEqual(parseScOutput(localized('ru/sc-install-query-transcript-partial.txt')), {
      serviceName: 'GoodbyeDPI',
      state: 'running',
      stateCode: 4,
      win32ExitCode: 0,
      serviceExitCode: 0,
      pid: 13688,
    });
  });

  test('labels no table knows: the rows are read in the order sc prints them', () => {
    // The ru capture with each label replaced by a placeholder, standing for a language without a sample.
    let n = 0;
    const text = localized('ru/sc-install-query-transcript-partial.txt').replace(/^(\s*)[^\s:[][^:]*?(\s*:)/gm, (_m, indent: string, colon: string) => `${indent}L${++n}${colon}`);
    assert.ok(!text.includes('Состояние'));
    assert.deepEqual(parseScOutput(text), {serviceName: 'GoodbyeDPI', state: 'running', stateCode: 4, win32ExitCode: 0, serviceExitCode: 0, pid: 13688});
  });

  test('a STATE row without its number is refused, naming the line', () => {
    const text = localized('ru/sc-install-query-transcript-partial.txt').replace(': 4  RUNNING', ': RUNNING');
    assert.throws(
      () => parseScOutput(text),
      (e: unknown) => e instanceof ToolError && e.message.includes('"Состояние          : RUNNING"'),
    );
  });
});

describe('sc qc', () => {
  test('zh-CN qc: the account, display name and binary path', () => {
    assert.deepEqual(parseServiceConfig(from(localized('zh-CN/sc-qc-config-transcript.txt'), 'sc qc')), {
      serviceName: 'mywindowsservice',
      account: 'LocalSystem',
      displayName: 'mywindowsservice',
      binaryPath: 'D:\\Users\\User\\My Document\\Visual Studio 2015\\Projects\\MyWindowsService\\Debug\\MyWindowsService.exe',
    });
  });

  test('labels no table knows: nine rows by position; another count is refused', () => {
    let n = 0;
    const text = from(localized('zh-CN/sc-qc-config-transcript.txt'), 'sc qc').replace(/^(\s+)[A-Z_]+(\s*:)/gm, (_m, indent: string, colon: string) => `${indent}L${++n}${colon}`);
    assert.equal(parseServiceConfig(text).account, 'LocalSystem');
    assert.equal(parseServiceConfig(text).displayName, 'mywindowsservice');
    const eightRows = text.replace(/^\s+L6\s*:.*\n/m, '');
    assert.throws(
      () => parseServiceConfig(eightRows),
      (e: unknown) => e instanceof ToolError && /8 rows/.test(e.message),
    );
  });
});
