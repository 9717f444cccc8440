import { gemmStrided, type GemmStrided } from './gemm.js';

/** Panel width of the blocked factorization. */
const NB = 64;

/**
 * In-place Cholesky factorization A = L·Lᵀ (LAPACK dpotrf, uplo = 'L'), row-major n×n, right-looking
 * blocked (Golub & Van Loan, Matrix Computations 4th ed., Alg. 4.2.4): factor the diagonal block,
 * solve the panel below it, then update the trailing lower triangle with GEMM. Reads only the lower
 * triangle; on success zeroes the strict upper triangle and returns 0. Returns the 1-based index of
 * the first pivot that is not positive (or not finite); A is then partially factored.
 */
export function potrfLower(
  n: number,
  a: Float64Array,
  aOff: number,
  lda: number,
  gemm: GemmStrided = gemmStrided,
): number {
  for (let k0 = 0; k0 < n; k0 += NB) {
    const k1 = Math.min(k0 + NB, n);
    const nb = k1 - k0;
    const info = potf2Lower(nb, a, aOff + k0 * lda + k0, lda);
    if (info !== 0) return k0 + info;
    if (k1 === n) break;
    const m = n - k1;
    // A21 ← A21·L11⁻ᵀ: each row r of A21 solves L11·xᵀ = rᵀ, one forward substitution per row.
    solveRowsAgainstLowerT(m, nb, a, aOff + k0 * lda + k0, lda, aOff + k1 * lda + k0);
    // A22 ← A22 − A21·A21ᵀ, lower triangle only, one block row at a time.
    for (let i0 = k1; i0 < n; i0 += NB) {
      const i1 = Math.min(i0 + NB, n);
      gemm(
        false,
        true,
        i1 - i0,
        i1 - k1,
        nb,
        -1,
        a,
        aOff + i0 * lda + k0,
        lda,
        a,
        aOff + k1 * lda + k0,
        lda,
        1,
        a,
        aOff + i0 * lda + k1,
        lda,
      );
    }
  }
  for (let i = 0; i < n; i++) a.fill(0, aOff + i * lda + i + 1, aOff + i * lda + n);
  return 0;
}

/** Unblocked Cholesky of an nb×nb diagonal block (row-oriented: every inner product is contiguous). */
function potf2Lower(nb: number, a: Float64Array, off: number, lda: number): number {
  for (let j = 0; j < nb; j++) {
    const rj = off + j * lda;
    let d = a[rj + j];
    for (let p = 0; p < j; p++) d -= a[rj + p] * a[rj + p];
    if (!(d > 0) || !Number.isFinite(d)) return j + 1;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < nb; i++) {
      const ri = off + i * lda;
      let s = a[ri + j];
      for (let p = 0; p < j; p++) s -= a[ri + p] * a[rj + p];
      a[ri + j] = s / ljj;
    }
  }
  return 0;
}

/**
 * X ← X·L⁻ᵀ for an m×nb row block X at xOff and the nb×nb lower L at lOff (both leading dimension lda):
 * row x of X solves L·xᵀ = rᵀ by forward substitution.
 */
function solveRowsAgainstLowerT(
  m: number,
  nb: number,
  a: Float64Array,
  lOff: number,
  lda: number,
  xOff: number,
): void {
  for (let i = 0; i < m; i++) {
    const ri = xOff + i * lda;
    for (let j = 0; j < nb; j++) {
      const rj = lOff + j * lda;
      let s = a[ri + j];
      for (let p = 0; p < j; p++) s -= a[ri + p] * a[rj + p];
      a[ri + j] = s / a[rj + j];
    }
  }
}
