import { NtkTypeError } from '../../errors.js';
import { split } from '../../random/keys.js';
import type { Key } from '../../random/key.js';
import type { BackwardTap, Cache, Flow, Kernel, Layer, Params, Tensor } from '../types.js';

/** serial(l1, …, lm): the composition lm ∘ … ∘ l1 (neural-tangents `stax.serial`); params = [p1, …, pm]. */
export function serial(...layers: Layer[]): Layer {
  layers.forEach((l, i) => {
    if (l === null || typeof l !== 'object' || typeof l.kernel !== 'function')
      throw new NtkTypeError(`serial: argument ${i} is not a Layer, got ${String(l)}`);
  });
  const plist = (params: Params): readonly Params[] => {
    if (!Array.isArray(params) || params.length !== layers.length) {
      throw new NtkTypeError(
        `serial: params must be a list of ${layers.length} children's params, got ${Array.isArray(params) ? `a list of ${params.length}` : 'a record'}`,
      );
    }
    return params as readonly Params[];
  };
  return {
    type: 'serial',
    config: { type: 'serial', layers: layers.map((l) => l.config) },
    children: layers,
    outShape(inShape: Flow<readonly number[]>): Flow<number[]> {
      let s = inShape;
      for (const l of layers) s = l.outShape(s);
      return s as Flow<number[]>;
    },
    init(key: Key, inShape: Flow<readonly number[]>): Params {
      const keys = split(key, layers.length);
      let s = inShape;
      return layers.map((l, i) => {
        const p = l.init(keys[i], s);
        s = l.outShape(s);
        return p;
      });
    },
    forward(params: Params, x: Flow<Tensor>) {
      const ps = plist(params);
      const caches: Cache[] = [];
      let y = x;
      for (let i = 0; i < layers.length; i++) {
        const r = layers[i].forward(ps[i], y);
        caches.push(r.cache);
        y = r.y;
      }
      return { y, cache: caches };
    },
    backward(params: Params, cache: Cache, gy: Flow<Tensor>, tap?: BackwardTap) {
      const ps = plist(params);
      const caches = cache as Cache[];
      const gparams: Params[] = new Array(layers.length);
      let g = gy;
      for (let i = layers.length - 1; i >= 0; i--) {
        const r = layers[i].backward(ps[i], caches[i], g, tap);
        gparams[i] = r.gparams;
        g = r.gx;
      }
      return { gx: g, gparams };
    },
    jvp(params: Params, cache: Cache, tx: Flow<Tensor> | null, tparams: Params | null): Flow<Tensor> {
      const ps = plist(params);
      const tps = tparams === null ? null : plist(tparams);
      const caches = cache as Cache[];
      let t = tx;
      for (let i = 0; i < layers.length; i++)
        t = layers[i].jvp(ps[i], caches[i], t, tps === null ? null : tps[i]);
      if (t === null) throw new Error('serial.jvp: empty serial with a zero tangent');
      return t;
    },
    kernel(k: Flow<Kernel>): Flow<Kernel> {
      let r = k;
      for (const l of layers) r = l.kernel(r);
      return r;
    },
  };
}
