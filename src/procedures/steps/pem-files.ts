// Steps: write the password-free cert.pem + key.pem on this computer (key 0600, folder 0700), and remove key.pem
// once the cluster has it. Plus the helper that puts the pair on the admin node for exactly one command.
import {existsSync, readFileSync, statSync} from 'node:fs';
import {readdir, rmdir} from 'node:fs/promises';
import {describeCertificate, keyMatchesCertificate} from '../../certs/index.ts';
import {pemFilesIn, removePemFiles, writePemPair, type PemFiles} from '../../certs/pem-pair.ts';
import type {Host} from '../../hosts/host.ts';
import type {StepContext, StepDefinition} from '../types.ts';
import {undoConflict} from './undo-guard.ts';
import {shortThumb} from './util.ts';

export interface PemMaterial {
  readonly dir: string;
  readonly thumbprint: string;
  readonly certPem: string;
  /** Absent when the steps are rebuilt from a journal for a rollback: writing is then impossible, removing is not. */
  readonly keyPem: string | undefined;
}

/** The thumbprint of a PEM certificate, or '' when the text is not one. */
function pemThumbprint(text: string): string {
  try {
    return describeCertificate(text).thumbprint;
  } catch {
    return '';
  }
}

function modeOf(path: string): string {
  return existsSync(path) ? (statSync(path).mode & 0o777).toString(8).padStart(4, '0') : 'absent';
}

export function writePemStep(options: {id: string; node: string; pem: PemMaterial}): StepDefinition {
  const {id, node, pem} = options;
  const files = pemFilesIn(pem.dir);
  return {
    id,
    title: 'Write cert.pem and key.pem (no password) on this computer',
    node,
    kind: 'write-pem',
    destructive: false,
    skippable: false,
    undoLast: false,
    hasUndo: true,
    plan: () => [
      {node, text: `write cert.pem (certificate ${pem.thumbprint}) and key.pem (mode 0600, no passphrase) in ${pem.dir} (mode 0700)`, preview: false},
    ],
    async capture() {
      if (existsSync(files.keyPath)) throw new Error(`${files.keyPath} already exists; certwalk never overwrites a key file. Move it away and retry`);
      return {captured: {dir: pem.dir}};
    },
    async do(ctx) {
      if (!pem.keyPem) throw new Error('the private key is not in this certwalk process (the steps were rebuilt from a journal); start the procedure again');
      ctx.note(`writing ${files.certPath} and ${files.keyPath}`);
      await writePemPair(pem.dir, {certPem: pem.certPem, keyPem: pem.keyPem, info: describeCertificate(pem.certPem)});
    },
    async verify() {
      const certPem = existsSync(files.certPath) ? readFileSync(files.certPath, 'utf8') : '';
      const keyPem = existsSync(files.keyPath) ? readFileSync(files.keyPath, 'utf8') : '';
      const thumbprint = certPem ? describeCertificate(certPem).thumbprint : 'absent';
      let matches = false;
      try {
        matches = keyMatchesCertificate(certPem, keyPem);
      } catch {
        matches = false;
      }
      const encrypted = /ENCRYPTED/.test(keyPem);
      return {
        checks: [
          {what: 'cert.pem', expected: pem.thumbprint, observed: thumbprint, ok: thumbprint === pem.thumbprint},
          {what: 'key.pem belongs to cert.pem', expected: 'yes', observed: matches ? 'yes' : 'no', ok: matches},
          {what: 'key.pem passphrase', expected: 'none', observed: encrypted ? 'encrypted' : 'none', ok: !encrypted && keyPem !== ''},
          {what: 'key.pem mode', expected: '0600', observed: modeOf(files.keyPath), ok: modeOf(files.keyPath) === '0600'},
        ],
        changes: [],
      };
    },
    async undo(ctx) {
      // Only this session's pair goes: a cert.pem naming another certificate was written by someone else since.
      const found = existsSync(files.certPath) ? pemThumbprint(readFileSync(files.certPath, 'utf8')) : null;
      if (found === null && !existsSync(files.keyPath)) {
        await removeDirIfEmpty(pem.dir);
        return `${files.certPath} and ${files.keyPath} are not there (already restored)`;
      }
      if (found !== null && found.toUpperCase() !== pem.thumbprint.toUpperCase()) {
        throw undoConflict(ctx, node, files.certPath, `certificate ${pem.thumbprint}`, found === '' ? 'something that is not a certificate' : `certificate ${found}`);
      }
      await removePemFiles(files, {certToo: true});
      await removeDirIfEmpty(pem.dir);
      return `removed ${files.certPath} and ${files.keyPath}`;
    },
  };
}

export function removeKeyStep(options: {id: string; node: string; dir: string}): StepDefinition {
  const {id, node} = options;
  const files = pemFilesIn(options.dir);
  return {
    id,
    title: 'Remove key.pem from this computer (the cluster has the key now)',
    node,
    kind: 'remove-key',
    destructive: false,
    skippable: true,
    undoLast: false,
    // Nothing to put back: the key is on the cluster, and a rollback of the cluster does not need it.
    hasUndo: false,
    plan: () => [{node, text: `remove ${files.keyPath} (cert.pem stays: it is public)`, preview: false}],
    async capture() {
      return {captured: {}};
    },
    async do() {
      await removePemFiles(files, {certToo: false});
    },
    async verify() {
      const present = existsSync(files.keyPath);
      return {checks: [{what: files.keyPath, expected: 'absent', observed: present ? 'present' : 'absent', ok: !present}], changes: []};
    },
    async undo() {
      return 'nothing to undo: the key file stays removed';
    },
  };
}

async function removeDirIfEmpty(dir: string): Promise<void> {
  try {
    if ((await readdir(dir)).length === 0) await rmdir(dir);
  } catch {
    // Already gone, or someone put files there: leave it.
  }
}

/**
 * Runs `use` with the PEM pair readable on the admin node: this computer's files when certwalk runs there, else a
 * copy in the node's temp folder that is removed right after, whatever happened (as a PFX on its way into a store).
 */
export async function withPemOnNode<T>(ctx: StepContext, host: Host, local: PemFiles, thumbprint: string, use: (paths: PemFiles) => Promise<T>): Promise<T> {
  if (host.kind === 'local') return use(local);
  const onNode = plannedNodeFiles(host.tempDir, thumbprint);
  try {
    await host.writeFile(onNode.certPath, readFileSync(local.certPath));
    await host.writeFile(onNode.keyPath, readFileSync(local.keyPath));
    return await use(onNode);
  } finally {
    for (const path of [onNode.keyPath, onNode.certPath]) {
      try {
        if (await host.fileExists(path)) await host.removeFile(path);
      } catch (error) {
        ctx.note(`could not remove ${path} on ${host.node.name}: ${(error as Error).message}; delete it by hand`);
      }
    }
  }
}

/** Where the pair sits on the admin node while a command reads it, for the plan. */
export function plannedNodeFiles(tempDir: string, thumbprint: string): PemFiles {
  const dir = `${tempDir}\\certwalk-${shortThumb(thumbprint).replace('…', '-')}`;
  return {certPath: `${dir}\\cert.pem`, keyPath: `${dir}\\key.pem`};
}
