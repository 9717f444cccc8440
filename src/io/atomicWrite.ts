import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Write a file atomically: the bytes go to a uniquely named temporary file beside `path` (same file
 * system), are flushed to disk, then the temporary file is renamed over `path` — so a reader, or an
 * interrupted run, never sees a half-written file. Missing parent folders are created unless
 * `createDirs` is false. On failure the temporary file is removed and the error names the path
 * (prefixed by `label`, the caller's name, when given).
 */
export function writeFileAtomic(
  path: string,
  contents: string | Uint8Array,
  opts: { createDirs?: boolean; label?: string } = {},
): void {
  const dir = dirname(resolve(path));
  if (opts.createDirs ?? true) mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx');
    try {
      writeFileSync(fd, contents);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    const prefix = opts.label ? `${opts.label}: ` : '';
    throw new Error(`${prefix}cannot write '${path}': ${err instanceof Error ? err.message : String(err)}`);
  }
}
