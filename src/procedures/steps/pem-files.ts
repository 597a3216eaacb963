// Steps: write the password-free cert.pem + key.pem on this computer (key 0600, folder 0700), and remove key.pem
// once the cluster has it. Plus the helper that puts the pair on the admin node for exactly one command.
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

async function modeOf(ctx: StepContext, path: string): Promise<string> {
  const mode = await ctx.files.mode(path);
  return mode === null ? 'absent' : mode.toString(8).padStart(4, '0');
}

async function readText(ctx: StepContext, path: string): Promise<string | null> {
  return (await ctx.files.read(path))?.toString('utf8') ?? null;
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
    plan: () => [{node, text: `write cert.pem (certificate ${pem.thumbprint}) and key.pem (mode 0600, no passphrase) in ${pem.dir} (mode 0700)`, preview: false}],
    async capture(ctx) {
      if (await ctx.files.exists(files.keyPath)) throw new Error(`${files.keyPath} already exists; certwalk never overwrites a key file. Move it away and retry`);
      return {captured: {dir: pem.dir}};
    },
    async do(ctx) {
      if (!pem.keyPem) throw new Error('the private key is not in this certwalk process (the steps were rebuilt from a journal); start the procedure again');
      ctx.note(`writing ${files.certPath} and ${files.keyPath}`);
      await writePemPair(ctx.files, pem.dir, {certPem: pem.certPem, keyPem: pem.keyPem, info: describeCertificate(pem.certPem)});
    },
    async verify(ctx) {
      const certPem = (await readText(ctx, files.certPath)) ?? '';
      const keyPem = (await readText(ctx, files.keyPath)) ?? '';
      const thumbprint = certPem ? describeCertificate(certPem).thumbprint : 'absent';
      let matches: boolean;
      try {
        matches = keyMatchesCertificate(certPem, keyPem);
      } catch {
        matches = false;
      }
      const encrypted = /ENCRYPTED/.test(keyPem);
      const keyMode = await modeOf(ctx, files.keyPath);
      return {
        checks: [
          {what: 'cert.pem', expected: pem.thumbprint, observed: thumbprint, ok: thumbprint === pem.thumbprint},
          {what: 'key.pem belongs to cert.pem', expected: 'yes', observed: matches ? 'yes' : 'no', ok: matches},
          {what: 'key.pem passphrase', expected: 'none', observed: encrypted ? 'encrypted' : 'none', ok: !encrypted && keyPem !== ''},
          {what: 'key.pem mode', expected: '0600', observed: keyMode, ok: keyMode === '0600'},
        ],
        changes: [],
      };
    },
    async undo(ctx) {
      // Only this session's pair goes: a cert.pem naming another certificate was written by someone else since.
      const certPem = await readText(ctx, files.certPath);
      const found = certPem === null ? null : pemThumbprint(certPem);
      if (found === null && !(await ctx.files.exists(files.keyPath))) {
        await ctx.files.removeDirIfEmpty(pem.dir);
        return `${files.certPath} and ${files.keyPath} are not there (already restored)`;
      }
      if (found !== null && found.toUpperCase() !== pem.thumbprint.toUpperCase()) {
        throw undoConflict(ctx, node, files.certPath, `certificate ${pem.thumbprint}`, found === '' ? 'something that is not a certificate' : `certificate ${found}`);
      }
      await removePemFiles(ctx.files, files, {certToo: true});
      await ctx.files.removeDirIfEmpty(pem.dir);
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
    async do(ctx) {
      await removePemFiles(ctx.files, files, {certToo: false});
    },
    async verify(ctx) {
      const present = await ctx.files.exists(files.keyPath);
      return {checks: [{what: files.keyPath, expected: 'absent', observed: present ? 'present' : 'absent', ok: !present}], changes: []};
    },
    async undo() {
      return 'nothing to undo: the key file stays removed';
    },
  };
}

/**
 * Runs `use` with the PEM pair readable on the admin node: this computer's files when certwalk runs there, else a
 * copy in the node's temp folder that is removed right after, whatever happened (as a PFX on its way into a store).
 */
export async function withPemOnNode<T>(ctx: StepContext, host: Host, local: PemFiles, thumbprint: string, use: (paths: PemFiles) => Promise<T>): Promise<T> {
  if (host.kind === 'local') return use(local);
  const onNode = plannedNodeFiles(host.tempDir, thumbprint);
  try {
    await host.writeFile(onNode.certPath, await readLocal(ctx, local.certPath));
    await host.writeFile(onNode.keyPath, await readLocal(ctx, local.keyPath));
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

async function readLocal(ctx: StepContext, path: string): Promise<Buffer> {
  const bytes = await ctx.files.read(path);
  if (bytes === null) throw new Error(`${path} is not on this computer any more`);
  return bytes;
}

/** Where the pair sits on the admin node while a command reads it, for the plan. */
export function plannedNodeFiles(tempDir: string, thumbprint: string): PemFiles {
  const dir = `${tempDir}\\certwalk-${shortThumb(thumbprint).replace('…', '-')}`;
  return {certPath: `${dir}\\cert.pem`, keyPath: `${dir}\\key.pem`};
}
