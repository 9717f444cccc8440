import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { parseTagged, stableStringify } from './json-codec.js';
import type { CacheEntry, CacheKey, ResultCache } from './result-cache.js';
import type { Json } from './types.js';

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

/** The checkpoint of an unfinished run: beside its entry, <dir>/<id>/<preset>-<digest>.checkpoint.json. */
export function checkpointPath(dir: string, key: CacheKey): string {
  return cachePath(dir, key).replace(/\.json$/, '.checkpoint.json');
}

/** The saved state of an unfinished run under `key`, or undefined (absent, unreadable or another key's). */
export function readCheckpoint(dir: string, key: CacheKey): Json | undefined {
  const p = checkpointPath(dir, key);
  if (!existsSync(p)) return undefined;
  try {
    const c = parseTagged(readFileSync(p, 'utf8')) as { key: CacheKey; state: Json };
    return stableStringify(c.key) === stableStringify(key) ? c.state : undefined;
  } catch {
    return undefined;
  }
}

/** A ResultCache on disk under `dir` (one JSON file per entry and per checkpoint, written atomically). */
export function fileCache(dir: string): ResultCache {
  return {
    read: (key) => readCache(dir, key),
    write: (entry) => writeCache(dir, entry),
    readCheckpoint: (key) => readCheckpoint(dir, key),
    writeCheckpoint: (key, state) =>
      writeFileAtomic(checkpointPath(dir, key), stableStringify({ key, state })),
    clearCheckpoint: (key) => rmSync(checkpointPath(dir, key), { force: true }),
  };
}

/** The code version of a cached result: the hash of the whole compiled library (io/codeVersion.ts). */
export { codeVersion } from '../io/codeVersion.js';
