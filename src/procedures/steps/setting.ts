// Step: overwrite ONE value in a settings file, in place (every other byte kept), after backing the file up on the
// node and keeping its original bytes in the journal. Undo puts the original bytes back.
import {createHash} from 'node:crypto';
import type {Host} from '../../hosts/host.ts';
import {readSetting, replaceSetting} from '../../ops/scale-out-settings.ts';
import type {Json} from '../../state/types.ts';
import type {StepDefinition} from '../types.ts';
import {asRecord} from './util.ts';

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
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export function updateSettingStep(options: {id: string; node: string; path: string; key: string; newValue: string; plannedOldValue: string}): StepDefinition {
  const {id, node, path, key, newValue} = options;
  const read = (host: Host) => host.readFile(path);
  const describeEdit = (old: string) => `set ${key} in ${path}: "${old}" → "${newValue}" (in place: every other byte kept)`;
  return {
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
        captured: captured as unknown as Json,
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
      const {backupPath, originalBase64} = asRecord(captured) as unknown as SettingCapture;
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
      const {originalBase64, oldValue} = asRecord(captured) as unknown as SettingCapture;
      const bytes = await read(host);
      const observed = readSetting(bytes, key);
      const expectedBytes = replaceSetting(Buffer.from(originalBase64, 'base64'), key, newValue);
      return {
        checks: [
          {what: key, expected: newValue, observed, ok: observed === newValue},
          {what: 'rest of the file', expected: 'byte for byte as before', observed: bytes.equals(expectedBytes) ? 'byte for byte as before' : 'other bytes differ', ok: bytes.equals(expectedBytes)},
        ],
        changes: [{node, label: `${fileName(path)} ${key}`, before: oldValue, after: observed}],
      };
    },
    async undo(ctx, captured) {
      const host = await ctx.host(node);
      const {originalBase64, oldValue, backupPath} = asRecord(captured) as unknown as SettingCapture;
      const original = Buffer.from(originalBase64, 'base64');
      const bytes = await read(host);
      let report: string;
      if (bytes.equals(original)) report = `${fileName(path)} already holds its original bytes`;
      else if (bytes.equals(replaceSetting(original, key, newValue))) {
        await host.writeFile(path, original);
        report = `restored ${fileName(path)} byte for byte (${key} = ${oldValue})`;
      } else {
        // Someone else edited the file since: put back only our value, keep their edits.
        await host.writeFile(path, replaceSetting(bytes, key, oldValue));
        report = `${fileName(path)} was edited by someone else since; restored only ${key} = ${oldValue}`;
      }
      if (await host.fileExists(backupPath)) await host.removeFile(backupPath);
      return report;
    },
  };
}
