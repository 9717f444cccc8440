import type { LinalgBackend } from '../backend.js';
import type { Matrix } from '../matrix.js';
import { gemmStrided, type GemmStrided } from './gemm.js';
import { gemvStrided } from './gemv.js';
import { potrfLower } from './potrf.js';
import { syev } from './syev.js';
import { syrkStrided } from './syrk.js';
import { tridiagonalize } from './tridiagonalize.js';
import { trsmLowerStrided } from './trsm.js';

/**
 * The kernels a backend built on the TypeScript drivers plugs in: its GEMM (which SYRK, Cholesky, the
 * triangular solve and the eigensolver's blocked steps all call), its GEMV and its tridiagonalization.
 * The defaults are the pure-TypeScript kernels.
 */
export interface DriverKernels {
  readonly gemm?: GemmStrided;
  readonly gemv?: LinalgBackend['gemv'];
  readonly tridiagonalize?: typeof tridiagonalize;
}

/**
 * A backend made of the TypeScript blocked drivers over the given kernels (the ts backend with the
 * defaults; the wasm backend with its WebAssembly kernels). Arguments are assumed valid (see
 * LinalgBackend); the public functions of linalg/ check them.
 */
export function driverBackend(name: LinalgBackend['name'], kernels: DriverKernels = {}): LinalgBackend {
  const gemm = kernels.gemm ?? gemmStrided;
  const tridiagonal = kernels.tridiagonalize ?? tridiagonalize;
  return {
    name,

    gemm(
      transA: boolean,
      transB: boolean,
      alpha: number,
      A: Matrix,
      B: Matrix,
      beta: number,
      C: Matrix,
    ): void {
      const k = transA ? A.rows : A.cols;
      gemm(
        transA,
        transB,
        C.rows,
        C.cols,
        k,
        alpha,
        A.data,
        0,
        A.cols,
        B.data,
        0,
        B.cols,
        beta,
        C.data,
        0,
        C.cols,
      );
    },

    syrk(trans: boolean, alpha: number, A: Matrix, beta: number, C: Matrix): void {
      const k = trans ? A.rows : A.cols;
      syrkStrided(trans, C.rows, k, alpha, A.data, 0, A.cols, beta, C.data, 0, C.cols, gemm);
    },

    gemv:
      kernels.gemv ??
      ((trans: boolean, alpha: number, A: Matrix, x: Float64Array, beta: number, y: Float64Array): void =>
        gemvStrided(trans, A.rows, A.cols, alpha, A.data, 0, A.cols, x, beta, y)),

    potrf(A: Matrix): number {
      return potrfLower(A.rows, A.data, 0, A.cols, gemm);
    },

    trsm(L: Matrix, B: Matrix, trans: boolean): void {
      trsmLowerStrided(trans, L.rows, B.cols, L.data, 0, L.cols, B.data, 0, B.cols, gemm);
    },

    syev(A: Matrix, vectors: boolean): { values: Float64Array; vectors: Matrix | null } {
      return syev(A, vectors, gemm, tridiagonal);
    },
  };
}

/** The pure-TypeScript backend (docs/conventions.md §2): runs everywhere, imports nothing Node-only. */
export const tsBackend: LinalgBackend = driverBackend('ts');
