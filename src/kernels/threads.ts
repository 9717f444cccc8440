import { whyNotRebuildableInWorkers } from '../nn/registry.js';
import type { Layer } from '../nn/types.js';

/**
 * Tiles of a fused kernel computed by the calling thread and worker threads together (Node only; in a browser
 * `nodeWorkers()` is null and kernelFn stays on one thread). Tiles are claimed dynamically through an atomic
 * counter in shared memory, so the calling thread is never idle and a worker that starts late just takes fewer
 * tiles. The call is synchronous: the caller blocks in Atomics.wait until every tile is done.
 */

export interface WorkerThreadsLike {
  Worker: new (url: URL, opts: { workerData: unknown }) => { unref(): void; terminate(): Promise<number> };
}

export function nodeWorkers(): WorkerThreadsLike | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return (proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreadsLike | undefined) ?? null;
}

export function availableCores(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  return os?.availableParallelism?.() ?? 1;
}

/** Control words in shared memory: [next tile, tiles done, error flag, error length, inputs ready]. */
export const NEXT = 0;
export const DONE = 1;
export const ERROR = 2;
export const ERROR_LEN = 3;
export const READY = 4;
export const ERROR_BYTES = 2048;

export interface SharedJob {
  readonly control: Int32Array; // 5 words used
  readonly errorText: Uint8Array; // ERROR_BYTES
  readonly total: number;
}

export function sharedJob(total: number): SharedJob {
  return {
    control: new Int32Array(new SharedArrayBuffer(32)),
    errorText: new Uint8Array(new SharedArrayBuffer(ERROR_BYTES)),
    total,
  };
}

/** Record an error from any thread (first one wins). */
export function reportError(job: SharedJob, message: string): void {
  if (Atomics.compareExchange(job.control, ERROR, 0, 1) !== 0) return;
  const bytes = new TextEncoder().encode(message).subarray(0, ERROR_BYTES);
  job.errorText.set(bytes);
  Atomics.store(job.control, ERROR_LEN, bytes.length);
  Atomics.notify(job.control, DONE);
}

/** Claim-and-run loop shared by the caller and the workers; waits until the caller marked the inputs ready. */
export function workOn(job: SharedJob, runTile: (t: number) => void, onTile?: () => void): void {
  while (Atomics.load(job.control, READY) === 0) Atomics.wait(job.control, READY, 0, 1000);
  for (;;) {
    if (Atomics.load(job.control, ERROR) !== 0) return;
    const t = Atomics.add(job.control, NEXT, 1);
    if (t >= job.total) return;
    runTile(t);
    Atomics.add(job.control, DONE, 1);
    Atomics.notify(job.control, DONE);
    onTile?.();
  }
}

/**
 * Start `extra` workers from `workerUrl` with `workerData` (which gets the job's buffers added) before the
 * caller has prepared the inputs, so their start-up overlaps that work; `run` then marks the inputs ready,
 * takes tiles on the calling thread too, waits for all tiles, and throws the first error of any thread.
 */
export function startShared(
  wt: WorkerThreadsLike,
  workerUrl: URL,
  workerData: Record<string, unknown>,
  job: SharedJob,
  extra: number,
): { run(runTile: (t: number) => void, onTile?: () => void): void; stop(): void } {
  const workers: { terminate(): Promise<number> }[] = [];
  for (let w = 0; w < extra; w++) {
    const worker = new wt.Worker(workerUrl, {
      workerData: { ...workerData, control: job.control.buffer, errorText: job.errorText.buffer },
    });
    worker.unref();
    workers.push(worker);
  }
  const stop = (): void => {
    for (const w of workers) void w.terminate();
  };
  const run = (runTile: (t: number) => void, onTile?: () => void): void => {
    try {
      Atomics.store(job.control, READY, 1);
      Atomics.notify(job.control, READY);
      try {
        workOn(job, runTile, onTile);
      } catch (e) {
        reportError(job, (e as Error).message);
      }
      let last = Atomics.load(job.control, DONE);
      let stalledMs = 0;
      while (last < job.total && Atomics.load(job.control, ERROR) === 0) {
        const r = Atomics.wait(job.control, DONE, last, 1000);
        const now = Atomics.load(job.control, DONE);
        if (r === 'timed-out' && now === last) {
          stalledMs += 1000;
          if (stalledMs >= 120_000)
            throw new Error(
              `kernelFn: a worker thread stalled (${job.total - now} tiles unfinished after 120 s)`,
            );
        } else stalledMs = 0;
        last = now;
      }
      if (Atomics.load(job.control, ERROR) !== 0) {
        const len = Atomics.load(job.control, ERROR_LEN);
        throw new Error(new TextDecoder().decode(job.errorText.slice(0, len)));
      }
    } finally {
      stop();
    }
  };
  return { run, stop };
}

/** Null when worker threads can rebuild `net` from its config (src/nn/registry.ts), else the reason. */
export function whyNotInWorkers(net: Layer): string | null {
  return whyNotRebuildableInWorkers(net.config);
}

const noted = new Set<string>();

/** The one-line note, once per process and message, that says why a slower path is taken. */
export function noteSlowerPath(message: string): void {
  if (noted.has(message)) return;
  noted.add(message);
  console.warn(`ntk-lab: ${message}`);
}
