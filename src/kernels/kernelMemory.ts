import { formatBytes, memoryLimit } from '../memoryLimit.js';
import { NtkMemoryError } from '../errors.js';

/**
 * The memory plan of the analytic kernel (kernelFn), made before any allocation as the empirical path does
 * (src/empirical/memory.ts): the N1×N2 result matrices (NNGP always, NTK when asked: 8 bytes per entry each)
 * plus `extraBytes` the caller will add (e.g. a copy for the output file), against the limit in effect
 * (`memoryLimitBytes`, else NTK_MEMORY_LIMIT, else 6 GiB). A job that does not fit is refused at once with
 * NtkMemoryError stating the size needed, what fits and the remedy.
 */
export function planKernelMemory(
  n1: number,
  n2: number,
  wantNtk: boolean,
  opts: { memoryLimitBytes?: number; extraBytes?: number } = {},
): number {
  const limit = memoryLimit(opts.memoryLimitBytes);
  const arrays = wantNtk ? 2 : 1;
  const perRow = 8 * n2 * arrays;
  const need = n1 * perRow + (opts.extraBytes ?? 0);
  if (need <= limit) return need;
  const rows = Math.max(0, Math.floor((limit - (opts.extraBytes ?? 0) * (limit / need)) / perRow));
  const what = wantNtk ? 'NNGP and NTK matrices' : 'NNGP matrix';
  throw new NtkMemoryError(
    `kernelFn: the ${n1}×${n2} ${what} need ${formatBytes(need)} but the memory limit is ${formatBytes(limit)} ` +
      `(memoryLimitBytes / --memory-limit / NTK_MEMORY_LIMIT); at N2 = ${n2} about ${rows} rows of x1 fit: ` +
      'compute the kernel in slices of x1 (x2 = all the inputs) and assemble them, or raise the limit if the machine has the memory',
    need,
    limit,
  );
}

/** Copies of each kernel array a record step holds at once: the layer's input record, its output, a scratch. */
export const RECORD_COPIES = 3;

/** The spatial kernel job whose memory `planSpatialKernelMemory` plans (src/kernels/spatialKernelFn.ts). */
export interface SpatialMemoryJob {
  readonly n1: number;
  readonly n2: number;
  /** Spatial shape of the inputs ([H, W] or [L]). */
  readonly spatial: readonly number[];
  /** Equal positions only (P entries per input pair), or all position pairs (P², for pooling and attention). */
  readonly diagonalSpatial: boolean;
  readonly wantNtk: boolean;
  /** Tile edge t: a record holds t×t input pairs (2t×2t when `union`: tiles on the record of x1[I] ∪ x2[J]). */
  readonly tile: number;
  readonly union: boolean;
  /** Threads, each holding one tile record at a time. */
  readonly threads: number;
  readonly memoryLimitBytes?: number;
}

/** Bytes of one tile record: pairs × entries per pair × kernels × RECORD_COPIES × 8. */
export function spatialRecordBytes(
  tile: number,
  union: boolean,
  positions: number,
  fullSpatial: boolean,
  wantNtk: boolean,
): number {
  const edge = union ? 2 * tile : tile;
  const entries = fullSpatial ? positions * positions : positions;
  return edge * edge * entries * (wantNtk ? 2 : 1) * RECORD_COPIES * 8;
}

/**
 * The memory plan of the spatial kernelFn, made before any allocation: the N1×N2 results (NNGP, NTK when asked,
 * the variances) plus, per thread, one tile record of t² input pairs × E entries per pair (E = P² when a layer
 * needs all position pairs — pooling, attention — else P) × the kernels it carries × RECORD_COPIES × 8 bytes.
 * Above the limit in effect (`memoryLimitBytes`, else NTK_MEMORY_LIMIT, else 6 GiB) it refuses with
 * NtkMemoryError naming the bytes needed, the largest tile edge that fits, or — when even one input pair per tile
 * is too large — the largest number of positions that fits, and the largest N (N1 = N2) at the planned tile.
 * Returns the bytes needed.
 */
export function planSpatialKernelMemory(job: SpatialMemoryJob, where = 'kernelFn'): number {
  const limit = memoryLimit(job.memoryLimitBytes);
  const P = job.spatial.reduce((a, b) => a * b, 1);
  const kernels = job.wantNtk ? 2 : 1;
  const results = 8 * (job.n1 * job.n2 * kernels + job.n1 + job.n2);
  const record = (t: number, p: number): number =>
    spatialRecordBytes(t, job.union, p, !job.diagonalSpatial, job.wantNtk);
  const need = results + job.threads * record(job.tile, P);
  if (need <= limit) return need;
  const spare = limit - results;
  const perPair = record(1, P) / (job.union ? 4 : 1); // bytes per input pair of a record
  const pairsFit = spare > 0 ? spare / (job.threads * perPair) : 0;
  const tileFit = Math.floor(Math.sqrt(pairsFit) / (job.union ? 2 : 1));
  const layout = !job.diagonalSpatial ? `all ${P}² position pairs` : `${P} positions`;
  const parts = [
    `${where}: the spatial kernel of ${job.n1}×${job.n2} inputs of shape [${job.spatial.join(', ')}] needs ` +
      `${formatBytes(need)} (results ${formatBytes(results)} + ${job.threads} thread(s) × a tile record of ` +
      `${job.union ? 2 * job.tile : job.tile}² input pairs × ${layout} × ${kernels} kernel(s) × ${RECORD_COPIES} copies × 8 B ` +
      `= ${formatBytes(record(job.tile, P))} each), above the memory limit of ${formatBytes(limit)} ` +
      '(memoryLimitBytes / --memory-limit / NTK_MEMORY_LIMIT)',
  ];
  if (tileFit >= 1)
    parts.push(
      `a tile edge of at most ${tileFit} fits (tileSize ${tileFit}${job.threads > 1 ? ', or fewer threads' : ''})`,
    );
  else {
    // even one input pair per tile is too large: the largest P with results + threads·record(1, P) ≤ limit
    let pFit = 0;
    const perEntry = record(1, 1); // bytes per entry of a tile-1 record
    if (spare > 0) {
      const entries = spare / (job.threads * perEntry);
      pFit = Math.floor(!job.diagonalSpatial ? Math.sqrt(entries) : entries);
    }
    const side = Math.floor(Math.sqrt(pFit));
    parts.push(
      pFit >= 1
        ? `even a tile of one input pair is too large: at most ${pFit} positions fit (e.g. ${job.spatial.length === 2 ? `${side}×${side} images` : `sequences of length ${pFit}`}); downsample the inputs or raise the limit`
        : 'not even the results fit: compute the kernel in slices of x1 or raise the limit',
    );
  }
  // the largest N = N1 = N2 with 8·(kernels·N² + 2N) + threads·record ≤ limit
  const room = Math.max(0, limit - job.threads * record(job.tile, P)) / 8;
  const nFit = Math.floor((-2 + Math.sqrt(4 + 4 * kernels * room)) / (2 * kernels));
  parts.push(`at the planned tile edge ${job.tile}, the largest N (N1 = N2) that fits is ${nFit}`);
  throw new NtkMemoryError(parts.join('; '), need, limit);
}
