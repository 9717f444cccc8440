import { NtkInputError, NtkTypeError } from '../../errors.js';
import { replaceKernel } from '../kernelRecord.js';
import { single, singleShape } from '../tensor.js';
import type { Cache, Flow, Kernel, Layer, LayerConfig, Params, Tensor } from '../types.js';
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
 * Weighted window pooling, the one rule behind AvgPool and SumPool (neural-tangents `stax.AvgPool` /
 * `stax.SumPool`, `_pool_kernel`): with w(o) the weight of output position o,
 *   y(o, c) = w(o)·Σ_{a ∈ window} x(src(o, a), c)          (padding entries read as zeros),
 * a linear map of x, so on kernel records (all position pairs)
 *   Σ'(o, o') = w(o)·w(o')·Σ_{a, a'} Σ(src(o, a), src(o', a')),  the same for Θ;
 * isGaussian is kept (a linear image of a Gaussian). The weights:
 *   'sum'   w(o) = 1 (SumPool);
 *   'size'  w(o) = 1/|window| (AvgPool, normalize_edges = false: padding zeros count);
 *   'edges' w(o) = 1/n(o), n(o) the number of non-padded entries of the window at o (AvgPool with
 *           normalize_edges = true; differs from 'size' only at the edges under SAME padding).
 */
export type PoolWeighting = 'sum' | 'size' | 'edges';

export interface PoolWindowOptions {
  readonly window: readonly number[];
  readonly strides?: readonly number[];
  readonly padding?: Padding;
}

/** n(o): the non-padded entries of each output position's window, [m_h·m_w] row-major. */
export function windowCounts(g: Geometry): Float64Array {
  const count = (ax: Geometry['h'], o: number): number => {
    let n = 0;
    for (let a = 0; a < ax.f; a++) if (ax.src[o * ax.f + a] >= 0) n++;
    return n;
  };
  const out = new Float64Array(g.pOut);
  for (let o = 0; o < g.h.m; o++)
    for (let q = 0; q < g.w.m; q++) out[o * g.w.m + q] = count(g.h, o) * count(g.w, q);
  return out;
}

/** w(o) per output position for a weighting (see PoolWeighting). */
export function poolWeights(g: Geometry, weighting: PoolWeighting): Float64Array {
  if (weighting === 'sum') return new Float64Array(g.pOut).fill(1);
  if (weighting === 'size') return new Float64Array(g.pOut).fill(1 / g.size);
  return windowCounts(g).map((n) => 1 / n);
}

interface PoolCache {
  shape: number[];
  g: Geometry;
  w: Float64Array;
  C: number;
}

/** A window pooling layer named `type` with weights `weighting`; `config` is its JSON config. */
export function windowPool(
  type: string,
  opts: PoolWindowOptions,
  weighting: PoolWeighting,
  extraConfig: Omit<LayerConfig, 'type'> = {},
): Layer {
  if (opts === null || typeof opts !== 'object')
    throw new NtkTypeError(`${type}: expected options { window, strides?, padding? }, got ${String(opts)}`);
  const window = checkWindow(opts.window, type, 'window');
  const strides = checkWindow(opts.strides ?? window, type, 'strides');
  if (strides.length !== window.length)
    throw new NtkInputError(
      `${type}: strides [${strides.join(', ')}] and window [${window.join(', ')}] must have the same length`,
    );
  const padding = checkPadding(opts.padding ?? 'VALID', type);
  const size = window.reduce((a, b) => a * b, 1);
  const geo = (shape: readonly number[], where: string): { g: Geometry; C: number } => {
    if (shape.length !== window.length + 1)
      throw new NtkInputError(
        `${type}.${where}: a ${window.length}-D pooling expects input feature shape ${window.length === 2 ? '[H, W, C]' : '[L, C]'}, got [${shape.join(', ')}]`,
      );
    return {
      g: geometry(shape.slice(0, -1), window, strides, padding, `${type}.${where}`),
      C: shape[shape.length - 1],
    };
  };
  /** y(o) = w(o)·Σ_a patch(·, o, a, ·). */
  const pool = (g: Geometry, w: Float64Array, x: Float64Array, N: number, C: number): Float64Array => {
    const p = im2col(g, x, N, C);
    const y = new Float64Array(N * g.pOut * C);
    for (let r = 0; r < N * g.pOut; r++) {
      const wo = w[r % g.pOut];
      for (let a = 0; a < size; a++)
        for (let c = 0; c < C; c++) y[r * C + c] += wo * p[(r * size + a) * C + c];
    }
    return y;
  };
  return {
    type,
    config: { type, window, strides, padding, ...extraConfig },
    children: [],
    outShape(s: Flow<readonly number[]>): number[] {
      const { g, C } = geo(singleShape(s, type), 'outShape');
      return [...g.outSpatial, C];
    },
    init: (): Params => ({}),
    forward(_p: Params, xf: Flow<Tensor>) {
      const x = single(xf, type);
      const { g, C } = geo(x.shape.slice(1), 'forward');
      const N = x.shape[0];
      const w = poolWeights(g, weighting);
      const cache: PoolCache = { shape: [...x.shape], g, w, C };
      return { y: { shape: [N, ...g.outSpatial, C], data: pool(g, w, x.data, N, C) }, cache };
    },
    backward(_p: Params, cache: Cache, gyf: Flow<Tensor>) {
      const { shape, g, w, C } = cache as PoolCache;
      const gy = single(gyf, `${type}.backward`);
      const N = shape[0];
      const gp = new Float64Array(N * g.pOut * size * C);
      for (let r = 0; r < N * g.pOut; r++) {
        const wo = w[r % g.pOut];
        for (let a = 0; a < size; a++)
          for (let c = 0; c < C; c++) gp[(r * size + a) * C + c] = wo * gy.data[r * C + c];
      }
      return { gx: { shape: [...shape], data: col2im(g, gp, N, C) }, gparams: {} };
    },
    jvp(_p: Params, cache: Cache, tx: Flow<Tensor> | null): Tensor {
      const { shape, g, w, C } = cache as PoolCache;
      const N = shape[0];
      const data =
        tx === null ? new Float64Array(N * g.pOut * C) : pool(g, w, single(tx, `${type}.jvp`).data, N, C);
      return { shape: [N, ...g.outSpatial, C], data };
    },
    kernel(kf: Flow<Kernel>): Kernel {
      const k = oneKernel(kf, type);
      requireSpatial(k, type);
      requireFullSpatial(k, type);
      const g = geometry(k.spatial, window, strides, padding, type);
      const w = poolWeights(g, weighting);
      const P = g.pIn;
      const Q = g.pOut;
      const pairs = k.n1 * k.n2;
      const map = (src: Float64Array): Float64Array => {
        const out = new Float64Array(pairs * Q * Q);
        for (let e = 0; e < pairs; e++) {
          const o0 = e * Q * Q;
          pairWindowSum(g, src, e * P * P, out, o0, false);
          if (weighting === 'sum') continue;
          for (let o = 0; o < Q; o++) for (let q = 0; q < Q; q++) out[o0 + o * Q + q] *= w[o] * w[q];
        }
        return out;
      };
      const nngp = map(k.nngp);
      const ntk = k.ntk === null ? null : map(k.ntk);
      return replaceKernel(k, { nngp, ntk, ...pooledVariances(k, nngp, Q), spatial: g.outSpatial });
    },
  };
}
