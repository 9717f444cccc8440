import { CONTROL_END } from './control.js';
import { createMemory, WasmHeap } from './heap.js';
import {
  compileKernels,
  instantiateKernels,
  relaxedSimdAvailable,
  type SimdFlavour,
  type WasmKernelExports,
} from './kernels.js';
import { ThreadPool } from './threadPool.js';

/** Everything one wasm backend instance owns: its memory, kernels, per-thread workspaces and workers. */
export interface WasmRuntime {
  readonly heap: WasmHeap;
  readonly kernels: WasmKernelExports;
  readonly simd: SimdFlavour;
  /** Worker threads besides the calling thread (null: one thread). */
  readonly pool: ThreadPool | null;
  /** Byte address of the GEMM workspace of thread t (0: the calling thread). */
  readonly work: number[];
  /** Why fewer threads than asked for run ('' when all do). */
  readonly threadNote: string;
}

export interface WasmRuntimeOptions {
  /** Threads for large GEMM/SYRK, the calling thread included (default 1). */
  threads?: number;
  /** Force the SIMD flavour (default: relaxed where it validates, else plain). */
  simd?: SimdFlavour;
}

export function createRuntime(opts: WasmRuntimeOptions = {}): WasmRuntime {
  const simd = opts.simd ?? (relaxedSimdAvailable() ? 'relaxed' : 'plain');
  const wanted = Math.max(1, Math.floor(opts.threads ?? 1));
  let threadNote = '';
  let shared = wanted > 1;
  if (shared && typeof SharedArrayBuffer !== 'function') {
    threadNote = 'SharedArrayBuffer is not available';
    shared = false;
  }
  const memory = createMemory(shared);
  const module = compileKernels(shared, simd);
  const kernels = instantiateKernels(module, memory);
  let pool: ThreadPool | null = null;
  if (shared) {
    const started = ThreadPool.start(module, memory, wanted - 1);
    if (typeof started === 'string') threadNote = started;
    else pool = started;
  }
  const threads = 1 + (pool?.size ?? 0);
  const workBytes = Math.ceil(kernels.gemmWork() / 2) * 16;
  const work = Array.from({ length: threads }, (_, t) => CONTROL_END + t * workBytes);
  const heap = new WasmHeap(memory, CONTROL_END + threads * workBytes);
  return { heap, kernels, simd, pool, work, threadNote };
}
