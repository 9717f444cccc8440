import { matmul } from '../linalg/blas.js';
import { Matrix } from '../linalg/matrix.js';
import { pinIdenticalInputs } from './identicalInputs.js';

/**
 * The input covariance Σ⁰(x, x') = ⟨x, x'⟩/d and variance var⁰(x) = ‖x‖²/d (docs/conventions.md §1) in scaled form:
 * when an entry is large enough for the sums of products to overflow (|x| > 2^400), the inputs are divided
 * by a power of two c ≥ max|x| first and the sums multiplied back by c twice — exact scalings, so the result
 * is the true value whenever it is representable (|x| ≈ 1e150 with d = 1000: Σ⁰ ≈ 1e300). Below the threshold
 * c = 1 and the arithmetic is the plain one, bit for bit.
 */

const LARGE = 2 ** 400;

/** The power of two the inputs are divided by (1 unless some |x| exceeds 2^400). */
export function inputScale(...xs: readonly Float64Array[]): number {
  let m = 0;
  for (const x of xs) for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m > LARGE ? 2 ** Math.ceil(Math.log2(m)) : 1;
}

function scaled(x: Float64Array, c: number): Float64Array {
  if (c === 1) return x;
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] / c;
  return y;
}

/** var⁰ of each of the n rows of x (n×d, row-major): ‖x‖²/d, scaled by `c` (default: inputScale(x)). */
export function inputVariances(x: Float64Array, n: number, d: number, c = inputScale(x)): Float64Array {
  const xs = scaled(x, c);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += xs[i * d + k] * xs[i * d + k];
    v[i] = c === 1 ? s / d : (s / d) * c * c;
  }
  return v;
}

/**
 * Σ⁰ = X1·X2ᵀ/d (n1×n2) written into `out` by the linear-algebra backend, scaled by `c`
 * (default: inputScale over both inputs).
 */
export function inputGram(
  x1: Float64Array,
  x2: Float64Array,
  n1: number,
  n2: number,
  d: number,
  out: Float64Array,
  c = inputScale(x1, x2),
): void {
  if (d === 0 || n1 === 0 || n2 === 0) return;
  const a = scaled(x1, c);
  const b = x2 === x1 ? a : scaled(x2, c);
  matmul(new Matrix(n1, d, a), new Matrix(n2, d, b), {
    transB: true,
    alpha: 1 / d,
    out: new Matrix(n1, n2, out),
  });
  if (c !== 1) for (let k = 0; k < out.length; k++) out[k] = out[k] * c * c;
}

/**
 * The input layer's Σ⁰ (n1×n2, into `out`) and var⁰ of both inputs, in scaled form, with every pair of equal
 * inputs — the diagonal when x2 = null (x2 is x1) — holding var⁰ to the last bit (identicalInputs.ts), so such
 * pairs take the diagonal's arithmetic in every later layer.
 */
export function inputCovariance(
  x1: Float64Array,
  x2: Float64Array | null,
  n1: number,
  n2: number,
  d: number,
  out: Float64Array,
): { var1: Float64Array; var2: Float64Array } {
  const b = x2 ?? x1;
  const c = inputScale(x1, b);
  const var1 = inputVariances(x1, n1, d, c);
  const var2 = x2 === null ? var1 : inputVariances(x2, n2, d, c);
  inputGram(x1, b, n1, n2, d, out, c);
  pinIdenticalInputs(x1, n1, x2, n2, d, out, var1);
  return { var1, var2 };
}
