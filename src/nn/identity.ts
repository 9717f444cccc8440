import { NtkTypeError } from '../errors.js';
import type { EntrywiseLayer } from './entrywise.js';
import { single, singleShape, tensor } from './tensor.js';
import type { Cache, Flow, Kernel, Params, Tensor } from './types.js';

/** Identity: y = x; the kernel record passes through unchanged (neural-tangents `stax.Identity`). */
export function Identity(): EntrywiseLayer {
  return {
    type: 'Identity',
    config: { type: 'Identity' },
    children: [],
    outShape: (s: Flow<readonly number[]>) => [...singleShape(s, 'Identity')],
    init: (): Params => ({}),
    forward(_p: Params, x: Flow<Tensor>) {
      const t = single(x, 'Identity');
      return { y: t, cache: t.shape };
    },
    backward: (_p: Params, _c: Cache, gy: Flow<Tensor>) => ({ gx: single(gy, 'Identity'), gparams: {} }),
    jvp(_p: Params, cache: Cache, tx: Flow<Tensor> | null): Flow<Tensor> {
      return tx === null ? tensor(cache as number[]) : single(tx, 'Identity');
    },
    kernel(k: Flow<Kernel>): Kernel {
      if (Array.isArray(k))
        throw new NtkTypeError(`Identity: expected one kernel record, got a list of ${k.length}`);
      return k;
    },
    entrywise: {
      gaussianAfter: (g) => g,
      channelsAfter: (c) => c,
      variance: (q) => q,
      tile: () => undefined,
      perEntry: { kind: 'identity' },
    },
  };
}
