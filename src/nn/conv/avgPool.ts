import { NtkInputError, NtkTypeError } from '../../errors.js';
import { replaceKernel } from '../kernelRecord.js';
import { single, singleShape } from '../tensor.js';
import type { Cache, Flow, Kernel, Layer, Params, Tensor } from '../types.js';
import {
  checkPadding,
  checkWindow,
  geometry,
  pairWindowSum,
  type Geometry,
  type Padding,
} from './geometry.js';
import { col2im, im2col } from './patches.js';
import { pooledVariances } from './pooledVariance.js';
import { oneKernel, requireFullSpatial, requireSpatial } from './spatialKernel.js';

/**
 * Average pooling over windows (neural-tangents `stax.AvgPool` with normalize_edges = False):
 * y(o, c) = (1/|window|)·Σ_a x(o·s + a − before, c), padding positions counted as zeros; strides default to
 * the window, padding to 'VALID'. Kernel map (linear in x, so on all position pairs):
 *   Σ'(o, o') = (1/|window|²)·Σ_{a, a'} Σ(src(o, a), src(o', a')), the same for Θ;
 * it needs the all-pairs layout (diagonalSpatial = false) and keeps isGaussian.
 */
export interface AvgPoolOptions {
  readonly window: readonly number[];
  readonly strides?: readonly number[];
  readonly padding?: Padding;
}

interface PoolCache {
  shape: number[];
  g: Geometry;
  C: number;
}

/** Average pooling over windows (neural-tangents `stax.AvgPool`): y(o) = (1/|window|)·Σ_a x(o·s + a); kernel map Σ'(o, o') = (1/|window|²)·Σ_{a,a'} Σ(o·s + a, o'·s + a'), the same for Θ. */
export function AvgPool(opts: AvgPoolOptions): Layer {
  if (opts === null || typeof opts !== 'object')
    throw new NtkTypeError(`AvgPool: expected options { window, strides?, padding? }, got ${String(opts)}`);
  const window = checkWindow(opts.window, 'AvgPool', 'window');
  const strides = checkWindow(opts.strides ?? window, 'AvgPool', 'strides');
  if (strides.length !== window.length)
    throw new NtkInputError(
      `AvgPool: strides [${strides.join(', ')}] and window [${window.join(', ')}] must have the same length`,
    );
  const padding = checkPadding(opts.padding ?? 'VALID', 'AvgPool');
  const size = window.reduce((a, b) => a * b, 1);
  const geo = (shape: readonly number[], where: string): { g: Geometry; C: number } => {
    if (shape.length !== window.length + 1)
      throw new NtkInputError(
        `AvgPool.${where}: a ${window.length}-D pooling expects input feature shape ${window.length === 2 ? '[H, W, C]' : '[L, C]'}, got [${shape.join(', ')}]`,
      );
    return {
      g: geometry(shape.slice(0, -1), window, strides, padding, `AvgPool.${where}`),
      C: shape[shape.length - 1],
    };
  };
  /** y = (1/|window|)·Σ_a patch(·, a, ·). */
  const pool = (g: Geometry, x: Float64Array, N: number, C: number): Float64Array => {
    const p = im2col(g, x, N, C);
    const y = new Float64Array(N * g.pOut * C);
    for (let r = 0; r < N * g.pOut; r++)
      for (let a = 0; a < size; a++)
        for (let c = 0; c < C; c++) y[r * C + c] += p[(r * size + a) * C + c] / size;
    return y;
  };
  return {
    type: 'AvgPool',
    config: { type: 'AvgPool', window, strides, padding },
    children: [],
    outShape(s: Flow<readonly number[]>): number[] {
      const { g, C } = geo(singleShape(s, 'AvgPool'), 'outShape');
      return [...g.outSpatial, C];
    },
    init: (): Params => ({}),
    forward(_p: Params, xf: Flow<Tensor>) {
      const x = single(xf, 'AvgPool');
      const { g, C } = geo(x.shape.slice(1), 'forward');
      const N = x.shape[0];
      const cache: PoolCache = { shape: [...x.shape], g, C };
      return { y: { shape: [N, ...g.outSpatial, C], data: pool(g, x.data, N, C) }, cache };
    },
    backward(_p: Params, cache: Cache, gyf: Flow<Tensor>) {
      const { shape, g, C } = cache as PoolCache;
      const gy = single(gyf, 'AvgPool.backward');
      const N = shape[0];
      const gp = new Float64Array(N * g.pOut * size * C);
      for (let r = 0; r < N * g.pOut; r++)
        for (let a = 0; a < size; a++)
          for (let c = 0; c < C; c++) gp[(r * size + a) * C + c] = gy.data[r * C + c] / size;
      return { gx: { shape: [...shape], data: col2im(g, gp, N, C) }, gparams: {} };
    },
    jvp(_p: Params, cache: Cache, tx: Flow<Tensor> | null): Tensor {
      const { shape, g, C } = cache as PoolCache;
      const N = shape[0];
      const data =
        tx === null ? new Float64Array(N * g.pOut * C) : pool(g, single(tx, 'AvgPool.jvp').data, N, C);
      return { shape: [N, ...g.outSpatial, C], data };
    },
    kernel(kf: Flow<Kernel>): Kernel {
      const k = oneKernel(kf, 'AvgPool');
      requireSpatial(k, 'AvgPool');
      requireFullSpatial(k, 'AvgPool');
      const g = geometry(k.spatial, window, strides, padding, 'AvgPool');
      const P = g.pIn;
      const Q = g.pOut;
      const pairs = k.n1 * k.n2;
      const s = 1 / (size * size);
      const map = (src: Float64Array): Float64Array => {
        const out = new Float64Array(pairs * Q * Q);
        for (let e = 0; e < pairs; e++) pairWindowSum(g, src, e * P * P, out, e * Q * Q, false);
        for (let i = 0; i < out.length; i++) out[i] *= s;
        return out;
      };
      const nngp = map(k.nngp);
      const ntk = k.ntk === null ? null : map(k.ntk);
      return replaceKernel(k, { nngp, ntk, ...pooledVariances(k, nngp, Q), spatial: g.outSpatial });
    },
  };
}
