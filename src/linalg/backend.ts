import type { Matrix } from './matrix.js';

/**
 * The narrow compute interface that both backends implement (docs/conventions.md §2): BLAS level 2/3 and the
 * LAPACK routines ntk-lab needs, on contiguous row-major float64 matrices. Arguments are assumed
 * valid here: shape, symmetry and finiteness checks live in the public functions of `linalg/`.
 */
export interface LinalgBackend {
  readonly name: 'ts' | 'wasm' | 'blas';

  /** C ← α·op(A)·op(B) + β·C, op(X) = Xᵀ when the trans flag is set. */
  gemm(transA: boolean, transB: boolean, alpha: number, A: Matrix, B: Matrix, beta: number, C: Matrix): void;

  /**
   * Symmetric rank-k update. trans = false: C ← α·A·Aᵀ + β·C (A is n×k);
   * trans = true: C ← α·Aᵀ·A + β·C (A is k×n). Both triangles of C are written.
   */
  syrk(trans: boolean, alpha: number, A: Matrix, beta: number, C: Matrix): void;

  /** y ← α·op(A)·x + β·y. */
  gemv(trans: boolean, alpha: number, A: Matrix, x: Float64Array, beta: number, y: Float64Array): void;

  /**
   * In-place Cholesky A = L·Lᵀ of a symmetric positive-definite matrix: the lower triangle of A
   * becomes L and the strict upper triangle is zeroed. Returns 0 on success, or the 1-based index
   * of the first pivot that is not positive (A is then left partially factored).
   */
  potrf(A: Matrix): number;

  /** In-place triangular solve with a lower-triangular L: B ← L⁻¹·B (trans = false) or L⁻ᵀ·B. */
  trsm(L: Matrix, B: Matrix, trans: boolean): void;

  /**
   * Symmetric eigendecomposition of A (only the lower triangle is read; A is not modified).
   * Eigenvalues ascending; with `vectors`, the n×n matrix whose column j is the unit eigenvector of
   * eigenvalue j.
   */
  syev(A: Matrix, vectors: boolean): { values: Float64Array; vectors: Matrix | null };
}
