import { addDiagonal as linalgAddDiagonal, axpy as linalgAxpy } from '../linalg/elementwise.js';
import { Matrix } from '../linalg/matrix.js';
import { gemmInto, potrfInPlace, trsmInPlace, syevUnchecked } from '../linalg/unchecked.js';

/**
 * The few dense operations the prediction functions need, on the active LinalgBackend
 * (src/linalg/backend.ts): products, symmetric eigendecomposition and Cholesky solves.
 */

/** op(A)·op(B) as a new matrix, op(X) = Xᵀ when the flag is set. */
export function mm(A: Matrix, B: Matrix, transA = false, transB = false): Matrix {
  const m = transA ? A.cols : A.rows;
  const n = transB ? B.rows : B.cols;
  const C = new Matrix(m, n);
  if (m === 0 || n === 0) return C;
  gemmInto(transA, transB, 1, A, B, 0, C);
  return C;
}

/** K + reg·I as a new matrix. */
export function addDiagonal(K: Matrix, reg: number): Matrix {
  return linalgAddDiagonal(K, reg);
}

/** Eigenvalues ascending and eigenvectors as columns of V (K = V·diag(λ)·Vᵀ). */
export function eighSym(K: Matrix): { values: Float64Array; vectors: Matrix } {
  const { values, vectors } = syevUnchecked(K, true);
  if (vectors === null) throw new Error('eighSym: the backend returned no eigenvectors');
  return { values, vectors };
}

/** Eigenvalues only, ascending. */
export function eigvalsSym(K: Matrix): Float64Array {
  return syevUnchecked(K, false).values;
}

/**
 * Cholesky factor L of a symmetric positive-definite A (lower triangle), or null when a pivot is
 * not positive (A is numerically not positive definite).
 */
export function choleskyOrNull(A: Matrix): Matrix | null {
  const L = A.clone();
  return potrfInPlace(L) === 0 ? L : null;
}

/** A⁻¹·B from the Cholesky factor L of A (two triangular solves). */
export function choSolveWith(L: Matrix, B: Matrix): Matrix {
  const X = B.clone();
  trsmInPlace(L, X, false);
  trsmInPlace(L, X, true);
  return X;
}

/** V·diag(c)·(Vᵀ·B) given the precomputed P = Vᵀ·B: a function of a symmetric matrix applied to B. */
export function applyInEigenbasis(V: Matrix, c: ArrayLike<number>, P: Matrix): Matrix {
  const S = scaleRows(P, c);
  return mm(V, S);
}

/** diag(c)·P as a new matrix. */
export function scaleRows(P: Matrix, c: ArrayLike<number>): Matrix {
  const S = new Matrix(P.rows, P.cols);
  for (let i = 0; i < P.rows; i++) {
    const ci = c[i];
    for (let j = 0; j < P.cols; j++) S.data[i * P.cols + j] = ci * P.data[i * P.cols + j];
  }
  return S;
}

/** A + s·B as a new matrix. */
export function axpy(A: Matrix, s: number, B: Matrix): Matrix {
  return linalgAxpy(s, B, A.clone());
}

/** The mean of the diagonal of a square matrix (trace / n). */
export function meanDiagonal(K: Matrix): number {
  let s = 0;
  for (let i = 0; i < K.rows; i++) s += K.data[i * K.cols + i];
  return s / K.rows;
}
