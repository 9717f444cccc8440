import { Matrix } from '../linalg/matrix.js';
import type { Layer, Tensor } from '../nn/types.js';
import { planSpatialKernelMemory } from './kernelMemory.js';
import { cntkKernelFn, fusedCntkProgram } from './cntk/cntkKernelFn.js';
import { planSpatial, runSpatialTask, entriesPerPairOf, type SpatialPatterns } from './spatialTiles.js';
import {
  availableCores,
  nodeWorkers,
  noteSlowerPath,
  sharedJob,
  startShared,
  whyNotInWorkers,
} from './threads.js';

/**
 * kernelFn on spatial inputs [N, ...S, C] (NHWC images, (N, L, C) sequences): the CNTK of Arora et al. 2019
 * (§3, eqs. 7–9) and any network of Conv / pooling / Flatten / Dense / activation layers, through the record-level
 * kernel maps of src/nn/conv/, tile by tile over input pairs, on the calling thread and worker threads.
 *
 * Layout: without pooling only equal positions are kept (diagonalSpatial, P floats per pair per array — exact
 * for Conv and Flatten); with AvgPool / GlobalAvgPool all position pairs (P² floats per pair per array, e.g.
 * 4096 for 8×8 and 65 536 (512 KiB) for 16×16). Memory per tile is bounded: the tile edge t is chosen so that
 * t²·E·8 bytes·ARRAYS ≤ `budgetBytes` (default 32 MiB per thread).
 */
export interface SpatialKernelFnOptions {
  readonly wantNtk: boolean;
  readonly maxTile: number;
  readonly threads?: number;
  readonly diagonalSpatial?: boolean;
  readonly budgetBytes?: number;
  readonly memoryLimitBytes?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Graph inputs: the adjacencies [N, V, V] of x1 and x2 (Aggregate), sliced by rows with the inputs; one thread. */
  readonly patterns?: SpatialPatterns | null;
  /**
   * 'fused' (default): chains of stride-1 Conv / Dense / activations ending in GlobalAvgPool or Flatten go through
   * the fused displacement-wise recursion (src/kernels/cntk/); 'reference': always the record-level kernel maps.
   */
  readonly path?: 'fused' | 'reference';
}

export interface SpatialKernelFnOut {
  nngp: Matrix;
  ntk: Matrix | null;
  var1: Float64Array;
  var2: Float64Array;
  /** Tile edge and floats per pair per array actually used (for reports). */
  tile: number;
  entriesPerPair: number;
  threads: number;
  /** Which computation ran: the fused CNTK recursion or the record-level kernel maps. */
  path: 'fused' | 'reference';
}

export const DEFAULT_SPATIAL_BUDGET = 32 * 2 ** 20;
/** Below this much work (pairs × floats per pair) one thread is used: worker start-up ≈ 0.1 s. */
const PARALLEL_MIN_WORK = 4_000_000;

export function spatialKernelFn(
  net: Layer,
  t1: Tensor,
  t2: Tensor,
  symmetric: boolean,
  o: SpatialKernelFnOptions,
): SpatialKernelFnOut {
  const n1 = t1.shape[0];
  const n2 = t2.shape[0];
  const spatial = t1.shape.slice(1, -1);
  const budget = o.budgetBytes ?? DEFAULT_SPATIAL_BUDGET;
  if (!(budget > 0)) throw new RangeError(`kernelFn: budgetBytes must be positive, got ${budget}`);
  // graph networks (patterns) have no fused program: Aggregate is a record-level map
  if (o.path !== 'reference' && !o.patterns) {
    const p = fusedCntkProgram(net, t1, t2);
    const forcedDiagonal = o.diagonalSpatial === true && typeof p !== 'string' && p.readout === 'gap';
    if (typeof p !== 'string' && !forcedDiagonal) {
      const r = cntkKernelFn(net, p, t1, t2, symmetric, o);
      checkNotNaN(r.nngp, r.ntk, r.var1, r.var2);
      return {
        nngp: new Matrix(n1, n2, r.nngp),
        ntk: r.ntk === null ? null : new Matrix(n1, n2, r.ntk),
        var1: r.var1,
        var2: r.var2,
        tile: r.tile,
        entriesPerPair: entriesPerPairOf(spatial, p.readout === 'flatten'),
        threads: r.threads,
        path: 'fused',
      };
    }
    if (typeof p === 'string') noteSlowerPath(`kernelFn takes the record-level CNTK path: ${p}`);
  }
  const plan = planSpatial(net, spatial, n1, n2, symmetric, o.wantNtk, o.diagonalSpatial, o.maxTile, budget);
  const E = entriesPerPairOf(spatial, plan.diagonalSpatial);
  const total = plan.tasks.length / 2;
  const wt = nodeWorkers();
  let threads = Math.min(o.threads ?? availableCores(), total);
  if (wt === null || n1 * n2 * E < PARALLEL_MIN_WORK) threads = 1;
  // graphs are small: the adjacencies are not shipped to worker threads
  if (o.patterns) threads = 1;
  if (threads > 1) {
    const why = whyNotInWorkers(net);
    if (why !== null) {
      noteSlowerPath(`kernelFn runs on one thread: worker threads cannot rebuild the network (${why})`);
      threads = 1;
    }
  }
  planSpatialKernelMemory({ ...plan, spatial, threads, memoryLimitBytes: o.memoryLimitBytes });
  const alloc = (n: number): Float64Array =>
    threads > 1 ? new Float64Array(new SharedArrayBuffer(8 * n)) : new Float64Array(n);
  const nngp = alloc(n1 * n2);
  const ntk = o.wantNtk ? alloc(n1 * n2) : null;
  const var1 = alloc(n1);
  const var2 = symmetric ? var1 : alloc(n2);
  const run = (t: number): void => runSpatialTask(net, plan, t1, t2, t, nngp, ntk, var1, var2, o.patterns);
  if (threads > 1) {
    const job = sharedJob(total);
    const share = (a: Float64Array): SharedArrayBuffer => {
      const b = new SharedArrayBuffer(a.byteLength);
      new Float64Array(b).set(a);
      return b;
    };
    const x1 = share(t1.data);
    const pool = startShared(
      wt!,
      new URL('./spatialTileWorker.js', import.meta.url),
      {
        config: net.config,
        plan,
        shape1: t1.shape,
        shape2: t2.shape,
        x1,
        x2: symmetric ? x1 : share(t2.data),
        nngp: nngp.buffer,
        ntk: ntk === null ? null : ntk.buffer,
        var1: var1.buffer,
        var2: var2.buffer,
      },
      job,
      threads - 1,
    );
    const control = job.control;
    pool.run(run, o.onProgress ? () => o.onProgress!(Atomics.load(control, 1), total) : undefined);
  } else {
    for (let t = 0; t < total; t++) {
      run(t);
      o.onProgress?.(t + 1, total);
    }
  }
  checkNotNaN(nngp, ntk, var1, var2);
  return {
    nngp: new Matrix(n1, n2, nngp),
    ntk: ntk === null ? null : new Matrix(n1, n2, ntk),
    var1,
    var2,
    tile: plan.tile,
    entriesPerPair: E,
    threads,
    path: 'reference',
  };
}

/** A NaN never reaches a result (a layer got an undefined variance). */
function checkNotNaN(
  nngp: Float64Array,
  ntk: Float64Array | null,
  var1: Float64Array,
  var2: Float64Array,
): void {
  for (const [name, a] of [
    ['nngp', nngp],
    ['ntk', ntk],
    ['var1', var1],
    ['var2', var2],
  ] as const) {
    if (a !== null && a.some((v) => Number.isNaN(v)))
      throw new Error(
        `kernelFn: the ${name} of a spatial network came out NaN (a layer got an undefined variance); please report the architecture`,
      );
  }
}
