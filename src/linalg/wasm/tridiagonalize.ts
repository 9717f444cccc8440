import type { Tridiagonal } from '../ts/tridiagonalize.js';
import type { WasmRuntime } from './runtime.js';

/**
 * The Householder tridiagonalization of the TypeScript backend (`ts/tridiagonalize.ts`, same contract:
 * the lower triangle of `a` is read and destroyed, reflectors kept in its rows on request) run entirely
 * in wasm: `a` is copied into the runtime's memory once, reduced there by the AssemblyScript kernel
 * (f64x2 symmetric matrix–vector products, trailing updates on the wasm GEMM) and copied back.
 */
export function wasmTridiagonalize(
  rt: WasmRuntime,
): (n: number, a: Float64Array, keepReflectors: boolean) => Tridiagonal {
  return (n, a, keepReflectors) => {
    const heap = rt.heap;
    const mark = heap.mark();
    const m = Math.max(n - 1, 0);
    try {
      const pa = heap.reserve(n * n);
      const pd = heap.reserve(n);
      const pe = heap.reserve(m);
      const pt = heap.reserve(m);
      const pw = heap.reserve(rt.kernels.tridiagonalizeWork(n));
      heap.f64().set(a.subarray(0, n * n), pa / 8);
      rt.kernels.tridiagonalize(n, pa, keepReflectors, pd, pe, pt, pw, rt.work[0]);
      const mem = heap.f64();
      a.set(mem.subarray(pa / 8, pa / 8 + n * n));
      return {
        d: mem.slice(pd / 8, pd / 8 + n),
        e: mem.slice(pe / 8, pe / 8 + m),
        tau: mem.slice(pt / 8, pt / 8 + m),
      };
    } finally {
      heap.release(mark);
    }
  };
}
