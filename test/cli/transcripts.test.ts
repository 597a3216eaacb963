// `certwalk transcripts` through the real binary: past sessions newest first, as a table or JSON, from
// --transcript-dir or the state directory.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir, userInfo} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {test} from 'node:test';
import {castPathFor, parseCast} from '../../src/runner/cast.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function certwalk(args: string[], home: string) {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'certwalk.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: {...process.env, CERTWALK_HOME: home, NO_COLOR: '1'},
    input: '',
  });
  return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

test('certwalk transcripts lists a run and its rollback, newest first, with --json too', () => {
  const base = mkdtempSync(join(tmpdir(), 'certwalk-transcripts-cli-'));
  const home = join(base, 'home');
  const dir = join(base, 'sandbox');
  const transcripts = join(base, 'audit');
  assert.equal(certwalk(['sandbox', 'init', dir, '--workers', '1'], home).code, 0);

  const empty = certwalk(['transcripts'], home);
  assert.equal(empty.code, 0, empty.stderr);
  assert.equal(empty.stdout, `no transcripts in ${join(home, 'transcripts')}\n`);

  const journal = join(base, 'run.jsonl');
  const run = certwalk(['run', 'ssis-master', '--sandbox', dir, '--yes', '--journal', journal, '--transcript-dir', transcripts], home);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const rollback = certwalk(['rollback', '--journal', journal, '--yes', '--transcript-dir', transcripts], home);
  assert.equal(rollback.code, 0, rollback.stdout + rollback.stderr);
  const runTranscript = /^transcript (\S+)$/m.exec(run.stdout)?.[1];
  const rollbackTranscript = /^transcript (\S+)$/m.exec(rollback.stdout)?.[1];
  assert.ok(runTranscript && rollbackTranscript && runTranscript !== rollbackTranscript);

  const listed = certwalk(['transcripts', '--transcript-dir', transcripts], home);
  assert.equal(listed.code, 0, listed.stderr);
  const lines = listed.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^started \(UTC\) +procedure +user +final state +transcript$/);
  const user = userInfo().username.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  assert.match(lines[1]!, new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ +ssis-master \\(continued\\) +${user} +rolled-back +${rollbackTranscript}$`));
  assert.match(lines[2]!, new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ +ssis-master +${user} +completed +${runTranscript}$`));
  assert.equal(lines.length, 3);

  const json = JSON.parse(certwalk(['transcripts', '--transcript-dir', transcripts, '--json'], home).stdout) as {
    path: string;
    state: string;
    procedure: string;
    continues: boolean;
    castPath: string | null;
    startedAt: string;
  }[];
  assert.deepEqual(
    json.map((s) => [s.path, s.procedure, s.state, s.continues, s.castPath]),
    [
      [rollbackTranscript, 'ssis-master', 'rolled-back', true, castPathFor(rollbackTranscript)],
      [runTranscript, 'ssis-master', 'completed', false, castPathFor(runTranscript)],
    ],
  );
  // Unattended sessions are recorded as the terminal showed them: valid asciicast v2, the lines as printed.
  for (const [transcript, printed, last] of [
    [runTranscript, run.stdout, 'completed: 9 steps verified'],
    [rollbackTranscript, rollback.stdout, 'rolled back: every completed step was undone'],
  ] as const) {
    const {header, events} = parseCast(readFileSync(castPathFor(transcript), 'utf8'));
    assert.equal(header.version, 2);
    const shown = events
      .filter((e) => e[1] === 'o')
      .map((e) => e[2])
      .join('');
    assert.equal(shown, printed.replace(/\n/g, '\r\n'));
    assert.ok(shown.trimEnd().endsWith(last), shown);
  }
  assert.ok(json[0]!.startedAt > json[1]!.startedAt);
  assert.ok(existsSync(json[0]!.path));

  // Without --transcript-dir: the state directory's transcripts
  assert.equal(certwalk(['run', 'ssis-master', '--sandbox', dir, '--yes'], home).code, 0);
  const fromHome = certwalk(['transcripts'], home).stdout.trimEnd().split('\n');
  assert.equal(fromHome.length, 2);
  assert.ok(fromHome[1]!.includes(join(home, 'transcripts')), fromHome[1]);
});
