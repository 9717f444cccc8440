import { NtkInputError } from '../../errors.js';
import { replaceKernel } from '../kernelRecord.js';
import { single, singleShape } from '../tensor.js';
import type { Cache, Flow, Kernel, Layer, Params, Tensor } from '../types.js';
import { pooledVariances } from './pooledVariance.js';
import { oneKernel, positions, requireFullSpatial, requireSpatial } from './spatialKernel.js';

/**
 * Global average pooling (neural-tangents `stax.GlobalAvgPool`; the CNTK-GAP of Arora et al. 2019, §3 and
 * eq. 9): y(c) = (1/P)·Σ_p x(p, c) over the P spatial positions, [N, ...S, C] → [N, C]. Kernel map:
 *   Σ' = (1/P²)·Σ_{p, p'} Σ(p, p'),  Θ' = (1/P²)·Σ_{p, p'} Θ(p, p'),
 * so it needs the all-pairs layout (diagonalSpatial = false); an average of Gaussians is Gaussian (isGaussian kept).
 */
export function GlobalAvgPool(): Layer {
  return {
    type: 'GlobalAvgPool',
    config: { type: 'GlobalAvgPool' },
    children: [],
    outShape(s: Flow<readonly number[]>): number[] {
      const shape = singleShape(s, 'GlobalAvgPool');
      if (shape.length < 2)
        throw new NtkInputError(
          `GlobalAvgPool: needs a spatial input feature shape [...S, C], got [${shape.join(', ')}]`,
        );
      return [shape[shape.length - 1]];
    },
    init: (): Params => ({}),
    forward(_p: Params, xf: Flow<Tensor>) {
      const x = single(xf, 'GlobalAvgPool');
      if (x.shape.length < 3)
        throw new NtkInputError(
          `GlobalAvgPool: needs spatial inputs [N, ...S, C], got [${x.shape.join(', ')}]`,
        );
      const N = x.shape[0];
      const C = x.shape[x.shape.length - 1];
      const P = positions(x.shape.slice(1, -1));
      const y = new Float64Array(N * C);
      for (let n = 0; n < N; n++)
        for (let p = 0; p < P; p++)
          for (let c = 0; c < C; c++) y[n * C + c] += x.data[(n * P + p) * C + c] / P;
      return { y: { shape: [N, C], data: y }, cache: [...x.shape] };
    },
    backward(_p: Params, cache: Cache, gyf: Flow<Tensor>) {
      const shape = cache as number[];
      const gy = single(gyf, 'GlobalAvgPool.backward');
      const N = shape[0];
      const C = shape[shape.length - 1];
      const P = positions(shape.slice(1, -1));
      const gx = new Float64Array(N * P * C);
      for (let n = 0; n < N; n++)
        for (let p = 0; p < P; p++)
          for (let c = 0; c < C; c++) gx[(n * P + p) * C + c] = gy.data[n * C + c] / P;
      return { gx: { shape: [...shape], data: gx }, gparams: {} };
    },
    jvp(_p: Params, cache: Cache, tx: Flow<Tensor> | null): Tensor {
      const shape = cache as number[];
      const N = shape[0];
      const C = shape[shape.length - 1];
      if (tx === null) return { shape: [N, C], data: new Float64Array(N * C) };
      return this.forward({}, single(tx, 'GlobalAvgPool.jvp')).y as Tensor;
    },
    kernel(kf: Flow<Kernel>): Kernel {
      const k = oneKernel(kf, 'GlobalAvgPool');
      requireSpatial(k, 'GlobalAvgPool');
      requireFullSpatial(k, 'GlobalAvgPool');
      const P = positions(k.spatial);
      const B = P * P;
      const pool = (src: Float64Array): Float64Array => {
        const out = new Float64Array(k.n1 * k.n2);
        for (let e = 0; e < out.length; e++) {
          let s = 0;
          for (let t = 0; t < B; t++) s += src[e * B + t];
          out[e] = s / B;
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
