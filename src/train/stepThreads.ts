import { slopeFromOutput, type SlopeFromOutput } from '../nn/slopeFromOutput.js';
import { availableCores } from '../kernels/threads.js';
import { CTL, JOB, OP_ACTIVATE, OP_BACKWARD, type BufferMessage } from './stepJob.js';

/**
 * The entry-wise passes of a fused training step (src/train/fusedNetwork.ts) on two threads: the calling
 * thread takes rows [0, h) and one worker thread rows [h, M), over buffers in shared memory. The split
 * point h depends only on the block's size (`splitRow`), never on whether the worker exists, and each half
 * sums its own rows of the bias gradient, which are then added in a fixed order — so the numbers are the
 * same on one thread or two, on every machine.
 */

/** Blocks under this many entries stay whole (a worker's wake-up costs more than it saves). */
const MIN_SPLIT = 1 << 16;

/** Where the second half of a rows × width block starts: a multiple of 4 (the backward's row unroll), or rows when the block stays whole. */
export function splitRow(rows: number, width: number): number {
  if (rows * width < MIN_SPLIT || rows < 8) return rows;
  return 4 * Math.floor(rows / 8);
}

interface WorkerLike {
  postMessage(m: BufferMessage): void;
  unref(): void;
}

interface WorkerThreads {
  Worker: new (url: URL, opts: { workerData: unknown }) => WorkerLike;
}

/** How long the calling thread waits for the worker's half before it declares the worker stuck. */
const STALL_MS = 120_000;

export class StepThreads {
  private readonly ids = new WeakMap<SharedArrayBuffer, number>();
  private nextId = 0;
  private readonly ctl = new Int32Array(new SharedArrayBuffer(4 * CTL.length));
  private readonly job = new Float64Array(new SharedArrayBuffer(8 * JOB.length));
  private readonly worker: WorkerLike;
  private requests = 0;

  private constructor(wt: WorkerThreads) {
    this.worker = new wt.Worker(new URL('./stepWorker.js', import.meta.url), {
      workerData: { ctl: this.ctl.buffer, job: this.job.buffer },
    });
    this.worker.unref();
  }

  /**
   * The process's worker (started on first use), or null where a second thread cannot help or run: one
   * core, no SharedArrayBuffer, no worker_threads (a browser page), NTK_THREADS=1.
   */
  static get(): StepThreads | null {
    if (started !== undefined) return started;
    started = null;
    const proc = (
      globalThis as {
        process?: { getBuiltinModule?: (id: string) => unknown; env?: Record<string, string | undefined> };
      }
    ).process;
    const wt = proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined;
    if (!wt || typeof SharedArrayBuffer !== 'function' || availableCores() < 2) return null;
    if (proc?.env?.NTK_THREADS === '1') return null;
    started = new StepThreads(wt);
    return started;
  }

  /** A float64 array of length n on memory the worker sees. */
  alloc(n: number): Float64Array {
    const buffer = new SharedArrayBuffer(8 * n);
    const id = this.nextId++;
    this.ids.set(buffer, id);
    this.worker.postMessage({ id, buffer });
    return new Float64Array(buffer);
  }

  /** Whether the worker sees every one of these arrays (each lives in a buffer from `alloc`, or is null). */
  sees(...arrays: (Float64Array | null)[]): boolean {
    return arrays.every(
      (a) => a === null || (a.buffer instanceof SharedArrayBuffer && this.ids.has(a.buffer)),
    );
  }

  /** Post rows [r0, r1) of a pass to the worker (every array must be one it `sees`). */
  post(
    op: number,
    r0: number,
    r1: number,
    width: number,
    cb: number,
    args: readonly (Float64Array | null)[],
  ): void {
    const j = this.job;
    j[JOB.op] = op;
    j[JOB.r0] = r0;
    j[JOB.r1] = r1;
    j[JOB.width] = width;
    j[JOB.cb] = cb;
    for (let k = 0; k < 4; k++) {
      const a = args[k] ?? null;
      const o = JOB.args + 3 * k;
      j[o] = a === null ? -1 : this.ids.get(a.buffer as SharedArrayBuffer)!;
      j[o + 1] = a === null ? 0 : a.byteOffset / 8;
      j[o + 2] = a === null ? 0 : a.length;
    }
    this.requests++;
    Atomics.store(this.ctl, CTL.request, this.requests);
    Atomics.notify(this.ctl, CTL.request);
  }

  /** Wait until the posted half is done; throws if the worker failed or stalled. */
  wait(): void {
    const t0 = Date.now();
    for (;;) {
      const done = Atomics.load(this.ctl, CTL.done);
      if (done === this.requests) break;
      if (Date.now() - t0 > STALL_MS) throw new Error('train: the step worker thread stalled for 120 s');
      Atomics.wait(this.ctl, CTL.done, done, 1000);
    }
    if (Atomics.load(this.ctl, CTL.status) !== 0) throw new Error('train: the step worker thread failed');
  }
}

/** z ← φ(z + β) over all rows of a block (SlopeFromOutput.activateBiased), its two halves on two threads. */
export function activateRows(
  threads: StepThreads | null,
  slope: SlopeFromOutput,
  z: Float64Array,
  rows: number,
  width: number,
  bias: Float64Array | null,
): void {
  const h = splitRow(rows, width);
  if (h < rows && threads !== null && slope === workerLoops && threads.sees(z, bias)) {
    threads.post(OP_ACTIVATE, h, rows, width, 0, [z, bias]);
    try {
      slope.activateBiased(z, 0, h, width, bias);
    } finally {
      threads.wait();
    }
  } else slope.activateBiased(z, 0, rows, width, bias);
}

/**
 * gz = gy·φ'(z) over all rows of a block and gb_j += c_b·Σ_r gz_rj (SlopeFromOutput.backward), its two halves
 * on two threads: rows [0, h) sum into gb, rows [h, M) into `partial` (width numbers, overwritten), which is
 * then added to gb — on one thread too, so the numbers do not depend on the worker.
 */
export function backwardRows(
  threads: StepThreads | null,
  slope: SlopeFromOutput,
  gy: Float64Array,
  a: Float64Array,
  gz: Float64Array,
  rows: number,
  width: number,
  cb: number,
  gb: Float64Array | null,
  partial: Float64Array,
): void {
  const h = splitRow(rows, width);
  if (h === rows) {
    slope.backward(gy, a, gz, 0, rows, width, cb, gb);
    return;
  }
  const part = gb === null ? null : partial.subarray(0, width).fill(0);
  if (threads !== null && slope === workerLoops && threads.sees(gy, a, gz, part)) {
    threads.post(OP_BACKWARD, h, rows, width, cb, [gy, a, gz, part]);
    try {
      slope.backward(gy, a, gz, 0, h, width, cb, gb);
    } finally {
      threads.wait();
    }
  } else {
    slope.backward(gy, a, gz, 0, h, width, cb, gb);
    slope.backward(gy, a, gz, h, rows, width, cb, part);
  }
  if (gb !== null && part !== null) for (let j = 0; j < width; j++) gb[j] += part[j];
}

let started: StepThreads | null | undefined;

/** The loops the worker runs (stepWorker.ts): Relu's, the one activation whose slope is read off its output. */
const workerLoops = slopeFromOutput(0, 1);
