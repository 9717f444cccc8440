/** The shared words through which a fused training step hands a half-block pass to its worker thread (src/train/stepThreads.ts, stepWorker.ts). */

/** Job words (Float64Array on shared memory). */
export const JOB = {
  op: 0,
  r0: 1,
  r1: 2,
  width: 3,
  cb: 4,
  /** Four array arguments, each as (buffer id, offset in doubles, length); id −1: none. */
  args: 5,
  length: 17,
} as const;
export const OP_ACTIVATE = 1;
export const OP_BACKWARD = 2;
/** Control words (Int32Array on shared memory): request count, done count, status (0 ok, 1 failed). */
export const CTL = { request: 0, done: 1, status: 2, length: 4 } as const;

/** A message that hands the worker a shared buffer under an id. */
export interface BufferMessage {
  readonly id: number;
  readonly buffer: SharedArrayBuffer;
}
