/**
 * Matrix–vector product (BLAS dgemv semantics, row-major m×n matrix with leading dimension lda):
 *   y ← α·op(A)·x + β·y.
 * No transpose: one dot product per row (contiguous). Transpose: y accumulates α·x_i·A[i, :] row by row,
 * so the matrix is still read contiguously.
 */
export function gemvStrided(
  trans: boolean,
  m: number,
  n: number,
  alpha: number,
  a: Float64Array,
  aOff: number,
  lda: number,
  x: Float64Array,
  beta: number,
  y: Float64Array,
): void {
  const ylen = trans ? n : m;
  if (beta === 0) y.fill(0, 0, ylen);
  else if (beta !== 1) for (let i = 0; i < ylen; i++) y[i] *= beta;
  if (alpha === 0) return;
  if (!trans) {
    for (let i = 0; i < m; i++) {
      const r = aOff + i * lda;
      let s0 = 0,
        s1 = 0;
      let j = 0;
      for (; j + 1 < n; j += 2) {
        s0 += a[r + j] * x[j];
        s1 += a[r + j + 1] * x[j + 1];
      }
      if (j < n) s0 += a[r + j] * x[j];
      y[i] += alpha * (s0 + s1);
    }
  } else {
    for (let i = 0; i < m; i++) {
      const r = aOff + i * lda;
      const xi = alpha * x[i];
      if (xi === 0) continue;
      for (let j = 0; j < n; j++) y[j] += xi * a[r + j];
    }
  }
}
