// Which language and which glyphs, from flags, the environment and the platform: the pure decisions behind
// `--lang`, `--ascii` and `--unicode`, as tables.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';

import {parseLanguage, resolveLanguage} from '../../src/i18n/resolve.ts';
import {asciiConsole, resolveConsole} from '../../src/screens/console.ts';

describe('parseLanguage: a tag or locale name to one of en, fr, zh, ko', () => {
  const cases: [string, string | null][] = [
    ['en', 'en'],
    ['fr', 'fr'],
    ['zh', 'zh'],
    ['ko', 'ko'],
    ['fr-FR', 'fr'],
    ['zh-CN', 'zh'],
    ['ko-KR', 'ko'],
    ['FR', 'fr'],
    ['fr_CA.UTF-8', 'fr'],
    ['fr_FR@euro', 'fr'],
    ['zh_CN.GB18030', 'zh'],
    ['zh-Hans-CN', 'zh'],
    ['zh_TW.Big5', 'zh'],
    ['ko_KR.eucKR', 'ko'],
    ['en_GB.UTF-8', 'en'],
    ['C', 'en'],
    ['C.UTF-8', 'en'],
    ['POSIX', 'en'],
    ['de_DE.UTF-8', null],
    ['ja-JP', null],
    ['', null],
    ['french', null],
  ];
  for (const [tag, language] of cases) test(`${JSON.stringify(tag)} → ${language}`, () => assert.equal(parseLanguage(tag), language));
});

describe('resolveLanguage: the OS locale when --lang is not given', () => {
  const cases: {env: Record<string, string>; platform?: NodeJS.Platform; intl?: string; want: string; why: string}[] = [
    {env: {LANG: 'fr_FR.UTF-8'}, want: 'fr', why: 'LANG'},
    {env: {LC_MESSAGES: 'ko_KR.UTF-8', LANG: 'fr_FR.UTF-8'}, want: 'ko', why: 'LC_MESSAGES before LANG'},
    {env: {LC_ALL: 'zh_CN.UTF-8', LC_MESSAGES: 'ko_KR.UTF-8', LANG: 'fr_FR.UTF-8'}, want: 'zh', why: 'LC_ALL before everything'},
    {env: {LC_ALL: '', LC_MESSAGES: '', LANG: 'ko_KR.UTF-8'}, want: 'ko', why: 'empty values are skipped'},
    {env: {LC_ALL: 'C', LANG: 'fr_FR.UTF-8'}, intl: 'fr-FR', want: 'en', why: 'C is English, as for any program'},
    {env: {LANG: 'de_DE.UTF-8'}, intl: 'fr-FR', want: 'en', why: 'a language certwalk does not speak: English'},
    {env: {}, intl: 'ko-KR', want: 'ko', why: 'nothing set: the runtime locale'},
    {env: {}, intl: 'de-DE', want: 'en', why: 'nothing set, another language: English'},
    {env: {}, intl: undefined, want: 'en', why: 'nothing known at all'},
    {env: {LANG: 'en_US.UTF-8'}, platform: 'win32', intl: 'zh-CN', want: 'zh', why: 'Windows: the display language (Intl), not a stray LANG'},
    {env: {}, platform: 'win32', intl: 'fr-FR', want: 'fr', why: 'Windows in French'},
    {env: {LANG: 'zh_TW.UTF-8'}, want: 'zh', why: 'Traditional Chinese gets the Chinese catalog'},
  ];
  for (const c of cases) {
    test(`${c.why}`, () => assert.equal(resolveLanguage(c.platform ?? 'linux', c.env, c.intl), c.want));
  }
  test('the runtime locale is asked only when the environment does not decide (its first use loads ICU data)', () => {
    let asked = 0;
    const intl = () => {
      asked++;
      return 'ko-KR';
    };
    assert.equal(resolveLanguage('linux', {LANG: 'fr_FR.UTF-8'}, intl), 'fr');
    assert.equal(resolveLanguage('linux', {LANG: 'C.UTF-8'}, intl), 'en');
    assert.equal(asked, 0);
    assert.equal(resolveLanguage('linux', {}, intl), 'ko');
    assert.equal(resolveLanguage('win32', {LANG: 'fr_FR.UTF-8'}, intl), 'ko');
    assert.equal(asked, 2);
  });
});

describe('asciiConsole: Unicode where the console is known to draw it', () => {
  const cases: {platform: NodeJS.Platform; env: Record<string, string>; ascii: boolean; why: string}[] = [
    // forced
    {platform: 'linux', env: {CERTWALK_ASCII: '1', LANG: 'en_US.UTF-8'}, ascii: true, why: 'CERTWALK_ASCII=1 forces ASCII'},
    {platform: 'win32', env: {CERTWALK_ASCII: '0'}, ascii: false, why: 'CERTWALK_ASCII=0 forces Unicode, even in conhost'},
    {platform: 'win32', env: {CERTWALK_ASCII: 'yes', WT_SESSION: 'x'}, ascii: true, why: 'CERTWALK_ASCII=yes wins over Windows Terminal'},
    // Windows
    {platform: 'win32', env: {}, ascii: true, why: 'Windows, nothing known: conhost (an RDP session to a server)'},
    {platform: 'win32', env: {LANG: 'en_US.UTF-8'}, ascii: true, why: 'Windows: a UTF-8 LANG does not make conhost draw ✔'},
    {platform: 'win32', env: {WT_SESSION: '2c5d0f1e-0000-4b8a-9f5e-7c3b1a2d4e6f'}, ascii: false, why: 'Windows Terminal'},
    {platform: 'win32', env: {TERM_PROGRAM: 'vscode'}, ascii: false, why: 'the VS Code terminal'},
    {platform: 'win32', env: {ConEmuANSI: 'ON'}, ascii: false, why: 'ConEmu'},
    {platform: 'win32', env: {ConEmuANSI: 'OFF'}, ascii: true, why: 'ConEmu with ANSI off'},
    {platform: 'win32', env: {ConEmuTask: '{cmd::Cmder}'}, ascii: false, why: 'Cmder'},
    {platform: 'win32', env: {TERMINAL_EMULATOR: 'JetBrains-JediTerm'}, ascii: false, why: 'JetBrains terminal'},
    {platform: 'win32', env: {TERM: 'xterm-256color'}, ascii: false, why: 'mintty (Git Bash)'},
    {platform: 'win32', env: {TERM: 'cygwin'}, ascii: true, why: 'an old Cygwin console'},
    // elsewhere: TERM
    {platform: 'linux', env: {TERM: 'linux', LANG: 'en_US.UTF-8'}, ascii: true, why: 'the Linux virtual console: a 512-glyph font'},
    {platform: 'linux', env: {TERM: 'dumb'}, ascii: true, why: 'TERM=dumb'},
    // elsewhere: the locale's character set
    {platform: 'linux', env: {TERM: 'xterm-256color', LANG: 'en_US.UTF-8'}, ascii: false, why: 'a UTF-8 locale'},
    {platform: 'linux', env: {TERM: 'xterm', LANG: 'C.utf8'}, ascii: false, why: 'C.utf8'},
    {platform: 'linux', env: {TERM: 'screen-256color'}, ascii: false, why: 'tmux on a dev box with LANG unset: Unicode'},
    {platform: 'linux', env: {TERM: 'tmux-256color', LANG: 'C'}, ascii: false, why: 'LANG=C in a container, a UTF-8 terminal on the other end'},
    {platform: 'linux', env: {TERM: 'xterm', LANG: 'POSIX'}, ascii: false, why: 'POSIX'},
    {platform: 'linux', env: {TERM: 'xterm', LANG: 'fr_FR.ISO-8859-1'}, ascii: true, why: 'a Latin-1 locale'},
    {platform: 'linux', env: {TERM: 'xterm', LANG: 'fr_FR@euro'}, ascii: true, why: 'fr_FR@euro (ISO-8859-15)'},
    {platform: 'linux', env: {TERM: 'xterm', LANG: 'de_DE'}, ascii: true, why: 'a locale without a codeset (glibc: Latin-1)'},
    {platform: 'linux', env: {TERM: 'xterm', LC_ALL: 'zh_CN.GB18030', LANG: 'zh_CN.UTF-8'}, ascii: true, why: 'LC_ALL wins: GB18030'},
    {platform: 'linux', env: {TERM: 'xterm', LC_CTYPE: 'ko_KR.UTF-8', LANG: 'ko_KR.eucKR'}, ascii: false, why: 'LC_CTYPE before LANG'},
    {platform: 'darwin', env: {TERM: 'xterm-256color', LANG: 'fr_FR.UTF-8'}, ascii: false, why: 'macOS Terminal'},
  ];
  for (const c of cases) test(`${c.ascii ? 'ASCII' : 'Unicode'}: ${c.why}`, () => assert.equal(asciiConsole(c.platform, c.env), c.ascii));
});

describe('resolveConsole: the flags first, then the environment', () => {
  test('--lang and --ascii as given', () => {
    assert.deepEqual(resolveConsole({lang: 'fr-FR', ascii: true}, 'linux', {LANG: 'ko_KR.UTF-8'}, 'zh-CN'), {ok: true, choice: {language: 'fr', ascii: true}});
  });
  test('--unicode in conhost', () => {
    assert.deepEqual(resolveConsole({unicode: true}, 'win32', {}, 'ko-KR'), {ok: true, choice: {language: 'ko', ascii: false}});
  });
  test('no flags: the locale and the console', () => {
    assert.deepEqual(resolveConsole({}, 'win32', {}, 'zh-CN'), {ok: true, choice: {language: 'zh', ascii: true}});
    assert.deepEqual(resolveConsole({}, 'linux', {LANG: 'fr_FR.UTF-8', TERM: 'xterm'}, 'en-US'), {ok: true, choice: {language: 'fr', ascii: false}});
  });
  test('a language certwalk does not speak is a usage error that lists the choices', () => {
    const result = resolveConsole({lang: 'de'}, 'linux', {});
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error : '', /--lang takes en, fr, zh or ko .*not "de"/);
  });
  test('--ascii with --unicode is a usage error', () => {
    assert.deepEqual(resolveConsole({ascii: true, unicode: true}, 'linux', {}), {ok: false, error: 'choose --ascii or --unicode, not both'});
  });
});
