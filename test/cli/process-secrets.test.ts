// No secret in the process table: every procedure that handles a PFX password runs through the real binary on the
// sandbox (each simulated command a process of its own, as a real tool would be) while this test polls the
// process table (/proc/<pid>/cmdline, what `ps -eo pid,args` prints) and /proc/<pid>/environ of every process
// descending from certwalk. Afterwards every
// argv and environment seen is searched for the passwords (as typed, and as base64 of UTF-16LE / UTF-8, the way an
// -EncodedCommand would carry them), for certutil's `-p`, and for certwalk's secret variables by name. On Windows
// the same argv lands in process auditing and script-block logging; there, as here, it must hold nothing secret.
import assert from 'node:assert/strict';
import {execFile, spawn} from 'node:child_process';
import {createDecipheriv} from 'node:crypto';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {readdir, readFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {after, before, describe, test} from 'node:test';
import {createSelfSigned, toPfx} from '../../src/certs/index.ts';
import {AZUREML_DEMO} from '../../src/hosts/sandbox/azureml-demo.ts';
import {DEMO_PFX_PASSWORD} from '../../src/hosts/sandbox/lync-demo.ts';
import {SECRET_ENV_VARS} from '../../src/hosts/secret-env.ts';
import {openSecrets, type SealedSecrets} from '../../src/runner/sealed-secrets.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'certwalk.js');
const run = promisify(execFile);
const base = mkdtempSync(join(tmpdir(), 'certwalk-process-secrets-'));
const home = join(base, 'home');
const dir = join(base, 'sandbox');
after(() => rmSync(base, {recursive: true, force: true}));

interface Seen {
  readonly pid: number;
  readonly args: string;
  /** NUL-separated NAME=value entries; '' when the process was gone before it could be read. */
  readonly environ: string;
}

/**
 * One look at the process table: the processes below `root` with their argv. Read from /proc, as `ps -eo
 * pid,ppid,args` does, but without starting a process per look (the machine running the tests is a shared one).
 * `outside` caches pids already known not to be certwalk's (a process's parent does not change while it lives).
 */
async function descendants(root: number, outside: Set<number>, inside: Set<number>): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  const rows: {pid: number; ppid: number}[] = [];
  for (const name of await readdir('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || outside.has(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'latin1').catch(() => '');
    // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (Number.isInteger(ppid)) rows.push({pid, ppid});
  }
  for (let grew = true; grew;) {
    grew = false;
    for (const row of rows) {
      if (!inside.has(row.pid) && (row.ppid === root || inside.has(row.ppid))) {
        inside.add(row.pid);
        grew = true;
      }
    }
  }
  for (const row of rows) {
    if (!inside.has(row.pid)) {
      outside.add(row.pid);
      continue;
    }
    const args = (await readFile(`/proc/${row.pid}/cmdline`, 'latin1').catch(() => '')).replace(/\0$/, '').replaceAll('\0', ' ');
    if (args) found.set(row.pid, args);
  }
  return found;
}

/**
 * Runs certwalk with `args` and polls the process table until it exits. `whileRunning` is called on every round (to
 * pick up what only exists during the run, such as the session's sealed secrets).
 */
async function certwalkWatched(args: readonly string[], env: Record<string, string> = {}, whileRunning: () => void = () => {}) {
  const child = spawn(process.execPath, [BIN, ...args], {cwd: ROOT, env: {...process.env, CERTWALK_HOME: home, NO_COLOR: '1', ...env}, stdio: ['ignore', 'pipe', 'pipe']});
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  let exited = false;
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => ((exited = true), resolve(code))));
  const seen = new Map<string, Seen>();
  const outside = new Set<number>([process.pid]);
  const inside = new Set<number>();
  // A child between fork and exec is still certwalk (its argv and environment): only what it becomes is a tool.
  const own = (await readFile(`/proc/${child.pid}/cmdline`, 'latin1').catch(() => '')).replace(/\0$/, '').replaceAll('\0', ' ');
  while (!exited) {
    for (const [pid, argv] of await descendants(child.pid!, outside, inside)) {
      if (argv === own) continue;
      const key = `${pid} ${argv}`;
      if (seen.get(key)?.environ) continue;
      // The environ of a process that ended in between cannot be read: its argv is still checked.
      const environ = await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '');
      seen.set(key, {pid, args: argv, environ});
    }
    whileRunning();
  }
  return {code: await exit, output, seen: [...seen.values()]};
}

/** The base64 characters that depend only on `bytes`, wherever they start in a longer payload (three alignments). */
function base64Cores(bytes: Buffer): string[] {
  return [0, 1, 2].flatMap((pad) => {
    const b64 = Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64');
    const core = b64.slice(pad === 0 ? 0 : 4, Math.floor((pad + bytes.length) / 3) * 4);
    return core.length >= 8 ? [core] : [];
  });
}

function needles(secret: string): string[] {
  return [secret, ...base64Cores(Buffer.from(secret, 'utf16le')), ...base64Cores(Buffer.from(secret, 'utf8'))];
}

/** Everything wrong with what was seen: a secret in an argv or environment, certutil's -p, a secret variable. */
function leaks(seen: readonly Seen[], secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const s of seen) {
    const env = s.environ.split('\0');
    for (const secret of secrets) {
      for (const needle of needles(secret)) {
        if (s.args.includes(needle)) found.push(`pid ${s.pid}: a password in its command line: ${s.args.slice(0, 160)}`);
        if (env.some((entry) => entry.includes(needle))) found.push(`pid ${s.pid} (${s.args.slice(0, 80)}): a password in its environment`);
      }
    }
    if (/\scertutil\s.*(^|\s)[-/]p\s/i.test(s.args)) found.push(`pid ${s.pid}: certutil with -p: ${s.args.slice(0, 160)}`);
    for (const name of SECRET_ENV_VARS) {
      if (env.some((entry) => entry.toUpperCase().startsWith(`${name.toUpperCase()}=`))) found.push(`pid ${s.pid} (${s.args.slice(0, 80)}): ${name} in its environment`);
    }
  }
  return [...new Set(found)];
}

/** Simulated commands seen: the check looked at the processes that matter, not at nothing. */
function toolProcesses(seen: readonly Seen[]): Seen[] {
  return seen.filter((s) => /sandbox-tool/.test(s.args));
}

/** The session's secrets (the new certificate's PFX password), opened while the session runs and its key exists. */
function sessionSecretsReader(journal: string) {
  const found: string[] = [];
  return {
    found,
    poll() {
      if (found.length || !existsSync(journal)) return;
      // The header line may be read while it is being written: only a whole line (up to its newline) is parsed.
      const text = readFileSync(journal, 'utf8');
      const end = text.indexOf('\n');
      if (end <= 0) return;
      const first = text.slice(0, end);
      const header = (JSON.parse(first) as {header: {sessionId: string; sealedSecrets?: SealedSecrets}}).header;
      if (!header.sealedSecrets) return;
      const opened = openSecrets(header.sessionId, header.sealedSecrets);
      if (opened.ok)
        found.push(
          ...Object.entries(opened.secrets)
            .filter(([key]) => /password/i.test(key))
            .map(([, value]) => value),
        );
    },
  };
}

/** The one-time passwords of the old certificates' kept copies (their key files stay after a completed rotation). */
function keptPasswords(journal: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync(journal, 'utf8').split('\n').filter(Boolean)) {
    const record = JSON.parse(line) as {event?: {type: string; captured?: {thumbprint?: string; kept?: {iv: string; tag: string; ciphertext: string; keyFile: string}}}};
    const captured = record.event?.type === 'capture-succeeded' ? record.event.captured : undefined;
    if (!captured?.kept || !captured.thumbprint) continue;
    const key = Buffer.from(readFileSync(captured.kept.keyFile, 'utf8').trim(), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(captured.kept.iv, 'base64'));
    decipher.setAAD(Buffer.from(captured.thumbprint, 'utf8'));
    decipher.setAuthTag(Buffer.from(captured.kept.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(captured.kept.ciphertext, 'base64')), decipher.final()]);
    out.push((JSON.parse(plain.toString('utf8')) as {password: string}).password);
  }
  return out;
}

describe('no secret in any argv or environment of the processes certwalk starts', () => {
  before(async () => {
    assert.ok(existsSync(join(ROOT, 'dist', 'sandbox-tool.js')), 'dist/ is missing: run `npm run build` first');
    await run(process.execPath, [BIN, 'sandbox', 'init', dir, '--workers', '1'], {cwd: ROOT, env: {...process.env, CERTWALK_HOME: home}});
  });

  test('ssis-master: the new certificate imported with its key', async () => {
    const journal = join(base, 'master.jsonl');
    const secrets = sessionSecretsReader(journal);
    const r = await certwalkWatched(['run', 'ssis-master', '--sandbox', dir, '--yes', '--journal', journal], {}, secrets.poll);
    assert.equal(r.code, 0, r.output);
    assert.equal(secrets.found.length, 1, 'the session sealed one PFX password');
    assert.ok(toolProcesses(r.seen).length >= 3, `only ${toolProcesses(r.seen).length} simulated commands seen`);
    assert.deepEqual(leaks(r.seen, secrets.found), []);
  });

  test('ssis-worker: the new certificate imported, the old one exported to keep', async () => {
    const journal = join(base, 'worker.jsonl');
    const secrets = sessionSecretsReader(journal);
    const r = await certwalkWatched(['run', 'ssis-worker', '--sandbox', dir, '--yes', '--journal', journal, '--param', 'workers=worker1'], {}, secrets.poll);
    assert.equal(r.code, 0, r.output);
    const kept = keptPasswords(journal);
    assert.equal(secrets.found.length, 1, 'the session sealed one PFX password');
    assert.equal(kept.length, 1, 'the old certificate was kept behind a one-time password');
    assert.ok(toolProcesses(r.seen).length >= 3, `only ${toolProcesses(r.seen).length} simulated commands seen`);
    assert.deepEqual(leaks(r.seen, [...secrets.found, ...kept]), []);
  });

  test('lync-import-pfx: the password from CERTWALK_PFX_PASSWORD', async () => {
    const r = await certwalkWatched(['run', 'lync-import-pfx', '--sandbox', dir, '--yes', '--journal', join(base, 'lync.jsonl'), '--param', 'replicationTimeout=30'], {
      CERTWALK_PFX_PASSWORD: DEMO_PFX_PASSWORD,
    });
    assert.equal(r.code, 0, r.output);
    assert.ok(toolProcesses(r.seen).length >= 3, `only ${toolProcesses(r.seen).length} simulated commands seen`);
    assert.deepEqual(leaks(r.seen, [DEMO_PFX_PASSWORD]), []);
  });

  test('azureml-ssl from a PFX: the passphrase from CERTWALK_CERT_PASSPHRASE', async () => {
    const password = 'Proc-Table-Pass-61';
    const made = await createSelfSigned({commonNames: [AZUREML_DEMO.cname], dnsNames: [AZUREML_DEMO.cname]});
    const pfx = join(base, 'scoring.pfx');
    writeFileSync(pfx, toPfx(made, password), {mode: 0o600});
    const r = await certwalkWatched(
      ['run', 'azureml-ssl', '--sandbox', dir, '--yes', '--journal', join(base, 'azureml.jsonl'), '--param', `cname=${AZUREML_DEMO.cname}`, '--param', `certificate=${pfx}`],
      {
        CERTWALK_CERT_PASSPHRASE: password,
      },
    );
    assert.equal(r.code, 0, r.output);
    assert.ok(toolProcesses(r.seen).length >= 3, `only ${toolProcesses(r.seen).length} simulated commands seen`);
    assert.deepEqual(leaks(r.seen, [password]), []);
  });
});
