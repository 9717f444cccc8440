import { fft } from './fft.js';

/**
 * Local angular frequency of an eigenfunction within each region of constant density (seed 004,
 * Prop. eq. 13: f(x) = aⱼ·cos(q√pⱼ·x/Z + bⱼ) on Rⱼ, so the local frequency is ∝ √pⱼ).
 *
 * Two estimates per region, from the samples f(xᵢ) at the equispaced grid nodes inside it:
 *  - `fft`: the peak of the periodogram as in the seed — mean removed, Hann window, zero-padded FFT
 *    (2¹⁶ points), the peak refined by a parabola through the log-power of the three top bins;
 *  - `fit`: the least-squares frequency of f ≈ A·cos(ωx) + B·sin(ωx) + C on the region (variable
 *    projection: for each ω, A, B, C by linear least squares; ω by golden-section search within one
 *    FFT resolution cell 2π/L around the `fft` estimate). A segment shorter than a period biases
 *    the periodogram peak; the fit does not suffer from that for an exact sinusoid.
 * Frequencies are in radians⁻¹ (cycles per 2π), comparable with q√pⱼ/Z.
 */

export interface LocalFrequency {
  readonly fft: number;
  readonly fit: number;
}

function periodogramPeak(x: Float64Array, f: Float64Array): number {
  const n = f.length;
  const h = x[1] - x[0];
  const N = 1 << 16;
  const re = new Float64Array(N);
  const im = new Float64Array(N);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += f[i];
  mean /= n;
  for (let i = 0; i < n; i++) re[i] = (f[i] - mean) * (0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / n));
  fft(re, im);
  let best = 1;
  const pow = (k: number) => re[k] * re[k] + im[k] * im[k];
  for (let k = 1; k < N / 2; k++) if (pow(k) > pow(best)) best = k;
  let shift = 0;
  if (best > 1) {
    const a = Math.log(pow(best - 1) + 1e-300);
    const b = Math.log(pow(best) + 1e-300);
    const c = Math.log(pow(best + 1) + 1e-300);
    const den = a - 2 * b + c;
    if (den < 0) shift = (0.5 * (a - c)) / den;
  }
  return (2 * Math.PI * (best + shift)) / (N * h);
}

/** Residual sum of squares of the best A·cos(ωx) + B·sin(ωx) + C (3×3 normal equations, centred x). */
function sinusoidResidual(x: Float64Array, f: Float64Array, w: number, x0: number): number {
  const n = f.length;
  const G = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const r = [0, 0, 0];
  let ff = 0;
  for (let i = 0; i < n; i++) {
    const b = [Math.cos(w * (x[i] - x0)), Math.sin(w * (x[i] - x0)), 1];
    for (let a = 0; a < 3; a++) {
      r[a] += b[a] * f[i];
      for (let c = 0; c < 3; c++) G[a * 3 + c] += b[a] * b[c];
    }
    ff += f[i] * f[i];
  }
  // solve G·θ = r by Gaussian elimination with partial pivoting; RSS = ‖f‖² − rᵀθ
  const A = G.slice();
  const y = r.slice();
  for (let k = 0; k < 3; k++) {
    let p = k;
    for (let i = k + 1; i < 3; i++) if (Math.abs(A[i * 3 + k]) > Math.abs(A[p * 3 + k])) p = i;
    if (A[p * 3 + k] === 0) return ff;
    if (p !== k) {
      for (let c = 0; c < 3; c++) [A[k * 3 + c], A[p * 3 + c]] = [A[p * 3 + c], A[k * 3 + c]];
      [y[k], y[p]] = [y[p], y[k]];
    }
    for (let i = k + 1; i < 3; i++) {
      const m = A[i * 3 + k] / A[k * 3 + k];
      for (let c = k; c < 3; c++) A[i * 3 + c] -= m * A[k * 3 + c];
      y[i] -= m * y[k];
    }
  }
  const th = [0, 0, 0];
  for (let k = 2; k >= 0; k--) {
    let s = y[k];
    for (let c = k + 1; c < 3; c++) s -= A[k * 3 + c] * th[c];
    th[k] = s / A[k * 3 + k];
  }
  return ff - (r[0] * th[0] + r[1] * th[1] + r[2] * th[2]);
}

/** Local frequency of samples f at equispaced nodes x (at least 8) of one region. */
export function localFrequency(x: Float64Array, f: Float64Array): LocalFrequency {
  const n = f.length;
  if (n < 8 || x.length !== n)
    throw new RangeError(
      `localFrequency: need ≥ 8 samples with matching nodes, got ${n} values and ${x.length} nodes`,
    );
  const w0 = periodogramPeak(x, f);
  const L = x[n - 1] - x[0];
  const x0 = 0.5 * (x[0] + x[n - 1]);
  let lo = Math.max(0, w0 - (2 * Math.PI) / L);
  let hi = w0 + (2 * Math.PI) / L;
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = sinusoidResidual(x, f, a, x0);
  let fb = sinusoidResidual(x, f, b, x0);
  for (let it = 0; it < 80 && hi - lo > 1e-12 * (1 + hi); it++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = sinusoidResidual(x, f, a, x0);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = sinusoidResidual(x, f, b, x0);
    }
  }
  return { fft: w0, fit: 0.5 * (lo + hi) };
}

/**
 * Local frequencies of an eigenfunction on the circle grid in each of J equal arcs
 * [−π + 2πj/J, −π + 2π(j+1)/J), skipping `margin` nodes at each end of an arc (default 2).
 */
export function regionFrequencies(
  grid: Float64Array,
  f: Float64Array,
  J: number,
  margin = 2,
): LocalFrequency[] {
  const out: LocalFrequency[] = [];
  for (let j = 0; j < J; j++) {
    const a = -Math.PI + (2 * Math.PI * j) / J;
    const b = -Math.PI + (2 * Math.PI * (j + 1)) / J;
    const idx: number[] = [];
    for (let i = 0; i < grid.length; i++) if (grid[i] >= a && grid[i] < b) idx.push(i);
    const sel = idx.slice(margin, idx.length - margin);
    out.push(
      localFrequency(
        Float64Array.from(sel, (i) => grid[i]),
        Float64Array.from(sel, (i) => f[i]),
      ),
    );
  }
  return out;
}
