// Every undo is a compare-and-swap (steps/undo-guard.ts): it restores only where the node still holds this
// session's value, stops as a conflict (changing nothing) where a later session wrote over it, and reports "already
// restored" where the node holds the original again. The steps run one by one, in process, on a sandbox, with a
// context of the test's own: the same step code the runner calls, without the reducer (another engineer's concern).
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {after, describe, test} from 'node:test';
import {createSelfSigned} from '../../src/certs/index.ts';
import type {Host, RunOptions} from '../../src/hosts/host.ts';
import {initSandbox, MASTER_SETTINGS_PATH, SandboxFleet, showSandbox} from '../../src/hosts/sandbox/index.ts';
import {readSetting, replaceSetting} from '../../src/ops/scale-out-settings.ts';
import {findProcedure} from '../../src/procedures/index.ts';
import {writePemStep} from '../../src/procedures/steps/pem-files.ts';
import {updateSettingStep} from '../../src/procedures/steps/setting.ts';
import {restartServiceStep} from '../../src/procedures/steps/service.ts';
import type {SessionOnNode, StepContext, StepDefinition} from '../../src/procedures/types.ts';
import type {Json} from '../../src/state/types.ts';
import {prepareContext, stateFiles, stateSealing} from '../../src/runner/step-files.ts';

const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, {recursive: true, force: true});
});

async function sandbox(workers: number): Promise<{dir: string; fleet: SandboxFleet}> {
  const root = mkdtempSync(join(tmpdir(), 'certwalk-undo-cas-'));
  roots.push(root);
  const dir = join(root, 'sandbox');
  await initSandbox(dir, {workers});
  return {dir, fleet: new SandboxFleet(dir, {inProcess: true})};
}

/** One session as the steps see it: its captures, and (for a rollback) the later sessions its journal lookup finds. */
class Session {
  readonly captures = new Map<string, Json>();
  /** Commands run on the nodes, to prove a refused undo ran none. */
  readonly commands: string[] = [];
  later: SessionOnNode[] = [];
  constructor(
    readonly fleet: SandboxFleet,
    readonly steps: readonly StepDefinition[] = [],
  ) {}

  get ctx(): StepContext {
    return {
      host: async (node) => this.#recording(await this.fleet.host(node)),
      capturedOf: (stepId) => this.captures.get(stepId),
      note: () => undefined,
      secret: () => undefined,
      now: () => new Date(),
      sessionsOn: () => this.later,
      // The sandbox's folder stands for the state directory: the PEM pair below is written there.
      files: stateFiles(dirname(this.fleet.location)),
      sealing: stateSealing(dirname(this.fleet.location)),
    };
  }

  async run(step: StepDefinition): Promise<void> {
    const {captured} = await step.capture(this.ctx);
    this.captures.set(step.id, captured);
    await step.do(this.ctx, captured);
    const {checks} = await step.verify(this.ctx, captured);
    assert.deepEqual(
      checks.filter((c) => !c.ok),
      [],
      `${step.id} verified`,
    );
  }

  async runAll(): Promise<void> {
    for (const step of this.steps) await this.run(step);
  }

  undo(step: StepDefinition): Promise<string> {
    return step.undo(this.ctx, this.captures.get(step.id) ?? null);
  }

  /** Rollback's order (src/state/reducer.ts rollbackOrder): newest first, then the undoLast steps in order. */
  get undoOrder(): StepDefinition[] {
    return [...this.steps.filter((s) => !s.undoLast).reverse(), ...this.steps.filter((s) => s.undoLast)];
  }

  #recording(host: Host): Host {
    return {
      node: host.node,
      kind: host.kind,
      tempDir: host.tempDir,
      run: (command: string, args: readonly string[], options?: RunOptions) => {
        this.commands.push(`${host.node.name}: ${command} ${args.join(' ')}`);
        return host.run(command, args, options);
      },
      readFile: (path) => host.readFile(path),
      writeFile: (path, data) => host.writeFile(path, data),
      removeFile: (path) => host.removeFile(path),
      fileExists: (path) => host.fileExists(path),
      createFileExclusive: (path, data) => host.createFileExclusive(path, data),
    };
  }
}

async function ssisMasterSession(fleet: SandboxFleet): Promise<{session: Session; thumbprint: string; resolved: Json}> {
  const definition = findProcedure('ssis-master');
  const form = await definition.form(fleet);
  const prepared = await definition.prepare(fleet, form.values, prepareContext());
  assert.ok(prepared.ok, JSON.stringify(!prepared.ok && prepared.errors));
  const {resolved, secrets} = prepared.value;
  return {session: new Session(fleet, definition.steps(resolved, secrets)), thumbprint: (resolved as {cert: {thumbprint: string}}).cert.thumbprint, resolved};
}

function laterSession(resolved: Json): SessionOnNode {
  const text = JSON.stringify(resolved).toUpperCase();
  return {
    journal: '/state/journals/J2.jsonl',
    transcript: '/state/transcripts/J2.log',
    sessionId: 'J2-session',
    procedure: 'ssis-master',
    by: 'admin2@jump',
    changedAt: new Date().toISOString(),
    rolledBack: false,
    mentions: (value) => text.includes(value.toUpperCase()),
  };
}

describe('undo is a compare-and-swap', () => {
  test('two rotations, the first rolled back: every undo stops as a conflict naming both values and the later session, and changes nothing', async () => {
    // Given a master and a worker rotated twice (J1, then J2)
    const {dir, fleet} = await sandbox(1);
    const before = await showSandbox(dir);
    const j1 = await ssisMasterSession(fleet);
    await j1.session.runAll();
    const afterJ1 = await showSandbox(dir);
    const j2 = await ssisMasterSession(fleet);
    await j2.session.runAll();
    const afterJ2 = await showSandbox(dir);
    const [t1, t2] = [j1.thumbprint.toUpperCase(), j2.thumbprint.toUpperCase()];

    // When J1's steps are undone, J2's journal being the later one on every node
    j1.session.later = [laterSession(j2.resolved)];
    j1.session.commands.length = 0;
    const errors = new Map<string, string>();
    // (the temp PFX cleanup is not a change of J1's to take back: its undo only removes key material, always)
    for (const step of j1.session.undoOrder.filter((s) => !s.id.endsWith('.remove-temp-pfx'))) {
      await assert.rejects(
        j1.session.undo(step),
        (error: Error) => {
          errors.set(step.id, error.message);
          return true;
        },
        `${step.id} must not be undone over J2`,
      );
    }

    // Then nothing changed on any node, and no command but reads ran
    assert.deepEqual(await showSandbox(dir), afterJ2);
    assert.deepEqual(
      j1.session.commands.filter((c) => !/ (http show sslcert|-store|query|show)/i.test(c) && !/powershell/i.test(c)),
      [],
    );
    // And each refusal names what it expected (J1's), what it found (J2's) and J2's journal and transcript
    const found = (id: string) => errors.get(id) ?? '';
    assert.match(found('master.settings'), new RegExp(`SSLCertThumbprint .* on master holds ${t2}, but this session left ${t1} there; certwalk changed nothing`));
    assert.match(found('worker1.settings'), new RegExp(`MasterHttpsCertThumbprint .* holds ${t2}, but this session left ${t1}`));
    assert.match(found('master.add-binding'), new RegExp(`binding on 0\\.0\\.0\\.0:8391 on master holds certificate ${t2}, but this session left certificate ${t1}`));
    assert.match(found('master.delete-binding'), new RegExp(`holds a binding to certificate ${t2}, but this session left \\(no binding\\)`));
    assert.match(found('master.import-cert'), new RegExp(`${t1} in LocalMachine\\\\Root on master was added by this session, but a later session relies on it`));
    assert.match(found('worker1.trust-master'), /a later session relies on it/);
    assert.match(found('master.restart'), new RegExp(`not restarted: SSLCertThumbprint .* holds ${t2}, not the value [0-9A-F]{40} it had before this session`));
    assert.match(found('worker1.restart'), /not restarted: MasterHttpsCertThumbprint/);
    for (const [id, message] of errors) {
      assert.match(message, /session J2-session \(ssis-master, admin2@jump, .*journal \/state\/journals\/J2\.jsonl, transcript \/state\/transcripts\/J2\.log\)/, id);
      assert.match(message, /certwalk rollback --journal \/state\/journals\/J2\.jsonl --yes/, id);
    }

    // When J2 is rolled back, J1's rollback goes through, and a retried one finds everything already restored
    for (const step of j2.session.undoOrder) await j2.session.undo(step);
    assert.deepEqual(await showSandbox(dir), afterJ1);
    j1.session.later = [{...laterSession(j2.resolved), rolledBack: true}];
    for (const step of j1.session.undoOrder) await j1.session.undo(step);
    assert.deepEqual(await showSandbox(dir), before);
    for (const step of j1.session.undoOrder.filter((s) => !s.undoLast && !s.id.endsWith('.remove-temp-pfx'))) {
      assert.match(await j1.session.undo(step), /already restored/, step.id);
    }
    assert.deepEqual(await showSandbox(dir), before);
  });

  test("settings: restores only over this session's value; keeps other edits; already restored is a success", async () => {
    const {fleet} = await sandbox(0);
    const session = new Session(fleet);
    const ours = 'A'.repeat(40);
    const step = updateSettingStep({id: 's', node: 'master', path: MASTER_SETTINGS_PATH, key: 'SSLCertThumbprint', newValue: ours, plannedOldValue: ''});
    await session.run(step);
    const host = await fleet.host('master');
    const original = Buffer.from(String((session.captures.get('s') as {originalBase64: string}).originalBase64), 'base64');
    const oldValue = readSetting(original, 'SSLCertThumbprint');
    const backup = String((session.captures.get('s') as {backupPath: string}).backupPath);

    // Someone else's value: a conflict, nothing written, the backup kept
    const theirs = replaceSetting(await host.readFile(MASTER_SETTINGS_PATH), 'SSLCertThumbprint', 'B'.repeat(40));
    await host.writeFile(MASTER_SETTINGS_PATH, theirs);
    await assert.rejects(session.undo(step), new RegExp(`holds ${'B'.repeat(40)}, but this session left ${ours} there`));
    assert.deepEqual(await host.readFile(MASTER_SETTINGS_PATH), theirs);
    assert.ok(await host.fileExists(backup));
    await assert.rejects(session.undo(step), /No other certwalk journal shows a change on master since this session/);

    // Our value with another byte edited: only the key goes back
    const edited = Buffer.concat([replaceSetting(original, 'SSLCertThumbprint', ours), Buffer.from('\n')]);
    await host.writeFile(MASTER_SETTINGS_PATH, edited);
    assert.match(await session.undo(step), /edited by someone else since; restored only SSLCertThumbprint/);
    assert.deepEqual(await host.readFile(MASTER_SETTINGS_PATH), Buffer.concat([original, Buffer.from('\n')]));

    // The original value already there: already restored, nothing written
    assert.match(await session.undo(step), /already holds its original value .*already restored/);
    await host.writeFile(MASTER_SETTINGS_PATH, original);
    assert.match(await session.undo(step), /already restored/);
    assert.equal(readSetting(await host.readFile(MASTER_SETTINGS_PATH), 'SSLCertThumbprint'), oldValue);
    assert.equal(await host.fileExists(backup), false);
  });

  test('restart: never restarts on a settings file that does not hold its value from before the session', async () => {
    const {dir, fleet} = await sandbox(0);
    const session = new Session(fleet);
    const host = await fleet.host('master');
    // The setting keeps its value (the sandbox's master only starts on the thumbprint its binding carries)
    const current = readSetting(await host.readFile(MASTER_SETTINGS_PATH), 'SSLCertThumbprint');
    const settings = updateSettingStep({id: 'settings', node: 'master', path: MASTER_SETTINGS_PATH, key: 'SSLCertThumbprint', newValue: current, plannedOldValue: current});
    const restart = restartServiceStep({
      id: 'restart',
      node: 'master',
      service: 'SSISScaleOutMaster140',
      restoredFirst: [{step: settings, path: MASTER_SETTINGS_PATH, key: 'SSLCertThumbprint'}],
    });
    await session.run(settings);
    await session.run(restart);
    const original = await host.readFile(MASTER_SETTINGS_PATH);
    // Someone else writes another value
    await host.writeFile(MASTER_SETTINGS_PATH, replaceSetting(original, 'SSLCertThumbprint', 'D'.repeat(40)));
    const running = await showSandbox(dir);

    session.commands.length = 0;
    await assert.rejects(
      session.undo(restart),
      new RegExp(`not restarted: SSLCertThumbprint .* holds ${'D'.repeat(40)}, not the value ${current} it had before this session .*certwalk changed nothing`),
    );
    assert.deepEqual(session.commands, [], 'no service command ran');
    assert.deepEqual(await showSandbox(dir), running);

    // Once the file holds its old value again, the restart's undo runs
    await host.writeFile(MASTER_SETTINGS_PATH, original);
    assert.match(await session.undo(restart), /restarted SSISScaleOutMaster140 on the restored settings/);
    assert.equal((await showSandbox(dir)).nodes.master!.services.SSISScaleOutMaster140!.status, 'running');
  });

  test('delete-binding reports the binding it deleted as a change', async () => {
    const {fleet} = await sandbox(1);
    const j1 = await ssisMasterSession(fleet);
    const before = (await showSandbox(j1.session.fleet.dir)).nodes.master!.bindings.find((b) => b.ipport === '0.0.0.0:8391')!;
    for (const step of j1.session.steps.filter((s) => s.node === 'master' && !/add-binding|settings|restart/.test(s.id))) await j1.session.run(step);
    const step = j1.session.steps.find((s) => s.id === 'master.delete-binding')!;
    const {changes} = await step.verify(j1.session.ctx, j1.session.captures.get(step.id)!);
    assert.deepEqual(changes, [{node: 'master', label: 'http.sys 0.0.0.0:8391 (deleted)', before: before.certhash.toUpperCase(), after: null}]);
  });

  test("PEM files: removed only while cert.pem is this session's certificate; absent is already restored", async () => {
    const {fleet} = await sandbox(0);
    const session = new Session(fleet);
    const pemDir = join(roots.at(-1)!, 'pem');
    const [ours, theirs] = await Promise.all([createSelfSigned({commonNames: ['ours.contoso.com']}), createSelfSigned({commonNames: ['theirs.contoso.com']})]);
    const step = writePemStep({id: 'pem', node: 'local', pem: {dir: pemDir, thumbprint: ours.info.thumbprint, certPem: ours.certPem, keyPem: ours.keyPem}});
    await session.run(step);

    // Someone else's pair in its place: a conflict naming both certificates, both files left
    writeFileSync(join(pemDir, 'cert.pem'), theirs.certPem);
    writeFileSync(join(pemDir, 'key.pem'), theirs.keyPem);
    await assert.rejects(
      session.undo(step),
      new RegExp(`cert\\.pem on local holds certificate ${theirs.info.thumbprint}, but this session left certificate ${ours.info.thumbprint} there`),
    );
    assert.equal(readFileSync(join(pemDir, 'key.pem'), 'utf8'), theirs.keyPem);

    // Ours again: removed; then a retried undo finds nothing to remove
    writeFileSync(join(pemDir, 'cert.pem'), ours.certPem);
    assert.match(await session.undo(step), /removed .*cert\.pem/);
    assert.equal(existsSync(join(pemDir, 'key.pem')), false);
    assert.match(await session.undo(step), /already restored/);
  });
});
