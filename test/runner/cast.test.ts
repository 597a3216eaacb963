// The asciicast v2 writer and reader, and the recorder that tees the app's terminal output into a cast.
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, test} from 'node:test';
import {CastWriter, castPathFor, parseCast} from '../../src/runner/cast.ts';
import {Redactor} from '../../src/runner/redactor.ts';
import {TerminalNewlines} from '../../src/runner/terminal-newlines.ts';
import {TerminalRecorder} from '../../src/session/terminal-recorder.ts';
import {replayCast} from '../helpers/replay.ts';
import {FakeStdout} from '../helpers/terminal.ts';

const temps: string[] = [];
after(() => {
  for (const temp of temps.splice(0)) rmSync(temp, {recursive: true, force: true});
});
const dir = () => {
  const temp = mkdtempSync(join(tmpdir(), 'certwalk-cast-unit-'));
  temps.push(temp);
  return temp;
};

describe('CastWriter', () => {
  test('writes a v2 header and timed output and resize events, secrets masked, mode 0600', () => {
    let now = 1_795_000_000_250;
    const redactor = new Redactor();
    redactor.add('hunter2-secret');
    const path = join(dir(), 'sub', 'session.cast');
    const cast = new CastWriter(path, {width: 80, height: 24, title: 'certwalk demo', env: {TERM: 'xterm-256color'}, redact: (t) => redactor.redact(t), clock: () => now});
    cast.output('\u001B[H\u001B[2Jhello "world"\r\n');
    now += 1_234;
    cast.output('password hunter2-secret\r\n');
    cast.output('');
    now += 500;
    cast.resize(100, 30);
    now -= 10_000; // a clock stepping back never makes time run backwards
    cast.output('after');
    cast.close();
    cast.output('ignored once closed');

    assert.equal(statSync(path).mode & 0o777, 0o600);
    const lines = readFileSync(path, 'utf8').split('\n');
    assert.equal(lines[0], '{"version":2,"width":80,"height":24,"timestamp":1795000000,"title":"certwalk demo","env":{"TERM":"xterm-256color"}}');
    assert.equal(lines[1], '[0,"o","\\u001b[H\\u001b[2Jhello \\"world\\"\\r\\n"]');
    assert.equal(lines[2], '[1.234,"o","password ********\\r\\n"]');
    assert.equal(lines[3], '[1.734,"r","100x30"]');
    assert.equal(lines[4], '[1.734,"o","after"]');
    assert.equal(lines[5], '');
    assert.equal(lines.length, 6);
    const parsed = parseCast(readFileSync(path, 'utf8'));
    assert.equal(parsed.events.length, 4);
  });

  test('records a bare LF as the CR LF the terminal showed, so a player in raw mode does not draw a staircase', async () => {
    const path = join(dir(), 'frames.cast');
    const cast = new CastWriter(path, {width: 20, height: 6});
    // Ink's frames end their lines with a bare LF; a CR LF already there, even split across two writes, stays one
    cast.output('one\ntwo\r\nthree\r');
    cast.output('\nfour\n\nfive');
    cast.close();
    const {events} = parseCast(readFileSync(path, 'utf8'));
    assert.deepEqual(
      events.map((e) => e[2]),
      ['one\r\ntwo\r\nthree\r', '\nfour\r\n\r\nfive'],
    );
    assert.deepEqual((await replayCast(readFileSync(path, 'utf8'))).screen, ['one', 'two', 'three', 'four', '', 'five']);
  });

  test('the cast sits next to the transcript under the same name', () => {
    assert.equal(castPathFor('/s/transcripts/2026-11-23T10-55-01Z-ssis-master-abc123.log'), '/s/transcripts/2026-11-23T10-55-01Z-ssis-master-abc123.cast');
  });
});

describe('parseCast refuses what asciinema would not play', () => {
  const header = '{"version":2,"width":80,"height":24,"timestamp":1}';
  const cases: [string, string, RegExp][] = [
    ['no header', '', /no header/],
    ['version 1', '{"version":1,"width":80,"height":24}', /version 1, not 2/],
    ['no width', '{"version":2,"height":24}', /width is not a positive integer/],
    ['an event that is not an array', `${header}\n{"t":1}`, /line 2: an event is \[time, code, data\]/],
    ['time going backwards', `${header}\n[2,"o","a"]\n[1,"o","b"]`, /line 3: time 1 is not a number at or after 2/],
    ['an unknown code', `${header}\n[1,"x","a"]`, /unknown event code x/],
    ['a resize that is not WxH', `${header}\n[1,"r","wide"]`, /a resize is "WxH"/],
    ['data that is not a string', `${header}\n[1,"o",5]`, /data is not a string/],
    ['a line that is not JSON', `${header}\n[1,"o",`, /JSON/],
  ];
  for (const [what, text, error] of cases) test(what, () => assert.throws(() => parseCast(text), error));
});

describe('TerminalRecorder', () => {
  test('tees what is written between begin and end into the cast; the terminal gets everything', () => {
    const stdout = new FakeStdout(120, 40);
    const recorder = new TerminalRecorder(stdout as unknown as NodeJS.WriteStream, {TERM: 'screen', SHELL: '/bin/zsh'});
    const stream = recorder.stream;
    // Ink reads the terminal's properties through the stand-in
    assert.equal(stream.columns, 120);
    assert.equal(stream.isTTY, true);
    stream.write('menu frame');
    const path = join(dir(), 'a.cast');
    recorder.begin(path, {title: 't', redact: (text) => text.replaceAll('s3cret', '********')});
    stream.write('run frame s3cret');
    stream.write(Buffer.from('bytes frame'));
    stdout.resize(90, 20);
    recorder.end();
    stream.write('after the session');
    stdout.resize(80, 24);
    recorder.dispose();

    assert.deepEqual(stdout.writes, ['menu frame', 'run frame s3cret', 'bytes frame', 'after the session']);
    const {header, events} = parseCast(readFileSync(path, 'utf8'));
    assert.equal(header.width, 120);
    assert.equal(header.height, 40);
    assert.deepEqual(header.env, {TERM: 'screen', SHELL: '/bin/zsh'});
    assert.deepEqual(
      events.map((e) => [e[1], e[2]]),
      [
        ['o', '\u001B[H\u001B[2J'],
        ['o', 'run frame ********'],
        ['o', 'bytes frame'],
        ['r', '90x20'],
      ],
    );
    assert.equal(stdout.listenerCount('resize'), 0, 'dispose stops listening');
  });
});

describe('TerminalNewlines', () => {
  test('turns each LF not preceded by a CR, in this write or at the end of the last one, into CR LF', () => {
    const newlines = new TerminalNewlines();
    assert.equal(newlines.translate('a\nb'), 'a\r\nb');
    assert.equal(newlines.translate('\n'), '\r\n');
    assert.equal(newlines.translate('c\r'), 'c\r');
    assert.equal(newlines.translate('\nd\r\n\n'), '\nd\r\n\r\n');
    assert.equal(newlines.translate(''), '');
    assert.equal(newlines.translate('\r\r\n'), '\r\r\n');
    assert.equal(newlines.translate('\u001B[2K\u001B[1A\u001B[2K\u001B[G'), '\u001B[2K\u001B[1A\u001B[2K\u001B[G');
  });
});
