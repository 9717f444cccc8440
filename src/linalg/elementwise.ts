import { Matrix } from './matrix.js';
import { assertMatrix, assertNumber, assertShape, assertSquare, assertVector, shapeOf } from './validate.js';

/**
 * Entry-wise helpers that kernel code needs (Hadamard products of Σ and Σ̇, K + σ²I, errors between
 * kernels). Each returns a new Matrix unless an `out` of the right shape is given (`out` may be one of
 * the inputs: the operations are entry-wise).
 */

function sameShape(fn: string, A: Matrix, B: Matrix): void {
  assertMatrix('A', A);
  assertMatrix('B', B);
  if (A.rows !== B.rows || A.cols !== B.cols) {
    throw new RangeError(`${fn}: B: expected the shape of A, ${shapeOf(A)}, got ${shapeOf(B)}`);
  }
}

function target(A: Matrix, out: Matrix | undefined): Matrix {
  if (out === undefined) return new Matrix(A.rows, A.cols);
  assertShape('out', out, A.rows, A.cols);
  return out;
}

/** A ∘ B (entry-wise product). */
export function hadamard(A: Matrix, B: Matrix, out?: Matrix): Matrix {
  sameShape('hadamard', A, B);
  const C = target(A, out);
  const a = A.data,
    b = B.data,
    c = C.data;
  for (let k = 0; k < c.length; k++) c[k] = a[k] * b[k];
  return C;
}

/** A + B. */
export function add(A: Matrix, B: Matrix, out?: Matrix): Matrix {
  sameShape('add', A, B);
  const C = target(A, out);
  const a = A.data,
    b = B.data,
    c = C.data;
  for (let k = 0; k < c.length; k++) c[k] = a[k] + b[k];
  return C;
}

/** A − B. */
export function sub(A: Matrix, B: Matrix, out?: Matrix): Matrix {
  sameShape('sub', A, B);
  const C = target(A, out);
  const a = A.data,
    b = B.data,
    c = C.data;
  for (let k = 0; k < c.length; k++) c[k] = a[k] - b[k];
  return C;
}

/** α·A. */
export function scale(alpha: number, A: Matrix, out?: Matrix): Matrix {
  assertNumber('alpha', alpha);
  assertMatrix('A', A);
  const C = target(A, out);
  const a = A.data,
    c = C.data;
  for (let k = 0; k < c.length; k++) c[k] = alpha * a[k];
  return C;
}

/** Y ← α·X + Y in place (BLAS daxpy on all entries); returns Y. */
export function axpy(alpha: number, X: Matrix, Y: Matrix): Matrix {
  assertNumber('alpha', alpha);
  assertMatrix('X', X);
  assertMatrix('Y', Y);
  if (X.rows !== Y.rows || X.cols !== Y.cols)
    throw new RangeError(`axpy: Y: expected the shape of X, ${shapeOf(X)}, got ${shapeOf(Y)}`);
  const x = X.data,
    y = Y.data;
  for (let k = 0; k < y.length; k++) y[k] += alpha * x[k];
  return Y;
}

/** ‖A‖_F = √Σ a_ij², scaled by max|a_ij| so that it neither overflows nor underflows. */
export function frobeniusNorm(A: Matrix): number {
  assertMatrix('A', A);
  const a = A.data;
  const m = maxAbs(A);
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    const y = a[k] / m; // dividing (not multiplying by 1/m, which overflows for subnormal m)
    s += y * y;
  }
  return m * Math.sqrt(s);
}

/**
 * ‖A − Ref‖_F / ‖Ref‖_F. When Ref = 0 the ratio is undefined: the result is 0 if A = 0 too,
 * otherwise Infinity (never NaN).
 */
export function relativeFrobeniusError(A: Matrix, Ref: Matrix): number {
  sameShape('relativeFrobeniusError', A, Ref);
  const diff = frobeniusNorm(sub(A, Ref));
  const ref = frobeniusNorm(Ref);
  if (ref === 0) return diff === 0 ? 0 : Infinity;
  return diff / ref;
}

/** max |a_ij| (0 for an empty matrix; NaN entries are reported as NaN). */
export function maxAbs(A: Matrix): number {
  assertMatrix('A', A);
  const a = A.data;
  let m = 0;
  for (let k = 0; k < a.length; k++) {
    const v = Math.abs(a[k]);
    if (v > m) m = v;
    else if (v !== v) return NaN;
  }
  return m;
}

/** (A + Aᵀ)/2 for a square A. */
export function symmetrize(A: Matrix, out?: Matrix): Matrix {
  assertSquare('A', A);
  const n = A.rows;
  const C = target(A, out);
  const a = A.data,
    c = C.data;
  for (let i = 0; i < n; i++) {
    c[i * n + i] = a[i * n + i];
    for (let j = 0; j < i; j++) {
      const s = 0.5 * (a[i * n + j] + a[j * n + i]);
      c[i * n + j] = s;
      c[j * n + i] = s;
    }
  }
  return C;
}

/** A + diag(c) for a square A; c is one number (A + c·I) or a vector of length n. */
export function addDiagonal(A: Matrix, c: number | Float64Array, out?: Matrix): Matrix {
  assertSquare('A', A);
  const n = A.rows;
  if (typeof c === 'number') assertNumber('c', c);
  else assertVector('c', c, n);
  const C = target(A, out);
  if (C !== A) C.data.set(A.data);
  for (let i = 0; i < n; i++) C.data[i * n + i] += typeof c === 'number' ? c : c[i];
  return C;
}

/** Σ a_ii of a square A. */
export function trace(A: Matrix): number {
  assertSquare('A', A);
  const n = A.rows;
  let s = 0;
  for (let i = 0; i < n; i++) s += A.data[i * n + i];
  return s;
}

/** The main diagonal (a_00, a_11, …) of A, length min(rows, cols). */
export function diag(A: Matrix): Float64Array {
  assertMatrix('A', A);
  const k = Math.min(A.rows, A.cols);
  const d = new Float64Array(k);
  for (let i = 0; i < k; i++) d[i] = A.data[i * A.cols + i];
  return d;
}

/** The n×n matrix with v on its diagonal. */
export function diagMatrix(v: Float64Array): Matrix {
  assertVector('v', v);
  const n = v.length;
  const D = new Matrix(n, n);
  for (let i = 0; i < n; i++) D.data[i * n + i] = v[i];
  return D;
}

/** ‖v‖₂ = √Σ v_i² of a vector, summed in order (no scaling: for values far from overflow). */
export function vectorNorm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}
