import { needsFullSpatial, poolThenNonlinearity } from '../nn/conv/spatialNeeds.js';
import type { Kernel, Layer, Tensor } from '../nn/types.js';
import { inputKernel } from './inputKernel.js';

/**
 * The work of kernelFn on spatial inputs [N, ...S, C] (src/kernels/spatialKernelFn.ts), shared by the calling
 * thread and worker threads: tasks are tiles of input pairs (I, J) pushed through the record-level kernel maps
 * (Arora et al. 2019, §3: the CNTK recursion over position pairs), plus per-input variance tasks.
 */
export interface SpatialPlan {
  readonly n1: number;
  readonly n2: number;
  readonly symmetric: boolean;
  readonly diagonalSpatial: boolean;
  readonly wantNtk: boolean;
  /** Off-diagonal tiles on the symmetric record of x1[I] ∪ x2[J] (a nonlinearity follows pooling). */
  readonly union: boolean;
  readonly tile: number;
  /** Tasks: (r0, c0) tile starts; r0 = −1 marks a variance task for inputs [c0, c0 + tile) (of x1 when c0 < n1, else of x2). */
  readonly tasks: Int32Array;
}

/** Graph inputs: the adjacencies [N, V, V] of x1 and x2 (the same tensor when x2 is x1), sliced like the inputs. */
export interface SpatialPatterns {
  readonly p1: Tensor;
  readonly p2: Tensor;
}

/** Floats per input pair per kernel array: P (diagonal spatial) or P² (all position pairs). */
export function entriesPerPairOf(spatial: readonly number[], diagonalSpatial: boolean): number {
  const P = spatial.reduce((a, b) => a * b, 1);
  return diagonalSpatial ? P : P * P;
}

/**
 * Plan the tasks. The tile edge t is the largest with t²·E·8 bytes ≤ `pairBudgetBytes`/ARRAYS (E entries per pair
 * per array, ARRAYS ≈ live arrays per record step: Σ, Θ, their window sums and the next layer's copies), at most `maxTile`.
 */
export const ARRAYS = 6;
export function planSpatial(
  net: Layer,
  spatial: readonly number[],
  n1: number,
  n2: number,
  symmetric: boolean,
  wantNtk: boolean,
  diagonalSpatial: boolean | undefined,
  maxTile: number,
  budgetBytes: number,
): SpatialPlan {
  const diag = diagonalSpatial ?? !needsFullSpatial(net);
  const E = entriesPerPairOf(spatial, diag);
  const tile = Math.max(1, Math.min(maxTile, Math.floor(Math.sqrt(budgetBytes / (ARRAYS * 8 * E)))));
  const union = poolThenNonlinearity(net);
  const t: number[] = [];
  for (let r0 = 0; r0 < n1; r0 += tile) for (let c0 = symmetric ? r0 : 0; c0 < n2; c0 += tile) t.push(r0, c0);
  // variances from single-input symmetric records, except in the symmetric case where the diagonal tiles give them
  if (!symmetric) for (let c0 = 0; c0 < n1 + n2; c0 += tile) t.push(-1, c0);
  return { n1, n2, symmetric, diagonalSpatial: diag, wantNtk, union, tile, tasks: Int32Array.from(t) };
}

function rows(t: Tensor, r0: number, r1: number): Tensor {
  const per = t.data.length / t.shape[0];
  return { shape: [r1 - r0, ...t.shape.slice(1)], data: t.data.subarray(r0 * per, r1 * per) };
}

function concatRows(a: Tensor, b: Tensor): Tensor {
  const data = new Float64Array(a.data.length + b.data.length);
  data.set(a.data);
  data.set(b.data, a.data.length);
  return { shape: [a.shape[0] + b.shape[0], ...a.shape.slice(1)], data };
}

function outputRecord(net: Layer, k0: Kernel): Kernel {
  const k = net.kernel(k0);
  if (Array.isArray(k))
    throw new TypeError(`kernelFn: the network ends in a list of ${k.length} kernels; add a FanIn layer`);
  const r = k;
  if (r.spatial.length !== 0)
    throw new RangeError(
      `kernelFn: the network output has spatial shape [${r.spatial.join(', ')}]; end it with Flatten or GlobalAvgPool (and a readout) to get N1×N2 kernels`,
    );
  return r;
}

/** Run task `t`: write its block into nngp/ntk (N1×N2 row-major) and/or variances into var1/var2. */
export function runSpatialTask(
  net: Layer,
  plan: SpatialPlan,
  x1: Tensor,
  x2: Tensor,
  t: number,
  nngp: Float64Array,
  ntk: Float64Array | null,
  var1: Float64Array,
  var2: Float64Array,
  patterns?: SpatialPatterns | null,
): void {
  const { n1, n2, tile, symmetric } = plan;
  const r0 = plan.tasks[2 * t];
  const c0 = plan.tasks[2 * t + 1];
  const base = { ntk: plan.wantNtk, diagonalSpatial: plan.diagonalSpatial };
  // the input record of rows [a0, a1) of x1 (and [b0, b1) of x2, or the union of both), adjacencies sliced alike
  const input = (a0: number, a1: number, b: [number, number] | null, union: boolean): Kernel => {
    const p = patterns ?? null;
    if (b === null)
      return inputKernel(rows(x1, a0, a1), null, {
        ...base,
        pattern1: p ? rows(p.p1, a0, a1).data : undefined,
      });
    if (union)
      return inputKernel(concatRows(rows(x1, a0, a1), rows(x2, b[0], b[1])), null, {
        ...base,
        pattern1: p ? concatRows(rows(p.p1, a0, a1), rows(p.p2, b[0], b[1])).data : undefined,
      });
    return inputKernel(rows(x1, a0, a1), rows(x2, b[0], b[1]), {
      ...base,
      pattern1: p ? rows(p.p1, a0, a1).data : undefined,
      pattern2: p ? rows(p.p2, b[0], b[1]).data : undefined,
    });
  };
  if (r0 < 0) {
    // variances: Σ(x, x) of the output from one-input symmetric records
    const n = n1 + n2;
    for (let i = c0; i < Math.min(c0 + tile, n); i++) {
      const p = patterns ?? null;
      const x = i < n1 ? rows(x1, i, i + 1) : rows(x2, i - n1, i - n1 + 1);
      const a = p === null ? undefined : i < n1 ? rows(p.p1, i, i + 1) : rows(p.p2, i - n1, i - n1 + 1);
      const k = outputRecord(net, inputKernel(x, null, { ...base, pattern1: a?.data }));
      if (i < n1) var1[i] = k.var1[0];
      else var2[i - n1] = k.var1[0];
    }
    return;
  }
  const r1 = Math.min(r0 + tile, n1);
  const c1 = Math.min(c0 + tile, n2);
  const diag = symmetric && r0 === c0;
  const tr = r1 - r0;
  const tc = c1 - c0;
  let k: Kernel;
  let off = 0; // column offset of the x2 block inside the record
  if (diag) k = outputRecord(net, input(r0, r1, null, false));
  else if (plan.union) {
    k = outputRecord(net, input(r0, r1, [c0, c1], true));
    off = tr;
  } else k = outputRecord(net, input(r0, r1, [c0, c1], false));
  const kc = k.n2;
  for (let r = 0; r < tr; r++)
    for (let c = 0; c < tc; c++) {
      // diagonal blocks: each pair from the upper triangle, so the result is exactly symmetric
      const e = diag && r > c ? c * kc + r : r * kc + off + c;
      const s = k.nngp[e];
      const h = k.ntk === null ? 0 : k.ntk[e];
      nngp[(r0 + r) * n2 + c0 + c] = s;
      if (ntk !== null) ntk[(r0 + r) * n2 + c0 + c] = h;
      if (symmetric && !diag) {
        nngp[(c0 + c) * n2 + r0 + r] = s;
        if (ntk !== null) ntk[(c0 + c) * n2 + r0 + r] = h;
      }
    }
  if (diag) var1.set(k.var1.subarray(0, tr), r0);
}
