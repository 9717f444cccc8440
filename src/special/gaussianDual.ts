import { gaussHermiteNormal, gaussLegendre } from './gaussRule.js';
import { rootProduct } from './rootProduct.js';

/**
 * Numerical dual of an activation: for (u, v) ~ N(0, [[q1, s], [s, q2]]), out[0] = E[f(u)·f(v)] and
 * out[1] = E[g(u)·g(v)] (f = φ, g = φ' gives the NNGP map Σ' and Σ̇).
 *
 * Two quadratures:
 *  - smooth f, g (no `breakpoints`): the tensor Gauss–Hermite rule for the standard normal with
 *    u = √q1·z1, v = √q2·(ρ·z1 + √(1 − ρ²)·z2); n² evaluations, spectrally convergent for smooth φ;
 *  - f or g non-smooth at known points (`breakpoints`, e.g. [0] for Relu whose φ' jumps at 0): tensor GH
 *    converges only algebraically across a kink, so the plane is cut along the kink lines and each smooth
 *    piece gets Gauss–Legendre. Coordinates: with θ = arccos ρ, A = cos(θ/2), B = sin(θ/2), z1, z2 iid N(0,1),
 *      u = √q1·(A·z1 + B·z2),  v = √q2·(A·z1 − B·z2)          (Cov = A² − B² = ρ),
 *    and the inner variable is the one with the larger coefficient (z1 when ρ ≥ 0, else z2), so the kink lines
 *    cross the inner axis with slope ≤ 1 even as |ρ| → 1. The inner integral is split at every kink (exact
 *    piecewise smoothness); the outer one at the points where an f-kink and a g-kink line cross, and at
 *    fixed points 0, ±L/2, ±L with L = 10 (the Gaussian mass beyond 10 is 1.5e-23).
 * Measured errors (src/nn/activations/duals.test.ts; q ∈ {0.3, 1, 2.5}, ρ ∈ [−1, 1] incl. ±1 and 1 − 1e-5):
 * piecewise, 24 Legendre nodes per piece (default): ≤ 4e-12 relative for Relu/ABRelu (16 nodes: 3e-12;
 * 12 nodes: 1e-8; 8 nodes: 5e-5), and ≤ 1e-9 for the smooth Gelu; tensor GH, 64 nodes (default): Sin, Cos,
 * Rbf ≤ 1e-13, Erf ≤ 6e-10, Gelu ≤ 3e-7 relative (Φ's growth off the real axis slows GH; for Gelu-like φ
 * pass `breakpoints: []` to use the piecewise rule).
 */
export interface GaussianDualOptions {
  /** Gauss–Hermite nodes per dimension (smooth mode; default 64), or Gauss–Legendre nodes per piece (default 24). */
  readonly nodes?: number;
  /** Points where f or g is not smooth; their presence selects the piecewise mode. */
  readonly breakpoints?: readonly number[];
}

export const DEFAULT_HERMITE_NODES = 64;
export const DEFAULT_LEGENDRE_NODES = 24;
const L = 10;

export function gaussianDual(
  f: (x: number) => number,
  g: (x: number) => number,
  s: number,
  q1: number,
  q2: number,
  opts: GaussianDualOptions,
  out: Float64Array,
): void {
  if (!(q1 >= 0 && q2 >= 0) || !Number.isFinite(s)) {
    throw new RangeError(
      `gaussianDual: need variances q1, q2 ≥ 0 and finite s, got q1 = ${q1}, q2 = ${q2}, s = ${s}`,
    );
  }
  const n = rootProduct(q1, q2);
  let rho = n === 0 ? 0 : s / n;
  rho = rho > 1 ? 1 : rho < -1 ? -1 : rho;
  if (opts.breakpoints === undefined) hermite(f, g, rho, q1, q2, opts.nodes ?? DEFAULT_HERMITE_NODES, out);
  else piecewise(f, g, rho, q1, q2, opts.breakpoints, opts.nodes ?? DEFAULT_LEGENDRE_NODES, out);
}

function hermite(
  f: (x: number) => number,
  g: (x: number) => number,
  rho: number,
  q1: number,
  q2: number,
  nodes: number,
  out: Float64Array,
): void {
  const { nodes: z, weights: w } = gaussHermiteNormal(nodes);
  const s1 = Math.sqrt(q1);
  const s2 = Math.sqrt(q2);
  const sig = Math.sqrt(Math.max(1 - rho * rho, 0));
  let ef = 0;
  let eg = 0;
  for (let i = 0; i < z.length; i++) {
    const u = s1 * z[i];
    let sf = 0;
    let sg = 0;
    for (let j = 0; j < z.length; j++) {
      const v = s2 * (rho * z[i] + sig * z[j]);
      sf += w[j] * f(v);
      sg += w[j] * g(v);
    }
    ef += w[i] * f(u) * sf;
    eg += w[i] * g(u) * sg;
  }
  out[0] = ef;
  out[1] = eg;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Sorted distinct points of `extra` inside (−L, L) together with the fixed cuts −L, −L/2, 0, L/2, L. */
function cuts(extra: number[]): number[] {
  const pts = [-L, -L / 2, 0, L / 2, L];
  for (const p of extra) if (p > -L && p < L) pts.push(p);
  pts.sort((a, b) => a - b);
  return pts.filter((p, i) => i === 0 || p > pts[i - 1]);
}

function piecewise(
  f: (x: number) => number,
  g: (x: number) => number,
  rho: number,
  q1: number,
  q2: number,
  breakpoints: readonly number[],
  nodes: number,
  out: Float64Array,
): void {
  const theta = Math.acos(rho);
  const A = Math.cos(theta / 2);
  const B = Math.sin(theta / 2);
  // u = √q1·(au·t + bu·o), v = √q2·(av·t + bv·o) with t the inner, o the outer variable.
  const [au, bu, av, bv] = A >= B ? [A, B, A, -B] : [B, A, -B, A];
  const s1 = Math.sqrt(q1);
  const s2 = Math.sqrt(q2);
  const kinksU = s1 > 0 ? breakpoints.map((c) => c / s1) : []; // au·t + bu·o = c/√q1
  const kinksV = s2 > 0 ? breakpoints.map((c) => c / s2) : [];
  const crossings: number[] = [];
  const den = bv / av - bu / au;
  if (den !== 0) for (const cu of kinksU) for (const cv of kinksV) crossings.push((cv / av - cu / au) / den);
  const { nodes: x, weights: w } = gaussLegendre(nodes);
  const outer = cuts(crossings);
  let ef = 0;
  let eg = 0;
  const innerCutsBuf: number[] = [];
  for (let po = 0; po + 1 < outer.length; po++) {
    const oMid = 0.5 * (outer[po] + outer[po + 1]);
    const oHalf = 0.5 * (outer[po + 1] - outer[po]);
    for (let io = 0; io < x.length; io++) {
      const o = oMid + oHalf * x[io];
      const wo = oHalf * w[io] * INV_SQRT_2PI * Math.exp(-0.5 * o * o);
      innerCutsBuf.length = 0;
      for (const k of kinksU) innerCutsBuf.push((k - bu * o) / au);
      for (const k of kinksV) innerCutsBuf.push((k - bv * o) / av);
      const inner = cuts(innerCutsBuf);
      let jf = 0;
      let jg = 0;
      for (let pi = 0; pi + 1 < inner.length; pi++) {
        const tMid = 0.5 * (inner[pi] + inner[pi + 1]);
        const tHalf = 0.5 * (inner[pi + 1] - inner[pi]);
        for (let it = 0; it < x.length; it++) {
          const t = tMid + tHalf * x[it];
          const wt = tHalf * w[it] * INV_SQRT_2PI * Math.exp(-0.5 * t * t);
          const u = s1 * (au * t + bu * o);
          const v = s2 * (av * t + bv * o);
          jf += wt * f(u) * f(v);
          jg += wt * g(u) * g(v);
        }
      }
      ef += wo * jf;
      eg += wo * jg;
    }
  }
  out[0] = ef;
  out[1] = eg;
}
