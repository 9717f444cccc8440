import type { LinalgBackend } from '../backend.js';
import type { Matrix } from '../matrix.js';
import { potrfLower } from '../ts/potrf.js';
import { syev } from '../ts/syev.js';
import { syrkStrided } from '../ts/syrk.js';
import { trsmLowerStrided } from '../ts/trsm.js';
import { wasmGemm } from './gemm.js';
import { wasmGemv } from './gemv.js';
import { wasmTridiagonalize } from './tridiagonalize.js';
import { simdAvailable } from './kernels.js';
import { createRuntime, type WasmRuntimeOptions } from './runtime.js';

export { simdAvailable } from './kernels.js';
export type { WasmRuntimeOptions } from './runtime.js';

/** The wasm backend, with what it runs on. */
export interface WasmBackend extends LinalgBackend {
  readonly name: 'wasm';
  /** SIMD flavour ('relaxed': fused multiply–add) and threads used for large GEMM/SYRK. */
  readonly info: { simd: 'relaxed' | 'plain'; threads: number; threadNote: string };
}

/**
 * The WebAssembly SIMD backend (browsers, and machines without OpenBLAS). Written in AssemblyScript
 * (./assembly): a packed, register-blocked f64x2 GEMM, GEMV, and the Householder tridiagonalization of
 * the eigensolver (f64x2 symmetric matrix–vector products). SYRK, Cholesky, the triangular solve and the
 * rest of the eigensolver (divide and conquer, back-transformation) are the TypeScript backend's blocked
 * drivers with every GEMM on the wasm kernel, so nearly all of their flops run there. Large GEMMs are split between `threads` threads over shared
 * memory. Throws when the engine has no WebAssembly SIMD.
 */
export function createWasmBackend(opts: WasmRuntimeOptions = {}): WasmBackend {
  if (!simdAvailable()) throw new Error('this JavaScript engine has no WebAssembly 128-bit SIMD');
  const rt = createRuntime(opts);
  const gemm = wasmGemm(rt);
  const tridiagonal = wasmTridiagonalize(rt);
  return {
    name: 'wasm',
    info: { simd: rt.simd, threads: rt.work.length, threadNote: rt.threadNote },

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

    gemv(trans: boolean, alpha: number, A: Matrix, x: Float64Array, beta: number, y: Float64Array): void {
      wasmGemv(rt, trans, A.rows, A.cols, alpha, A.data, x, beta, y);
    },

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
