import { gemmStrided, type GemmStrided } from './gemm.js';

/** Diagonal block size: the off-diagonal part of each block step is one GEMM. */
const NB = 64;

/**
 * Triangular solve with a lower-triangular n×n L (BLAS dtrsm, side = left, non-unit diagonal), on
 * row-major storage; B is n×m and is overwritten with the solution X:
 *   trans = false: L·X = B (forward substitution);   trans = true: Lᵀ·X = B (back substitution).
 * Blocked: X_I = L_II⁻¹(B_I − L_IJ·X_J) over the finished blocks J, so almost all flops are in GEMM.
 */
export function trsmLowerStrided(
  trans: boolean,
  n: number,
  m: number,
  l: Float64Array,
  lOff: number,
  ldl: number,
  b: Float64Array,
  bOff: number,
  ldb: number,
  gemm: GemmStrided = gemmStrided,
): void {
  if (!trans) {
    for (let i0 = 0; i0 < n; i0 += NB) {
      const i1 = Math.min(i0 + NB, n);
      // B_I ← B_I − L[I, 0:i0]·X[0:i0]
      gemm(
        false,
        false,
        i1 - i0,
        m,
        i0,
        -1,
        l,
        lOff + i0 * ldl,
        ldl,
        b,
        bOff,
        ldb,
        1,
        b,
        bOff + i0 * ldb,
        ldb,
      );
      for (let i = i0; i < i1; i++) {
        const bi = bOff + i * ldb;
        for (let p = i0; p < i; p++) {
          const lip = l[lOff + i * ldl + p];
          if (lip === 0) continue;
          const bp = bOff + p * ldb;
          for (let j = 0; j < m; j++) b[bi + j] -= lip * b[bp + j];
        }
        const lii = l[lOff + i * ldl + i];
        for (let j = 0; j < m; j++) b[bi + j] /= lii; // not ·(1/l_ii), which overflows for tiny l_ii
      }
    }
  } else {
    for (let i1 = n; i1 > 0; i1 -= NB) {
      const i0 = Math.max(0, i1 - NB);
      // B_I ← B_I − L[i1:n, I]ᵀ·X[i1:n]
      gemm(
        true,
        false,
        i1 - i0,
        m,
        n - i1,
        -1,
        l,
        lOff + i1 * ldl + i0,
        ldl,
        b,
        bOff + i1 * ldb,
        ldb,
        1,
        b,
        bOff + i0 * ldb,
        ldb,
      );
      for (let i = i1 - 1; i >= i0; i--) {
        const bi = bOff + i * ldb;
        const lii = l[lOff + i * ldl + i];
        for (let j = 0; j < m; j++) b[bi + j] /= lii; // not ·(1/l_ii), which overflows for tiny l_ii
        // rows p < i of the block receive −L[i][p]·X_i
        for (let p = i0; p < i; p++) {
          const lip = l[lOff + i * ldl + p];
          if (lip === 0) continue;
          const bp = bOff + p * ldb;
          for (let j = 0; j < m; j++) b[bp + j] -= lip * b[bi + j];
        }
      }
    }
  }
}
