import { foldIn, permutation } from '../random/index.js';
import type { Key } from '../random/key.js';
import type { Tensor } from '../nn/types.js';

/**
 * Seeded minibatch order: epoch e visits the examples in the order permutation(foldIn(key, e), N),
 * cut into consecutive batches of B (the last batch of an epoch may be smaller). Update s uses batch
 * s mod ⌈N/B⌉ of epoch ⌊s/⌈N/B⌉⌋, so a run is reproducible from (key, N, B) alone.
 */
export function batchIndices(key: Key, n: number, batch: number, step: number): Int32Array {
  const perEpoch = Math.ceil(n / batch);
  const epoch = Math.floor(step / perEpoch);
  const b = step % perEpoch;
  const order = permutation(foldIn(key, epoch % 2 ** 31), n);
  return order.subarray(b * batch, Math.min(n, (b + 1) * batch));
}

/** batchIndices(key, n, batch, ·) with the current epoch's permutation cached (one permutation per epoch). */
export function makeBatcher(key: Key, n: number, batch: number): (step: number) => Int32Array {
  const perEpoch = Math.ceil(n / batch);
  let epoch = -1;
  let order: Int32Array = new Int32Array(0);
  return (step) => {
    const e = Math.floor(step / perEpoch);
    if (e !== epoch) {
      epoch = e;
      order = permutation(foldIn(key, e % 2 ** 31), n);
    }
    const b = step % perEpoch;
    return order.subarray(b * batch, Math.min(n, (b + 1) * batch));
  };
}

/** The rows `idx` of a batch-first tensor, copied. */
export function gatherRows(x: Tensor, idx: ArrayLike<number>): Tensor {
  const n = x.shape[0];
  const w = n === 0 ? 0 : x.data.length / n;
  const out = new Float64Array(idx.length * w);
  for (let i = 0; i < idx.length; i++) out.set(x.data.subarray(idx[i] * w, (idx[i] + 1) * w), i * w);
  return { shape: [idx.length, ...x.shape.slice(1)], data: out };
}
