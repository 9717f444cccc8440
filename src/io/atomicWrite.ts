import {
  closeSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { NtkInputError } from '../errors.js';
import { resolveOutputTarget } from './outputTarget.js';

/** Temporary files of this process not yet renamed: removed on exit, whatever the cause. */
const pendingTemps = new Set<string>();
let exitHookInstalled = false;

function removePendingTemps(): void {
  for (const t of pendingTemps) {
    try {
      unlinkSync(t);
    } catch {
      // already gone
    }
  }
  pendingTemps.clear();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', removePendingTemps);
}

const TEMP_RE = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove the temporaries `.NAME.PID.HEX.tmp` of `name` in `dir` whose process is gone (a run killed by
 * SIGKILL or a crash). Temporaries of live processes are left alone: they may be mid-write.
 */
export function sweepStaleTemps(dir: string, name: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = TEMP_RE.exec(n);
    if (m === null || m[1] !== name || alive(Number(m[2]))) continue;
    try {
      unlinkSync(join(dir, n));
    } catch {
      // removed meanwhile
    }
  }
}

/** Options of writeFileAtomic / writeStreamAtomic. */
export interface AtomicWriteOptions {
  /** Create missing parent folders (default true). */
  createDirs?: boolean;
  /** Prefix of error messages, e.g. 'tile 3'. */
  label?: string;
  /**
   * Flush the bytes to disk (fsync) before the rename (default true). Atomicity — a reader sees the old
   * file or the whole new one — does not depend on it; durability across a power loss or a crash of the
   * machine does. Pass false only for files whose integrity is checked on every read (a checksum kept
   * elsewhere), so that a file lost or truncated by a crash is detected and rewritten, never used.
   */
  flush?: boolean;
}

/**
 * Write a file atomically: the bytes go to a uniquely named temporary file beside the target (same file
 * system), are flushed to disk (unless `flush` is false), then the temporary file is renamed over the target — so a reader, or an
 * interrupted run, never sees a half-written file. The target is `path`, or the file a symlink at `path`
 * points to (the link itself is kept). An existing target must be a regular, writable file (a FIFO, a
 * device, a folder or a read-only file is refused with NtkInputError); its permission bits are kept.
 * Stale temporaries of dead processes for the same target are swept first, and this process's own
 * temporaries are removed on exit. Missing parent folders are created unless `createDirs` is false.
 * On failure the temporary file is removed and the error names the path (prefixed by `label`).
 */
export function writeFileAtomic(
  path: string,
  contents: string | Uint8Array,
  opts: AtomicWriteOptions = {},
): void {
  writeStreamAtomic(path, (write) => write(contents), opts);
}

/**
 * writeFileAtomic for contents produced piece by piece (a file larger than memory): `produce` calls
 * `write` with each piece in order; the same target checks, temporary file, flush and rename apply, and
 * an error thrown by `produce` leaves the target as it was.
 */
export function writeStreamAtomic(
  path: string,
  produce: (write: (piece: string | Uint8Array) => void) => void,
  opts: AtomicWriteOptions = {},
): void {
  const prefix = opts.label ? `${opts.label}: ` : '';
  const target = resolveOutputTarget(path, prefix);
  const dir = dirname(target.path);
  if (opts.createDirs ?? true) mkdirSync(dir, { recursive: true });
  installExitHook();
  sweepStaleTemps(dir, basename(target.path));
  const tmp = join(dir, `.${basename(target.path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', 0o666);
    pendingTemps.add(tmp);
    try {
      produce((piece) => writeFileSync(fd, piece));
      if (target.mode !== null) fchmodSync(fd, target.mode);
      if (opts.flush ?? true) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target.path);
    pendingTemps.delete(tmp);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    pendingTemps.delete(tmp);
    if (err instanceof NtkInputError) throw err;
    throw new Error(`${prefix}cannot write '${path}': ${err instanceof Error ? err.message : String(err)}`);
  }
}
