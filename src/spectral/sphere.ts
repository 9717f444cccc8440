import type { DotProductFn } from './dotProduct.js';
import { gaussGegenbauer } from './quadrature.js';

/**
 * Spectrum of a dot-product kernel K(x, x') = Φ(⟨x, x'⟩/d) on the sphere of radius √d in ℝᵈ
 * (‖x‖² = d, so ⟨x, x'⟩/d is the cosine of the angle — the convention of Yang & Salman 2019 and of
 * docs/conventions.md §1's Σ⁰ = ⟨x, x'⟩/d), under the uniform probability measure. By the Funk–Hecke formula the
 * degree-k spherical harmonics are eigenfunctions with
 *
 *   μ_k = E_t[Φ(t)·P_k(t)],   t ~ ν_d,  dν_d ∝ (1 − t²)^{(d−3)/2} dt on [−1, 1],
 *
 * P_k the Gegenbauer (Legendre) polynomial of dimension d normalized by P_k(1) = 1, and multiplicity
 * N(d, k) = C(k + d − 1, k) − C(k + d − 3, k − 2) (Atkinson & Han, Spherical Harmonics and
 * Approximations on the Unit Sphere, 2012, §2.1–2.5). Σ_k N(d, k)·μ_k = Φ(1); the degree-k fractional
 * variance is N(d, k)·μ_k / Φ(1).
 *
 * The integral is done by n-point Gauss–Gegenbauer quadrature (quadrature.ts), exact for polynomial Φ
 * of degree ≤ 2n − 1 − k. Kernels of ReLU networks are not smooth at t = ±1 (a (1 − t)^{1/2} or
 * (1 − t)^{3/2} branch), where the rule converges algebraically; `quadratureError` estimates the error
 * by comparison with a rule of ⌈n/2⌉ nodes, and `roundoffBound` bounds the float64 cancellation
 * ε·Σᵢ wᵢ|Φ(tᵢ)P_k(tᵢ)| (large relative to μ_k at high degree in high dimension).
 */

export interface SphereSpectrum {
  readonly d: number;
  /** μ_k for k = 0..maxDegree (one value per eigenfunction of degree k). */
  readonly eigenvalues: Float64Array;
  readonly multiplicities: Float64Array;
  /** N(d, k)·μ_k / Φ(1). */
  readonly fractionalVariance: Float64Array;
  /** |μ_k(n nodes) − μ_k(⌈n/2⌉ nodes)|: an estimate of the quadrature error of the coarser rule. */
  readonly quadratureError: Float64Array;
  /** Bound on the float64 rounding error of the quadrature sum. */
  readonly roundoffBound: Float64Array;
  /** Number of quadrature nodes. */
  readonly nodes: number;
}

function checkDim(d: number): void {
  if (!Number.isInteger(d) || d < 1)
    throw new RangeError(`sphere spectrum: dim d must be an integer ≥ 1, got ${d}`);
}

/** N(d, k): the dimension of the degree-k spherical harmonics on S^{d−1} (exact integer, as float64). */
export function sphereMultiplicity(d: number, k: number): number {
  checkDim(d);
  if (!Number.isInteger(k) || k < 0)
    throw new RangeError(`sphereMultiplicity: degree k must be an integer ≥ 0, got ${k}`);
  if (d === 1) return k <= 1 ? 1 : 0;
  const binom = (n: number, r: number): bigint => {
    if (r < 0 || n < r) return 0n;
    let v = 1n;
    for (let i = 1; i <= r; i++) v = (v * BigInt(n - r + i)) / BigInt(i);
    return v;
  };
  return Number(binom(k + d - 1, k) - binom(k + d - 3, k - 2));
}

/**
 * P_0..P_K of dimension d ≥ 2 at t, normalized P_k(1) = 1 (Atkinson & Han eq. 2.81):
 *   P_{k+1}(t) = [(2k + d − 2)·t·P_k(t) − k·P_{k−1}(t)] / (k + d − 2),   P_0 = 1, P_1 = t.
 */
export function gegenbauerNormalized(
  d: number,
  K: number,
  t: number,
  out = new Float64Array(K + 1),
): Float64Array {
  out[0] = 1;
  if (K >= 1) out[1] = t;
  for (let k = 1; k < K; k++) out[k + 1] = ((2 * k + d - 2) * t * out[k] - k * out[k - 1]) / (k + d - 2);
  return out;
}

function project(
  phi: DotProductFn,
  d: number,
  K: number,
  n: number,
): { mu: Float64Array; abs: Float64Array; phi1: number } {
  const q = gaussGegenbauer(n, (d - 3) / 2);
  const f = phi(q.nodes);
  const mu = new Float64Array(K + 1);
  const abs = new Float64Array(K + 1);
  const P = new Float64Array(K + 1);
  for (let i = 0; i < n; i++) {
    gegenbauerNormalized(d, K, q.nodes[i], P);
    const wf = q.weights[i] * f[i];
    for (let k = 0; k <= K; k++) {
      mu[k] += wf * P[k];
      abs[k] += Math.abs(wf * P[k]);
    }
  }
  return { mu, abs, phi1: phi(new Float64Array([1]))[0] };
}

/** Options of {@link sphereSpectrum}. */
export interface SphereOptions {
  /** Quadrature nodes (default max(1024, 4·(maxDegree + 1))). */
  nodes?: number;
}

/** Eigenvalues, multiplicities and fractional variances of Φ on S^{d−1} (radius √d) for degrees 0..maxDegree. */
export function sphereSpectrum(
  phi: DotProductFn,
  d: number,
  maxDegree: number,
  opts: SphereOptions = {},
): SphereSpectrum {
  checkDim(d);
  if (!Number.isInteger(maxDegree) || maxDegree < 0)
    throw new RangeError(`sphere spectrum: max degree must be an integer ≥ 0, got ${maxDegree}`);
  const K = d === 1 ? Math.min(maxDegree, 1) : maxDegree;
  const mult = new Float64Array(K + 1);
  for (let k = 0; k <= K; k++) mult[k] = sphereMultiplicity(d, k);
  let mu: Float64Array;
  let err = new Float64Array(K + 1);
  let round = new Float64Array(K + 1);
  let phi1: number;
  let n = 2;
  if (d === 1) {
    // S⁰ = {±1}: the constant and the odd function; μ = (Φ(1) ± Φ(−1))/2
    const f = phi(new Float64Array([1, -1]));
    mu = new Float64Array([(f[0] + f[1]) / 2, (f[0] - f[1]) / 2]).subarray(0, K + 1);
    phi1 = f[0];
  } else {
    n = opts.nodes ?? Math.max(1024, 4 * (K + 1));
    if (!Number.isInteger(n) || n < K + 1)
      throw new RangeError(`sphere spectrum: nodes must be an integer ≥ maxDegree + 1 = ${K + 1}, got ${n}`);
    const fine = project(phi, d, K, n);
    const coarse = project(phi, d, K, Math.ceil(n / 2));
    mu = fine.mu;
    phi1 = fine.phi1;
    err = mu.map((m, k) => Math.abs(m - coarse.mu[k]));
    round = fine.abs.map((a) => a * n * 2 ** -52);
  }
  if (!(phi1 > 0)) throw new Error(`sphere spectrum: Φ(1) = ${phi1} must be positive for a kernel`);
  const fv = mu.map((m, k) => (mult[k] * m) / phi1);
  return {
    d,
    eigenvalues: mu,
    multiplicities: mult,
    fractionalVariance: fv,
    quadratureError: err,
    roundoffBound: round,
    nodes: n,
  };
}
