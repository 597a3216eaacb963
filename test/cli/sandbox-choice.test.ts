// Which fleet a command works on (issues 13 and 17), through the real binary: a --sandbox that `sandbox init` did
// not make is one error that names it (exit 2, nothing created); the demo sandbox says when it is made; a malformed
// --hosts file or sandbox.json is one error naming the file and the field; `sandbox fault --node` must name a node.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, before, describe, test} from 'node:test';
import {initSandbox} from '../../src/hosts/sandbox/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'certwalk.js');

function certwalk(args: string[], home: string) {
  const result = spawnSync(process.execPath, [bin, ...args], {cwd: root, encoding: 'utf8', env: {...process.env, CERTWALK_HOME: home, NO_COLOR: '1'}, input: ''});
  return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('--sandbox names a sandbox that sandbox init made', () => {
  const base = mkdtempSync(join(tmpdir(), 'certwalk-sandbox-choice-'));
  const home = join(base, 'home');
  const dir = join(base, 'sandbox');
  let journal = '';
  before(async () => {
    await initSandbox(dir, {workers: 1, azureml: false, lyncFrontEnds: 0});
    // A completed session's journal, for rollback and resume to be given a wrong --sandbox with.
    journal = join(base, 'run.jsonl');
    const run = certwalk(['run', 'ssis-master', '--sandbox', dir, '--yes', '--journal', journal], home);
    assert.equal(run.code, 0, run.stdout + run.stderr);
  });
  after(() => rmSync(base, {recursive: true, force: true}));

  const commands = (at: string): string[][] => [
    ['plan', 'ssis-master', '--sandbox', at],
    ['run', 'ssis-master', '--yes', '--sandbox', at],
    ['rollback', '--journal', journal, '--yes', '--sandbox', at],
    ['resume', journal, '--yes', '--sandbox', at],
    ['unlock', 'master', '--sandbox', at],
    ['sandbox', 'show', at],
    ['sandbox', 'fault', at, '--program', 'netsh'],
    ['sandbox', 'show', '--sandbox', at],
  ];

  test('a missing directory: exit 2, the path and how to make one, and no directory made', () => {
    const missing = join(base, 'no', 'such', 'sb');
    for (const args of commands(missing)) {
      // The resume of a completed session is refused before its fleet is looked at (the next test).
      if (args[0] === 'resume') continue;
      const r = certwalk(args, home);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stderr, `certwalk: no sandbox at ${missing}: there is no such directory; make one with \`certwalk sandbox init ${missing}\`\n`, args.join(' '));
      assert.equal(existsSync(join(base, 'no')), false, `${args.join(' ')} made nothing`);
    }
  });

  test('an empty directory, a directory without sandbox.json, a file: exit 2 each, nothing written there', () => {
    const empty = join(base, 'empty');
    mkdirSync(empty);
    const other = join(base, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine\n');
    const file = join(base, 'a-file');
    writeFileSync(file, 'x');
    const cases: [string, RegExp][] = [
      [empty, new RegExp(`^certwalk: no sandbox at ${escape(empty)}: the directory is empty; make one with \`certwalk sandbox init ${escape(empty)}\`\\n$`)],
      [
        other,
        new RegExp(
          `^certwalk: ${escape(other)} is not a certwalk sandbox \\(it has no sandbox\\.json\\); make one with \`certwalk sandbox init ${escape(other)}\` in a new or empty directory\\n$`,
        ),
      ],
      [file, new RegExp(`^certwalk: no sandbox at ${escape(file)}: it is a file; a sandbox is a directory made by \`certwalk sandbox init DIR\`\\n$`)],
    ];
    // Every command goes through the same check (the test above): three of them are enough here.
    for (const [at, message] of cases) {
      for (const args of [commands(at)[0]!, commands(at)[2]!, commands(at)[6]!]) {
        const r = certwalk(args, home);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, message, args.join(' '));
      }
    }
    assert.deepEqual(readdirSync(empty), []);
    assert.deepEqual(readdirSync(other), ['notes.txt']);
    const emptyFlag = certwalk(['plan', 'ssis-master', '--sandbox', ''], home);
    assert.equal(emptyFlag.code, 2);
    assert.match(emptyFlag.stderr, /--sandbox needs a directory/);
    assert.equal(existsSync(join(home, 'sandbox')), false, 'an empty --sandbox is not the demo sandbox');
  });

  test('resume of a completed session says it ended and there is nothing to resume', () => {
    const r = certwalk(['resume', journal, '--yes'], home);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^session \S+-ssis-master-\w+ \(ssis-master\) has already ended: completed\. There is nothing to resume\.\n$/);
    assert.doesNotMatch(r.stderr, /key/);
    // The same with a wrong --sandbox: the session's end is what matters, not where it ran.
    assert.equal(certwalk(['resume', journal, '--yes', '--sandbox', join(base, 'nowhere')], home).code, 2);
    assert.equal(existsSync(join(base, 'nowhere')), false);
  });

  test('a session killed after its last step (no end record) is closed by resume, not refused', () => {
    const lines = readFileSync(journal, 'utf8').trimEnd().split('\n');
    assert.equal(JSON.parse(lines.at(-1)!).kind, 'end');
    const killed = join(base, 'killed.jsonl');
    writeFileSync(killed, `${lines.slice(0, -1).join('\n')}\n`);
    const r = certwalk(['resume', killed, '--yes', '--sandbox', dir], home);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^completed: 9 steps verified$/m);
    assert.equal(certwalk(['resume', killed, '--yes'], home).code, 2, 'closed now: nothing more to resume');
  });

  test('a malformed sandbox.json is one error naming the field; a node without its state is named too', () => {
    const bad = join(base, 'bad');
    mkdirSync(bad);
    const node = (name: string, extra: object = {}) => ({name, machineName: name.toUpperCase(), fqdn: `${name}.contoso.local`, ip: '10.0.0.1', roles: ['ssis-master'], ...extra});
    const cases: [object, string][] = [
      [{version: 1, nodes: [node('master'), node('worker1', {fqdn: 123})]}, 'nodes[1].fqdn must be a string, got 123'],
      [{version: 1, nodes: [node('master', {machineName: null})]}, 'nodes[0].machineName must be a string, got null'],
      [{version: 1, nodes: [node('master', {roles: {master: true}})]}, 'nodes[0].roles must be a list of strings (e.g. ["ssis-master"]), got an object'],
      [{version: 1, nodes: [node('../etc')]}, 'nodes[0].name must be letters, digits, ".", "_" or "-", got "../etc"'],
      [{version: 2, nodes: []}, 'version must be 1, got 2 (made by another version of certwalk?)'],
      [
        {version: 1, nodes: [node('master')]},
        `nodes[0]: node "master" has no ${join(bad, 'nodes', 'master', 'state.json')}; remake the sandbox with \`certwalk sandbox init --force ${bad}\``,
      ],
    ];
    for (const [manifest, message] of cases) {
      writeFileSync(join(bad, 'sandbox.json'), JSON.stringify(manifest));
      const r = certwalk(['plan', 'ssis-master', '--sandbox', bad], home);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.equal(r.stderr, `certwalk: ${join(bad, 'sandbox.json')}: ${message}\n`);
    }
    writeFileSync(join(bad, 'sandbox.json'), '{"version": 1,');
    assert.match(certwalk(['sandbox', 'show', bad], home).stderr, new RegExp(`^certwalk: ${escape(join(bad, 'sandbox.json'))} is not JSON: `));
  });

  test('a malformed --hosts file is one error naming the file and the field, before anything runs', () => {
    const hosts = join(base, 'hosts.json');
    const cases: [object, string][] = [
      [
        {
          nodes: [
            {name: 'a', roles: ['ssis-master']},
            {name: 'b', roles: ['ssis-worker'], fqdn: 123},
          ],
        },
        'nodes[1].fqdn must be a string, got 123',
      ],
      [{nodes: [{name: 'a', roles: ['ssis-master'], machineName: null}]}, 'nodes[0].machineName must be a string, got null'],
      [{nodes: [{name: 'a', roles: {ssis: 'master'}}]}, 'nodes[0].roles must be a list of strings (e.g. ["ssis-master"]), got an object'],
    ];
    for (const [inventory, message] of cases) {
      writeFileSync(hosts, JSON.stringify(inventory));
      for (const args of [
        ['plan', 'ssis-master'],
        ['run', 'ssis-master', '--yes'],
      ]) {
        const r = certwalk([...args, '--hosts', hosts], home);
        assert.equal(r.code, 2, r.stdout + r.stderr);
        assert.equal(r.stderr, `certwalk: ${hosts}: ${message}\n`);
        assert.equal(r.stdout, '');
      }
    }
    const missing = certwalk(['plan', 'ssis-master', '--hosts', join(base, 'nope.json')], home);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, `certwalk: --hosts ${join(base, 'nope.json')}: no such file\n`);
  });

  test('sandbox fault --node must name a node of that sandbox; the error lists them', () => {
    const r = certwalk(['sandbox', 'fault', dir, '--program', 'netsh', '--node', 'ghost'], home);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.stderr, `certwalk: --node ghost: sandbox ${dir} has no such node; its nodes: master, worker1\n`);
    assert.equal(existsSync(join(dir, 'faults.json')), false, 'no rule was added');
    const ok = certwalk(['sandbox', 'fault', dir, '--program', 'netsh', '--node', 'master', '--match', 'no such command'], home);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /fault added: the next 1 netsh "no such command" on master fails/);
  });
});

describe('the default demo sandbox', () => {
  const home = mkdtempSync(join(tmpdir(), 'certwalk-demo-sandbox-'));
  after(() => rmSync(home, {recursive: true, force: true}));

  test('is made on first use with one line saying so, and used silently after that', () => {
    const demo = join(home, 'sandbox');
    const first = certwalk(['sandbox', 'show'], home);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stderr, `certwalk: made the demo sandbox in ${demo} (8 simulated nodes); \`certwalk sandbox init --force ${demo}\` resets it\n`);
    assert.match(first.stdout, /^master \(MASTER, master\.contoso\.local, 10\.0\.0\.10\) ssis-master$/m);
    const again = certwalk(['plan', 'ssis-master'], home);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, '');
  });
});
