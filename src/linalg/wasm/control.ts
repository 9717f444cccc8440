import type { WasmMemory, WasmModule } from './webAssembly.js';

/**
 * The control block that the calling thread and the worker threads share, at a fixed address of the
 * shared wasm memory. Per worker slot s: four Int32 words at CONTROL + 16·s — [REQUEST] the number of
 * the job posted (−1: stop), [DONE] the number of the last job finished, [STATUS] 0 or 1 when that job
 * threw, [READY] 1 once the worker listens — and GEMM_PARAMS float64 parameters at PARAMS + 128·s.
 */
export const CONTROL = 65536;
export const PARAMS = CONTROL + 4096;
/** Most worker slots the block holds. */
export const MAX_WORKERS = 31;
export const REQUEST = 0;
export const DONE = 1;
export const STATUS = 2;
export const READY = 3;
export const SLOT_INTS = 4;
export const SLOT_PARAM_BYTES = 128;
/** First byte above the control block. */
export const CONTROL_END = PARAMS + MAX_WORKERS * SLOT_PARAM_BYTES;

/** What a worker receives once, by message, before it starts serving jobs. */
export interface WorkerInit {
  module: WasmModule;
  memory: WasmMemory;
  slot: number;
}
