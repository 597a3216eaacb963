// runProcess reads a command's output once: whole text for the parsers, lines as they arrive for the output pane.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {runProcess} from '../../src/hosts/process.ts';
import {KEEP_HEAD, KEEP_TAIL, OutputKeeper} from '../../src/hosts/output-keeper.ts';
import {runCommand} from '../../src/ops/command.ts';
import type {Host} from '../../src/hosts/host.ts';

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
    assert.deepEqual(
      lines.filter(([s]) => s === 'stdout').map(([, l]) => l),
      ['one', 'téte', 'last'],
    );
    assert.deepEqual(
      lines.filter(([s]) => s === 'stderr').map(([, l]) => l),
      ['oops'],
    );
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

  test('an output longer than certwalk keeps: every line reaches onLine, memory holds the first and last lines and says what is missing', async () => {
    const n = 60_000;
    // About 3.4 MB: more than KEEP_HEAD + KEEP_TAIL.
    const line = (i: number) => `line ${String(i).padStart(6, '0')} of a long dump, about as long as certutil's lines are`;
    let count = 0;
    const r = await runProcess(
      node,
      ['-e', `for (let i = 1; i <= ${n}; i++) process.stdout.write(${JSON.stringify('')} + (${line.toString()})(i) + '\\n'); process.exitCode = 1;`],
      {
        onLine: () => count++,
      },
    );
    assert.equal(count, n);
    assert.equal(r.exitCode, 1);
    const whole = Array.from({length: n}, (_, i) => `${line(i + 1)}\n`).join('');
    assert.ok(r.droppedChars! > whole.length - KEEP_HEAD - KEEP_TAIL, `dropped ${r.droppedChars}`);
    assert.ok(r.stdout.length <= KEEP_HEAD + KEEP_TAIL + 200, `kept ${r.stdout.length}`);
    assert.ok(r.stdout.startsWith(`${line(1)}\n`));
    assert.ok(r.stdout.endsWith(`${line(n)}\n`));
    const lines = r.stdout.split('\n');
    const marker = lines.findIndex((l) => l.startsWith('[certwalk: '));
    assert.match(lines[marker]!, new RegExp(`^\\[certwalk: ${r.droppedChars} characters of output not kept in memory here; the transcript has every line\\]$`));
    // Whole lines on both sides of the gap, and what is kept plus what is missing is all of it.
    assert.match(lines[marker - 1]!, /^line \d{6} of a long dump/);
    assert.match(lines[marker + 1]!, /^line \d{6} of a long dump/);
    assert.equal(r.stdout.length - lines[marker]!.length - 1 + r.droppedChars!, whole.length);
  });

  test('keepWholeOutput keeps a long output whole (file contents read through a command)', async () => {
    const r = await runProcess(node, ['-e', `process.stdout.write('x'.repeat(${KEEP_HEAD + KEEP_TAIL + 1000}))`], {keepWholeOutput: true});
    assert.equal(r.stdout.length, KEEP_HEAD + KEEP_TAIL + 1000);
    assert.equal(r.droppedChars, undefined);
  });
});

describe('OutputKeeper', () => {
  test('a short output whole, in any chunks', () => {
    const k = new OutputKeeper(10, 10);
    for (const c of ['ab', 'c\nd', 'e\n']) k.add(c);
    assert.deepEqual(k.result(), {text: 'abc\nde\n', dropped: 0});
  });
  test('a long one: head and tail cut at line ends, the count of what is missing', () => {
    const k = new OutputKeeper(8, 8);
    const text = 'aaa\nbbb\nccc\nddd\neee\nfff\n';
    for (const ch of text) k.add(ch);
    const {text: kept, dropped} = k.result();
    assert.equal(kept, `aaa\nbbb\n[certwalk: ${dropped} characters of output not kept in memory here; the transcript has every line]\neee\nfff\n`);
    assert.equal(dropped, 'ccc\nddd\n'.length);
  });
});

describe('runCommand', () => {
  const hostReturning = (exitCode: number): Host =>
    ({run: async () => ({exitCode, stdout: 'head\n[certwalk: …]\ntail\n', stderr: '', durationMs: 1, droppedChars: 5_000_000})}) as unknown as Host;
  test('refuses to read a result from a successful command whose output was cut', async () => {
    await assert.rejects(
      runCommand(hostReturning(0), {command: 'certutil', args: ['-store', 'My']}),
      /certutil printed more output than certwalk keeps in memory .*5000000 characters left out.*transcript/,
    );
  });
  test('hands a failed one over: its error message is in the kept tail', async () => {
    const r = await runCommand(hostReturning(1), {command: 'certutil', args: ['-addstore', 'Root', 'x.cer']});
    assert.equal(r.exitCode, 1);
  });
});

describe('the environment of a child', () => {
  test("certwalk's secret variables (any case) are left out; the rest of its environment and the caller's additions go in", async () => {
    const saved = {...process.env};
    try {
      process.env['CERTWALK_PFX_PASSWORD'] = 'pfx-secret-1';
      process.env['certwalk_cert_passphrase'] = 'key-secret-2';
      process.env['CERTWALK_NOT_A_SECRET'] = 'kept';
      const printEnv = 'process.stdout.write(JSON.stringify(process.env))';
      const r = await runProcess(node, ['-e', printEnv], {env: {EXTRA_FOR_TOOL: 'given', CERTWALK_PFX_PASSWORD: 'passed-anyway'}});
      assert.equal(r.exitCode, 0, r.stderr);
      const env = JSON.parse(r.stdout) as Record<string, string>;
      assert.ok(!Object.keys(env).some((name) => /^certwalk_(pfx_password|cert_passphrase)$/i.test(name)), Object.keys(env).join(' '));
      assert.ok(!r.stdout.includes('pfx-secret-1') && !r.stdout.includes('key-secret-2') && !r.stdout.includes('passed-anyway'));
      assert.equal(env['CERTWALK_NOT_A_SECRET'], 'kept');
      assert.equal(env['EXTRA_FOR_TOOL'], 'given');
      assert.equal(env['PATH'], process.env['PATH']);
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });
});
