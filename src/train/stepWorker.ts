import { slopeFromOutput } from '../nn/slopeFromOutput.js';
import { CTL, JOB, OP_ACTIVATE, OP_BACKWARD, type BufferMessage } from './stepJob.js';

/**
 * The worker thread of a fused training step (src/train/stepThreads.ts): it serves one half-block pass at
 * a time from the shared job words, sleeping in Atomics.wait between them. Buffers arrive as messages
 * (id, SharedArrayBuffer) posted before the first job that names them, and are read synchronously.
 */

interface Port {
  readonly unused?: never;
}
interface WorkerThreadsModule {
  workerData: { ctl: SharedArrayBuffer; job: SharedArrayBuffer };
  parentPort: Port | null;
  receiveMessageOnPort(port: Port): { message: BufferMessage } | undefined;
}

const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
const wt = proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreadsModule | undefined;

function serve(w: WorkerThreadsModule): void {
  const ctl = new Int32Array(w.workerData.ctl);
  const job = new Float64Array(w.workerData.job);
  const buffers = new Map<number, SharedArrayBuffer>();
  const relu = slopeFromOutput(0, 1)!;
  const port = w.parentPort!;
  const arg = (k: number): Float64Array | null => {
    const o = JOB.args + 3 * k;
    const id = job[o];
    if (id < 0) return null;
    while (!buffers.has(id)) {
      const m = w.receiveMessageOnPort(port);
      if (m === undefined) throw new Error(`step worker: buffer ${id} was never sent`);
      buffers.set(m.message.id, m.message.buffer);
    }
    return new Float64Array(buffers.get(id)!, 8 * job[o + 1], job[o + 2]);
  };
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, CTL.request, seen);
    seen = Atomics.load(ctl, CTL.request);
    let status = 0;
    try {
      const r0 = job[JOB.r0];
      const r1 = job[JOB.r1];
      const width = job[JOB.width];
      if (job[JOB.op] === OP_ACTIVATE) relu.activateBiased(arg(0)!, r0, r1, width, arg(1));
      else if (job[JOB.op] === OP_BACKWARD)
        relu.backward(arg(0)!, arg(1)!, arg(2)!, r0, r1, width, job[JOB.cb], arg(3));
      else throw new Error(`step worker: unknown op ${job[JOB.op]}`);
    } catch {
      status = 1;
    }
    Atomics.store(ctl, CTL.status, status);
    Atomics.store(ctl, CTL.done, seen);
    Atomics.notify(ctl, CTL.done);
  }
}

if (wt?.parentPort) serve(wt);
