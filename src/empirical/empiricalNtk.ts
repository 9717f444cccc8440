import { NtkInputError } from '../errors.js';
import { symmetrize } from '../linalg/elementwise.js';
import { Matrix } from '../linalg/matrix.js';
import type { Layer, Params, Tensor } from '../nn/types.js';
import { computeBlock, makePlan } from './blocks.js';
import { asBatch, collectFeatures, batchRows, type Features } from './features.js';
import { Linearization } from './linearization.js';
import { estimateNtvp, estimateTiled, flopsTiled, type MemoryEstimate, type NtkProblem } from './memory.js';
import { formatBytes, memoryLimit } from '../memoryLimit.js';
import { ntvpKernel } from './ntvp.js';
import { outerProductRule, type OuterProductRule } from './outerProductRule.js';
import { paramLeaves, type ParamLeaf } from './paramLeaves.js';

/** How {@link empiricalNtk} contracts the Jacobians: per-example Jacobian rows ('jacobian'), per-layer Gram products ('structured'), NTK-vector products ('ntvp'), or the cheapest ('auto'). */
export type EmpiricalImplementation = 'auto' | 'jacobian' | 'ntvp' | 'structured';

/** Options of {@link empiricalNtk}. */
export interface EmpiricalNtkOptions {
  /** true (default): mean over the O outputs, N1×N2; false: the full (N1·O)×(N2·O) kernel, rows (n, o). */
  trace?: boolean;
  /** Default 'auto': the cheaper of 'structured' and 'jacobian' by estimated FLOPs. */
  implementation?: EmpiricalImplementation;
  /** Examples per tile (rows and columns of a kernel block; also the forward batch). Default: 2048 structured, 256 Jacobian, halved until the estimate fits. */
  tileRows?: number;
  /** Peak-memory limit in bytes (default NTK_MEMORY_LIMIT or 6 GiB). */
  memoryLimitBytes?: number;
  /** Progress in [0, 1] with a phase label. */
  onProgress?: (fraction: number, phase: string) => void;
}

/** What `planEmpiricalNtk` decided, for reports and the CLI. */
export interface EmpiricalNtkPlan {
  readonly implementation: Exclude<EmpiricalImplementation, 'auto'>;
  readonly tileRows: number;
  readonly memory: MemoryEstimate;
  readonly limit: number;
  readonly flops: number;
}

/** Default tiles: large for the structured path (GEMM efficiency; blocks cost T²·8 bytes), smaller for Jacobian rows (T·P_l each). */
const DEFAULT_TILE = { structured: 2048, jacobian: 256 } as const;

const MIN_TILE = 8;

interface Setup {
  leaves: ParamLeaf[];
  rules: (OuterProductRule | null)[];
  problem: NtkProblem;
}

/**
 * Per-example feature sizes of every leaf and the output count, from a forward/backward pass on one
 * example. They depend only on the network, the parameter shapes and the input feature shape, so they
 * are cached per network (Monte Carlo calls empiricalNtk once per initialization).
 */
const sizeCache = new WeakMap<
  Layer,
  Map<string, { outputs: number; sizes: { inSize: number; outSize: number }[] }>
>();

function leafSizes(net: Layer, params: Params, leaves: readonly ParamLeaf[], X1: Tensor) {
  const key = `${X1.shape.slice(1).join('x')}|${leaves
    .map((l) =>
      Object.values(l.params)
        .map((t) => t.shape.join('x'))
        .join(','),
    )
    .join(';')}`;
  let byKey = sizeCache.get(net);
  if (!byKey) sizeCache.set(net, (byKey = new Map()));
  let hit = byKey.get(key);
  if (!hit) {
    const probe = collectFeatures(net, params, leaves, batchRows(X1, 0, 1), 1);
    hit = {
      outputs: probe.outputs,
      sizes: probe.leaves.map((f) => ({ inSize: f.inSize, outSize: f.outSize })),
    };
    byKey.set(key, hit);
  }
  return hit;
}

function setup(net: Layer, params: Params, X1: Tensor, X2: Tensor | null, trace: boolean): Setup {
  const leaves = paramLeaves(net, params);
  if (leaves.length === 0) throw new Error('empiricalNtk: the network has no parameters, so its NTK is zero');
  const probe = leafSizes(net, params, leaves, X1);
  if (X2) {
    const d1 = X1.data.length / X1.shape[0];
    const d2 = X2.data.length / X2.shape[0];
    if (
      d1 !== d2 ||
      X1.shape.length !== X2.shape.length ||
      X1.shape.slice(1).some((s, i) => s !== X2.shape[i + 1])
    ) {
      throw new Error(
        `empiricalNtk: x1 and x2 must have the same feature shape, got [${X1.shape.slice(1).join(', ')}] and [${X2.shape.slice(1).join(', ')}]`,
      );
    }
  }
  const rules = leaves.map((l) => outerProductRule(l));
  return {
    leaves,
    rules,
    problem: {
      n1: X1.shape[0],
      n2: X2 ? X2.shape[0] : X1.shape[0],
      symmetric: X2 === null,
      outputs: probe.outputs,
      trace,
      leaves: probe.sizes.map((f, i) => ({
        inSize: f.inSize,
        outSize: f.outSize,
        count: leaves[i].count,
        structured: rules[i] !== null && rules[i]!.nIn === f.inSize && rules[i]!.nOut === f.outSize,
      })),
    },
  };
}

function chooseImplementation(
  p: NtkProblem,
  asked: EmpiricalImplementation,
): Exclude<EmpiricalImplementation, 'auto'> {
  if (asked !== 'auto') return asked;
  return flopsTiled(p, true) <= flopsTiled(p, false) ? 'structured' : 'jacobian';
}

function refuse(p: NtkProblem, est: MemoryEstimate, limit: number, impl: string): never {
  const Ob = p.trace ? 1 : p.outputs;
  const rowBytes = p.n2 * Ob * Ob * 8;
  const spare = limit - (est.total - est.output);
  const rows = Math.max(0, Math.floor(spare / rowBytes));
  throw new Error(
    `empiricalNtk: the ${impl} path needs about ${formatBytes(est.total)} ` +
      `(output ${formatBytes(est.output)}, features ${formatBytes(est.features)}, forward caches ${formatBytes(est.forward)}, ` +
      `tiles ${formatBytes(est.tiles)}), above the limit of ${formatBytes(limit)} (memoryLimitBytes / NTK_MEMORY_LIMIT). ` +
      (rows > 0
        ? `What fits: x1 in slices of at most ${rows} rows against all of x2; `
        : 'Even one row of the output does not fit; ') +
      'for eigenpairs use the implicit operator ntkOperator(...) with lanczos, which never forms the kernel.',
  );
}

/** Decide the implementation and tile size, and check memory, without computing anything large. */
export function planEmpiricalNtk(
  net: Layer,
  params: Params,
  x1: Matrix | Tensor,
  x2?: Matrix | Tensor | null,
  opts: EmpiricalNtkOptions = {},
): EmpiricalNtkPlan {
  const X1 = asBatch('x1', x1);
  const X2 = x2 === undefined || x2 === null ? null : asBatch('x2', x2);
  return planFor(setup(net, params, X1, X2, opts.trace ?? true).problem, opts);
}

function planFor(p: NtkProblem, opts: EmpiricalNtkOptions): EmpiricalNtkPlan {
  const asked = opts.implementation ?? 'auto';
  if (!['auto', 'jacobian', 'ntvp', 'structured'].includes(asked)) {
    throw new Error(
      `empiricalNtk: implementation must be 'auto', 'jacobian', 'ntvp' or 'structured', got '${asked}'`,
    );
  }
  const impl = chooseImplementation(p, asked);
  const limit = memoryLimit(opts.memoryLimitBytes);
  if (impl === 'ntvp') {
    const memory = estimateNtvp(p);
    if (memory.total > limit) refuse(p, memory, limit, impl);
    const P = p.leaves.reduce((s, l) => s + l.count, 0);
    return { implementation: impl, tileRows: 0, memory, limit, flops: 8 * p.n1 * p.n2 * p.outputs * P };
  }
  if (opts.tileRows !== undefined && !(Number.isInteger(opts.tileRows) && opts.tileRows >= 1)) {
    throw new NtkInputError(`empiricalNtk: tileRows must be a positive integer, got ${opts.tileRows}`);
  }
  const structured = impl === 'structured';
  const q: NtkProblem = {
    ...p,
    leaves: p.leaves.map((l) => ({ ...l, structured: structured && l.structured })),
  };
  let tile = Math.min(opts.tileRows ?? DEFAULT_TILE[impl], Math.max(p.n1, p.n2));
  let memory = estimateTiled(q, tile);
  if (opts.tileRows === undefined) {
    while (memory.total > limit && tile > MIN_TILE) {
      tile = Math.max(MIN_TILE, Math.floor(tile / 2));
      memory = estimateTiled(q, tile);
    }
  }
  if (memory.total > limit) {
    const fits = estimateTiled(q, MIN_TILE).total <= limit;
    if (fits && opts.tileRows !== undefined) {
      let t = opts.tileRows;
      while (t > MIN_TILE && estimateTiled(q, t).total > limit) t = Math.floor(t / 2);
      throw new Error(
        `empiricalNtk: tileRows = ${opts.tileRows} needs about ${formatBytes(memory.total)}, above the limit of ` +
          `${formatBytes(limit)}; tileRows = ${t} fits`,
      );
    }
    refuse(q, memory, limit, impl);
  }
  return { implementation: impl, tileRows: tile, memory, limit, flops: flopsTiled(q, structured) };
}

/**
 * The empirical (finite-width) NTK of `net` at `params`:
 *   Θ(x, x') = ⟨∂f(x)/∂θ, ∂f(x')/∂θ⟩ (Jacot et al., seed 001; the Gramian G_t of seed 000),
 * traced over the O outputs (mean, as neural-tangents' trace_axes) or full. Three implementations that
 * agree to rounding: 'jacobian' (per-example Jacobian rows of each layer in tiles, contracted by GEMM),
 * 'structured' (Dense layers as Hadamard products of Gram matrices, seed 004 backup slides; other
 * layers by Jacobian rows) and 'ntvp' (columns by NTK-vector products). x2 omitted: the symmetric
 * kernel of x1, each block pair computed once.
 */
export function empiricalNtk(
  net: Layer,
  params: Params,
  x1: Matrix | Tensor,
  x2?: Matrix | Tensor | null,
  opts: EmpiricalNtkOptions = {},
): Matrix {
  const trace = opts.trace ?? true;
  const X1 = asBatch('x1', x1);
  const X2 = x2 === undefined || x2 === null ? null : asBatch('x2', x2);
  const s = setup(net, params, X1, X2, trace);
  const plan = planFor(s.problem, opts);
  const p = s.problem;
  const Ob = trace ? 1 : p.outputs;
  const out = new Matrix(p.n1 * Ob, p.n2 * Ob);
  const progress = opts.onProgress;

  if (plan.implementation === 'ntvp') {
    const lin1 = new Linearization(net, params, X1);
    const lin2 = X2 ? new Linearization(net, params, X2) : lin1;
    ntvpKernel(lin1, lin2, trace, out, progress && ((d, t) => progress(d / t, 'ntvp')));
    if (p.symmetric) symmetrize(out, out);
    return out;
  }

  const T = plan.tileRows;
  const featProgress = (base: number) =>
    progress && ((d: number, t: number) => progress(((base + d / t) / (X2 ? 2 : 1)) * 0.05, 'features'));
  const f1: Features = collectFeatures(net, params, s.leaves, X1, T, featProgress(0));
  const f2: Features = X2 ? collectFeatures(net, params, s.leaves, X2, T, featProgress(1)) : f1;
  const bp = makePlan(f1, f2, s.rules, plan.implementation === 'structured', trace);

  const tiles1 = Math.ceil(p.n1 / T);
  const tiles2 = Math.ceil(p.n2 / T);
  const total = p.symmetric ? (tiles1 * (tiles1 + 1)) / 2 : tiles1 * tiles2;
  let done = 0;
  const W = out.cols;
  for (let bi = 0; bi < tiles1; bi++) {
    const i0 = bi * T;
    const i1 = Math.min(p.n1, i0 + T);
    for (let bj = p.symmetric ? bi : 0; bj < tiles2; bj++) {
      const j0 = bj * T;
      const j1 = Math.min(p.n2, j0 + T);
      const blk = new Matrix((i1 - i0) * Ob, (j1 - j0) * Ob);
      computeBlock(bp, i0, i1, j0, j1, blk);
      const bw = blk.cols;
      // A diagonal block is symmetric in exact arithmetic; GEMM rounding is not, so symmetrize it.
      if (p.symmetric && bj === bi) symmetrize(blk, blk);
      for (let r = 0; r < blk.rows; r++) {
        out.data.set(blk.data.subarray(r * bw, (r + 1) * bw), (i0 * Ob + r) * W + j0 * Ob);
      }
      if (p.symmetric && bj > bi) {
        // Θ(x_J, x_I) = Θ(x_I, x_J)ᵀ.
        for (let r = 0; r < blk.rows; r++) {
          for (let c = 0; c < bw; c++) out.data[(j0 * Ob + c) * W + i0 * Ob + r] = blk.data[r * bw + c];
        }
      }
      done++;
      progress?.(0.05 + (0.95 * done) / total, plan.implementation);
    }
  }
  return out;
}
