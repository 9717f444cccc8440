import {
  CONTROL,
  DONE,
  PARAMS,
  READY,
  REQUEST,
  SLOT_INTS,
  SLOT_PARAM_BYTES,
  STATUS,
  type WorkerInit,
} from './control.js';
import { GEMM_PARAMS, runGemmJob } from './gemmJob.js';
import { instantiateKernels } from './kernels.js';

/**
 * Worker thread of the wasm backend (Node worker_threads, or a module Web Worker in a cross-origin
 * isolated page): instantiates the kernels over the shared memory, then serves GEMM jobs from its
 * control slot forever, sleeping in Atomics.wait between them.
 */
function serve(init: WorkerInit): void {
  const kernels = instantiateKernels(init.module, init.memory);
  const ctl = new Int32Array(init.memory.buffer, CONTROL, 1024);
  const params = new Float64Array(init.memory.buffer, PARAMS + init.slot * SLOT_PARAM_BYTES, GEMM_PARAMS);
  const s = init.slot * SLOT_INTS;
  Atomics.store(ctl, s + READY, 1);
  Atomics.notify(ctl, s + READY);
  let seen = Atomics.load(ctl, s + DONE);
  for (;;) {
    Atomics.wait(ctl, s + REQUEST, seen);
    seen = Atomics.load(ctl, s + REQUEST);
    if (seen < 0) return;
    let status = 0;
    try {
      runGemmJob(kernels, params);
    } catch {
      status = 1;
    }
    Atomics.store(ctl, s + STATUS, status);
    Atomics.store(ctl, s + DONE, seen);
    Atomics.notify(ctl, s + DONE);
  }
}

interface ParentPortLike {
  once(event: 'message', listener: (init: WorkerInit) => void): void;
}

const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
const threads = proc?.getBuiltinModule?.('node:worker_threads') as
  { parentPort: ParentPortLike | null } | undefined;
if (threads?.parentPort) threads.parentPort.once('message', serve);
else (globalThis as { onmessage?: (e: { data: WorkerInit }) => void }).onmessage = (e) => serve(e.data);
