// The fleet form and prepare read through: what it keeps for the transcript, masked and bounded, and that the
// procedure still gets every result and output line as from the fleet itself.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import type {Fleet, Host, NodeInfo, RunOptions, RunResult} from '../../src/hosts/host.ts';
import {readsSection, RecordingFleet, type TimedLine} from '../../src/session/recording-fleet.ts';

const NODE: NodeInfo = {name: 'master', machineName: 'MASTER', fqdn: 'master.contoso.local', ip: '10.0.0.10', roles: []};

/** A node whose commands print their arguments one per line (and `lines N` prints N lines); `missing` files throw. */
function echoFleet(): Fleet {
  const host: Host = {
    node: NODE,
    kind: 'sandbox',
    tempDir: 'C:\\Windows\\Temp',
    async run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult> {
      const lines = command === 'lines' ? Array.from({length: Number(args[0])}, (_, i) => `line ${i + 1}`) : [...args];
      for (const line of lines) options?.onLine?.(line, 'stdout');
      return {exitCode: 0, stdout: lines.join('\n'), stderr: '', durationMs: 5};
    },
    async readFile(path) {
      if (path.includes('missing')) throw new Error(`no file ${path}`);
      return Buffer.from('0123456789');
    },
    async writeFile() {},
    async createFileExclusive() {
      return true;
    },
    async removeFile() {},
    async fileExists() {
      return false;
    },
  };
  return {kind: 'sandbox', description: 'test fleet', location: '/nowhere', identity: async () => 'fleet-1', nodes: async () => [NODE], host: async () => host};
}

const texts = (reads: readonly (readonly TimedLine[])[]) => reads.map((lines) => lines.map((l) => l.text));

describe('RecordingFleet', () => {
  test('keeps each command with its output and exit code, and still hands the caller every line', async () => {
    const fleet = new RecordingFleet(echoFleet());
    const seen: string[] = [];
    const host = await fleet.host('master');
    const result = await host.run('certutil', ['-store', 'Root'], {onLine: (line) => seen.push(line)});
    assert.equal(result.stdout, '-store\nRoot');
    assert.deepEqual(seen, ['-store', 'Root']);
    assert.deepEqual(texts(fleet.reads()), [['  $ [master] certutil -store Root', '    | -store', '    | Root', '    exit 0 in 5 ms']]);
  });

  test('names the files read (their size, not their contents) and a read that failed', async () => {
    const fleet = new RecordingFleet(echoFleet());
    const host = await fleet.host('master');
    await host.readFile('C:\\settings.config');
    await assert.rejects(host.readFile('C:\\missing.config'));
    assert.deepEqual(texts(fleet.reads()), [['  ~ [master] read C:\\settings.config: 10 bytes'], ['  ~ [master] read C:\\missing.config: failed: no file C:\\missing.config']]);
  });

  test('masks a secret given after the command ran, in its command line and its output', async () => {
    const fleet = new RecordingFleet(echoFleet());
    await (await fleet.host('master')).run('tool', ['--password', 'Pa55word!']);
    fleet.secret('Pa55word!');
    const text = texts(fleet.reads()).flat().join('\n');
    assert.doesNotMatch(text, /Pa55word!/);
    assert.match(text, /tool --password \*{8}/);
    assert.match(text, /\| \*{8}/);
  });

  test('keeps the start of a long output and says how many lines it left out', async () => {
    const fleet = new RecordingFleet(echoFleet());
    const seen: string[] = [];
    await (await fleet.host('master')).run('lines', ['2000'], {onLine: (line) => seen.push(line)});
    const [lines] = texts(fleet.reads());
    assert.equal(seen.length, 2000);
    assert.ok(lines!.length < 600, `${lines!.length} lines kept`);
    assert.equal(lines!.at(-2), `    … ${2000 - (lines!.length - 3)} more output line(s) not kept here`);
    assert.equal(lines!.at(-1), '    exit 0 in 5 ms');
  });
});

describe('readsSection', () => {
  test('a titled section with every read in order, closed by a line of its own', () => {
    const reads = [[{at: 1, text: '  $ [master] a'}], [{at: 2, text: '  ~ [master] read b: 1 bytes'}]];
    assert.deepEqual(
      readsSection(reads, 3).map((l) => l.text),
      [
        'before the session started: 2 command(s) and file access(es) while its parameters were chosen and checked',
        '  $ [master] a',
        '  ~ [master] read b: 1 bytes',
        'end of the reads before the session started',
      ],
    );
  });

  test('says so when nothing was read', () => {
    assert.deepEqual(readsSection([], 3), [{at: 3, text: 'before the session started: nothing was read from the nodes while its parameters were chosen and checked'}]);
  });
});
