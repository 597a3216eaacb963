// Step: overwrite ONE value in a settings file, in place (every other byte kept), after backing the file up on the
// node and keeping its original bytes in the journal. Undo puts the original bytes back, and only while the key
// still holds the value this session wrote (compare-and-swap, undo-guard.ts).
import {createHash} from 'node:crypto';
import type {Host} from '../../hosts/host.ts';
import {readSetting, replaceSetting} from '../../ops/scale-out-settings.ts';
import {capturedBy, defineStep, type Step} from '../define.ts';
import type {StepContext} from '../types.ts';
import {undoConflict} from './undo-guard.ts';

interface SettingCapture {
  readonly originalBase64: string;
  readonly oldValue: string;
  readonly backupPath: string;
  readonly sha256: string;
}

function fileName(path: string): string {
  return path.slice(path.lastIndexOf('\\') + 1);
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function backupStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

export function updateSettingStep(options: {id: string; node: string; path: string; key: string; newValue: string; plannedOldValue: string}): Step<SettingCapture> {
  const {id, node, path, key, newValue} = options;
  const read = (host: Host) => host.readFile(path);
  const describeEdit = (old: string) => `set ${key} in ${path}: "${old}" → "${newValue}" (in place: every other byte kept)`;
  return defineStep<SettingCapture>({
    id,
    title: `Set ${key} in ${fileName(path)}`,
    node,
    kind: 'overwrite-setting',
    destructive: true,
    skippable: false,
    undoLast: false,
    hasUndo: true,
    plan: () => [{node, text: describeEdit(options.plannedOldValue), preview: false}],
    async capture(ctx) {
      const host = await ctx.host(node);
      const bytes = await read(host);
      const oldValue = readSetting(bytes, key);
      const backupPath = `${path}.certwalk-${backupStamp(ctx.now())}.bak`;
      const captured: SettingCapture = {originalBase64: bytes.toString('base64'), oldValue, backupPath, sha256: sha256(bytes)};
      return {
        captured,
        prompt: {
          title: `Overwrite ${key} in ${fileName(path)}`,
          commands: [describeEdit(oldValue)],
          removes: [`${key} = ${oldValue}`],
          restoreWith: [`the original file (${bytes.length} bytes, sha256 ${captured.sha256.slice(0, 16)}…), kept in the journal`, `a backup copy at ${backupPath}`],
          references: [],
          warnings: oldValue.toUpperCase() === newValue.toUpperCase() ? [`${key} already holds this value`] : [],
        },
      };
    },
    async do(ctx, captured) {
      const host = await ctx.host(node);
      const {backupPath, originalBase64} = captured;
      const bytes = await read(host);
      if (readSetting(bytes, key) === newValue) {
        ctx.note(`${key} already holds ${newValue}`);
        return;
      }
      await host.writeFile(backupPath, Buffer.from(originalBase64, 'base64'));
      await host.writeFile(path, replaceSetting(bytes, key, newValue));
    },
    async verify(ctx, captured) {
      const host = await ctx.host(node);
      const {originalBase64, oldValue} = captured;
      const bytes = await read(host);
      const observed = readSetting(bytes, key);
      const expectedBytes = replaceSetting(Buffer.from(originalBase64, 'base64'), key, newValue);
      return {
        checks: [
          {what: key, expected: newValue, observed, ok: observed === newValue},
          {
            what: 'rest of the file',
            expected: 'byte for byte as before',
            observed: bytes.equals(expectedBytes) ? 'byte for byte as before' : 'other bytes differ',
            ok: bytes.equals(expectedBytes),
          },
        ],
        changes: [{node, label: `${fileName(path)} ${key}`, before: oldValue, after: observed}],
      };
    },
    async undo(ctx, captured) {
      const host = await ctx.host(node);
      const {originalBase64, oldValue, backupPath} = captured;
      const original = Buffer.from(originalBase64, 'base64');
      const bytes = await read(host);
      const found = valueIn(bytes, key);
      let report: string;
      if (bytes.equals(original)) report = `${fileName(path)} already holds its original bytes (already restored)`;
      else if (bytes.equals(replaceSetting(original, key, newValue))) {
        await host.writeFile(path, original);
        report = `restored ${fileName(path)} byte for byte (${key} = ${oldValue})`;
      } else if (sameValue(found, oldValue)) {
        report = `${key} in ${fileName(path)} already holds its original value ${oldValue} (already restored; other edits left as they are)`;
      } else if (sameValue(found, newValue)) {
        // The key still holds this session's value but other bytes were edited since: put back only our value.
        await host.writeFile(path, replaceSetting(bytes, key, oldValue));
        report = `${fileName(path)} was edited by someone else since; restored only ${key} = ${oldValue}`;
      } else {
        // Someone wrote another value over ours: restoring the old one would undo their change. The backup stays.
        throw undoConflict(ctx, node, `${key} in ${path}`, newValue, found);
      }
      if (await host.fileExists(backupPath)) await host.removeFile(backupPath);
      return report;
    },
  });
}

/** The key's value, or why it cannot be read (a conflict then names that). */
function valueIn(bytes: Buffer, key: string): string {
  try {
    return readSetting(bytes, key);
  } catch (error) {
    return `(unreadable: ${(error as Error).message})`;
  }
}

/** Thumbprints are the values this step writes; Windows reads them without regard to case. */
function sameValue(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase();
}

export interface SettingDependency {
  /** The settings step whose undo must have restored the file first. */
  readonly step: Step<SettingCapture>;
  readonly path: string;
  readonly key: string;
}

/** A dependency as a later step captures it: where, and the value the key held before the session. */
export interface CapturedDependency {
  readonly path: string;
  readonly key: string;
  readonly before: string;
}

/** Read by a later step's capture (the settings step ran before it): what "restored" will mean for its undo. */
export function captureDependency(ctx: StepContext, dep: SettingDependency): CapturedDependency | null {
  const captured = capturedBy(ctx, dep.step);
  return captured ? {path: dep.path, key: dep.key, before: captured.oldValue} : null;
}

/**
 * Whether the key holds the value it had before the session. A service restart undo reads this before restarting:
 * never on a file certwalk did not restore.
 */
export async function settingRestored(host: Host, dep: CapturedDependency): Promise<{ok: boolean; found: string}> {
  let found: string;
  try {
    found = valueIn(await host.readFile(dep.path), dep.key);
  } catch (error) {
    found = `(unreadable: ${(error as Error).message})`;
  }
  return {ok: sameValue(found, dep.before), found};
}
