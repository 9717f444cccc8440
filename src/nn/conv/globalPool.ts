import { NtkInputError } from '../../errors.js';
import { replaceKernel } from '../kernelRecord.js';
import { single, singleShape } from '../tensor.js';
import type { Cache, Flow, Kernel, Layer, Params, Tensor } from '../types.js';
import { pooledVariances } from './pooledVariance.js';
import { oneKernel, positions, requireFullSpatial, requireSpatial } from './spatialKernel.js';

/**
 * Global pooling over all P spatial positions, [N, ...S, C] → [N, C] (neural-tangents `_GlobalPool`), the one rule
 * behind GlobalAvgPool (mean, the CNTK-GAP of Arora et al. 2019, §3 and eq. 9) and GlobalSumPool (sum):
 *   y(c) = Σ_p x(p, c) / D,  D = P (mean) or 1 (sum);
 * kernel map Σ' = Σ_{p, p'} Σ(p, p') / D², the same for Θ, so it needs the all-pairs layout (diagonalSpatial =
 * false); a linear image of a Gaussian is Gaussian (isGaussian kept).
 */
export type GlobalPooling = 'mean' | 'sum';

export function globalPool(type: string, pooling: GlobalPooling): Layer {
  const divisor = (P: number): number => (pooling === 'mean' ? P : 1);
  return {
    type,
    config: { type },
    children: [],
    outShape(s: Flow<readonly number[]>): number[] {
      const shape = singleShape(s, type);
      if (shape.length < 2)
        throw new NtkInputError(
          `${type}: needs a spatial input feature shape [...S, C], got [${shape.join(', ')}]`,
        );
      return [shape[shape.length - 1]];
    },
    init: (): Params => ({}),
    forward(_p: Params, xf: Flow<Tensor>) {
      const x = single(xf, type);
      if (x.shape.length < 3)
        throw new NtkInputError(`${type}: needs spatial inputs [N, ...S, C], got [${x.shape.join(', ')}]`);
      const N = x.shape[0];
      const C = x.shape[x.shape.length - 1];
      const P = positions(x.shape.slice(1, -1));
      const D = divisor(P);
      const y = new Float64Array(N * C);
      for (let n = 0; n < N; n++)
        for (let p = 0; p < P; p++)
          for (let c = 0; c < C; c++) y[n * C + c] += x.data[(n * P + p) * C + c] / D;
      return { y: { shape: [N, C], data: y }, cache: [...x.shape] };
    },
    backward(_p: Params, cache: Cache, gyf: Flow<Tensor>) {
      const shape = cache as number[];
      const gy = single(gyf, `${type}.backward`);
      const N = shape[0];
      const C = shape[shape.length - 1];
      const P = positions(shape.slice(1, -1));
      const D = divisor(P);
      const gx = new Float64Array(N * P * C);
      for (let n = 0; n < N; n++)
        for (let p = 0; p < P; p++)
          for (let c = 0; c < C; c++) gx[(n * P + p) * C + c] = gy.data[n * C + c] / D;
      return { gx: { shape: [...shape], data: gx }, gparams: {} };
    },
    jvp(_p: Params, cache: Cache, tx: Flow<Tensor> | null): Tensor {
      const shape = cache as number[];
      const N = shape[0];
      const C = shape[shape.length - 1];
      if (tx === null) return { shape: [N, C], data: new Float64Array(N * C) };
      return this.forward({}, single(tx, `${type}.jvp`)).y as Tensor;
    },
    kernel(kf: Flow<Kernel>): Kernel {
      const k = oneKernel(kf, type);
      requireSpatial(k, type);
      requireFullSpatial(k, type);
      const P = positions(k.spatial);
      const B = P * P;
      const D2 = divisor(P) ** 2;
      const pool = (src: Float64Array): Float64Array => {
        const out = new Float64Array(k.n1 * k.n2);
        for (let e = 0; e < out.length; e++) {
          let s = 0;
          for (let t = 0; t < B; t++) s += src[e * B + t];
          out[e] = s / D2;
        }
        return out;
      };
      const nngp = pool(k.nngp);
      const ntk = k.ntk === null ? null : pool(k.ntk);
      return replaceKernel(k, {
        nngp,
        ntk,
        ...pooledVariances(k, nngp, 1),
        spatial: [],
        diagonalSpatial: true,
      });
    },
  };
}
