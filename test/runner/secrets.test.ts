// The secret-grep test: procedures run (and roll back) on the sandbox with known PFX, key and credential passwords
// and private keys, through the runner, the TUI and the real binary; then every transcript, journal and screen
// recording they wrote is searched for those secrets in clear, in the encodings a command line would carry them
// (base64 of UTF-16LE for -EncodedCommand, base64 of UTF-8), PEM key lines one by one, and "PRIVATE KEY".
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {createPrivateKey, createPublicKey} from 'node:crypto';
import {mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {before, describe, test} from 'node:test';
import {pretendInteractiveTerminal, Terminal} from '../helpers/terminal.ts';

pretendInteractiveTerminal();
const HOME = mkdtempSync(join(tmpdir(), 'certwalk-secrets-home-'));
process.env.CERTWALK_HOME = HOME;
const {createSelfSigned, fromPfx, toDer, toPfx} = await import('../../src/certs/index.ts');
const {AZUREML_DEMO} = await import('../../src/hosts/sandbox/azureml-demo.ts');
const {initSandbox, SandboxFleet, showSandbox} = await import('../../src/hosts/sandbox/index.ts');
const {DEMO_PFX_PASSWORD} = await import('../../src/hosts/sandbox/lync-demo.ts');
const {PFX_PASSWORD_ENV} = await import('../../src/procedures/lync-common.ts');
const {prepare, runner, send} = await import('../helpers/procedure.ts');
const {useFreshSandboxTool} = await import('../helpers/sandbox-tool.ts');
type Lab = import('../helpers/procedure.ts').Lab;

const root = fileURLToPath(new URL('../..', import.meta.url));
const DOWN = '\u001B[B';
const ENTER = '\r';
const CNAME = AZUREML_DEMO.cname;
const files = mkdtempSync(join(tmpdir(), 'certwalk-secrets-files-'));
const file = (name: string, data: string | Buffer) => {
  const path = join(files, name);
  writeFileSync(path, data, {mode: 0o600});
  return path;
};

// ---------------------------------------------------------------------------------------------------------------
// What counts as a leak

interface Needle {
  readonly what: string;
  readonly text: string;
}

/** The base64 characters that depend only on `bytes`, wherever they start in a longer payload (three alignments). */
function base64Cores(bytes: Buffer): string[] {
  return [0, 1, 2].flatMap((pad) => {
    const b64 = Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64');
    const start = pad === 0 ? 0 : 4;
    const end = Math.floor((pad + bytes.length) / 3) * 4;
    const core = b64.slice(start, end);
    return core.length >= 8 ? [core] : [];
  });
}

function needlesOf(what: string, secret: string): Needle[] {
  const needles: Needle[] = [{what, text: secret}];
  const pemLines = secret.includes('PRIVATE KEY-----') ? privateLines(secret) : [];
  needles.push(...pemLines.map((text, i) => ({what: `${what} (PEM line ${i + 1})`, text})));
  if (secret.length < 96) {
    for (const [encoding, bytes] of [
      ['UTF-16LE', Buffer.from(secret, 'utf16le')],
      ['UTF-8', Buffer.from(secret, 'utf8')],
    ] as const) {
      needles.push(...base64Cores(bytes).map((text) => ({what: `${what} (base64 of ${encoding})`, text})));
    }
  }
  return needles;
}

/**
 * The lines of a private key PEM that hold private material. A key also holds its public modulus, which the
 * certificate carries in clear (a journal may well hold a certificate): lines made only of public bytes are left out.
 */
function privateLines(pem: string): string[] {
  const publicDer = createPublicKey(createPrivateKey(pem)).export({type: 'spki', format: 'der'});
  const lines = pem.split(/\r?\n/).filter((l) => l.length >= 32 && !l.startsWith('-----'));
  const kept = lines.filter((l) => publicDer.indexOf(Buffer.from(l, 'base64')) === -1);
  assert.ok(kept.length >= lines.length / 2, `most of a private key is private: ${kept.length} of ${lines.length} lines`);
  return kept;
}

/**
 * A PFX (base64): windows of 48 characters every 24, so any excerpt of 72 or more is caught, except where they
 * cover its certificate, which a PFX holds in clear and which is public (a journal may well hold it).
 */
function pfxNeedles(what: string, base64: string, password: string): Needle[] {
  const bytes = Buffer.from(base64, 'base64');
  const der = toDer(fromPfx(bytes, password).certPem);
  const certAt = bytes.indexOf(der);
  assert.ok(certAt > 0, `${what}: its certificate is not where this test expects it`);
  const needles: Needle[] = [];
  for (let at = 0; at + 48 <= base64.length; at += 24) {
    const [from, to] = [(at / 4) * 3, (at / 4) * 3 + 36];
    if (to > certAt && from < certAt + der.length) continue;
    needles.push({what: `${what} (at ${at})`, text: base64.slice(at, at + 48)});
  }
  assert.ok(needles.length > 40, `${what}: ${needles.length} windows`);
  return needles;
}

/** Every private key in the sandbox's node state (stores, cluster SSL), one needle per PEM line. */
function sandboxKeys(dir: string): Needle[] {
  const found: Needle[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, {withFileTypes: true})) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json')) {
        const text = readFileSync(full, 'utf8');
        for (const m of text.matchAll(/-----BEGIN ([A-Z ]*PRIVATE KEY)-----(.*?)-----END [A-Z ]*PRIVATE KEY-----/gs)) {
          // Inside JSON the line breaks are escaped
          const pem = m[0].replace(/\\r\\n|\\n/g, '\n');
          found.push(...privateLines(pem).map((text) => ({what: `a private key in ${full}`, text})));
        }
      }
    }
  };
  walk(dir);
  return found;
}

/** The transcripts, journals and recordings under `dirs`. */
function writtenFiles(...dirs: string[]): string[] {
  return dirs.flatMap((dir) =>
    readdirSync(dir, {recursive: true})
      .map((entry) => join(dir, String(entry)))
      .filter((path) => /\.(log|jsonl|cast)$/.test(path)),
  );
}

function leaks(paths: readonly string[], needles: readonly Needle[], extra: Record<string, string> = {}): string[] {
  const texts = [...paths.map((path) => [path, readFileSync(path, 'utf8')] as const), ...Object.entries(extra)];
  return texts.flatMap(([where, text]) => [
    ...(/PRIVATE KEY/.test(text) ? [`${where}: "PRIVATE KEY"`] : []),
    ...needles.filter((n) => text.includes(n.text)).map((n) => `${where}: ${n.what}`),
  ]);
}

// ---------------------------------------------------------------------------------------------------------------

const needles: Needle[] = [];
const keep = (what: string, secret: string | undefined) => {
  if (secret) needles.push(...needlesOf(what, secret));
};
let lab: Lab;

before(async () => {
  await useFreshSandboxTool(mkdtempSync(join(tmpdir(), 'certwalk-secrets-tool-')));
  const rootDir = mkdtempSync(join(tmpdir(), 'certwalk-secrets-lab-'));
  const dir = join(rootDir, 'sandbox');
  await initSandbox(dir, {workers: 1, lyncReplicationDelaySeconds: 0});
  lab = {dir, home: join(rootDir, 'home'), fleet: new SandboxFleet(dir), snapshot: () => showSandbox(dir)};
});

async function runAndRollBack(procedure: string, overrides: Record<string, string>, rollback = true) {
  const {params, result} = await prepare(lab, procedure, overrides);
  assert.ok(result.ok, `${procedure}: ${JSON.stringify(!result.ok && result.errors)}`);
  for (const [key, value] of Object.entries(result.value.secrets)) {
    // PFX blobs (ssis-*: pfxBase64, pfx:WORKER) open with the procedure's pfxPassword
    if (/^pfx(Base64|:)/.test(key)) needles.push(...pfxNeedles(`${procedure} secret ${key}`, value, result.value.secrets.pfxPassword!));
    else keep(`${procedure} secret ${key}`, value);
  }
  const r = runner(lab, procedure, params, result.value);
  await send(r, {type: 'start'});
  assert.equal(r.snapshot.state.phase, 'completed', `${procedure}: ${JSON.stringify(r.snapshot.state.steps.map((s) => [s.info.id, s.status.kind]))}`);
  if (rollback) await rollBack(r);
  return r;
}

async function rollBack(r: Awaited<ReturnType<typeof runner>>): Promise<void> {
  await send(r, {type: 'rollback-requested'});
  assert.equal(r.snapshot.state.phase, 'rolled-back', r.header.procedure);
  r.close();
  assert.equal(statSync(r.transcriptPath).mode & 0o777, 0o600);
  assert.equal(statSync(r.journalPath).mode & 0o777, 0o600);
}

describe('no secret reaches a transcript, a journal or a screen recording', () => {
  test('the search finds a key written line by line, a password in an -EncodedCommand and a PFX excerpt', async () => {
    const made = await createSelfSigned({commonNames: ['canary.contoso.com']});
    const pfx = toPfx(made, 'canary-password').toString('base64');
    const canaries = [...needlesOf('key', made.keyPem), ...needlesOf('password', 'canary-password'), ...pfxNeedles('pfx', pfx, 'canary-password')];
    const line = privateLines(made.keyPem).at(-2)!;
    const encoded = Buffer.from(`$p = 'canary-password'; Import-PfxCertificate`, 'utf16le').toString('base64');
    const leaky = [
      file('key-line.log', `12:00:00      | ${line}\n`),
      file('encoded.jsonl', `{"command":"powershell.exe -EncodedCommand ${encoded}"}\n`),
      file('pfx.cast', `[1.5,"o","${pfx.slice(1600, 1680)}"]\n`),
      file('marker.log', 'BEGIN RSA PRIVATE KEY\n'),
    ];
    const found = leaks(leaky, canaries);
    for (const path of leaky)
      assert.ok(
        found.some((f) => f.startsWith(`${path}:`)),
        `${path} not caught: ${found.join('; ')}`,
      );
    // …and a public certificate is no leak
    assert.deepEqual(leaks([file('clean.log', `exit 0 in 12 ms\n${Buffer.from(made.der).toString('base64')}\n`)], canaries), []);
  });

  test('runner sessions: ssis-master, ssis-worker, azureml-ssl (PFX with password; PEM key with passphrase over SSL already on), lync-import-pfx', async () => {
    keep('the Lync demo PFX password', DEMO_PFX_PASSWORD);
    await runAndRollBack('ssis-master', {workers: 'worker1'});
    await runAndRollBack('ssis-worker', {workers: 'worker1'});

    const first = await createSelfSigned({commonNames: [CNAME], dnsNames: [CNAME]});
    keep('the first Azure ML key', first.keyPem);
    keep('the PFX password', 'pfx-pass-Kq83xZ');
    const enabled = await runAndRollBack('azureml-ssl', {cname: CNAME, certificate: file('first.pfx', toPfx(first, 'pfx-pass-Kq83xZ')), passphrase: 'pfx-pass-Kq83xZ'}, false);
    const second = await createSelfSigned({commonNames: [CNAME], dnsNames: [CNAME]});
    keep('the second Azure ML key', second.keyPem);
    keep('the key passphrase', 'key-pass-Wm27aQ');
    const encryptedKey = createPrivateKey(second.keyPem).export({type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'key-pass-Wm27aQ'}).toString();
    await runAndRollBack('azureml-ssl', {
      cname: CNAME,
      certificate: file('second.pem', second.certPem),
      key: file('second.key', encryptedKey),
      passphrase: 'key-pass-Wm27aQ',
      currentKey: file('first.key', first.keyPem),
    });
    // The second rollback put back the first certificate and key; the first rollback turns SSL off again
    await rollBack(enabled);

    await runAndRollBack('lync-import-pfx', {password: DEMO_PFX_PASSWORD, replicationTimeout: '10'});
    needles.push(...sandboxKeys(lab.dir));
    const written = writtenFiles(lab.home);
    assert.equal(written.filter((p) => p.endsWith('.log')).length, 5, written.join('\n'));
    assert.deepEqual(leaks(written, needles), []);
  });

  test('a TUI session (password typed in the form) and its screen recording', async () => {
    keep('the Lync demo PFX password', DEMO_PFX_PASSWORD);
    const {startApp} = await import('../../src/screens/start.tsx');
    const transcripts = join(HOME, 'tui-transcripts');
    const term = new Terminal();
    const exited = startApp({
      fleet: lab.fleet,
      transcriptDir: transcripts,
      stdout: term.stdout as unknown as NodeJS.WriteStream,
      stdin: term.stdin as unknown as NodeJS.ReadStream,
    });
    await term.waitFor('Choose a procedure:');
    await term.pressUntil(DOWN, '❯ Lync Server 2013: import a PFX');
    await term.pressWhen('❯ Lync Server 2013: import a PFX', ENTER);
    await term.waitFor('Continue to the plan →');
    await term.pressUntil(DOWN, '› PFX password');
    await term.pressWhen('› PFX password', ENTER);
    await term.waitFor('Enter accept · Esc cancel');
    // One character at a time, each seen masked before the next (the text field drops keys typed between frames)
    for (const [i, ch] of [...DEMO_PFX_PASSWORD].entries()) await term.pressWhen(new RegExp(`^› ?\\*{${i}} *$`, 'm'), ch);
    await term.pressWhen(new RegExp(`^› \\*{${DEMO_PFX_PASSWORD.length}} *$`, 'm'), ENTER);
    await term.waitFor(/› PFX password\s+\*{8}/);
    await term.pressUntil(DOWN, '› Continue to the plan →');
    await term.pressWhen('› Continue to the plan →', ENTER);
    await term.pressWhen(/plan: \d+ steps/, 's');
    // Every confirmation answered yes, one at a time
    for (;;) {
      const screen = await term.waitFor(/Confirm \[.*|✔ Completed/, 60_000);
      const asking = /Confirm \[.*/.exec(screen)?.[0];
      if (!asking) break;
      await term.press('y');
      await term.waitFor((s) => !s.includes(asking), 60_000);
    }
    await term.pressWhen('Enter home · r roll back', 'r');
    await term.pressWhen('y start the rollback', 'y');
    await term.waitFor(/↺ Rolled back: \d+ step\(s\) undone/, 60_000);
    await term.press('q');
    assert.equal(await exited, 0);
    const written = writtenFiles(transcripts);
    assert.deepEqual(written.map((p) => p.replace(/.*\./, '')).sort(), ['cast', 'log']);
    assert.match(
      readFileSync(
        written.find((p) => p.endsWith('.log'))!,
        'utf8',
      ),
      /session closed: procedure rolled-back/,
    );
    assert.deepEqual(leaks([...written, ...writtenFiles(join(HOME, 'journals'))], [...needles, ...sandboxKeys(lab.dir)]), []);
  });

  test('the real binary: run --yes and rollback with the passwords in the environment', () => {
    const certwalk = (args: string[], env: Record<string, string> = {}) => {
      const result = spawnSync(process.execPath, [join(root, 'bin', 'certwalk.js'), ...args], {
        cwd: root,
        encoding: 'utf8',
        input: '',
        env: {...process.env, CERTWALK_HOME: HOME, NO_COLOR: '1', ...env},
      });
      return {code: result.status, output: result.stdout + result.stderr};
    };
    const transcriptDir = join(HOME, 'cli-transcripts');
    const outputs: Record<string, string> = {};
    const lyncJournal = join(HOME, 'journals', 'cli-lync.jsonl');
    const lync = certwalk(
      ['run', 'lync-import-pfx', '--sandbox', lab.dir, '--yes', '--journal', lyncJournal, '--transcript-dir', transcriptDir, '--param', 'replicationTimeout=10'],
      {[PFX_PASSWORD_ENV]: DEMO_PFX_PASSWORD},
    );
    assert.equal(lync.code, 0, lync.output);
    outputs['run lync-import-pfx output'] = lync.output;
    const lyncBack = certwalk(['rollback', '--journal', lyncJournal, '--yes', '--transcript-dir', transcriptDir]);
    assert.equal(lyncBack.code, 0, lyncBack.output);

    assert.ok(cliCert, 'made in before()');
    const made = cliCert;
    const azJournal = join(HOME, 'journals', 'cli-azureml.jsonl');
    const az = certwalk(
      [
        'run',
        'azureml-ssl',
        '--sandbox',
        lab.dir,
        '--yes',
        '--journal',
        azJournal,
        '--transcript-dir',
        transcriptDir,
        '--param',
        `cname=${CNAME}`,
        '--param',
        `certificate=${made.path}`,
      ],
      {
        CERTWALK_CERT_PASSPHRASE: made.password,
      },
    );
    assert.equal(az.code, 0, az.output);
    outputs['run azureml-ssl output'] = az.output;
    const azBack = certwalk(['rollback', '--journal', azJournal, '--yes', '--transcript-dir', transcriptDir]);
    assert.equal(azBack.code, 0, azBack.output);
    outputs['rollback output'] = lyncBack.output + azBack.output;

    const written = writtenFiles(transcriptDir, join(HOME, 'journals'));
    assert.equal(written.filter((p) => p.endsWith('.log')).length, 4, written.join('\n'));
    assert.deepEqual(leaks(written, [...needles, ...sandboxKeys(lab.dir)], outputs), []);
  });
});

/** A PFX for the command-line run, with its password. */
let cliCert: {path: string; password: string} | undefined;
before(async () => {
  const made = await createSelfSigned({commonNames: [CNAME], dnsNames: [CNAME]});
  const password = 'cli-pfx-pass-Tr55vB';
  cliCert = {path: file('cli.pfx', toPfx(made, password)), password};
  keep('the command-line PFX password', password);
  keep('the command-line key', made.keyPem);
});
