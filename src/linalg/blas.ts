import { getBackend } from './select.js';
import { Matrix } from './matrix.js';
import {
  assertFinite,
  assertMatrix,
  assertNoOverlap,
  assertNumber,
  assertShape,
  assertVector,
  shapeOf,
} from './validate.js';

/** Options of `matmul`: C = α·op(A)·op(B) + β·C. */
export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
  /** Default 1. */
  alpha?: number;
  /** Default 0; with β ≠ 0, `out` supplies C. */
  beta?: number;
  /** Output (and with β ≠ 0, input) C; must not share memory with A or B. */
  out?: Matrix;
}

/** α·op(A)·op(B) + β·C, op(X) = Xᵀ when the trans flag is set (BLAS dgemm). Returns C. */
export function matmul(A: Matrix, B: Matrix, opts: MatmulOptions = {}): Matrix {
  const { transA = false, transB = false, alpha = 1, beta = 0 } = opts;
  assertMatrix('A', A);
  assertMatrix('B', B);
  assertNumber('alpha', alpha);
  assertNumber('beta', beta);
  const m = transA ? A.cols : A.rows;
  const kA = transA ? A.rows : A.cols;
  const kB = transB ? B.cols : B.rows;
  const n = transB ? B.rows : B.cols;
  if (kA !== kB) {
    throw new RangeError(
      `matmul: inner dimensions differ: op(A) is ${m}×${kA} (A ${shapeOf(A)}${transA ? ', transposed' : ''}), ` +
        `op(B) is ${kB}×${n} (B ${shapeOf(B)}${transB ? ', transposed' : ''})`,
    );
  }
  assertFinite('A', A);
  assertFinite('B', B);
  const C = outMatrix('out', opts.out, m, n, beta);
  assertNoOverlap('out', C.data, 'A', A.data);
  assertNoOverlap('out', C.data, 'B', B.data);
  getBackend().gemm(transA, transB, alpha, A, B, beta, C);
  return C;
}

/** Options of `syrk`: C = α·A·Aᵀ + β·C (trans: α·Aᵀ·A + β·C). */
export interface SyrkOptions {
  /** α·Aᵀ·A instead of α·A·Aᵀ. */
  trans?: boolean;
  /** Default 1. */
  alpha?: number;
  /** Default 0; with β ≠ 0, `out` supplies C, of which only the lower triangle is read. */
  beta?: number;
  /** Output (and with β ≠ 0, input) C; must not share memory with A. */
  out?: Matrix;
}

/** Symmetric rank-k update (BLAS dsyrk): α·A·Aᵀ + β·C, or α·Aᵀ·A + β·C with `trans`. Both triangles are written. */
export function syrk(A: Matrix, opts: SyrkOptions = {}): Matrix {
  const { trans = false, alpha = 1, beta = 0 } = opts;
  assertMatrix('A', A);
  assertNumber('alpha', alpha);
  assertNumber('beta', beta);
  assertFinite('A', A);
  const n = trans ? A.cols : A.rows;
  const C = outMatrix('out', opts.out, n, n, beta);
  assertNoOverlap('out', C.data, 'A', A.data);
  getBackend().syrk(trans, alpha, A, beta, C);
  return C;
}

/** Options of `gemv`: y = α·op(A)·x + β·y. */
export interface GemvOptions {
  /** α·Aᵀ·x instead of α·A·x. */
  trans?: boolean;
  /** Default 1. */
  alpha?: number;
  /** Default 0; with β ≠ 0, `out` supplies y. */
  beta?: number;
  /** Output (and with β ≠ 0, input) y; must not share memory with A or x. */
  out?: Float64Array;
}

/** Matrix–vector product (BLAS dgemv): α·op(A)·x + β·y. Returns y. */
export function gemv(A: Matrix, x: Float64Array, opts: GemvOptions = {}): Float64Array {
  const { trans = false, alpha = 1, beta = 0 } = opts;
  assertMatrix('A', A);
  assertNumber('alpha', alpha);
  assertNumber('beta', beta);
  const xlen = trans ? A.rows : A.cols;
  const ylen = trans ? A.cols : A.rows;
  assertVector('x', x);
  if (x.length !== xlen) {
    throw new RangeError(
      `x: expected length ${xlen} to multiply ${trans ? 'Aᵀ' : 'A'} (A ${shapeOf(A)}), got length ${x.length}`,
    );
  }
  assertFinite('A', A);
  assertFinite('x', x);
  let y: Float64Array;
  if (opts.out !== undefined) {
    assertVector('out', opts.out, ylen);
    y = opts.out;
    if (beta !== 0) assertFinite('out', y);
    assertNoOverlap('out', y, 'A', A.data);
    assertNoOverlap('out', y, 'x', x);
  } else {
    y = new Float64Array(ylen);
  }
  getBackend().gemv(trans, alpha, A, x, beta, y);
  return y;
}

function outMatrix(name: string, out: Matrix | undefined, rows: number, cols: number, beta: number): Matrix {
  if (out === undefined) return new Matrix(rows, cols);
  assertShape(name, out, rows, cols);
  if (beta !== 0) assertFinite(name, out);
  return out;
}
