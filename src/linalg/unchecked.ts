import type { Matrix } from './matrix.js';
import { getBackend } from './select.js';

/**
 * The backend's routines (src/linalg/backend.ts) for callers inside ntk-lab whose arguments are valid by
 * construction (hot loops of layers, kernels, empirical NTKs, training): no shape, finiteness or overlap checks,
 * so NaN propagates as the arithmetic makes it. Public callers use the checked forms (matmul, syrk, gemv,
 * cholesky, eigh). Everything outside src/linalg reaches the backend through these or the checked forms, so a
 * new backend is one folder.
 */

/** C ← α·op(A)·op(B) + β·C (BLAS dgemm). */
export function gemmInto(
  transA: boolean,
  transB: boolean,
  alpha: number,
  A: Matrix,
  B: Matrix,
  beta: number,
  C: Matrix,
): void {
  getBackend().gemm(transA, transB, alpha, A, B, beta, C);
}

/** y ← α·op(A)·x + β·y (BLAS dgemv). */
export function gemvInto(
  trans: boolean,
  alpha: number,
  A: Matrix,
  x: Float64Array,
  beta: number,
  y: Float64Array,
): void {
  getBackend().gemv(trans, alpha, A, x, beta, y);
}

/** C ← α·A·Aᵀ + β·C, or α·Aᵀ·A + β·C with `trans` (BLAS dsyrk; both triangles written). */
export function syrkInto(trans: boolean, alpha: number, A: Matrix, beta: number, C: Matrix): void {
  getBackend().syrk(trans, alpha, A, beta, C);
}

/** In-place Cholesky of the lower triangle (LAPACK dpotrf): 0, or the 1-based index of the failed pivot. */
export function potrfInPlace(A: Matrix): number {
  return getBackend().potrf(A);
}

/** B ← L⁻¹·B (or L⁻ᵀ·B with `trans`) in place, L lower triangular (BLAS dtrsm). */
export function trsmInPlace(L: Matrix, B: Matrix, trans: boolean): void {
  getBackend().trsm(L, B, trans);
}

/** Symmetric eigendecomposition, eigenvalues ascending (LAPACK dsyevd; lower triangle read). */
export function syevUnchecked(A: Matrix, vectors: boolean): { values: Float64Array; vectors: Matrix | null } {
  return getBackend().syev(A, vectors);
}
