import { Matrix } from '../../linalg/matrix.js';
import { gemmInto } from '../../linalg/unchecked.js';

/**
 * C ← α·op(A)·op(B) + β·C on row-major views (a: m×k or k×m when transposed, b: k×n or n×k), through linalg's
 * unchecked dgemm: the attention layer's products (keys, logits, heads) are valid by construction.
 */
export function gemm(
  tA: boolean,
  tB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float64Array,
  b: Float64Array,
  beta: number,
  c: Float64Array,
): void {
  gemmInto(
    tA,
    tB,
    alpha,
    tA ? new Matrix(k, m, a) : new Matrix(m, k, a),
    tB ? new Matrix(n, k, b) : new Matrix(k, n, b),
    beta,
    new Matrix(m, n, c),
  );
}

/** Row-wise softmax of an m×n block in place, max-shifted so large logits cannot overflow. */
export function softmaxRows(s: Float64Array, m: number, n: number): void {
  for (let r = 0; r < m; r++) {
    let mx = -Infinity;
    for (let c = 0; c < n; c++) mx = Math.max(mx, s[r * n + c]);
    let z = 0;
    for (let c = 0; c < n; c++) {
      const e = Math.exp(s[r * n + c] - mx);
      s[r * n + c] = e;
      z += e;
    }
    for (let c = 0; c < n; c++) s[r * n + c] /= z;
  }
}
