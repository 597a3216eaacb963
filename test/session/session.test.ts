// The session service on a sandbox: what form and prepare read is at the top of the session's transcript, and the
// app's way in (startSession) and `certwalk run` write journals and transcripts of one shape.
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import type {Out} from '../../src/cli/out.ts';
import {runCommandLine} from '../../src/cli/unattended.ts';
import {findProcedure} from '../../src/procedures/index.ts';
import {readJournal, type SessionHeader} from '../../src/runner/journal.ts';
import {openDraft, startSession} from '../../src/session/index.ts';
import {lab, type Lab} from '../helpers/procedure.ts';

const savedHome = process.env.CERTWALK_HOME;
let l: Lab;

before(async () => {
  l = await lab(1);
  // Journals, their index and sealed secrets go to the lab's state directory.
  process.env.CERTWALK_HOME = l.home;
});

after(() => {
  if (savedHome === undefined) delete process.env.CERTWALK_HOME;
  else process.env.CERTWALK_HOME = savedHome;
});

/** The lines between the reads section's title and its end line. */
function readsSection(transcript: string): {title: string; lines: string[]} {
  const lines = transcript.split('\n').map((line) => line.replace(/^\d\d:\d\d:\d\d {2}/, ''));
  const first = lines.findIndex((line) => line.startsWith('before the session started:'));
  const last = lines.indexOf('end of the reads before the session started');
  assert.ok(first > 0 && last > first, transcript);
  return {title: lines[first]!, lines: lines.slice(first + 1, last)};
}

const quiet = (): Out & {lines: string[]} => {
  const lines: string[] = [];
  return {lines, log: (line) => lines.push(line), error: (line) => lines.push(line)};
};

describe('a session started by the service', () => {
  test("form's and prepare's reads are written under the transcript's header, before the first step", async () => {
    const draft = await openDraft(l.fleet, 'ssis-master');
    const formReads = draft.reads.reads().length;
    assert.ok(formReads > 0, 'the form read the master');
    const planned = await draft.prepare(draft.form.values);
    assert.ok(planned.ok, JSON.stringify(!planned.ok && planned.errors));
    assert.ok(draft.reads.reads().length > formReads, 'prepare read the nodes too');

    const session = await startSession({draft, planned: planned.value, autoConfirmAll: false, transcriptDir: join(l.home, 'transcripts')});
    const {runner} = session;
    runner.dispatch({type: 'start', at: runner.now()});
    // Up to the first destructive step, which waits for an answer; then the admin quits.
    await runner.idle();
    await session.close();

    const text = readFileSync(runner.transcriptPath, 'utf8');
    const section = readsSection(text);
    const accesses = section.lines.filter((line) => /^ {2}[$~] \[/.test(line));
    assert.equal(section.title, `before the session started: ${accesses.length} command(s) and file access(es) while its parameters were chosen and checked`);
    assert.equal(accesses.length, draft.reads.reads().length);
    // The form's default certificates come from the master's Root store, and prepare reads its http.sys bindings.
    assert.ok(
      accesses.some((line) => line.startsWith('  $ [master] certutil') && line.includes('Root')),
      accesses.join('\n'),
    );
    assert.ok(
      accesses.some((line) => line.startsWith('  ~ [master] read ') && line.includes('MasterSettings.config')),
      accesses.join('\n'),
    );
    assert.ok(
      accesses.some((line) => line.startsWith('  $ [master] netsh http show sslcert')),
      accesses.join('\n'),
    );
    assert.ok(
      section.lines.some((line) => line.startsWith('    exit 0 in ')),
      'exit codes are kept',
    );
    const headerEnd = text.indexOf('\n\n');
    const sectionAt = text.indexOf('before the session started:');
    assert.ok(headerEnd < sectionAt && sectionAt < text.indexOf('procedure started') && sectionAt < text.indexOf('▶ step 1/'), text.slice(0, 2000));
  });

  test('`run` and the app start their sessions through startSession: one journal header, one transcript layout', async () => {
    const out = quiet();
    const journal = join(l.home, 'run.jsonl');
    const transcriptDir = join(l.home, 'run-transcripts');
    const code = await runCommandLine(findProcedure('lync-check'), l.fleet, {}, {yes: true, concurrency: 1, onLaneFailure: 'stop', journal, transcriptDir}, out);
    assert.equal(code, 0, out.lines.join('\n'));

    // The app: Parameters with the form's defaults, Plan, Start (it answers each confirmation itself).
    const draft = await openDraft(l.fleet, 'lync-check');
    const planned = await draft.prepare(draft.form.values);
    assert.ok(planned.ok);
    const session = await startSession({draft, planned: planned.value, autoConfirmAll: false, transcriptDir: join(l.home, 'app-transcripts')});
    await session.close();

    const byRun = readJournal(journal).header;
    const byApp = readJournal(session.runner.journalPath).header;
    const shape = (h: SessionHeader) => ({...h, sessionId: '', startedAt: '', transcript: '', autoConfirmAll: false, sealedSecrets: undefined, resolved: null});
    assert.deepEqual(Object.keys(byApp).sort(), Object.keys(byRun).sort());
    assert.deepEqual(shape(byApp), shape(byRun));
    assert.equal(byRun.autoConfirmAll, true);

    const runTranscript = readFileSync(
      join(
        transcriptDir,
        readdirSync(transcriptDir).find((name) => name.endsWith('.log'))!,
      ),
      'utf8',
    );
    const appTranscript = readFileSync(session.runner.transcriptPath, 'utf8');
    // lync-check's prepare reads the Front End's OAuthTokenIssuer state, in both sessions' transcripts.
    for (const text of [runTranscript, appTranscript]) {
      const {lines} = readsSection(text);
      assert.ok(
        lines.some((line) => /^ {2}\$ \[\w+\] powershell /.test(line)),
        lines.join('\n'),
      );
    }
  });
});
