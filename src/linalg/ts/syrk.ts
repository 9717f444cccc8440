import { gemmStrided, type GemmStrided } from './gemm.js';

/** Row-block height of the blocked update: each block row of C costs one GEMM. */
const NB = 96;

/**
 * Symmetric rank-k update (BLAS dsyrk semantics) on row-major storage:
 *   trans = false: C ← α·A·Aᵀ + β·C with A n×k;   trans = true: C ← α·Aᵀ·A + β·C with A k×n.
 * Only the lower triangle is computed, one block row at a time with GEMM (about n²k flops instead of
 * 2n²k), and then mirrored into the upper triangle, so both triangles of C are written.
 */
export function syrkStrided(
  trans: boolean,
  n: number,
  k: number,
  alpha: number,
  a: Float64Array,
  aOff: number,
  lda: number,
  beta: number,
  c: Float64Array,
  cOff: number,
  ldc: number,
  gemm: GemmStrided = gemmStrided,
): void {
  for (let i0 = 0; i0 < n; i0 += NB) {
    const i1 = Math.min(i0 + NB, n);
    // C[i0:i1, 0:i1] ← α·op(A)[i0:i1, :]·op(A)[0:i1, :]ᵀ + β·C[i0:i1, 0:i1]
    if (!trans) {
      gemm(
        false,
        true,
        i1 - i0,
        i1,
        k,
        alpha,
        a,
        aOff + i0 * lda,
        lda,
        a,
        aOff,
        lda,
        beta,
        c,
        cOff + i0 * ldc,
        ldc,
      );
    } else {
      gemm(
        true,
        false,
        i1 - i0,
        i1,
        k,
        alpha,
        a,
        aOff + i0,
        lda,
        a,
        aOff,
        lda,
        beta,
        c,
        cOff + i0 * ldc,
        ldc,
      );
    }
  }
  mirrorLowerToUpper(n, c, cOff, ldc);
}

/** C[j][i] ← C[i][j] for i > j. */
export function mirrorLowerToUpper(n: number, c: Float64Array, cOff: number, ldc: number): void {
  const B = 32;
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(i0 + B, n);
    for (let j0 = 0; j0 <= i0; j0 += B) {
      const j1 = Math.min(j0 + B, n);
      for (let i = i0; i < i1; i++) {
        const jmax = Math.min(j1, i);
        for (let j = j0; j < jmax; j++) c[cOff + j * ldc + i] = c[cOff + i * ldc + j];
      }
    }
  }
}
