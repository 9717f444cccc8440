import type { WasmKernelExports } from './kernels.js';

/**
 * One GEMM call on wasm memory, as the 14 numbers that a worker thread reads from its parameter slot:
 * transA, transB, m, n, k, α, A, lda, B, ldb, β, C, ldc, workspace (pointers are byte addresses).
 */
export const GEMM_PARAMS = 14;

export function runGemmJob(k: WasmKernelExports, p: ArrayLike<number>, o = 0): void {
  k.gemm(
    p[o] !== 0,
    p[o + 1] !== 0,
    p[o + 2],
    p[o + 3],
    p[o + 4],
    p[o + 5],
    p[o + 6],
    p[o + 7],
    p[o + 8],
    p[o + 9],
    p[o + 10],
    p[o + 11],
    p[o + 12],
    p[o + 13],
  );
}
