import {
  CONTROL,
  DONE,
  MAX_WORKERS,
  PARAMS,
  READY,
  REQUEST,
  SLOT_INTS,
  SLOT_PARAM_BYTES,
  STATUS,
} from './control.js';
import type { WorkerInit } from './control.js';
import { GEMM_PARAMS } from './gemmJob.js';
import type { WasmMemory, WasmModule } from './webAssembly.js';

/** How long a new worker may take to instantiate the kernels before threads are given up. */
const READY_TIMEOUT_MS = 20000;

interface WorkerLike {
  postMessage(msg: WorkerInit): void;
  unref?(): void;
  terminate(): unknown;
}

/**
 * Worker threads that run GEMM jobs on the shared wasm memory (Node worker_threads, or module Web
 * Workers when the page is cross-origin isolated). `run` is synchronous: it posts one job per worker,
 * lets the caller compute its own share, and blocks in Atomics.wait until every worker is done — so it
 * needs a thread that may block (Node's main thread, or a Web Worker; not a browser page's main thread).
 */
export class ThreadPool {
  private readonly ctl: Int32Array;
  private readonly workers: WorkerLike[] = [];

  private constructor(private readonly memory: WasmMemory) {
    this.ctl = new Int32Array(memory.buffer, CONTROL, MAX_WORKERS * SLOT_INTS);
  }

  /**
   * Start `size` workers over `memory` (shared) and wait until they listen. Returns null, with the
   * reason, where threads cannot run: no SharedArrayBuffer, no way to start workers, a thread that may
   * not block, or workers that do not come up.
   */
  static start(module: WasmModule, memory: WasmMemory, size: number): ThreadPool | string {
    if (size < 1 || size > MAX_WORKERS) return `worker count must be 1..${MAX_WORKERS}, got ${size}`;
    const spawn = workerFactory();
    if (typeof spawn === 'string') return spawn;
    const pool = new ThreadPool(memory);
    try {
      Atomics.wait(pool.ctl, 0, 1, 0); // throws on threads that may not block (a page's main thread)
    } catch {
      return 'Atomics.wait is not allowed on this thread';
    }
    for (let s = 0; s < size; s++) {
      const w = spawn();
      pool.workers.push(w);
      w.postMessage({ module, memory, slot: s });
    }
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (let s = 0; s < size; s++) {
      while (Atomics.load(pool.ctl, s * SLOT_INTS + READY) !== 1) {
        const left = deadline - Date.now();
        if (left <= 0) {
          pool.stop();
          return `worker threads did not start within ${READY_TIMEOUT_MS} ms`;
        }
        Atomics.wait(pool.ctl, s * SLOT_INTS + READY, 0, left);
      }
    }
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Run jobs[0] on the calling thread through `self` and jobs[1..] on workers 0.., all at once; returns
   * when all are done. Throws when a worker's job threw.
   */
  run(jobs: Float64Array[], self: (job: Float64Array) => void): void {
    if (jobs.length - 1 > this.workers.length) throw new RangeError('ThreadPool.run: more jobs than workers');
    const posted: number[] = [];
    for (let s = 0; s + 1 < jobs.length; s++) {
      new Float64Array(this.memory.buffer, PARAMS + s * SLOT_PARAM_BYTES, GEMM_PARAMS).set(jobs[s + 1]);
      const next = Atomics.load(this.ctl, s * SLOT_INTS + DONE) + 1;
      posted.push(next);
      Atomics.store(this.ctl, s * SLOT_INTS + REQUEST, next);
      Atomics.notify(this.ctl, s * SLOT_INTS + REQUEST);
    }
    let failed = false;
    try {
      self(jobs[0]);
    } finally {
      for (let s = 0; s < posted.length; s++) {
        const i = s * SLOT_INTS;
        while (Atomics.load(this.ctl, i + DONE) !== posted[s])
          Atomics.wait(this.ctl, i + DONE, posted[s] - 1);
        if (Atomics.load(this.ctl, i + STATUS) !== 0) failed = true;
      }
    }
    if (failed) throw new Error('wasm backend: a worker thread failed in GEMM');
  }

  stop(): void {
    for (let s = 0; s < this.workers.length; s++) {
      Atomics.store(this.ctl, s * SLOT_INTS + REQUEST, -1);
      Atomics.notify(this.ctl, s * SLOT_INTS + REQUEST);
      this.workers[s].terminate();
    }
    this.workers.length = 0;
  }
}

/** A function that starts one worker running ./worker.js, or why workers are unavailable here. */
function workerFactory(): (() => WorkerLike) | string {
  if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is not available';
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const nodeThreads = proc?.getBuiltinModule?.('node:worker_threads') as
    { Worker: new (url: URL) => WorkerLike } | undefined;
  if (nodeThreads) {
    return () => {
      const w = new nodeThreads.Worker(new URL('./worker.js', import.meta.url));
      w.unref?.();
      return w;
    };
  }
  const g = globalThis as {
    crossOriginIsolated?: boolean;
    Worker?: new (url: URL, opts: { type: 'module' }) => WorkerLike;
  };
  if (!g.Worker) return 'no Worker constructor';
  if (g.crossOriginIsolated !== true) return 'the page is not cross-origin isolated';
  const Worker = g.Worker;
  return () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
}
