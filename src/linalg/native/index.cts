/**
 * The native backend: LinalgBackend on the system's OpenBLAS (CBLAS) and LAPACKE (docs/conventions.md §2).
 * A CommonJS module so that select.ts can `require` it synchronously on first use; the Matrix
 * constructor is passed in so that this file needs no runtime import of the ESM sources.
 *
 * Layout: our matrices are row-major. BLAS level 2/3 calls use CblasRowMajor directly. For LAPACK
 * we avoid LAPACKE's row-major path (which transposes into a scratch copy) by reading the row-major
 * lower triangle as the column-major upper triangle of the same memory: for symmetric A the two are
 * the same numbers, so potrf('U') in column-major leaves Uᵀ = L in the row-major lower triangle.
 * syev works on a copy whose lower triangle is mirrored into the upper one; dsyevd then reads the
 * column-major lower triangle ('L', measured ~1.3–1.5× faster than 'U' for values only at n = 2000–4000
 * with OpenBLAS 0.3.21) and returns Vᵀ in row-major order, which we transpose once.
 *
 * The interface says arguments are validated by the public functions of linalg/. Here we still
 * check shapes (O(1) each), because a wrong leading dimension in a native call writes outside the
 * array instead of failing.
 */
import type { LinalgBackend } from '../backend.js';
import type { Matrix } from '../matrix.js';
import { CBLAS, LAPACK_COL_MAJOR, loadBindings, type NativeBindings, type NativeInfo } from './bindings.cjs';

export type { NativeInfo } from './bindings.cjs';

/** The native backend, with the loaded libraries and OpenBLAS thread control under `native`. */
export interface NativeBackend extends LinalgBackend {
  readonly name: 'blas';
  readonly native: NativeInfo;
}

const INT32_MAX = 2147483647;
const UPLO_U = 'U'.charCodeAt(0);
const UPLO_L = 'L'.charCodeAt(0);
const JOBZ_V = 'V'.charCodeAt(0);
const JOBZ_N = 'N'.charCodeAt(0);

let bindings: NativeBindings | null = null;

function shapeError(method: string, what: string, expected: string, got: string): Error {
  return new Error(`blas ${method}: ${what} must be ${expected}, got ${got}`);
}

function dims(M: Matrix): string {
  return `${M.rows}×${M.cols}`;
}

/** Leading dimension of a contiguous row-major matrix: BLAS requires ld ≥ max(1, cols). */
function ld(M: Matrix): number {
  if (M.rows > INT32_MAX || M.cols > INT32_MAX) {
    throw new RangeError(`blas: matrix ${dims(M)} exceeds the 32-bit index range of LP64 BLAS`);
  }
  return Math.max(1, M.cols);
}

/** y ← β·y, with BLAS's convention that β = 0 overwrites (NaN/Inf in y do not propagate). */
function scale(beta: number, y: Float64Array): void {
  if (beta === 1) return;
  if (beta === 0) y.fill(0);
  else for (let i = 0; i < y.length; i++) y[i] *= beta;
}

/** LAPACKE_LAPACK_WORK_MEMORY_ERROR / LAPACKE_TRANSPOSE_MEMORY_ERROR (lapacke.h). */
const LAPACKE_MEMORY_ERRORS = new Set([-1010, -1011]);

/**
 * The Error for a negative LAPACKE info: the matrix argument (position `aPos`) failed LAPACKE's NaN
 * check, a workspace allocation failed, or an argument was rejected.
 */
function lapackeError(method: string, routine: string, info: number, aPos: number, n: number): Error {
  if (info === -aPos) return new Error(`blas ${method}: A contains NaN`);
  if (LAPACKE_MEMORY_ERRORS.has(info))
    return new Error(`blas ${method}: ${routine} could not allocate its workspace (n = ${n})`);
  return new Error(`blas ${method}: ${routine} rejected argument ${-info} (n = ${n})`);
}

/** Copy the lower triangle of square row-major C into its upper triangle (blocked for the cache). */
function mirrorLowerToUpper(C: Matrix): void {
  const n = C.rows;
  const c = C.data;
  const B = 64;
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(i0 + B, n);
    for (let j0 = i0; j0 < n; j0 += B) {
      const j1 = Math.min(j0 + B, n);
      for (let i = i0; i < i1; i++) {
        for (let j = Math.max(j0, i + 1); j < j1; j++) c[i * n + j] = c[j * n + i];
      }
    }
  }
}

function isSymmetric(C: Matrix): boolean {
  const n = C.rows;
  const c = C.data;
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) if (c[i * n + j] !== c[j * n + i]) return false;
  return true;
}

/**
 * Load OpenBLAS + LAPACKE (once per process) and return the native LinalgBackend.
 * Throws an Error naming the missing library, symbol or FFI package.
 */
export function loadNativeBackend(MatrixCtor: typeof Matrix): NativeBackend {
  bindings ??= loadBindings();
  const { routines: r, info } = bindings;
  const { RowMajor, NoTrans, Trans, Lower, NonUnit, Left } = CBLAS;

  const gemm = (
    transA: boolean,
    transB: boolean,
    alpha: number,
    A: Matrix,
    B: Matrix,
    beta: number,
    C: Matrix,
  ): void => {
    const m = transA ? A.cols : A.rows;
    const k = transA ? A.rows : A.cols;
    const kB = transB ? B.cols : B.rows;
    const n = transB ? B.rows : B.cols;
    if (kB !== k)
      throw shapeError(
        'gemm',
        `op(B) (B is ${dims(B)}, transB=${transB})`,
        `${k}×${n} to match op(A)`,
        `${kB}×${n}`,
      );
    if (C.rows !== m || C.cols !== n) throw shapeError('gemm', 'C', `${m}×${n}`, dims(C));
    if (m === 0 || n === 0) return;
    if (k === 0) return scale(beta, C.data);
    r.dgemm(
      RowMajor,
      transA ? Trans : NoTrans,
      transB ? Trans : NoTrans,
      m,
      n,
      k,
      alpha,
      A.data,
      ld(A),
      B.data,
      ld(B),
      beta,
      C.data,
      ld(C),
    );
  };

  const backend: NativeBackend = {
    name: 'blas',
    native: info,

    gemm,

    syrk(trans, alpha, A, beta, C) {
      const n = trans ? A.cols : A.rows;
      const k = trans ? A.rows : A.cols;
      if (C.rows !== n || C.cols !== n)
        throw shapeError('syrk', `C (A is ${dims(A)}, trans=${trans})`, `${n}×${n}`, dims(C));
      if (n === 0) return;
      if (k === 0) return scale(beta, C.data);
      // dsyrk reads and writes one triangle only; for a non-symmetric C with β ≠ 0 the full update
      // C ← α·op(A)·op(A)ᵀ + β·C is a general product.
      if (beta !== 0 && !isSymmetric(C)) return gemm(trans, !trans, alpha, A, A, beta, C);
      r.dsyrk(RowMajor, Lower, trans ? Trans : NoTrans, n, k, alpha, A.data, ld(A), beta, C.data, ld(C));
      mirrorLowerToUpper(C);
    },

    gemv(trans, alpha, A, x, beta, y) {
      const xLen = trans ? A.rows : A.cols;
      const yLen = trans ? A.cols : A.rows;
      if (x.length !== xLen)
        throw shapeError(
          'gemv',
          `x (A is ${dims(A)}, trans=${trans})`,
          `of length ${xLen}`,
          `length ${x.length}`,
        );
      if (y.length !== yLen)
        throw shapeError(
          'gemv',
          `y (A is ${dims(A)}, trans=${trans})`,
          `of length ${yLen}`,
          `length ${y.length}`,
        );
      if (yLen === 0) return;
      if (xLen === 0) return scale(beta, y);
      r.dgemv(RowMajor, trans ? Trans : NoTrans, A.rows, A.cols, alpha, A.data, ld(A), x, 1, beta, y, 1);
    },

    potrf(A) {
      const n = A.rows;
      if (A.cols !== n) throw shapeError('potrf', 'A', 'square', dims(A));
      if (n === 0) return 0;
      // Column-major 'U' on the same memory = row-major lower triangle (see the file comment).
      const info = r.dpotrf(LAPACK_COL_MAJOR, UPLO_U, n, A.data, ld(A));
      if (info < 0) throw lapackeError('potrf', 'LAPACKE_dpotrf', info, 4, n);
      const a = A.data;
      for (let i = 0; i < n - 1; i++) a.fill(0, i * n + i + 1, (i + 1) * n);
      return info;
    },

    trsm(L, B, trans) {
      const n = L.rows;
      if (L.cols !== n) throw shapeError('trsm', 'L', 'square', dims(L));
      if (B.rows !== n) throw shapeError('trsm', `B (L is ${dims(L)})`, `${n}×any`, dims(B));
      if (n === 0 || B.cols === 0) return;
      r.dtrsm(
        RowMajor,
        Left,
        Lower,
        trans ? Trans : NoTrans,
        NonUnit,
        n,
        B.cols,
        1,
        L.data,
        ld(L),
        B.data,
        ld(B),
      );
    },

    syev(A, vectors) {
      const n = A.rows;
      if (A.cols !== n) throw shapeError('syev', 'A', 'square', dims(A));
      const values = new Float64Array(n);
      if (n === 0) return { values, vectors: vectors ? new MatrixCtor(0, 0) : null };
      const work = new MatrixCtor(n, n, A.data.slice()); // dsyevd overwrites its input; A stays untouched
      mirrorLowerToUpper(work); // symmetric copy: its column-major lower triangle is A's lower triangle
      const info = r.dsyevd(LAPACK_COL_MAJOR, vectors ? JOBZ_V : JOBZ_N, UPLO_L, n, work.data, ld(A), values);
      if (info < 0) throw lapackeError('syev', 'LAPACKE_dsyevd', info, 5, n);
      if (info > 0) throw new Error(`blas syev: LAPACK dsyevd failed to converge (info = ${info}, n = ${n})`);
      // Column j of the column-major result is eigenvector j, i.e. row j of `work` read row-major.
      return { values, vectors: vectors ? work.transpose() : null };
    },
  };
  return backend;
}
