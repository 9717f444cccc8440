import { NtkInputError, NtkTypeError } from '../../errors.js';
import { split } from '../../random/keys.js';
import type { Key } from '../../random/key.js';
import { list, shapeList } from '../tensor.js';
import type { BackwardTap, Cache, Flow, Kernel, Layer, Params, Tensor } from '../types.js';

/**
 * parallel(l1, …, lm): applies l_i to the i-th element of a list of m inputs (neural-tangents
 * `stax.parallel`); used between FanOut(m) and a FanIn. params = [p1, …, pm].
 */
export function parallel(...layers: Layer[]): Layer {
  const m = layers.length;
  const inList = <T>(x: Flow<T>, where: string): T[] => {
    const xs = list(x, `parallel.${where}`);
    if (xs.length !== m)
      throw new NtkInputError(
        `parallel.${where}: expected a list of ${m} inputs (one per branch), got ${xs.length}`,
      );
    return xs;
  };
  const plist = (params: Params): readonly Params[] => {
    if (!Array.isArray(params) || params.length !== m)
      throw new NtkTypeError(`parallel: params must be a list of ${m} children's params`);
    return params as readonly Params[];
  };
  return {
    type: 'parallel',
    config: { type: 'parallel', layers: layers.map((l) => l.config) },
    children: layers,
    outShape(inShape: Flow<readonly number[]>): Flow<number[]> {
      const s = shapeList(inShape, 'parallel.outShape');
      if (s.length !== m)
        throw new NtkInputError(`parallel.outShape: expected ${m} input shapes, got ${s.length}`);
      return layers.map((l, i) => l.outShape(s[i]) as number[]);
    },
    init(key: Key, inShape: Flow<readonly number[]>): Params {
      const s = shapeList(inShape, 'parallel.init');
      if (s.length !== m)
        throw new NtkInputError(`parallel.init: expected ${m} input shapes, got ${s.length}`);
      const keys = split(key, m);
      return layers.map((l, i) => l.init(keys[i], s[i]));
    },
    forward(params: Params, x: Flow<Tensor>) {
      const xs = inList(x, 'forward');
      const ps = plist(params);
      const rs = layers.map((l, i) => l.forward(ps[i], xs[i]));
      return { y: rs.map((r) => r.y as Tensor), cache: rs.map((r) => r.cache) };
    },
    backward(params: Params, cache: Cache, gy: Flow<Tensor>, tap?: BackwardTap) {
      const gs = inList(gy, 'backward');
      const ps = plist(params);
      const caches = cache as Cache[];
      const rs = layers.map((l, i) => l.backward(ps[i], caches[i], gs[i], tap));
      return { gx: rs.map((r) => r.gx as Tensor), gparams: rs.map((r) => r.gparams) };
    },
    jvp(params: Params, cache: Cache, tx: Flow<Tensor> | null, tparams: Params | null): Flow<Tensor> {
      const ps = plist(params);
      const tps = tparams === null ? null : plist(tparams);
      const ts = tx === null ? null : inList(tx, 'jvp');
      const caches = cache as Cache[];
      return layers.map(
        (l, i) => l.jvp(ps[i], caches[i], ts === null ? null : ts[i], tps === null ? null : tps[i]) as Tensor,
      );
    },
    kernel(k: Flow<Kernel>): Flow<Kernel> {
      const ks = inList(k, 'kernel');
      return layers.map((l, i) => l.kernel(ks[i]) as Kernel);
    },
  };
}
