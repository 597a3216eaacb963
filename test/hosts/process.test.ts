// runProcess reads a command's output once: whole text for the parsers, lines as they arrive for the output pane.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {runProcess} from '../../src/hosts/process.ts';

const node = process.execPath;

describe('runProcess', () => {
  test('stdout and stderr whole, lines as they arrive, multi-byte characters split across chunks kept whole', async () => {
    // "é" written one byte at a time, a CRLF line, and a last line without its newline.
    const script = `
      const e = Buffer.from('é');
      process.stdout.write('one\\r\\nt');
      setTimeout(() => { process.stdout.write(e.subarray(0, 1)); }, 20);
      setTimeout(() => { process.stdout.write(e.subarray(1)); process.stdout.write('te\\nlast'); process.stderr.write('oops\\n'); process.exitCode = 3; }, 40);
    `;
    const lines: [string, string][] = [];
    const r = await runProcess(node, ['-e', script], {onLine: (line, stream) => lines.push([stream, line])});
    assert.equal(r.exitCode, 3);
    assert.equal(r.stdout, 'one\r\ntéte\nlast');
    assert.equal(r.stderr, 'oops\n');
    assert.deepEqual(lines.filter(([s]) => s === 'stdout').map(([, l]) => l), ['one', 'téte', 'last']);
    assert.deepEqual(lines.filter(([s]) => s === 'stderr').map(([, l]) => l), ['oops']);
  });

  test('a failing command with a large output: every line once, the exit code, nothing else added', async () => {
    const n = 50_000;
    let count = 0;
    let last = '';
    const r = await runProcess(node, ['-e', `for (let i = 1; i <= ${n}; i++) process.stdout.write('line ' + i + '\\n'); process.exitCode = 1;`], {
      onLine: (line) => {
        count++;
        last = line;
      },
    });
    assert.equal(r.exitCode, 1);
    assert.equal(count, n);
    assert.equal(last, `line ${n}`);
    assert.equal(r.stdout.length, Array.from({length: n}, (_, i) => `line ${i + 1}\n`).join('').length);
    assert.equal(r.stderr, '');
  });

  test('standard input reaches the program; a missing program is an exit code and a reason, not a throw', async () => {
    const echoed = await runProcess(node, ['-e', 'process.stdin.pipe(process.stdout)'], {input: 'secret line\n'});
    assert.equal(echoed.stdout, 'secret line\n');
    const missing = await runProcess('/nonexistent/certwalk-no-such-program', []);
    assert.notEqual(missing.exitCode, 0);
    assert.match(missing.stderr, /ENOENT/);
  });
});
