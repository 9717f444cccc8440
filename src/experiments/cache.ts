import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { parseTagged, stableStringify } from './json-codec.js';
import type { CacheEntry, CacheKey, ResultCache } from './result-cache.js';

/** SHA-256 (hex) of the key's stable JSON. */
export function cacheDigest(key: CacheKey): string {
  return createHash('sha256').update(stableStringify(key)).digest('hex');
}

/** The entry's file: <dir>/<id>/<preset>-<first 16 hex of the digest>.json. */
export function cachePath(dir: string, key: CacheKey): string {
  return join(dir, key.id, `${key.preset}-${cacheDigest(key).slice(0, 16)}.json`);
}

/** The cached entry for `key`, or undefined if absent or unreadable (a corrupt entry is ignored, not fatal). */
export function readCache(dir: string, key: CacheKey): CacheEntry | undefined {
  const p = cachePath(dir, key);
  if (!existsSync(p)) return undefined;
  try {
    const entry = parseTagged(readFileSync(p, 'utf8')) as CacheEntry;
    return stableStringify(entry.key) === stableStringify(key) ? entry : undefined;
  } catch {
    return undefined;
  }
}

export function writeCache(dir: string, entry: CacheEntry): void {
  writeFileAtomic(cachePath(dir, entry.key), stableStringify(entry));
}

/** A ResultCache on disk under `dir` (one JSON file per entry, written atomically). */
export function fileCache(dir: string): ResultCache {
  return { read: (key) => readCache(dir, key), write: (entry) => writeCache(dir, entry) };
}

/**
 * The code version: SHA-256 over the compiled library (every non-test .js file under dist/src, path and
 * contents, in sorted order). Any code change invalidates the cache; an unchanged build reuses it.
 */
export function codeVersion(root: string = fileURLToPath(new URL('..', import.meta.url))): string {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.js') && !name.endsWith('.test.js')) files.push(p);
    }
  };
  walk(root);
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
