import { at, ld, madd, st } from './simd';

// Matrix–vector product (BLAS dgemv semantics, row-major m×n A with leading dimension lda):
// y ← α·op(A)·x + β·y. No transpose: one dot product per row in two f64x2 accumulators; transpose:
// y accumulates α·x_i·A[i, :] row by row, so A is read contiguously either way.
export function gemv(trans: bool, m: i32, n: i32, alpha: f64, a: usize, lda: i32, x: usize, beta: f64, y: usize): void {
  const ylen = trans ? n : m;
  if (beta == 0) memory.fill(y, 0, (<usize>ylen) << 3);
  else if (beta != 1) for (let i = 0; i < ylen; i++) st(y, i, ld(y, i) * beta);
  if (alpha == 0) return;
  if (!trans) {
    for (let i = 0; i < m; i++) {
      const r = at(a, i * lda);
      let s0 = f64x2.splat(0);
      let s1 = f64x2.splat(0);
      let j = 0;
      for (; j + 3 < n; j += 4) {
        s0 = madd(v128.load(at(r, j)), v128.load(at(x, j)), s0);
        s1 = madd(v128.load(at(r, j), 16), v128.load(at(x, j), 16), s1);
      }
      const s = f64x2.add(s0, s1);
      let t = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
      for (; j < n; j++) t += ld(r, j) * ld(x, j);
      st(y, i, ld(y, i) + alpha * t);
    }
  } else {
    for (let i = 0; i < m; i++) {
      const r = at(a, i * lda);
      const xi = alpha * ld(x, i);
      if (xi == 0) continue;
      const v = f64x2.splat(xi);
      let j = 0;
      for (; j + 1 < n; j += 2) v128.store(at(y, j), madd(v, v128.load(at(r, j)), v128.load(at(y, j))));
      for (; j < n; j++) st(y, j, ld(y, j) + xi * ld(r, j));
    }
  }
}
