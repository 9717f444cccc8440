import { Matrix } from '../matrix.js';

/**
 * Seeded test matrices and naive reference routines for the linalg tests (and benchmarks) of every
 * backend. The generator is a small fixed algorithm (mulberry32) so that test inputs are reproducible
 * without depending on src/random; it is not for statistics.
 */

/** Uniform numbers in [0, 1) from a 32-bit seed (mulberry32). */
export function uniformStream(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** rows×cols with entries uniform in [−1, 1). */
export function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const u = uniformStream(seed);
  const M = new Matrix(rows, cols);
  for (let k = 0; k < M.data.length; k++) M.data[k] = 2 * u() - 1;
  return M;
}

/** Symmetric n×n with entries uniform in [−1, 1). */
export function randomSymmetric(n: number, seed: number): Matrix {
  const u = uniformStream(seed);
  const M = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = 2 * u() - 1;
      M.data[i * n + j] = v;
      M.data[j * n + i] = v;
    }
  }
  return M;
}

/** A random orthogonal n×n matrix: modified Gram–Schmidt (applied twice) on a random matrix's columns. */
export function randomOrthogonal(n: number, seed: number): Matrix {
  const Q = randomMatrix(n, n, seed);
  const q = Q.data;
  for (let j = 0; j < n; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += q[i * n + p] * q[i * n + j];
        for (let i = 0; i < n; i++) q[i * n + j] -= dot * q[i * n + p];
      }
    }
    let nrm = 0;
    for (let i = 0; i < n; i++) nrm += q[i * n + j] ** 2;
    nrm = Math.sqrt(nrm);
    for (let i = 0; i < n; i++) q[i * n + j] /= nrm;
  }
  return Q;
}

/** Q·diag(values)·Qᵀ with a random orthogonal Q, exactly symmetrized. */
export function symmetricWithSpectrum(values: ArrayLike<number>, seed: number): Matrix {
  const n = values.length;
  const Q = randomOrthogonal(n, seed);
  const A = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += Q.data[i * n + k] * values[k] * Q.data[j * n + k];
      A.data[i * n + j] = s;
      A.data[j * n + i] = s;
    }
  }
  return A;
}

/** op(A)·op(B) by the textbook triple loop. */
export function naiveProduct(A: Matrix, B: Matrix, transA = false, transB = false): Matrix {
  const m = transA ? A.cols : A.rows;
  const k = transA ? A.rows : A.cols;
  const n = transB ? B.rows : B.cols;
  const C = new Matrix(m, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const a = transA ? A.data[p * A.cols + i] : A.data[i * A.cols + p];
        const b = transB ? B.data[j * B.cols + p] : B.data[p * B.cols + j];
        s += a * b;
      }
      C.data[i * n + j] = s;
    }
  }
  return C;
}

/** max |A − B| over all entries (shapes must agree). */
export function maxAbsDiff(A: ArrayLike<number>, B: ArrayLike<number>): number {
  if (A.length !== B.length) throw new RangeError(`maxAbsDiff: lengths ${A.length} and ${B.length} differ`);
  let m = 0;
  for (let k = 0; k < A.length; k++) m = Math.max(m, Math.abs(A[k] - B[k]));
  return m;
}

/**
 * ‖A·V − V·diag(λ)‖_F / ‖A‖_F and ‖VᵀV − I‖_F, by naive loops (independent of any backend);
 * A and λ are first divided by max|a_ij| so that squares neither overflow nor underflow.
 */
export function eigenResiduals(
  A: Matrix,
  values: Float64Array,
  V: Matrix,
): { residual: number; orthogonality: number } {
  const n = A.rows;
  let amax = 0;
  for (const v of A.data) amax = Math.max(amax, Math.abs(v));
  const inv = amax === 0 ? 1 : 1 / amax;
  const As = new Matrix(
    n,
    n,
    A.data.map((v) => v * inv),
  );
  values = values.map((v) => v * inv);
  A = As;
  const AV = naiveProduct(A, V);
  const VtV = naiveProduct(V, V, true, false);
  let r = 0;
  let o = 0;
  let an = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      r += (AV.data[i * n + j] - V.data[i * n + j] * values[j]) ** 2;
      o += (VtV.data[i * n + j] - (i === j ? 1 : 0)) ** 2;
      an += A.data[i * n + j] ** 2;
    }
  }
  return { residual: an === 0 ? Math.sqrt(r) : Math.sqrt(r / an), orthogonality: Math.sqrt(o) };
}
