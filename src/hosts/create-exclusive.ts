// Creating a file only if it does not exist yet (O_EXCL, 'wx'): the one file operation two processes cannot both win,
// which is what a lock needs. Shared by the local Windows host and the sandbox, which differ only in where a Windows
// path lives on this machine.
import {lstat, mkdir, open, rm} from 'node:fs/promises';
import {dirname, win32} from 'node:path';

export interface CreateTarget {
  /** The node, for the error message. */
  readonly node: string;
  /** The Windows path as the caller gave it, for the error message. */
  readonly path: string;
  /** Where a Windows path on the node is on this machine. */
  readonly local: (windowsPath: string) => string;
}

/** True if the file was created with `data`, false if it already existed; anything else throws naming node and path. */
export async function createFileExclusive(target: CreateTarget, data: Buffer): Promise<boolean> {
  const file = target.local(target.path);
  let handle;
  try {
    await mkdir(dirname(file), {recursive: true});
  } catch (error) {
    throw await explain(error, target);
  }
  try {
    handle = await open(file, 'wx');
  } catch (error) {
    // The file existed when the exclusive open ran; its holder may have removed it since (released the lock), which is
    // still "not created": the caller looks again. Only a folder standing at the path is an error.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST' && !(await isDirectory(file))) return false;
    throw await explain(error, target);
  }
  try {
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
  } catch (error) {
    // A half-written file would stand for an owner that never finished: take it back out.
    await handle.close().catch(() => undefined);
    await rm(file, {force: true});
    throw await explain(error, target);
  }
  return true;
}

async function isDirectory(file: string): Promise<boolean> {
  return (await lstat(file).catch(() => null))?.isDirectory() ?? false;
}

/**
 * mkdir and open report a file where a folder should be as EEXIST or ENOTDIR on a path that is not the one at fault;
 * the folder that is in the way is named instead.
 */
async function explain(error: unknown, target: CreateTarget): Promise<Error> {
  const code = (error as NodeJS.ErrnoException).code;
  let reason = (error as Error).message;
  if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') {
    const atPath = await lstat(target.local(target.path)).catch(() => null);
    if (atPath?.isDirectory()) reason = `${target.path} is a folder, not a file`;
    for (let folder = win32.dirname(target.path); folder !== win32.dirname(folder); folder = win32.dirname(folder)) {
      const stats = await lstat(target.local(folder)).catch(() => null);
      if (stats && !stats.isDirectory()) reason = `${folder} is a file, not a folder`;
    }
  }
  return Object.assign(new Error(`cannot create ${target.path} on ${target.node}: ${reason}`), {code, cause: error});
}
