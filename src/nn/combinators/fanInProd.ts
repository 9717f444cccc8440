import { NtkInputError } from '../../errors.js';
import { replaceKernel } from '../kernelRecord.js';
import { list, sameShape, shapeList } from '../tensor.js';
import type { Cache, Flow, Kernel, Layer, Params, Tensor } from '../types.js';

/**
 * FanInProd: the entrywise product of a list of equal-shape inputs (neural-tangents `stax.FanInProd`),
 * y = Π_b x_b. For branches that are independent and centred in the infinite-width limit (every branch ends in
 * an affine layer with fresh zero-mean weights), E[Π_b x_b(x)·Π_b x_b(x')] = Π_b Σ_b(x, x'), and the gradient of
 * y with respect to branch b's parameters is ∂x_b·Π_{c≠b} x_c, so
 *   Σ' = Π_b Σ_b,   Θ' = Σ_b Θ_b·Π_{c≠b} Σ_c,   var' = Π_b var_b,
 * entry by entry in any layout of src/nn/types.ts. A product of Gaussians is not Gaussian: the result is Gaussian
 * only for a single branch (then FanInProd is the identity). Branches that share their randomness (e.g.
 * parallel(Identity, Identity)) are not covered, as in neural-tangents.
 */
export function FanInProd(): Layer {
  return {
    type: 'FanInProd',
    config: { type: 'FanInProd' },
    children: [],
    outShape(inShape: Flow<readonly number[]>): number[] {
      const s = shapeList(inShape, 'FanInProd');
      if (s.length === 0) throw new NtkInputError('FanInProd: needs at least one input');
      for (const t of s)
        if (!sameShape(t, s[0]))
          throw new NtkInputError(
            `FanInProd: input shapes differ: [${s.map((x) => `[${x.join(', ')}]`).join(', ')}]`,
          );
      return [...s[0]];
    },
    init: (): Params => ({}),
    forward(_p: Params, x: Flow<Tensor>) {
      const xs = list(x, 'FanInProd');
      if (xs.length === 0) throw new NtkInputError('FanInProd: needs at least one input');
      for (const t of xs)
        if (!sameShape(t.shape, xs[0].shape))
          throw new NtkInputError(
            `FanInProd: input shapes differ: [${t.shape.join(', ')}] vs [${xs[0].shape.join(', ')}]`,
          );
      const y = new Float64Array(xs[0].data.length).fill(1);
      for (const t of xs) for (let i = 0; i < y.length; i++) y[i] *= t.data[i];
      return { y: { shape: [...xs[0].shape], data: y }, cache: xs };
    },
    backward(_p: Params, cache: Cache, gy: Flow<Tensor>) {
      const xs = cache as Tensor[];
      const g = gy as Tensor;
      // ∂y/∂x_b = Π_{c≠b} x_c (a product of the others, not y/x_b, so zeros are exact)
      const gx = xs.map((_, b) => {
        const d = g.data.slice();
        xs.forEach((t, c) => {
          if (c !== b) for (let i = 0; i < d.length; i++) d[i] *= t.data[i];
        });
        return { shape: [...g.shape], data: d };
      });
      return { gx, gparams: {} };
    },
    jvp(_p: Params, cache: Cache, tx: Flow<Tensor> | null): Tensor {
      const xs = cache as Tensor[];
      const out = new Float64Array(xs[0].data.length);
      if (tx === null) return { shape: [...xs[0].shape], data: out };
      const ts = list(tx, 'FanInProd.jvp');
      ts.forEach((t, b) => {
        const d = t.data.slice();
        xs.forEach((x, c) => {
          if (c !== b) for (let i = 0; i < d.length; i++) d[i] *= x.data[i];
        });
        for (let i = 0; i < out.length; i++) out[i] += d[i];
      });
      return { shape: [...xs[0].shape], data: out };
    },
    kernel(k: Flow<Kernel>): Kernel {
      const ks = list(k, 'FanInProd.kernel');
      if (ks.length === 0) throw new NtkInputError('FanInProd: needs at least one input kernel');
      const k0 = ks[0];
      for (const q of ks)
        if (
          q.n1 !== k0.n1 ||
          q.n2 !== k0.n2 ||
          !sameShape(q.spatial, k0.spatial) ||
          q.diagonalSpatial !== k0.diagonalSpatial
        )
          throw new NtkInputError('FanInProd: branch kernels differ in batch sizes or spatial layout');
      const prod = (get: (q: Kernel) => Float64Array): Float64Array => {
        const out = new Float64Array(get(k0).length).fill(1);
        for (const q of ks) {
          const a = get(q);
          for (let i = 0; i < out.length; i++) out[i] *= a[i];
        }
        return out;
      };
      const nngp = prod((q) => q.nngp);
      let ntk: Float64Array | null = null;
      if (ks.every((q) => q.ntk !== null)) {
        ntk = new Float64Array(nngp.length);
        ks.forEach((q, b) => {
          const t = q.ntk!.slice();
          ks.forEach((r, c) => {
            if (c !== b) for (let i = 0; i < t.length; i++) t[i] *= r.nngp[i];
          });
          for (let i = 0; i < t.length; i++) ntk![i] += t[i];
        });
      }
      const var1 = prod((q) => q.var1);
      const var2 = ks.every((q) => q.var2 === q.var1) ? var1 : prod((q) => q.var2);
      return replaceKernel(k0, {
        nngp,
        ntk,
        var1,
        var2,
        isGaussian: ks.length === 1 && k0.isGaussian,
      });
    },
  };
}
