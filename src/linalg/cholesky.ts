import { getBackend } from './select.js';
import { Matrix } from './matrix.js';
import {
  assertFinite,
  assertNumber,
  assertSquare,
  assertSymmetric,
  assertVector,
  shapeOf,
} from './validate.js';

/** Options of `cholesky` and `solveSpd`. */
export interface CholeskyOptions {
  /** Diagonal regularization: factor A + jitter·I (default 0). */
  jitter?: number;
}

/**
 * Cholesky factor L (lower triangular, A + jitter·I = L·Lᵀ) of a symmetric positive-definite A.
 * A is copied, not modified. When a pivot is not positive the error names it and suggests `jitter`.
 */
export function cholesky(A: Matrix, opts: CholeskyOptions = {}): Matrix {
  const { jitter = 0 } = opts;
  assertSquare('A', A);
  assertNumber('jitter', jitter, 0);
  assertFinite('A', A);
  assertSymmetric('A', A);
  const n = A.rows;
  const L = A.clone();
  if (jitter !== 0) for (let i = 0; i < n; i++) L.data[i * n + i] += jitter;
  const info = getBackend().potrf(L);
  if (info !== 0) {
    let meanDiag = 0;
    for (let i = 0; i < n; i++) meanDiag += Math.abs(A.data[i * n + i]) / n;
    const suggestion = Math.max(jitter * 10, 1e-10 * meanDiag || 1e-10);
    throw new Error(
      `cholesky: A (${shapeOf(A)}${jitter ? `, jitter ${jitter}` : ''}) is not positive definite: ` +
        `pivot ${info - 1} (0-based) is not positive. If A is a kernel matrix that is only numerically ` +
        `semi-definite, add diagonal regularization, e.g. cholesky(A, { jitter: ${suggestion.toExponential(1)} }) ` +
        `(about 1e-10 × mean diagonal), or use eigh for a pseudo-inverse.`,
    );
  }
  return L;
}

/** Options of `solveTriangular`. */
export interface TriangularOptions {
  /** Solve Lᵀ·X = B instead of L·X = B. */
  trans?: boolean;
}

/**
 * X with L·X = B (or Lᵀ·X = B) for a lower-triangular L with non-zero diagonal (only the lower triangle
 * is read). B: n×m Matrix or length-n vector; B is not modified.
 */
export function solveTriangular(L: Matrix, B: Matrix, opts?: TriangularOptions): Matrix;
export function solveTriangular(L: Matrix, B: Float64Array, opts?: TriangularOptions): Float64Array;
export function solveTriangular(
  L: Matrix,
  B: Matrix | Float64Array,
  opts: TriangularOptions = {},
): Matrix | Float64Array {
  assertLowerFactor('L', L);
  const X = rhsCopy('B', B, L.rows);
  getBackend().trsm(L, X, opts.trans ?? false);
  return B instanceof Matrix ? X : X.data;
}

/** A⁻¹·B from the Cholesky factor L of A (= L⁻ᵀ·L⁻¹·B). B: n×m Matrix or length-n vector. */
export function choSolve(L: Matrix, B: Matrix): Matrix;
export function choSolve(L: Matrix, B: Float64Array): Float64Array;
export function choSolve(L: Matrix, B: Matrix | Float64Array): Matrix | Float64Array {
  assertLowerFactor('L', L);
  const X = rhsCopy('B', B, L.rows);
  const be = getBackend();
  be.trsm(L, X, false);
  be.trsm(L, X, true);
  return B instanceof Matrix ? X : X.data;
}

/** A⁻¹·B for a symmetric positive-definite A, through its Cholesky factor (with optional `jitter`). */
export function solveSpd(A: Matrix, B: Matrix, opts?: CholeskyOptions): Matrix;
export function solveSpd(A: Matrix, B: Float64Array, opts?: CholeskyOptions): Float64Array;
export function solveSpd(
  A: Matrix,
  B: Matrix | Float64Array,
  opts: CholeskyOptions = {},
): Matrix | Float64Array {
  assertSquare('A', A);
  rhsCopy('B', B, A.rows); // shape check before the O(n³) factorization
  const L = cholesky(A, opts);
  return B instanceof Matrix ? choSolve(L, B) : choSolve(L, B);
}

function assertLowerFactor(name: string, L: Matrix): void {
  assertSquare(name, L);
  assertFinite(name, L);
  const n = L.rows;
  for (let i = 0; i < n; i++) {
    if (L.data[i * n + i] === 0)
      throw new RangeError(
        `${name}: expected a non-zero diagonal (a non-singular triangular factor), got ${name}[${i}][${i}] = 0`,
      );
  }
}

/** A Matrix copy of the right-hand side (a vector becomes an n×1 matrix), checked against n rows. */
function rhsCopy(name: string, B: Matrix | Float64Array, n: number): Matrix {
  if (B instanceof Matrix) {
    if (B.rows !== n)
      throw new RangeError(`${name}: expected ${n} rows to match the ${n}×${n} system, got ${shapeOf(B)}`);
    assertFinite(name, B);
    return B.clone();
  }
  assertVector(name, B);
  if (B.length !== n)
    throw new RangeError(
      `${name}: expected length ${n} to match the ${n}×${n} system, got length ${B.length}`,
    );
  assertFinite(name, B);
  return new Matrix(n, 1, B.slice());
}
