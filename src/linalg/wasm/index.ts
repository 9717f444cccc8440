import type { LinalgBackend } from '../backend.js';
import { driverBackend } from '../ts/index.js';
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
  return {
    ...driverBackend('wasm', {
      gemm: wasmGemm(rt),
      gemv: (trans, alpha, A, x, beta, y) => wasmGemv(rt, trans, A.rows, A.cols, alpha, A.data, x, beta, y),
      tridiagonalize: wasmTridiagonalize(rt),
    }),
    name: 'wasm',
    info: { simd: rt.simd, threads: rt.work.length, threadNote: rt.threadNote },
  };
}
