// Work a person does by hand (lync-manual's MMC and wizard items, steps marked `manual`) is never ticked by --yes
// (issue 13): `run --yes` and `resume --yes` refuse it, and `run --check-only` runs the read-only check alone.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, before, describe, test} from 'node:test';
import {initSandbox, SandboxFleet, showSandbox} from '../../src/hosts/sandbox/index.ts';
import {findProcedure} from '../../src/procedures/index.ts';
import {ProcedureRunner} from '../../src/runner/runner.ts';
import {prepareContext} from '../../src/runner/step-files.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'certwalk.js');

function certwalk(args: string[], home: string) {
  const result = spawnSync(process.execPath, [bin, ...args], {cwd: root, encoding: 'utf8', env: {...process.env, CERTWALK_HOME: home, NO_COLOR: '1'}, input: ''});
  return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

describe('a procedure with manual steps', () => {
  const base = mkdtempSync(join(tmpdir(), 'certwalk-manual-'));
  const dir = join(base, 'sandbox');
  let current = '';
  before(async () => {
    await initSandbox(dir, {workers: 0, azureml: false, lyncReplicationDelaySeconds: 0});
    current = (await showSandbox(dir)).nodes['fe1']!.lync!.cms!.current!;
  });
  after(() => rmSync(base, {recursive: true, force: true}));

  test('run --yes is refused before anything runs, and says where the items are answered', async () => {
    const home = join(base, 'refused');
    const before = await showSandbox(dir);
    const r = certwalk(['run', 'lync-manual', '--sandbox', dir, '--yes', '--param', `thumbprint=${current}`], home);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(
      r.stderr,
      [
        'lync-manual: 6 of its steps are work a person does by hand (the first: Open the Certificates MMC (computer account) on fe1); --yes cannot stand for them, nothing was run.',
        '  Answer them one by one, in the app: `certwalk` → lync-manual.',
        '  Its read-only check runs unattended on its own: certwalk run lync-manual --check-only with the same --param values.',
        '',
      ].join('\n'),
    );
    assert.doesNotMatch(r.stdout, /completed|ticked/);
    assert.equal(existsSync(join(home, 'journals')), false, 'no session was started');
    assert.deepEqual(await showSandbox(dir), before);
    const noCheck = certwalk(['run', 'lync-manual', '--sandbox', dir, '--yes'], home);
    assert.equal(noCheck.code, 2);
    assert.match(noCheck.stderr, /Nothing else in it runs unattended with these parameters \(`certwalk plan lync-manual` shows whether one adds a read-only check\)/);
  });

  test('run --check-only runs the read-only check alone, without --yes', () => {
    const home = join(base, 'check');
    const r = certwalk(['run', 'lync-manual', '--sandbox', dir, '--check-only', '--param', `thumbprint=${current}`, '--param', 'replicationTimeout=20'], home);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^✔ \[1\/1\] fe1: Wait until every Front End has the change/m);
    assert.match(r.stdout, /^completed: 1 steps verified$/m);
    const transcript = readFileSync(r.stdout.match(/^transcript (.+)$/m)![1]!, 'utf8');
    assert.doesNotMatch(transcript, /ticked|CONFIRMED/);
    const other = certwalk(['run', 'lync-roll', '--sandbox', dir, '--check-only'], home);
    assert.equal(other.code, 2);
    assert.match(other.stderr, /--check-only is for procedures with steps done by hand; lync-roll has none: run it with --yes/);
  });

  test('a failed --check-only exits 1 and leaves no session to resume or roll back', () => {
    const home = join(base, 'check-failed');
    const r = certwalk(['run', 'lync-manual', '--sandbox', dir, '--check-only', '--param', `thumbprint=${'0'.repeat(40)}`, '--param', 'replicationTimeout=1'], home);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^check failed \(failed\); it changed nothing, so there is nothing to roll back$/m);
    assert.doesNotMatch(r.stderr, /certwalk rollback/);
    assert.match(certwalk(['resume'], home).stdout, /^no unfinished session/);
  });

  test('resume --yes of a session with items still to tick is refused; the app is where they are answered', async () => {
    const home = join(base, 'resume');
    const definition = findProcedure('lync-manual');
    const fleet = new SandboxFleet(dir);
    const params = {...(await definition.form(fleet)).values, thumbprint: current};
    const prepared = await definition.prepare(fleet, params, prepareContext());
    assert.ok(prepared.ok);
    // The app's session, closed while the first item waits for its tick.
    const journal = join(base, 'manual.jsonl');
    const runner = new ProcedureRunner({
      definition,
      prepared: prepared.value,
      params,
      fleet,
      fleetId: await fleet.identity(),
      journalPath: journal,
      transcriptPath: join(base, 'manual.log'),
      sessionId: 'manual-1',
      autoConfirmAll: false,
    });
    runner.dispatch({type: 'start', at: runner.now()});
    await runner.idle();
    assert.equal(runner.snapshot.state.steps[0]!.status.kind, 'awaiting-confirmation');
    runner.close();
    await runner.closed();
    const journalBefore = readFileSync(journal, 'utf8');
    const r = certwalk(['resume', journal, '--yes'], home);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /^6 step\(s\) still to do are work a person does by hand \(the first: Open the Certificates MMC \(computer account\) on fe1\); resume --yes cannot tick them\.\n {2}Open the app \(`certwalk`\): it offers this session, and you answer each item there\.\n$/,
    );
    assert.equal(readFileSync(journal, 'utf8'), journalBefore, 'nothing was added to the session');
  });
});
