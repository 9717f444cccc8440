import { NtkInputError } from '../errors.js';
import type { Kernel } from './types.js';

/** Helpers for the immutable infinite-width Kernel record of src/nn/types.ts (neural-tangents' `Kernel`). */

/** A new record with some fields replaced (neural-tangents' `Kernel.replace`). */
export function replaceKernel(k: Kernel, changes: Partial<Kernel>): Kernel {
  return { ...k, ...changes };
}

/** Throw unless the record is Gaussian (right after an affine layer): nonlinearities need it (docs/conventions.md §1). */
export function requireGaussian(k: Kernel, where: string): void {
  if (!k.isGaussian) {
    throw new NtkInputError(
      `${where}: the input kernel is not Gaussian — a nonlinearity must be preceded by an affine layer (Dense/Conv), ` +
        `not applied to the network input or to another nonlinearity's output`,
    );
  }
}

/** Number of entries per (x1, x2) pair: 1 for dense features, P or P² for P spatial positions. */
export function entriesPerPair(k: Kernel): number {
  let p = 1;
  for (const s of k.spatial) p *= s;
  return k.diagonalSpatial ? p : p * p;
}

/**
 * Dual map of an activation φ (Cho & Saul 2009; Lee et al. 2018 eq. 4; neural-tangents `_elementwise`):
 * writes Σ' = E[φ(u)φ(v)] to out[0] and Σ̇ = E[φ'(u)φ'(v)] to out[1] for
 * (u, v) ~ N(0, [[q1, s], [s, q2]]). The diagonal var' = E[φ(u)²] is the same map at s = q1 = q2.
 */
export type DualMap = (s: number, q1: number, q2: number, out: Float64Array) => void;

/**
 * Apply a dual map to a Gaussian kernel record in any layout of src/nn/types.ts:
 * Σ' = dual(Σ)[0], Θ' = dual(Σ)[1]·Θ, var' = dual(var, var, var)[0]; the result is not Gaussian.
 * Entry (i, j, a[, b]) uses var1 at (i, a) and var2 at (j, a) (diagonal spatial) or (j, b) (full).
 */
export function applyDual(k: Kernel, dual: DualMap, where: string): Kernel {
  requireGaussian(k, where);
  const out = new Float64Array(2);
  let P = 1;
  for (const s of k.spatial) P *= s;
  const B = k.diagonalSpatial ? 1 : P;
  const nngp = new Float64Array(k.nngp.length);
  const ntk = k.ntk === null ? null : new Float64Array(k.ntk.length);
  const { var1, var2, n1, n2 } = k;
  let e = 0;
  for (let i = 0; i < n1; i++) {
    for (let j = 0; j < n2; j++) {
      for (let a = 0; a < P; a++) {
        const q1 = var1[i * P + a];
        for (let b = 0; b < B; b++, e++) {
          const q2 = var2[j * P + (k.diagonalSpatial ? a : b)];
          dual(k.nngp[e], q1, q2, out);
          nngp[e] = out[0];
          if (ntk !== null) ntk[e] = out[1] * k.ntk![e];
        }
      }
    }
  }
  const var1n = mapVariance(var1, dual);
  const var2n = k.var2 === k.var1 ? var1n : mapVariance(var2, dual);
  return replaceKernel(k, { nngp, ntk, var1: var1n, var2: var2n, isGaussian: false });
}

/** var' = E[φ(u)²], u ~ N(0, q): the dual map on the diagonal. */
export function mapVariance(v: Float64Array, dual: DualMap): Float64Array {
  const out = new Float64Array(2);
  const r = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    dual(v[i], v[i], v[i], out);
    r[i] = out[0];
  }
  return r;
}

/**
 * The same dual map in place on a dense rows×cols tile (the fused kernelFn path; no allocation):
 * nngp/ntk hold Σ/Θ, q1[r] / q2[c] the variances of the tile's row / column inputs before the layer.
 */
export function applyDualTile(
  dual: DualMap,
  nngp: Float64Array,
  ntk: Float64Array | null,
  q1: Float64Array,
  q2: Float64Array,
  rows: number,
  cols: number,
  out: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    const a = q1[r];
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      dual(nngp[base + c], a, q2[c], out);
      nngp[base + c] = out[0];
      if (ntk !== null) ntk[base + c] *= out[1];
    }
  }
}
