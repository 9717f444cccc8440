import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled library's root (dist/src), from this module's place in it. */
const LIBRARY_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * A code version: SHA-256 (first 16 hex digits) over the compiled library's non-test `.js` files (tests and
 * test helpers excluded), by relative path and content, in sorted order — of the whole library, or of the
 * named folders under `root` only (a folder this build lacks is skipped). Any change to that code changes
 * it; an unchanged build keeps it.
 */
export function codeVersion(folders?: readonly string[], root: string = LIBRARY_ROOT): string {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.js') && !name.endsWith('.test.js') && !name.endsWith('.testutil.js'))
        files.push(p);
    }
  };
  if (folders === undefined) walk(root);
  else
    for (const f of folders) {
      const d = join(root, f);
      let isDir = false;
      try {
        isDir = statSync(d).isDirectory();
      } catch {
        // a folder this build does not have
      }
      if (isDir) walk(d);
    }
  files.sort();
  const h = createHash('sha256');
  for (const f of files) {
    h.update(relative(root, f).split(sep).join('/'));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}
