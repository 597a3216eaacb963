// NodeFiles backed by DIR/nodes/<name>/fs: what the simulated programs read and write by Windows path.
import {randomBytes} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs';
import {basename, dirname, join} from 'node:path';
import type {NodeFiles} from './tools/program.ts';
import {windowsPathToSandbox} from './windows-path.ts';

export function nodeFiles(nodeDir: string): NodeFiles {
  return {
    read(winPath) {
      try {
        const path = windowsPathToSandbox(nodeDir, winPath);
        return statSync(path).isFile() ? readFileSync(path) : undefined;
      } catch {
        return undefined;
      }
    },
    write(winPath, data) {
      const path = windowsPathToSandbox(nodeDir, winPath);
      mkdirSync(dirname(path), {recursive: true});
      const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
      writeFileSync(temp, data);
      renameSync(temp, path);
    },
    exists(winPath) {
      try {
        return existsSync(windowsPathToSandbox(nodeDir, winPath));
      } catch {
        return false; // a relative path: the sandbox has no current directory
      }
    },
  };
}
