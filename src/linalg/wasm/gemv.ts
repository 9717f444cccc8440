import { gemvStrided } from '../ts/gemv.js';
import type { WasmRuntime } from './runtime.js';

/** Below this many matrix entries the TS loop runs (copying would dominate). */
const SMALL = 64 * 64;

/**
 * y ← α·op(A)·x + β·y (BLAS dgemv semantics, row-major m×n A) by the wasm kernel: A, x and y are
 * copied into the runtime's memory and y back. The product is memory-bound, so the copy of A costs about
 * as much as the product itself: this pays only where A is reused, which GEMV callers cannot tell us.
 */
export function wasmGemv(
  rt: WasmRuntime,
  trans: boolean,
  m: number,
  n: number,
  alpha: number,
  a: Float64Array,
  x: Float64Array,
  beta: number,
  y: Float64Array,
): void {
  if (m * n <= SMALL || alpha === 0) {
    gemvStrided(trans, m, n, alpha, a, 0, n, x, beta, y);
    return;
  }
  const [xlen, ylen] = trans ? [m, n] : [n, m];
  const heap = rt.heap;
  const mark = heap.mark();
  try {
    const pa = heap.reserve(m * n);
    const px = heap.reserve(xlen);
    const py = heap.reserve(ylen);
    const mem = heap.f64();
    mem.set(a.subarray(0, m * n), pa / 8);
    mem.set(x.subarray(0, xlen), px / 8);
    if (beta !== 0) mem.set(y.subarray(0, ylen), py / 8);
    rt.kernels.gemv(trans, m, n, alpha, pa, n, px, beta, py);
    y.set(heap.f64().subarray(py / 8, py / 8 + ylen));
  } finally {
    heap.release(mark);
  }
}
