import { NtkInputError } from './errors.js';

/**
 * The memory limit every planner of ntk-lab checks before it allocates (docs/conventions.md §4): the
 * empirical NTK's paths, kernelFn's records and tiles, attention's all-position-pair records.
 */

/** Default limit: 6 GiB, overridable by the environment variable NTK_MEMORY_LIMIT (e.g. "6G", "512M", bytes). */
export const DEFAULT_MEMORY_LIMIT_BYTES = 6 * 2 ** 30;

/** Parse "123", "512K", "512M", "6G", "1.5G" (binary units) into bytes. */
export function parseBytes(name: string, s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)i?[bB]?\s*$/.exec(s);
  if (!m) throw new NtkInputError(`${name}: expected a byte count such as 6G, 512M or 1000000, got '${s}'`);
  const unit = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[
    m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'
  ];
  const v = Number(m[1]) * unit;
  if (!(v > 0)) throw new NtkInputError(`${name}: expected a positive byte count, got '${s}'`);
  return Math.floor(v);
}

/** The limit in effect: the explicit option, else NTK_MEMORY_LIMIT, else 6 GiB. */
export function memoryLimit(explicit?: number): number {
  if (explicit !== undefined) {
    if (!(explicit > 0) || !Number.isFinite(explicit)) {
      throw new NtkInputError(
        `memoryLimitBytes: expected a positive finite number of bytes, got ${explicit}`,
      );
    }
    return explicit;
  }
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
    ?.NTK_MEMORY_LIMIT;
  return env !== undefined && env !== '' ? parseBytes('NTK_MEMORY_LIMIT', env) : DEFAULT_MEMORY_LIMIT_BYTES;
}

/** A byte count for messages: B, KiB, MiB or GiB. */
export function formatBytes(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(2)} GiB`;
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(1)} MiB`;
  if (b >= 2 ** 10) return `${(b / 2 ** 10).toFixed(1)} KiB`;
  return `${b} B`;
}
