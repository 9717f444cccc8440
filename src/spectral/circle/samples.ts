import { lanczos, type BlockOperator } from '../../linalg/lanczos.js';
import { Matrix } from '../../linalg/matrix.js';
import { split } from '../../random/keys.js';
import type { Key } from '../../random/key.js';
import { uniform } from '../../random/uniform.js';
import { densityAt, type CircleDensity } from './density.js';
import { twoLayerReluBias, type CircleKernel } from './kernels.js';

/**
 * The sample version of seed 004's operator: for N points xᵢ drawn i.i.d. from p, the eigenvalues of
 * (1/N)·[k(xᵢ, xⱼ)] approach those of ∫k(x, z)p(z)f(z)dz = λf(x) (Williams & Seeger 2000; the
 * seed's "H^p computed numerically using 50K points"). The N×N matrix is never formed: an implicit
 * block operator computes (1/N)·K·V row by row from a table of k, and block Lanczos (src/linalg)
 * finds the top eigenpairs, so memory is O(N·b) and N = 50000 fits easily.
 *
 * The kernel is tabulated at T + 1 equispaced distances in [0, π] and linearly interpolated; the
 * entry error is ≤ h²/8·max|k''| with h = π/T (≈ 2·10⁻¹¹·max|k''| for the default T = 2¹⁸), far below
 * the O(N^{−1/2}) sampling error.
 */

/** N i.i.d. angles in [−π, π) from p (piecewise: arc by its mass, then uniform; functions: rejection). */
export function sampleCircle(p: CircleDensity, n: number, key: Key): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`sampleCircle: n must be an integer ≥ 1, got ${n}`);
  if (p.kind === 'piecewise') {
    const J = p.values.length;
    const cdf = new Float64Array(J);
    let acc = 0;
    for (let j = 0; j < J; j++) cdf[j] = acc += (p.values[j] * 2 * Math.PI) / J;
    const [k1, k2] = split(key, 2);
    const u = uniform(k1, n, 0, acc);
    const v = uniform(k2, n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let j = 0;
      while (j < J - 1 && u[i] >= cdf[j]) j++;
      out[i] = -Math.PI + ((2 * Math.PI) / J) * (j + v[i]);
    }
    return out;
  }
  let pmax = 0;
  for (let i = 0; i < 1 << 16; i++)
    pmax = Math.max(pmax, densityAt(p, -Math.PI + (2 * Math.PI * (i + 0.5)) / (1 << 16)));
  pmax *= 1.05;
  const out = new Float64Array(n);
  let filled = 0;
  let k = key;
  while (filled < n) {
    const [ka, kb, kc] = split(k, 3);
    k = kc;
    const m = 2 * (n - filled) + 16;
    const x = uniform(ka, m, -Math.PI, Math.PI);
    const y = uniform(kb, m, 0, pmax);
    for (let i = 0; i < m && filled < n; i++) if (y[i] < densityAt(p, x[i])) out[filled++] = x[i];
  }
  return out;
}

/** The implicit operator V ↦ (1/N)·K·V on the samples (K_ij = k(|xᵢ − xⱼ| wrapped to [0, π])). */
export function sampleKernelOperator(
  kernel: CircleKernel,
  x: Float64Array,
  tableSize = 1 << 18,
): BlockOperator {
  const N = x.length;
  const T = tableSize;
  const dist = Float64Array.from({ length: T + 2 }, (_, i) => Math.min(Math.PI, (Math.PI * i) / T));
  const table = kernel(dist);
  for (let i = 0; i < table.length; i++)
    if (!Number.isFinite(table[i]))
      throw new Error(`circle kernel: k(${dist[i]}) = ${table[i]} (not finite)`);
  const scale = T / Math.PI;
  const twoPi = 2 * Math.PI;
  return {
    n: N,
    apply(V: Matrix, out: Matrix): void {
      const b = V.cols;
      const v = V.data;
      const o = out.data;
      o.fill(0);
      for (let i = 0; i < N; i++) {
        const xi = x[i];
        const oi = i * b;
        // diagonal term k(0)
        for (let c = 0; c < b; c++) o[oi + c] += table[0] * v[oi + c];
        for (let j = 0; j < i; j++) {
          let u = xi - x[j];
          if (u < 0) u = -u;
          if (u > Math.PI) u = twoPi - u;
          const s = u * scale;
          const t = s | 0;
          const kij = table[t] + (s - t) * (table[t + 1] - table[t]);
          const oj = j * b;
          for (let c = 0; c < b; c++) {
            o[oi + c] += kij * v[oj + c];
            o[oj + c] += kij * v[oi + c];
          }
        }
      }
      for (let i = 0; i < o.length; i++) o[i] /= N;
    },
  };
}

/**
 * The same operator for the seed's two-layer kernel k = (cos u + 1)(π − u)/(4π), exactly and in
 * O(N log N) per vector: with the samples sorted, π − u = α·(x − z) + β on four contiguous ranges of z
 * ((α, β) = (1, −π) for z < x − π, (−1, π) for x − π ≤ z ≤ x, (1, π) for x < z ≤ x + π, (−1, −π)
 * for z > x + π), and cos u + 1 = cos x·cos z + sin x·sin z + 1, so each row is a combination of
 * range sums of h(z)·v(z) and z·h(z)·v(z), h ∈ {cos, sin, 1}, read from prefix sums.
 */
export function twoLayerSampleOperator(x: Float64Array): BlockOperator {
  const N = x.length;
  const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const z = Float64Array.from(order, (i) => x[i]);
  const hz = [Float64Array.from(z, Math.cos), Float64Array.from(z, Math.sin), new Float64Array(N).fill(1)];
  // first index with z ≥ value (binary search)
  const lowerBound = (v: number): number => {
    let lo = 0;
    let hi = N;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (z[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const upperBound = (v: number): number => {
    let lo = 0;
    let hi = N;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (z[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const cuts = Array.from(z, (xi) => [lowerBound(xi - Math.PI), upperBound(xi), upperBound(xi + Math.PI)]);
  const S0 = [0, 1, 2].map(() => new Float64Array(N + 1));
  const S1 = [0, 1, 2].map(() => new Float64Array(N + 1));
  const c = 1 / (4 * Math.PI * N);
  return {
    n: N,
    apply(V: Matrix, out: Matrix): void {
      const b = V.cols;
      for (let col = 0; col < b; col++) {
        for (let m = 0; m < 3; m++) {
          for (let i = 0; i < N; i++) {
            const hv = hz[m][i] * V.data[order[i] * b + col];
            S0[m][i + 1] = S0[m][i] + hv;
            S1[m][i + 1] = S1[m][i] + z[i] * hv;
          }
        }
        for (let i = 0; i < N; i++) {
          const xi = z[i];
          const g = [Math.cos(xi), Math.sin(xi), 1];
          const [c1, c2, c3] = cuts[i];
          const ranges: [number, number, number, number][] = [
            [0, c1, 1, -Math.PI],
            [c1, c2, -1, Math.PI],
            [c2, c3, 1, Math.PI],
            [c3, N, -1, -Math.PI],
          ];
          let acc = 0;
          for (const [lo, hi, al, be] of ranges) {
            if (hi <= lo) continue;
            for (let m = 0; m < 3; m++) {
              const s0 = S0[m][hi] - S0[m][lo];
              const s1 = S1[m][hi] - S1[m][lo];
              acc += g[m] * ((al * xi + be) * s0 - al * s1);
            }
          }
          out.data[order[i] * b + col] = acc * c;
        }
      }
    },
  };
}

/** Eigenpairs of (1/N)·K on N samples of a density (the sample estimate of the kernel operator). */
export interface SampleSpectrum {
  /** Descending eigenvalues of (1/N)·K. */
  readonly eigenvalues: Float64Array;
  /** N × K eigenvectors (unit norm; √N·v approximates the L²(p)-normalized eigenfunction at the samples). */
  readonly vectors: Matrix;
  readonly samples: Float64Array;
  readonly residuals: Float64Array;
  readonly converged: boolean;
  readonly matvecs: number;
}

/**
 * Top-K eigenpairs of (1/N)·K on N samples from p, by block Lanczos on the implicit operator (the exact
 * O(N log N) one for the seed's two-layer kernel, the tabulated O(N²) one otherwise).
 */
export function circleSampleSpectrum(
  kernel: CircleKernel,
  p: CircleDensity,
  n: number,
  top: number,
  key: Key,
  tol = 1e-9,
): SampleSpectrum {
  if (!Number.isInteger(top) || top < 1 || top > n)
    throw new RangeError(`circleSampleSpectrum: top must be an integer in [1, n = ${n}], got ${top}`);
  const [ks, kl] = split(key, 2);
  const x = sampleCircle(p, n, ks);
  const op = kernel === twoLayerReluBias ? twoLayerSampleOperator(x) : sampleKernelOperator(kernel, x);
  const r = lanczos(op, { k: top, tol, key: kl });
  return {
    eigenvalues: r.values,
    vectors: r.vectors,
    samples: x,
    residuals: r.residuals,
    converged: r.converged,
    matvecs: r.matvecs,
  };
}
