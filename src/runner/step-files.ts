// The files a step keeps on the computer certwalk runs on (a PEM pair, the key of a sealed secret), for
// StepContext.files and StepContext.sealing: the procedures name what to write, this module does the writing, only
// inside the state directory, with the modes the secrets need. The state directory is what a resume or a rollback
// started later (by the same account) finds again, so nothing a step keeps goes anywhere else.
import {chmod, mkdir, readFile, readdir, rm, rmdir, stat, writeFile} from 'node:fs/promises';
import {basename, dirname, isAbsolute, join, relative, resolve} from 'node:path';
import type {PrepareContext, SecretSealing, StateFiles} from '../procedures/types.ts';
import {discardKey, hasKey, seal, unseal, type Sealed} from '../secrets/sealing.ts';
import {sessionStamp, stateDir} from './paths.ts';
import {readParameterFile} from './step-parameter-file.ts';

/** Thrown before anything is read or written when a path is not inside the state directory. */
export class OutsideStateDirectory extends Error {
  override readonly name = 'OutsideStateDirectory';
}

/** `path`, absolute, once it is known to be inside `root` (the root itself is not: no step writes over it). */
function inside(root: string, path: string): string {
  const absolute = resolve(root, path);
  const rel = relative(resolve(root), absolute);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel))
    throw new OutsideStateDirectory(`${path} is not inside certwalk's state directory ${root}; certwalk keeps its local files there only`);
  return absolute;
}

function missing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

export function stateFiles(root: string = stateDir()): StateFiles {
  const mode = async (path: string): Promise<number | null> => {
    try {
      return (await stat(inside(root, path))).mode & 0o777;
    } catch (error) {
      if (missing(error)) return null;
      throw error;
    }
  };
  return {
    root,
    path: (...parts) => inside(root, join(root, ...parts)),
    mode,
    exists: async (path) => (await mode(path)) !== null,
    async read(path) {
      try {
        return await readFile(inside(root, path));
      } catch (error) {
        if (missing(error)) return null;
        throw error;
      }
    },
    async createPrivate(path, data) {
      const file = inside(root, path);
      await mkdir(dirname(file), {recursive: true, mode: 0o700});
      await writeFile(file, data, {mode: 0o600, flag: 'wx'});
      // `mode` is masked by the umask; 0600 is below any sensible umask, chmod only guards an odd one.
      await chmod(file, 0o600);
    },
    async writePublic(path, data) {
      const file = inside(root, path);
      await mkdir(dirname(file), {recursive: true, mode: 0o700});
      await writeFile(file, data, {mode: 0o644});
    },
    async remove(path) {
      await rm(inside(root, path), {force: true});
    },
    async removeTree(path) {
      await rm(inside(root, path), {recursive: true, force: true});
    },
    async removeDirIfEmpty(path) {
      const dir = inside(root, path);
      try {
        if ((await readdir(dir)).length === 0) await rmdir(dir);
      } catch {
        // Already gone, or someone put files there: leave it.
      }
    },
  };
}

/**
 * Sealing (src/secrets/sealing.ts) with its new key files in `root/keys`. Opening and discarding go by the key file
 * a sealed record names (absolute, recorded in the journal when it was sealed), wherever that is.
 */
export function stateSealing(root: string = stateDir()): SecretSealing {
  return {
    seal(value, boundTo, keyName) {
      if (basename(keyName) !== keyName) throw new Error(`a key file name, not a path: ${keyName}`);
      return seal(value, boundTo, inside(root, join(root, 'keys', keyName)));
    },
    unseal: <T>(sealed: Sealed, boundTo: string) => unseal<T>(sealed, boundTo),
    hasKey: (sealed) => hasKey(sealed),
    discardKey: (sealed) => discardKey(sealed),
  };
}

/** What a procedure's prepare may use on this computer: the files the admin names, and where the steps will keep theirs. */
export function prepareContext(root: string = stateDir()): PrepareContext {
  return {readParameterFile, newStateFolder: (area, name) => inside(root, join(root, area, `${sessionStamp(new Date())}-${name}`))};
}
