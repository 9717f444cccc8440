import { NtkInputError, NtkNumericalError, NtkTypeError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';
import { checkAdjacency } from '../nn/graph/adjacency.js';
import { asTensor } from '../nn/network.js';
import { sameShape } from '../nn/tensor.js';
import type { Kernel, Layer, Tensor } from '../nn/types.js';
import {
  compileFused,
  fusedTile,
  fusedVariances,
  tileGrid,
  tileScratch,
  type FusedProgram,
} from './fused.js';
import { inputCovariance } from './inputCovariance.js';
import { inputKernel } from './inputKernel.js';
import { planKernelMemory } from './kernelMemory.js';
import { kernelOnRecord } from './kernelOnRecord.js';
import { spatialKernelFn } from './spatialKernelFn.js';
import {
  availableCores,
  nodeWorkers,
  noteSlowerPath,
  sharedJob,
  startShared,
  whyNotInWorkers,
  type SharedJob,
} from './threads.js';

/** A kernel {@link kernelFn} computes: the NNGP Σ or the NTK Θ. */
export type KernelGet = 'nngp' | 'ntk';

/** A kernel name, or a list of them: the `get` of {@link kernelFn}. */
export type KernelGetSpec = KernelGet | readonly KernelGet[];

/** Options of {@link kernelFn}; `G` is the type of `get`, which decides the result's type. */
export interface KernelFnOptions<G extends KernelGetSpec | undefined = KernelGetSpec | undefined> {
  /** Which kernels to return (default both). */
  readonly get?: G;
  /** Tile edge (default 64). */
  readonly tileSize?: number;
  /** Threads including the caller (default: the machine's available parallelism; 1 in browsers). */
  readonly threads?: number;
  /** Called after each tile with (tiles done, total tiles). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Spatial inputs: keep all position pairs (false) or only equal positions (true); default: all pairs exactly when the network pools (AvgPool/GlobalAvgPool). */
  readonly diagonalSpatial?: boolean;
  /**
   * Peak-memory limit in bytes for the result matrices (default NTK_MEMORY_LIMIT, else 6 GiB): a larger job
   * is refused before allocation (NtkMemoryError, src/kernels/kernelMemory.ts).
   */
  readonly memoryLimitBytes?: number;
  /**
   * Graph inputs (N, V, C): the adjacency [N, V, V] of each row of x1 and of x2 (default: x1's when x2 is omitted),
   * for the network's Aggregate layers (neural-tangents' `pattern`). Computed on the calling thread; tiles slice
   * the adjacencies by rows together with the inputs.
   */
  readonly pattern?: { readonly x1: Tensor; readonly x2?: Tensor | null };
}

/** The names `get = G` guarantees: a literal name, or each literal name of a tuple; none for a wider type. */
type SureKernels<G> = [G] extends [readonly KernelGet[]] ? TupleNames<G> : SingleName<G>;
type SingleName<G> = [G] extends ['nngp'] ? 'nngp' : [G] extends ['ntk'] ? 'ntk' : never;
type TupleNames<G> = [G] extends [readonly [infer H, ...infer R]] ? SingleName<H> | TupleNames<R> : never;
/** The names `get = G` may return (both when `get` may be omitted). */
type MaybeKernels<G> = undefined extends G
  ? KernelGet
  : Extract<G extends readonly (infer K)[] ? K : G, KernelGet>;

/**
 * What {@link kernelFn} returns for `get = G`: the kernels asked for by a literal `get` are present (both
 * by default, `get` omitted); the ones not asked for are `undefined`; with `get` known only as a
 * `KernelGetSpec` each kernel is optional.
 */
export type KernelFnResult<G extends KernelGetSpec | undefined = KernelGetSpec | undefined> = ([G] extends [
  undefined,
]
  ? { nngp: Matrix; ntk: Matrix }
  : { [K in SureKernels<G>]: Matrix } & { [K in Exclude<MaybeKernels<G>, SureKernels<G>>]?: Matrix } & {
      [K in Exclude<KernelGet, MaybeKernels<G>>]?: undefined;
    }) & {
  /** Σ(x, x) of the network output for each row of x1 / x2 (the same array when x2 is omitted). */
  var1: Float64Array;
  var2: Float64Array;
};

/** Below this many kernel entries one thread is used (worker start-up costs ≈ 30–50 ms). */
const PARALLEL_MIN_ENTRIES = 250_000;

/**
 * Infinite-width NNGP and NTK of a network between the rows of x1 (N1×…) and x2 (N2×…), neural-tangents'
 * `kernel_fn(x1, x2, get)` (Lee et al. 2019, §2; Jacot et al. 2018, Thm 1): N1×N2 matrices plus the per-input
 * output variances. x2 omitted = x1: the result is symmetric and each pair is computed once (upper tiles,
 * mirrored). Dense-feature chains of Dense/activation layers take the fused tiled path (src/kernels/fused.ts)
 * on several threads; other networks (fan-out/fan-in, spatial layers) are computed tile by tile through the
 * record-level kernel maps.
 */
export function kernelFn<const G extends KernelGetSpec | undefined = undefined>(
  net: Layer,
  x1: Matrix | Tensor,
  x2?: Matrix | Tensor | null,
  opts?: KernelFnOptions<G>,
): KernelFnResult<G>;
export function kernelFn(
  net: Layer,
  x1: Matrix | Tensor,
  x2?: Matrix | Tensor | null,
  opts: KernelFnOptions = {},
): KernelFnResult {
  if (net === undefined || net === null || typeof (net as Partial<Layer>).kernel !== 'function')
    throw new NtkTypeError(
      `kernelFn: net must be a network (a Layer such as serial(Dense(...), Relu(), ...)), got ${net === null ? 'null' : typeof net}`,
    );
  if (x1 === undefined || x1 === null)
    throw new NtkTypeError(`kernelFn: x1 (the inputs, a Matrix N×d or a Tensor [N, ...features]) is missing`);
  const get = normalizeGet(opts.get);
  const t1 = asTensor(x1, 'kernelFn: x1');
  const symmetric = x2 === undefined || x2 === null;
  const t2 = symmetric ? t1 : asTensor(x2, 'kernelFn: x2');
  if (t1.shape.length < 2)
    throw new NtkInputError(`kernelFn: x1 must have shape [N, ...features], got [${t1.shape.join(', ')}]`);
  if (!sameShape(t1.shape.slice(1), t2.shape.slice(1))) {
    throw new NtkInputError(
      `kernelFn: x1 and x2 feature shapes differ: [${t1.shape.slice(1).join(', ')}] vs [${t2.shape.slice(1).join(', ')}]`,
    );
  }
  if (t1.shape.slice(1).some((s) => s === 0))
    throw new NtkInputError(
      `kernelFn: the inputs have no features (shape [${t1.shape.join(', ')}]); every feature dimension must be ≥ 1`,
    );
  planKernelMemory(t1.shape[0], t2.shape[0], get.includes('ntk'), {
    memoryLimitBytes: opts.memoryLimitBytes,
  });
  return finiteResult(kernelFnChecked(net, t1, t2, symmetric, get, opts), t1, t2);
}

/** The result, or NtkNumericalError when an entry overflowed (a non-finite kernel is never returned). */
function finiteResult(r: KernelFnResult, t1: Tensor, t2: Tensor): KernelFnResult {
  for (const [name, M] of [
    ['nngp', r.nngp],
    ['ntk', r.ntk],
  ] as const) {
    if (M === undefined) continue;
    for (let k = 0; k < M.data.length; k++) {
      if (Number.isFinite(M.data[k])) continue;
      let m = 0;
      for (const t of [t1, t2]) for (let i = 0; i < t.data.length; i++) m = Math.max(m, Math.abs(t.data[i]));
      throw new NtkNumericalError(
        `kernelFn: the ${name} entry (${Math.floor(k / M.cols)}, ${k % M.cols}) is ${M.data[k]}: the kernel of these inputs ` +
          `(max |x| = ${m.toExponential(3)}) is not representable in float64; rescale the inputs`,
      );
    }
  }
  return r;
}

function kernelFnChecked(
  net: Layer,
  t1: Tensor,
  t2: Tensor,
  symmetric: boolean,
  get: KernelGet[],
  opts: KernelFnOptions,
): KernelFnResult {
  const tile = opts.tileSize ?? 64;
  if (!Number.isInteger(tile) || tile < 1)
    throw new RangeError(`kernelFn: tileSize must be a positive integer, got ${tile}`);
  const threads = opts.threads ?? availableCores();
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`kernelFn: threads must be a positive integer, got ${threads}`);
  const wantNtk = get.includes('ntk');
  const patterns = opts.pattern === undefined ? null : checkedPatterns(opts.pattern, t1, t2, symmetric);
  if (t1.shape.length > 2) {
    // spatial inputs (N, ...S, C): tiles sized to a memory budget, on worker threads (src/kernels/spatialKernelFn.ts)
    const s = spatialKernelFn(net, t1, t2, symmetric, {
      wantNtk,
      maxTile: tile,
      threads,
      diagonalSpatial: opts.diagonalSpatial,
      memoryLimitBytes: opts.memoryLimitBytes,
      onProgress: opts.onProgress,
      patterns,
    });
    return result(
      get,
      t1.shape[0],
      t2.shape[0],
      s.nngp.data,
      s.ntk === null ? null : s.ntk.data,
      s.var1,
      s.var2,
    );
  }
  if (t1.shape.length === 2) {
    const p = compileFused(net, t1.shape[1]);
    if (p !== null)
      return fusedKernelFn(net, p, t1, t2, symmetric, wantNtk, get, tile, threads, opts.onProgress);
  }
  return recordKernelFn(net, t1, t2, symmetric, wantNtk, get, tile, opts);
}

/** The adjacencies of `pattern`, checked against the graph inputs (N, V, C) they belong to. */
function checkedPatterns(
  pattern: NonNullable<KernelFnOptions['pattern']>,
  t1: Tensor,
  t2: Tensor,
  symmetric: boolean,
): { p1: Tensor; p2: Tensor } {
  if (typeof pattern !== 'object' || pattern === null || pattern.x1 === undefined)
    throw new NtkTypeError(`kernelFn: pattern must be { x1: Tensor [N1, V, V], x2?: Tensor [N2, V, V] }`);
  if (t1.shape.length !== 3)
    throw new NtkInputError(
      `kernelFn: pattern (adjacencies) needs graph inputs x1 of shape [N, V, C], got [${t1.shape.join(', ')}]`,
    );
  const V = t1.shape[1];
  checkAdjacency(pattern.x1, t1.shape[0], V, 'kernelFn: pattern.x1');
  const x2 = pattern.x2 ?? null;
  if (symmetric) {
    if (x2 !== null)
      throw new NtkInputError('kernelFn: pattern.x2 is given but x2 is not (x2 = x1 uses pattern.x1)');
    return { p1: pattern.x1, p2: pattern.x1 };
  }
  if (x2 === null)
    throw new NtkTypeError(
      `kernelFn: x2 is given, so pattern.x2 (its adjacencies [${t2.shape[0]}, ${V}, ${V}]) is needed`,
    );
  checkAdjacency(x2, t2.shape[0], V, 'kernelFn: pattern.x2');
  return { p1: pattern.x1, p2: x2 };
}

function normalizeGet(get: KernelFnOptions['get']): KernelGet[] {
  const list = get === undefined ? ['nngp', 'ntk'] : typeof get === 'string' ? [get] : [...get];
  if (list.length === 0 || list.some((g) => g !== 'nngp' && g !== 'ntk')) {
    throw new RangeError(`kernelFn: get must be 'nngp', 'ntk' or a list of them, got ${JSON.stringify(get)}`);
  }
  return list as KernelGet[];
}

function fusedKernelFn(
  net: Layer,
  p: FusedProgram,
  t1: Tensor,
  t2: Tensor,
  symmetric: boolean,
  wantNtk: boolean,
  get: KernelGet[],
  tile: number,
  threads: number,
  onProgress?: (done: number, total: number) => void,
): KernelFnResult {
  const [n1, d] = t1.shape;
  const n2 = t2.shape[0];
  const wt = nodeWorkers();
  let parallel = threads > 1 && wt !== null && n1 * n2 >= PARALLEL_MIN_ENTRIES;
  if (parallel) {
    const why = whyNotInWorkers(net);
    if (why !== null) {
      noteSlowerPath(`kernelFn runs on one thread: worker threads cannot rebuild the network (${why})`);
      parallel = false;
    }
  }
  const alloc = (n: number): Float64Array =>
    parallel ? new Float64Array(new SharedArrayBuffer(8 * n)) : new Float64Array(n);
  const nngp = alloc(n1 * n2);
  const ntk = wantNtk ? alloc(n1 * n2) : null;
  const grid = tileGrid(n1, n2, tile, symmetric);
  const total = grid.length / 2;
  let pool: ReturnType<typeof startShared> | null = null;
  let job: SharedJob | null = null;
  if (parallel) {
    // workers start now and wait for READY while Σ⁰ is formed below
    job = sharedJob(total);
    const share = (a: Float64Array | Int32Array): SharedArrayBuffer => {
      const b = new SharedArrayBuffer(a.byteLength);
      new Uint8Array(b).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      return b;
    };
    const workerData = {
      config: net.config,
      d,
      n1,
      n2,
      x1: share(t1.data),
      x2: symmetric ? null : share(t2.data),
      nngp: nngp.buffer,
      ntk: ntk === null ? null : ntk.buffer,
      grid: share(grid),
      tile,
      symmetric,
      total,
    };
    pool = startShared(wt!, new URL('./tileWorker.js', import.meta.url), workerData, job, threads - 1);
  }
  let q1: Float64Array[];
  let q2: Float64Array[];
  try {
    // Σ⁰ = X1·X2ᵀ/d by the linear-algebra backend (only the upper tiles are read in the symmetric case), in
    // scaled form, equal inputs and the diagonal pinned to var⁰ (src/kernels/inputCovariance.ts): else
    // ρ = Σ/√(q·q) < 1 by rounding and arccos (ill-conditioned at 1) turns a 1e-16 difference into 1e-8
    const { var1, var2 } = inputCovariance(t1.data, symmetric ? null : t2.data, n1, n2, d, nngp);
    q1 = fusedVariances(p, var1);
    q2 = symmetric ? q1 : fusedVariances(p, var2);
  } catch (e) {
    pool?.stop();
    throw e;
  }
  const sc = tileScratch(p, tile);
  const runTile = (t: number): void => {
    const r0 = grid[2 * t];
    const c0 = grid[2 * t + 1];
    fusedTile(
      p,
      q1,
      q2,
      nngp,
      ntk,
      n2,
      r0,
      Math.min(r0 + tile, n1),
      c0,
      Math.min(c0 + tile, n2),
      symmetric && c0 !== r0,
      sc,
      symmetric && c0 === r0,
    );
  };
  if (pool !== null && job !== null) {
    const control = job.control;
    pool.run(runTile, onProgress ? () => onProgress(Atomics.load(control, 1), total) : undefined);
  } else {
    for (let t = 0; t < total; t++) {
      runTile(t);
      onProgress?.(t + 1, total);
    }
  }
  const L = p.steps.length;
  return result(get, n1, n2, nngp, ntk, q1[L], q2[L]);
}

function result(
  get: KernelGet[],
  n1: number,
  n2: number,
  nngp: Float64Array,
  ntk: Float64Array | null,
  var1: Float64Array,
  var2: Float64Array,
): KernelFnResult {
  const r: KernelFnResult = { var1, var2 };
  if (get.includes('nngp')) r.nngp = new Matrix(n1, n2, nngp);
  if (ntk !== null) r.ntk = new Matrix(n1, n2, ntk);
  return r;
}

/** Rows [r0, r1) of a batch tensor as a tensor view. */
function rowsOf(t: Tensor, r0: number, r1: number): Tensor {
  const per = t.shape[0] === 0 ? 0 : t.data.length / t.shape[0];
  return { shape: [r1 - r0, ...t.shape.slice(1)], data: t.data.subarray(r0 * per, r1 * per) };
}

/** The general path: each tile's input record through the record-level kernel maps (any architecture). */
function recordKernelFn(
  net: Layer,
  t1: Tensor,
  t2: Tensor,
  symmetric: boolean,
  wantNtk: boolean,
  get: KernelGet[],
  tile: number,
  opts: KernelFnOptions,
): KernelFnResult {
  const n1 = t1.shape[0];
  const n2 = t2.shape[0];
  const nngp = new Float64Array(n1 * n2);
  const ntk = wantNtk ? new Float64Array(n1 * n2) : null;
  const var1 = new Float64Array(n1);
  const var2 = symmetric ? var1 : new Float64Array(n2);
  const grid = tileGrid(n1, n2, tile, symmetric);
  const total = grid.length / 2;
  for (let t = 0; t < total; t++) {
    const r0 = grid[2 * t];
    const c0 = grid[2 * t + 1];
    const r1 = Math.min(r0 + tile, n1);
    const c1 = Math.min(c0 + tile, n2);
    const diag = symmetric && r0 === c0;
    const k0 = inputKernel(rowsOf(t1, r0, r1), diag ? null : rowsOf(t2, c0, c1), {
      ntk: wantNtk,
      diagonalSpatial: opts.diagonalSpatial,
    });
    const k: Kernel = kernelOnRecord(net, k0);
    if (k.spatial.length !== 0) {
      throw new RangeError(
        `kernelFn: the network output has spatial shape [${k.spatial.join(', ')}]; end it with a flattening or pooling layer to get N1×N2 kernels`,
      );
    }
    const cols = c1 - c0;
    for (let r = 0; r < r1 - r0; r++) {
      for (let c = 0; c < cols; c++) {
        const e = diag && r > c ? c * cols + r : r * cols + c; // diagonal block: each pair once (upper triangle)
        nngp[(r0 + r) * n2 + c0 + c] = k.nngp[e];
        if (ntk !== null) ntk[(r0 + r) * n2 + c0 + c] = k.ntk![e];
        if (symmetric && !diag) {
          nngp[(c0 + c) * n2 + r0 + r] = k.nngp[r * cols + c];
          if (ntk !== null) ntk[(c0 + c) * n2 + r0 + r] = k.ntk![r * cols + c];
        }
      }
    }
    if (c0 === 0 || diag) var1.set(k.var1, r0);
    if (!symmetric && r0 === 0) var2.set(k.var2, c0);
    opts.onProgress?.(t + 1, total);
  }
  return result(get, n1, n2, nngp, ntk, var1, var2);
}
