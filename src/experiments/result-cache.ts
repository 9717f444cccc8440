import type { Config, Json, Preset, RunResult } from './types.js';

/** What identifies a finished run: the same key means the same numbers (runs are seeded). */
export interface CacheKey {
  readonly id: string;
  readonly preset: Preset;
  readonly config: Config;
  readonly rootSeed: number;
  readonly codeVersion: string;
}

/** One cache entry: the key's fields, the run's result and its wall time. */
export interface CacheEntry {
  readonly key: CacheKey;
  readonly result: RunResult;
  readonly seconds: number;
  readonly finishedAt: string;
}

/**
 * Where the runner keeps finished runs. The runner needs only this interface (so it runs in a browser
 * too); `fileCache` in cache.ts is the Node implementation under report/.cache.
 */
export interface ResultCache {
  /** The entry stored for exactly this key, or undefined. */
  read(key: CacheKey): CacheEntry | undefined;
  write(entry: CacheEntry): void;
  /** The state an unfinished run under this key last saved (`RunContext.save`), or undefined. */
  readCheckpoint(key: CacheKey): Json | undefined;
  /** Replace the key's checkpoint (atomically: a crash leaves the old one or the new one). */
  writeCheckpoint(key: CacheKey, state: Json): void;
  /** Remove the key's checkpoint (its run finished and its result is stored). */
  clearCheckpoint(key: CacheKey): void;
}
