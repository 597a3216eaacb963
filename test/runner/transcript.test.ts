// What an auditor reads: a real session on the sandbox (each destructive step confirmed by hand, as in the TUI), then
// its rollback from the journal, checked line by line; where transcripts live on each platform.
import assert from 'node:assert/strict';
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {homedir, hostname, tmpdir, userInfo} from 'node:os';
import {dirname, join} from 'node:path';
import {describe, test} from 'node:test';
import {runnerFromJournal} from '../../src/session/continue.ts';
import {findProcedure} from '../../src/procedures/index.ts';
import {readJournal} from '../../src/runner/journal.ts';
import {defaultTranscriptDir, stateDir} from '../../src/runner/paths.ts';
import {ProcedureRunner} from '../../src/runner/runner.ts';
import {listSessions, summarizeTranscript} from '../../src/runner/transcript.ts';
import {fleetIdOf, lab, prepare, send} from '../helpers/procedure.ts';

const USER = userInfo().username;
const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the transcript of a session', () => {
  test('who, when, procedure and parameters, each confirmation with its time, each command, before/after, the final state', async () => {
    const l = await lab(1);
    const {params, result} = await prepare(l, 'ssis-master');
    assert.ok(result.ok);
    const transcripts = join(l.home, 'transcripts');
    const transcriptPath = join(transcripts, 'session-1.log');
    // A file someone left readable by others becomes the user's alone
    mkdirSync(dirname(transcriptPath), {recursive: true});
    writeFileSync(transcriptPath, '');
    chmodSync(transcriptPath, 0o644);
    const journalPath = join(l.home, 'journals', 'session-1.jsonl');
    const r = new ProcedureRunner({
      definition: findProcedure('ssis-master'),
      prepared: result.value,
      params,
      fleet: l.fleet,
      fleetId: fleetIdOf(l),
      journalPath,
      transcriptPath,
      sessionId: 'session-1',
    });
    assert.equal(statSync(transcriptPath).mode & 0o777, 0o600);
    await send(r, {type: 'start'});
    const confirmed: string[] = [];
    for (
      let waiting = r.snapshot.state.steps.find((s) => s.status.kind === 'awaiting-confirmation');
      waiting;
      waiting = r.snapshot.state.steps.find((s) => s.status.kind === 'awaiting-confirmation')
    ) {
      confirmed.push(waiting.info.title);
      await send(r, {type: 'confirmed', stepId: waiting.info.id, scope: 'step'});
    }
    assert.equal(r.snapshot.state.phase, 'completed');
    r.close();
    const text = readFileSync(transcriptPath, 'utf8');

    // Who, when, what
    assert.equal(text.split('\n')[0], 'certwalk transcript (new session)');
    assert.match(text, new RegExp(`^who {8}${esc(USER)} on ${esc(hostname())} \\(pid ${process.pid}\\)$`, 'm'));
    assert.match(text, /^started {4}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/m);
    assert.match(text, /^procedure  ssis-master: SSIS Scale Out: change the Master certificate$/m);
    assert.match(text, /^parameters master=master certificate=new .*workers=all /m);
    assert.match(text, /^──── date \d{4}-\d\d-\d\d \(times are UTC\)$/m);
    // Each confirmation, by whom and when
    assert.equal(confirmed.length, 3);
    for (const title of confirmed) {
      assert.match(text, new RegExp(`^\\d\\d:\\d\\d:\\d\\d  step \\d/9 \\[\\w+\\] ${esc(title)}: CONFIRMED by ${esc(USER)}$`, 'm'), title);
    }
    // Each command with its output, exit code and duration
    assert.match(
      text,
      /^\d\d:\d\d:\d\d {4}\$ \[master\] netsh http delete sslcert ipport=0\.0\.0\.0:8391\n\d\d:\d\d:\d\d {6}\| SSL Certificate successfully deleted\n\d\d:\d\d:\d\d {6}exit 0 in \d+ ms$/m,
    );
    // Before and after, as each step was read back, and again in the final state
    assert.match(text, /VERIFIED\n(.*\n)*? {12}\[master\] http\.sys 0\.0\.0\.0:8391: before [0-9A-F]{40} -> after [0-9A-F]{40}/);
    const end = text.slice(text.indexOf('session closed'));
    assert.match(end, /^session closed: procedure completed\n {12}final state: 9 done\n {12}1\. \[master\] .*: done and read back \(\d+\.\d s\)\n/);
    assert.match(end, / {12}before -> after\n(.*\n)* {12}\[worker1\] WorkerSettings\.config MasterHttpsCertThumbprint: [0-9A-F]{40} -> [0-9A-F]{40}\n$/);

    const summary = summarizeTranscript(transcriptPath);
    assert.deepEqual(
      {...summary, startedAt: undefined},
      {
        path: transcriptPath,
        castPath: null,
        sessionId: 'session-1',
        startedAt: undefined,
        user: USER,
        machine: hostname(),
        procedure: 'ssis-master',
        title: 'SSIS Scale Out: change the Master certificate',
        continues: false,
        state: 'completed',
      },
    );

    // The rollback from the journal writes a transcript of its own, listed first (newest)
    await new Promise((resolve) => setTimeout(resolve, 5));
    const rollback = runnerFromJournal({journal: journalPath, read: readJournal(journalPath), fleet: l.fleet, transcriptDir: transcripts, autoConfirmAll: true});
    await send(rollback, {type: 'rollback-requested'});
    rollback.close();
    const again = readFileSync(rollback.transcriptPath, 'utf8');
    assert.equal(again.split('\n')[0], 'certwalk transcript (continuing an earlier session)');
    assert.match(again, /ROLLBACK requested by /);
    assert.match(again, /session closed: procedure rolled-back\n {12}final state: 9 undone\n/);
    assert.equal(statSync(rollback.transcriptPath).mode & 0o777, 0o600);
    const listed = listSessions(transcripts);
    assert.deepEqual(
      listed.map((s) => [s.path, s.state, s.continues, s.sessionId]),
      [
        [rollback.transcriptPath, 'rolled-back', true, 'session-1'],
        [transcriptPath, 'completed', false, 'session-1'],
      ],
    );
  });

  test('a session that never closed (a crash) is listed as unfinished', () => {
    const dir = mkdtempSync(join(tmpdir(), 'certwalk-unfinished-'));
    const path = join(dir, 'x.log');
    writeFileSync(
      path,
      'certwalk transcript (new session)\nsession    x\nstarted    2026-01-01T00:00:00.000Z\nwho        u on m (pid 1)\nprocedure  p: t\n\n00:00:00  procedure started\n',
    );
    assert.equal(summarizeTranscript(path)?.state, 'unfinished');
    assert.equal(summarizeTranscript(join(dir, 'missing.log')), null);
    assert.deepEqual(listSessions(join(dir, 'no-such-folder')), []);
  });
});

describe('where transcripts live', () => {
  test('CERTWALK_HOME, else %LOCALAPPDATA% on Windows, $XDG_STATE_HOME or ~/.local/state elsewhere', () => {
    assert.equal(defaultTranscriptDir({CERTWALK_HOME: '/srv/cw'}), join('/srv/cw', 'transcripts'));
    assert.equal(stateDir({LOCALAPPDATA: 'C:\\Users\\a\\AppData\\Local'}, 'win32'), join('C:\\Users\\a\\AppData\\Local', 'certwalk'));
    assert.equal(stateDir({XDG_STATE_HOME: '/home/a/.state'}, 'linux'), join('/home/a/.state', 'certwalk'));
    assert.equal(stateDir({}, 'linux'), join(homedir(), '.local', 'state', 'certwalk'));
    assert.equal(stateDir({XDG_STATE_HOME: ''}, 'linux'), join(homedir(), '.local', 'state', 'certwalk'), 'an empty XDG_STATE_HOME is unset');
  });
});
