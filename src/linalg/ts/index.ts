import type { LinalgBackend } from '../backend.js';
import type { Matrix } from '../matrix.js';
import { gemmStrided } from './gemm.js';
import { gemvStrided } from './gemv.js';
import { potrfLower } from './potrf.js';
import { syev } from './syev.js';
import { syrkStrided } from './syrk.js';
import { trsmLowerStrided } from './trsm.js';

/**
 * The pure-TypeScript backend (DESIGN.md §4): runs everywhere, imports nothing Node-only.
 * Arguments are assumed valid (see LinalgBackend); the public functions of linalg/ check them.
 */
export const tsBackend: LinalgBackend = {
  name: 'ts',

  gemm(transA: boolean, transB: boolean, alpha: number, A: Matrix, B: Matrix, beta: number, C: Matrix): void {
    const k = transA ? A.rows : A.cols;
    gemmStrided(
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
    syrkStrided(trans, C.rows, k, alpha, A.data, 0, A.cols, beta, C.data, 0, C.cols);
  },

  gemv(trans: boolean, alpha: number, A: Matrix, x: Float64Array, beta: number, y: Float64Array): void {
    gemvStrided(trans, A.rows, A.cols, alpha, A.data, 0, A.cols, x, beta, y);
  },

  potrf(A: Matrix): number {
    return potrfLower(A.rows, A.data, 0, A.cols);
  },

  trsm(L: Matrix, B: Matrix, trans: boolean): void {
    trsmLowerStrided(trans, L.rows, B.cols, L.data, 0, L.cols, B.data, 0, B.cols);
  },

  syev(A: Matrix, vectors: boolean): { values: Float64Array; vectors: Matrix | null } {
    return syev(A, vectors);
  },
};
