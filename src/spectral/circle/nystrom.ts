import { eigh } from '../../linalg/eigh.js';
import { Matrix } from '../../linalg/matrix.js';
import { densityMass, type CircleDensity } from './density.js';
import type { CircleKernel } from './kernels.js';

/**
 * Eigen-system of the integral operator with density on the circle (seed 004 eq. 9–10;
 * Williams & Seeger 2000):
 *
 *   ∫_{−π}^{π} k(x, z)·p(z)·f(z) dz = λ·f(x),
 *
 * by Nyström's method on M equal cells: nodes xᵢ = −π + 2π(i + ½)/M and weights wᵢ = ∫_{cell i} p
 * (exact cell masses, so a piecewise-constant density is integrated exactly even when a jump falls
 * inside a cell). With W = diag(w) the discrete operator K·W is similar to the symmetric
 * B = W^{½}·K·W^{½}; B = U·Λ·Uᵀ gives the eigenvalues, and the eigenfunctions at the nodes are the
 * Nyström extension f(xᵢ) = (1/λ)·Σⱼ k(xᵢ, xⱼ)·√wⱼ·uⱼ (= uᵢ/√wᵢ where wᵢ > 0), normalized
 * by ∫ f²·p = Σ wᵢ f(xᵢ)² = 1.
 *
 * The kernel has a kink at x = z, so the rule is O(M⁻²) accurate; `errorEstimate` compares with the
 * same computation on M/2 cells. For the uniform density K·W is circulant, and its exact eigen-system
 * is the discrete Fourier one (λ_q = (1/M)·Σ_m c_m·cos(2πqm/M), f = √2·cos(qx), √2·sin(qx)), so large M
 * cost only O(M·K) there.
 */

export interface CircleEigen {
  /** Descending eigenvalues, the top K. */
  readonly eigenvalues: Float64Array;
  /** K × M row-major: row i is eigenfunction i at the grid nodes, normalized by ∫ f²·p = 1. */
  readonly eigenfunctions: Matrix;
  /** The M grid nodes. */
  readonly grid: Float64Array;
  /** |λᵢ(M) − λᵢ(M/2)| (only when computed; null otherwise). */
  readonly errorEstimate: Float64Array | null;
  /**
   * Richardson extrapolation (4·λᵢ(M) − λᵢ(M/2))/3, which removes the O(M⁻²) term of the rule (the
   * kink of k at x = z shifts every eigenvalue by ≈ the same c·M⁻²); null when not computed.
   */
  readonly extrapolated: Float64Array | null;
  /** 'circulant' (uniform density, exact DFT) or 'dense' (symmetric eigensolver). */
  readonly method: 'circulant' | 'dense';
}

type Solved = Omit<CircleEigen, 'errorEstimate' | 'extrapolated'>;

/** Options of {@link circleNystrom}. */
export interface NystromOptions {
  /** Grid size M (default 1024). */
  grid?: number;
  /** Number of eigenpairs (default 20, at most M). */
  top?: number;
  /** Also solve on M/2 cells and report |λ(M) − λ(M/2)| (default true). */
  errorEstimate?: boolean;
}

/** The M cell midpoints xᵢ = −π + 2π(i + ½)/M of [−π, π). */
export function circleGrid(M: number): Float64Array {
  const x = new Float64Array(M);
  for (let i = 0; i < M; i++) x[i] = -Math.PI + (2 * Math.PI * (i + 0.5)) / M;
  return x;
}

/** c_m = k(distance of grid offset m), m = 0..M−1: the kernel on an equispaced grid depends on i − j only. */
function circulantColumn(kernel: CircleKernel, M: number): Float64Array {
  const u = new Float64Array(M);
  for (let m = 0; m < M; m++) {
    const a = (2 * Math.PI * m) / M;
    u[m] = a > Math.PI ? 2 * Math.PI - a : a;
  }
  const c = kernel(u);
  if (c.length !== M) throw new Error(`circle kernel returned ${c.length} values for ${M} distances`);
  for (let m = 0; m < M; m++)
    if (!Number.isFinite(c[m])) throw new Error(`circle kernel: k(${u[m]}) = ${c[m]} (not finite)`);
  return c;
}

function isUniform(p: CircleDensity): boolean {
  if (p.kind !== 'piecewise') return false;
  return p.values.every((v) => v === p.values[0]);
}

function solve(kernel: CircleKernel, p: CircleDensity, M: number, K: number): Solved {
  const grid = circleGrid(M);
  const c = circulantColumn(kernel, M);
  if (isUniform(p)) return solveCirculant(c, grid, K);
  const w = new Float64Array(M);
  for (let i = 0; i < M; i++)
    w[i] = densityMass(p, -Math.PI + (2 * Math.PI * i) / M, -Math.PI + (2 * Math.PI * (i + 1)) / M);
  const sw = w.map(Math.sqrt);
  const B = new Matrix(M, M);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < M; j++) B.data[i * M + j] = sw[i] * c[(i - j + M) % M] * sw[j];
  }
  const { values, vectors } = eigh(B);
  const lam = new Float64Array(K);
  const F = new Matrix(K, M);
  const y = new Float64Array(M);
  for (let r = 0; r < K; r++) {
    const col = M - 1 - r;
    lam[r] = values[col];
    for (let j = 0; j < M; j++) y[j] = sw[j] * vectors.data[j * M + col];
    // Nyström extension f(xᵢ) = (1/λ)·Σⱼ k(xᵢ − xⱼ)·√wⱼ·uⱼ
    for (let i = 0; i < M; i++) {
      let s = 0;
      for (let j = 0; j < M; j++) s += c[(i - j + M) % M] * y[j];
      F.data[r * M + i] = s / lam[r];
    }
    // sign convention: the largest |f| is positive
    let big = 0;
    for (let i = 0; i < M; i++) if (Math.abs(F.data[r * M + i]) > Math.abs(F.data[r * M + big])) big = i;
    if (F.data[r * M + big] < 0) for (let i = 0; i < M; i++) F.data[r * M + i] = -F.data[r * M + i];
  }
  return { eigenvalues: lam, eigenfunctions: F, grid, method: 'dense' };
}

/**
 * Uniform density p = 1/(2π): K·W = (1/M)·circ(c), eigenvalues λ_q = (1/M)·Σ_m c_m·cos(2πqm/M)
 * (c is even: c_m = c_{M−m}), eigenfunctions 1 and √2·cos(qx), √2·sin(qx), normalized in L²(p).
 */
function solveCirculant(c: Float64Array, grid: Float64Array, K: number): Solved {
  const M = c.length;
  const Q = Math.floor(M / 2);
  const lamQ = new Float64Array(Q + 1);
  for (let q = 0; q <= Q; q++) {
    let s = 0;
    for (let m = 0; m < M; m++) s += c[m] * Math.cos((2 * Math.PI * ((q * m) % M)) / M);
    lamQ[q] = s / M;
  }
  // each q ≥ 1 (q < M/2) gives the pair cos, sin; sort by eigenvalue, stable in q
  const entries: { q: number; kind: 'cos' | 'sin' | 'const' }[] = [{ q: 0, kind: 'const' }];
  for (let q = 1; q <= Q; q++) {
    entries.push({ q, kind: 'cos' });
    if (2 * q !== M) entries.push({ q, kind: 'sin' });
  }
  entries.sort((a, b) => lamQ[b.q] - lamQ[a.q] || a.q - b.q);
  const lam = new Float64Array(K);
  const F = new Matrix(K, M);
  for (let r = 0; r < K; r++) {
    const e = entries[r];
    lam[r] = lamQ[e.q];
    for (let i = 0; i < M; i++) {
      const x = grid[i];
      F.data[r * M + i] =
        e.kind === 'const'
          ? 1
          : e.kind === 'cos'
            ? Math.SQRT2 * Math.cos(e.q * x)
            : Math.SQRT2 * Math.sin(e.q * x);
    }
  }
  return { eigenvalues: lam, eigenfunctions: F, grid, method: 'circulant' };
}

/** Top eigenpairs of ∫k(x,z)p(z)f(z)dz = λf(x) by Nyström on M cells. */
export function circleNystrom(
  kernel: CircleKernel,
  p: CircleDensity,
  opts: NystromOptions = {},
): CircleEigen {
  const M = opts.grid ?? 1024;
  if (!Number.isInteger(M) || M < 4)
    throw new RangeError(`circleNystrom: grid M must be an integer ≥ 4, got ${M}`);
  const K = opts.top ?? Math.min(20, M);
  if (!Number.isInteger(K) || K < 1 || K > M / 2)
    throw new RangeError(`circleNystrom: top K must be an integer in [1, M/2 = ${M / 2}], got ${K}`);
  const fine = solve(kernel, p, M, K);
  let err: Float64Array | null = null;
  let extra: Float64Array | null = null;
  if (opts.errorEstimate ?? true) {
    const coarse = solve(kernel, p, Math.floor(M / 2), K);
    err = fine.eigenvalues.map((v, i) => Math.abs(v - coarse.eigenvalues[i]));
    extra = fine.eigenvalues.map((v, i) => (4 * v - coarse.eigenvalues[i]) / 3);
  }
  return { ...fine, errorEstimate: err, extrapolated: extra };
}
