import type { DotProductFn } from '../dotProduct.js';

/**
 * Kernels on the circle S¹ as functions of the angular distance u = |x − z| wrapped to [0, π]
 * (every rotation-invariant kernel on S¹ is one). Vectorized: u in, k(u) out.
 */
export type CircleKernel = (u: Float64Array) => Float64Array;

/** Wrap an angle difference to the angular distance in [0, π]. */
export function angularDistance(diff: number): number {
  let u = diff % (2 * Math.PI);
  if (u < 0) u += 2 * Math.PI;
  return u > Math.PI ? 2 * Math.PI - u : u;
}

/**
 * The NTK of the two-layer ReLU network with bias on S¹ (Basri et al. 2020; seed 004 eq. 11):
 *   k(x, z) = (cos(x − z) + 1)·(π − |x − z|) / (4π),  |x − z| the angular distance.
 */
export const twoLayerReluBias: CircleKernel = (u) =>
  u.map((v) => ((Math.cos(v) + 1) * (Math.PI - v)) / (4 * Math.PI));

/**
 * A network's dot-product kernel restricted to the circle: points x = √2·(cos a, sin a) ∈ ℝ², so that
 * ‖x‖² = d = 2 and ⟨x, x'⟩/d = cos(a − a') (the ‖x‖² = d convention of every spectrum in ntk-lab);
 * k(u) = Φ(cos u).
 */
export function circleKernelOf(phi: DotProductFn): CircleKernel {
  return (u) => phi(u.map((v) => Math.max(-1, Math.min(1, Math.cos(v)))));
}
