// A certificate or key file named by a parameter (azureml-ssl's certificate, key and current key), read on the computer
// certwalk runs on for a procedure's prepare (PrepareContext.readParameterFile): bounded in size and in time.
import {closeSync, constants as fsConstants, fstatSync, openSync, readSync, type Stats} from 'node:fs';

/** A certificate or key file is a few KiB; anything past this is not one (and reading it all would stall). */
export const MAX_PARAMETER_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Reads a certificate or key file named by a parameter, bounded in size and in time. A device (/dev/zero), FIFO or
 * directory is refused before a byte is read: reading one never ends or blocks. The file is opened non-blocking
 * and checked through its descriptor, so a path swapped for a FIFO after a check cannot block either.
 */
export function readParameterFile(path: string, what: string, maxBytes = MAX_PARAMETER_FILE_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${what} ${path} does not exist on this computer`, {cause: error});
    throw new Error(`cannot open ${what} ${path}: ${(error as Error).message}`, {cause: error});
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error(`${what} ${path} is not a regular file (${kindOf(stat)}): give the path of a certificate or key file`);
    if (stat.size > maxBytes) throw new Error(`${what} ${path} is ${stat.size} bytes; a certificate or key file is far smaller (at most ${maxBytes} bytes are read)`);
    // Read at most one byte past the limit: a file that grows after fstat is refused, not read without end.
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) throw new Error(`${what} ${path} is over ${maxBytes} bytes; a certificate or key file is far smaller`);
      if (length === buffer.length) break;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}
