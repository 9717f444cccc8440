import { gemmStrided, type GemmStrided } from '../ts/gemm.js';
import { GEMM_PARAMS, runGemmJob } from './gemmJob.js';
import type { WasmRuntime } from './runtime.js';

/** Below this many multiply–adds, copying into wasm memory costs more than it saves: the TS GEMM runs. */
const SMALL = 32 * 32 * 32;
/** From this many multiply–adds on, a GEMM is split between the threads. */
const THREADED = 128 * 128 * 128;
/** Split points are multiples of the register tile's sides (4×4), so only the last part has edges. */
const GRAIN = 4;

/**
 * `gemmStrided` (BLAS dgemm semantics on strided row-major storage) computed by the wasm kernels: op(A),
 * op(B) and — unless β = 0 — C are copied compactly into the runtime's memory, multiplied there and C is
 * copied back; A, B and C may share one array (disjoint regions, as the blocked drivers use it). Large
 * products are split along the longer side of C between the runtime's threads.
 */
export function wasmGemm(rt: WasmRuntime): GemmStrided {
  return (transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc) => {
    if (m === 0 || n === 0) return;
    if (m * n * k <= SMALL || alpha === 0) {
      gemmStrided(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    const heap = rt.heap;
    const mark = heap.mark();
    try {
      const [ar, ac] = transA ? [k, m] : [m, k];
      const [br, bc] = transB ? [n, k] : [k, n];
      const pa = heap.reserve(ar * ac);
      const pb = heap.reserve(br * bc);
      const pc = heap.reserve(m * n);
      const mem = heap.f64();
      copyIn(mem, pa, a, aOff, lda, ar, ac);
      copyIn(mem, pb, b, bOff, ldb, br, bc);
      if (beta !== 0) copyIn(mem, pc, c, cOff, ldc, m, n);
      const job = Float64Array.of(+transA, +transB, m, n, k, alpha, pa, ac, pb, bc, beta, pc, n, rt.work[0]);
      runSplit(rt, job);
      copyOut(heap.f64(), pc, c, cOff, ldc, m, n);
    } finally {
      heap.release(mark);
    }
  };
}

/** Run one GEMM job (14 parameters, see gemmJob.ts) on wasm memory, split between threads when large. */
function runSplit(rt: WasmRuntime, job: Float64Array): void {
  const [transA, transB, m, n, k] = job;
  const parts = rt.pool ? Math.min(rt.work.length, Math.floor(Math.max(m, n) / GRAIN)) : 1;
  if (parts < 2 || m * n * k < THREADED) {
    runGemmJob(rt.kernels, job);
    return;
  }
  const alongRows = m >= n;
  const len = alongRows ? m : n;
  const chunk = Math.ceil(len / parts / GRAIN) * GRAIN;
  const jobs: Float64Array[] = [];
  for (let t = 0, start = 0; start < len; t++, start += chunk) {
    const size = Math.min(chunk, len - start);
    const p = job.slice(0, GEMM_PARAMS);
    const [, , , , , , pa, lda, pb, ldb, , pc, ldc] = job;
    if (alongRows) {
      p[2] = size;
      p[6] = pa + 8 * (transA ? start : start * lda);
      p[11] = pc + 8 * start * ldc;
    } else {
      p[3] = size;
      p[8] = pb + 8 * (transB ? start * ldb : start);
      p[11] = pc + 8 * start;
    }
    p[13] = rt.work[t];
    jobs.push(p);
  }
  rt.pool!.run(jobs, (own) => runGemmJob(rt.kernels, own));
}

/** mem[p/8 + i·cols + j] ← src[off + i·ld + j] for an rows×cols block. */
function copyIn(
  mem: Float64Array,
  p: number,
  src: Float64Array,
  off: number,
  ld: number,
  rows: number,
  cols: number,
): void {
  const q = p / 8;
  if (ld === cols) {
    mem.set(src.subarray(off, off + rows * cols), q);
    return;
  }
  for (let i = 0; i < rows; i++) mem.set(src.subarray(off + i * ld, off + i * ld + cols), q + i * cols);
}

/** dst[off + i·ld + j] ← mem[p/8 + i·cols + j] for an rows×cols block. */
function copyOut(
  mem: Float64Array,
  p: number,
  dst: Float64Array,
  off: number,
  ld: number,
  rows: number,
  cols: number,
): void {
  const q = p / 8;
  if (ld === cols) {
    dst.set(mem.subarray(q, q + rows * cols), off);
    return;
  }
  for (let i = 0; i < rows; i++) dst.set(mem.subarray(q + i * cols, q + (i + 1) * cols), off + i * ld);
}
