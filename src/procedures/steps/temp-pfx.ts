// Step: remove the PFX files certwalk put in a node's temp folder. A PFX holds a private key (behind a one-time
// password that is in certwalk's journal, sealed): it must not outlive the step that imported or exported it. The
// step that writes one removes it when its command returns, but a certwalk killed while the command runs leaves it
// there, and a resume then reads the store back, finds the certificate and never runs that step again. So this step,
// right after the import, removes the files whatever happened before it: on the first run, on a resume, and (as its
// undo, for a rollback) again, which also takes a PFX left by a later step killed before it captured anything.
import type {Host} from '../../hosts/host.ts';
import type {StepDefinition} from '../types.ts';

const PLAN_TEMP = 'C:\\Windows\\Temp';

/** Where certwalk puts a certificate's PFX on its way into a store (add-certificate.ts). */
export function tempPfxName(thumbprint: string): string {
  return `certwalk-${thumbprint.toUpperCase()}.pfx`;
}

/** Where the old certificate's PFX waits between its export and certwalk reading it back (delete-certificate.ts). */
export function keptPfxName(thumbprint: string): string {
  return `certwalk-${thumbprint.toUpperCase()}-old.pfx`;
}

/** Removes what is there; a file already gone is what this step wants. Returns the paths it removed. */
export async function removeTempFiles(host: Host, names: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const name of names) {
    const path = `${host.tempDir}\\${name}`;
    if (!(await host.fileExists(path))) continue;
    await host.removeFile(path);
    removed.push(path);
  }
  return removed;
}

export function removeTempPfxStep(options: {id: string; node: string; names: readonly string[]; title?: string}): StepDefinition {
  const {id, node, names} = options;
  const say = (removed: readonly string[]) => (removed.length ? `removed ${removed.join(', ')}` : 'no PFX left in the temp folder');
  return {
    id,
    title: options.title ?? 'Remove the temporary PFX files (private key) from the temp folder',
    node,
    kind: 'remove-temp-pfx',
    destructive: false,
    skippable: false,
    undoLast: false,
    hasUndo: true,
    plan: () => [{node, text: `Remove-Item ${names.map((name) => `'${PLAN_TEMP}\\${name}'`).join(', ')}`}],
    async capture() {
      // Something to capture, so a rollback runs the undo (which removes them again) whatever else happened.
      return {captured: {names: [...names]}};
    },
    async do(ctx) {
      ctx.note(say(await removeTempFiles(await ctx.host(node), names)));
    },
    async verify(ctx) {
      const host = await ctx.host(node);
      const checks = [];
      for (const name of names) {
        const present = await host.fileExists(`${host.tempDir}\\${name}`);
        checks.push({what: `${host.tempDir}\\${name}`, expected: 'absent', observed: present ? 'present' : 'absent', ok: !present});
      }
      return {checks, changes: []};
    },
    async undo(ctx) {
      return say(await removeTempFiles(await ctx.host(node), names));
    },
  };
}
