import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { codeVersion } from '../io/codeVersion.js';

/** SHA-256 (hex) of bytes, given in one piece or several (hashed as their concatenation). */
export function sha256(...pieces: Uint8Array[]): string {
  const h = createHash('sha256');
  for (const piece of pieces) h.update(piece);
  return h.digest('hex');
}

/** SHA-256 (hex) of a file, read in 8 MiB pieces (inputs can be larger than one read). */
export function sha256File(path: string): string {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(8 << 20);
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      h.update(buf.subarray(0, got));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/** SHA-256 of a folder of files (names and contents, sorted by name): a parameter directory. */
export function sha256Dir(dir: string): string {
  const h = createHash('sha256');
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (!statSync(p).isFile() || name.startsWith('.')) continue;
    h.update(name);
    h.update('\0');
    h.update(sha256File(p));
    h.update('\0');
  }
  return h.digest('hex');
}

/** The folders of compiled code a kernel tile's numbers depend on. */
const NUMERICAL_FOLDERS = ['linalg', 'random', 'special', 'nn', 'kernels', 'empirical', 'io', 'tiles'];

/**
 * The code version a tile is computed with: the hash of the compiled numerical code (the folders above).
 * Tiles computed by different code are never mixed in one kernel.
 */
export function tileCodeVersion(): string {
  return codeVersion(NUMERICAL_FOLDERS);
}
