import { NtkInputError, NtkTypeError } from '../../errors.js';
import { single, singleShape, tensor } from '../tensor.js';
import type { Cache, Flow, Kernel, Layer, Params, Tensor } from '../types.js';

/** FanOut(n): one input → a list of n copies (neural-tangents `stax.FanOut`); backward sums the cotangents. */
export function FanOut(n: number): Layer {
  if (!Number.isInteger(n) || n < 1)
    throw new NtkInputError(`FanOut: n must be a positive integer, got ${String(n)}`);
  return {
    type: 'FanOut',
    config: { type: 'FanOut', n },
    children: [],
    outShape(inShape: Flow<readonly number[]>): number[][] {
      const s = singleShape(inShape, 'FanOut');
      return Array.from({ length: n }, () => [...s]);
    },
    init: (): Params => ({}),
    forward(_p: Params, x: Flow<Tensor>) {
      const t = single(x, 'FanOut');
      return { y: Array.from({ length: n }, () => t), cache: t.shape };
    },
    backward(_p: Params, cache: Cache, gy: Flow<Tensor>) {
      if (!Array.isArray(gy) || gy.length !== n)
        throw new NtkInputError(`FanOut.backward: expected a list of ${n} cotangents`);
      const gx = tensor(cache as number[]);
      for (const g of gy) for (let i = 0; i < gx.data.length; i++) gx.data[i] += g.data[i];
      return { gx, gparams: {} };
    },
    jvp(_p: Params, cache: Cache, tx: Flow<Tensor> | null): Tensor[] {
      const t = tx === null ? tensor(cache as number[]) : single(tx, 'FanOut.jvp');
      return Array.from({ length: n }, () => t);
    },
    kernel(k: Flow<Kernel>): Kernel[] {
      if (Array.isArray(k))
        throw new NtkTypeError(`FanOut: expected one kernel record, got a list of ${k.length}`);
      return Array.from({ length: n }, () => k);
    },
  };
}
