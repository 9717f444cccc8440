import { NtkInputError, NtkTypeError } from '../errors.js';
import type { Key } from '../random/key.js';
import { Matrix } from '../linalg/matrix.js';
import type { BackwardTap, Cache, Flow, Layer, Params, Tensor } from './types.js';
import { matrixAsTensor } from './tensor.js';

/** Network-level helpers over any Layer (a network is a layer, usually a `serial`). */

/** A batch as a Tensor: a Matrix N×d becomes shape [N, d]; NaN/±∞ inputs are rejected. */
export function asTensor(x: Matrix | Tensor, where = 'input'): Tensor {
  const t: Tensor = matrixAsTensor(x);
  if (!t || !(t.data instanceof Float64Array) || !Array.isArray(t.shape))
    throw new NtkTypeError(`${where}: expected a Matrix or a Tensor {shape, data: Float64Array}`);
  for (let i = 0; i < t.data.length; i++) {
    if (!Number.isFinite(t.data[i])) {
      const row = t.shape.length > 0 && t.shape[0] > 0 ? Math.floor(i / (t.data.length / t.shape[0])) : 0;
      throw new NtkInputError(`${where}: entry ${i} (example ${row}) is ${t.data[i]}; inputs must be finite`);
    }
  }
  return t;
}

/** Seeded initial parameters for inputs of feature shape `inShape` (e.g. [d]). */
export function initParams(net: Layer, key: Key, inShape: Flow<readonly number[]>): Params {
  return net.init(key, inShape);
}

/** The network's output on a batch. */
export function apply(net: Layer, params: Params, x: Matrix | Tensor): Tensor {
  const y = net.forward(params, asTensor(x)).y;
  if (Array.isArray(y))
    throw new NtkTypeError(`apply: the network ends in a list of ${y.length} outputs; add a FanIn layer`);
  return y as Tensor;
}

/** Forward pass keeping the cache for `backward` / `jvp`. */
export function forward(net: Layer, params: Params, x: Matrix | Tensor): { y: Tensor; cache: Cache } {
  const r = net.forward(params, asTensor(x));
  if (Array.isArray(r.y))
    throw new NtkTypeError(`forward: the network ends in a list of ${r.y.length} outputs; add a FanIn layer`);
  return { y: r.y as Tensor, cache: r.cache };
}

/**
 * Loss-agnostic VJP: given the cotangent gy = ∂L/∂y of the output, the input cotangent gx = ∂L/∂x and the
 * parameter gradient ∂L/∂θ (same tree as params, summed over the batch). `tap` sees every parameterized layer.
 */
export function backward(
  net: Layer,
  params: Params,
  cache: Cache,
  gy: Tensor,
  tap?: BackwardTap,
): { gx: Tensor; gparams: Params } {
  const r = net.backward(params, cache, gy, tap);
  return { gx: r.gx as Tensor, gparams: r.gparams };
}
