import { lstatSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { NtkInputError } from '../errors.js';

/** Where an output goes: the regular file to replace and its permission bits (null: a new file). */
export interface OutputTarget {
  readonly path: string;
  readonly mode: number | null;
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The file an output path designates: `path` itself, or — when `path` is a symlink — the file the link
 * points to (followed to the end; a dangling link designates its missing target, which is created).
 * Refuses (NtkInputError) an existing target that is not a regular file (FIFO, device, folder, socket) and
 * a read-only one: ntk writes regular files and never changes a file's permissions.
 */
export function resolveOutputTarget(path: string, prefix = ''): OutputTarget {
  let p = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let st: Stats;
    try {
      st = lstatSync(p);
    } catch {
      return { path: p, mode: null };
    }
    if (st.isSymbolicLink()) {
      p = resolve(dirname(p), readlinkSync(p));
      continue;
    }
    if (!st.isFile())
      throw new NtkInputError(
        `${prefix}output '${path}' is ${kindOf(st)}; ntk writes only regular files (choose another path)`,
      );
    if ((st.mode & 0o222) === 0)
      throw new NtkInputError(
        `${prefix}output '${path}' is read-only (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); ` +
          'ntk does not change permissions: make it writable or choose another path',
      );
    return { path: p, mode: st.mode & 0o7777 };
  }
  throw new NtkInputError(`${prefix}output '${path}': too many levels of symbolic links`);
}

/** The canonical path of an existing file or folder (symlinks resolved), or null when it does not exist. */
export function canonicalPath(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/** Whether `path` exists and is a folder (following symlinks). */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
