// Step: put a certificate into a LocalMachine store of a node (PFX with its key, or public part only).
// Undo removes it only if it was not there before the step ran, and not while a later session relies on it (a later
// rotation that found it as the current certificate puts it back on its own rollback). A PFX goes in with
// Import-PfxCertificate, its password on stdin (ops/pki.ts), never with certutil -p. Its temp copy is removed when the
// import returns, by the removeTempPfxStep that follows this step (a kill during the import), and by this step's undo.
import type {CertificateRecord} from '../../certs/certificate.ts';
import {addStore, addStoreCommand, delStore, listStore} from '../../ops/certutil.ts';
import type {Host} from '../../hosts/host.ts';
import {formatCommand} from '../../ops/command.ts';
import {importPfx, importPfxCommand} from '../../ops/pki.ts';
import {defineStep, type Step} from '../define.ts';
import {sessionsRelyingOn, undoRefused} from './undo-guard.ts';
import {removeTempFiles, tempPfxName} from './temp-pfx.ts';
import {sameThumbprint, shortThumb} from './util.ts';

export interface CertificateMaterial extends Pick<CertificateRecord, 'thumbprint' | 'subject' | 'derBase64'> {
  /** When set, the private key goes in too (http.sys needs it on the master). */
  readonly pfx?: {readonly base64: string; readonly password: string};
}

interface AddCapture {
  /** Then the undo leaves it: it is not this session's to remove. */
  readonly alreadyPresent: boolean;
}

export function addCertificateStep(options: {id: string; node: string; store: string; cert: CertificateMaterial; title?: string; skippable?: boolean}): Step<AddCapture> {
  const {id, node, store, cert} = options;
  const withKey = cert.pfx !== undefined;
  const tempName = withKey ? tempPfxName(cert.thumbprint) : `certwalk-${cert.thumbprint}.cer`;
  const planned = (tempDir: string) => {
    const file = `${tempDir}\\${tempName}`;
    if (!withKey) return [{node, text: formatCommand(addStoreCommand(store, file))}];
    // The line that imports; the whole script (it also reads the password) is in the transcript when it runs.
    const importLine = importPfxCommand(store, file)
      .script.split('\n')
      .find((line) => line.includes('Import-PfxCertificate'))!;
    return [{node, text: `PS> ${importLine.replace(/^\$imported = /, '')}`}];
  };
  const present = async (host: Host) => (await listStore(host, store)).find((c) => sameThumbprint(c.thumbprint, cert.thumbprint));

  return defineStep<AddCapture>({
    id,
    title: options.title ?? `Add the new certificate to LocalMachine\\${store}${withKey ? ' (with its private key)' : ''}`,
    node,
    kind: withKey ? 'import-pfx' : 'add-certificate',
    destructive: false,
    skippable: options.skippable ?? false,
    undoLast: false,
    hasUndo: true,
    plan: () => planned('C:\\Windows\\Temp'),
    async capture(ctx) {
      const host = await ctx.host(node);
      const existing = await present(host);
      return {captured: {alreadyPresent: existing !== undefined}};
    },
    async do(ctx) {
      const host = await ctx.host(node);
      if (await present(host)) {
        ctx.note(`${shortThumb(cert.thumbprint)} is already in LocalMachine\\${store}; nothing to add`);
        return;
      }
      const file = `${host.tempDir}\\${tempName}`;
      if (cert.pfx) ctx.secret(cert.pfx.password);
      await host.writeFile(file, Buffer.from(cert.pfx ? cert.pfx.base64 : cert.derBase64, 'base64'));
      try {
        if (cert.pfx) await importPfx(host, store, file, cert.thumbprint, cert.pfx.password);
        else await addStore(host, store, file);
      } finally {
        await host.removeFile(file);
      }
    },
    async verify(ctx, captured) {
      const host = await ctx.host(node);
      const found = await present(host);
      const checks = [{what: `${cert.thumbprint} in LocalMachine\\${store}`, expected: 'present', observed: found ? 'present' : 'absent', ok: found !== undefined}];
      if (withKey) {
        checks.push({what: 'private key', expected: 'present', observed: found?.hasPrivateKey ? 'present' : 'absent', ok: found?.hasPrivateKey === true});
        // A key is linked is not the key is its own (a store entry left over with another key): certutil's test says.
        checks.push({what: 'its own key (certutil key test)', expected: 'passed', observed: found?.keyTest ?? 'absent', ok: found?.keyTest === 'passed'});
      }
      const before = captured.alreadyPresent ? cert.thumbprint : null;
      return {checks, changes: [{node, label: `LocalMachine\\${store}`, before, after: cert.thumbprint}]};
    },
    async undo(ctx, captured) {
      const host = await ctx.host(node);
      // First the temp PFX a kill during the import may have left (a rollback of that crash comes here).
      // A rollback rebuilds the steps without the session's secrets (no PFX in `cert`), so the PFX's name is tried
      // whatever this step was built with: removing a file that is not there costs nothing.
      const pfxGone = (await removeTempFiles(host, [tempPfxName(cert.thumbprint)])).map((path) => `; removed ${path}`).join('');
      if (captured.alreadyPresent) return `left ${shortThumb(cert.thumbprint)} in ${store}: it was there before${pfxGone}`;
      if (!(await present(host))) return `${shortThumb(cert.thumbprint)} is not in ${store}; nothing to remove (already restored)${pfxGone}`;
      const relying = sessionsRelyingOn(ctx, node, cert.thumbprint);
      if (relying.length) {
        throw undoRefused(
          ctx,
          node,
          `conflict, not undone: ${cert.thumbprint.toUpperCase()} in LocalMachine\\${store} on ${node} was added by this session, but a later session relies on it (its journal names it: it was the certificate in use when that session started, and its rollback puts it back); certwalk changed nothing${pfxGone}.`,
          relying,
        );
      }
      await delStore(host, store, cert.thumbprint);
      return `removed ${shortThumb(cert.thumbprint)} from LocalMachine\\${store}${pfxGone}`;
    },
  });
}
