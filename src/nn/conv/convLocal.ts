import { NtkInputError } from '../../errors.js';
import { Matrix } from '../../linalg/matrix.js';
import { gemmInto } from '../../linalg/unchecked.js';
import { normal } from '../../random/normal.js';
import { split } from '../../random/keys.js';
import type { Key } from '../../random/key.js';
import { replaceKernel } from '../kernelRecord.js';
import { single, singleShape } from '../tensor.js';
import type { BackwardTap, Cache, Flow, Kernel, Params, Tensor } from '../types.js';
import { checkConvOptions, splitConvInput, type ConvLayer, type ConvOptions } from './conv.js';
import { diagWindowSum, geometry, type Geometry } from './geometry.js';
import { col2im, im2col } from './patches.js';
import { oneKernel, requireSpatial } from './spatialKernel.js';

/**
 * Locally connected layer, an unshared convolution (neural-tangents `stax.ConvLocal`): the windows of Conv
 * (strides and padding of ./geometry.ts) but a separate filter and bias at every output position o,
 * W of shape [...S_out, f_h, f_w, C, C_out] and b of shape [...S_out, C_out]:
 *  - 'ntk':      y(o) = (W_std/√(C·|f|))·Σ_{a, c} x_c(src(o, a))·W_{o, a, c, ·} + b_std·b_o,  W, b ~ N(0, 1);
 *  - 'standard': y(o) = Σ_{a, c} x_c(src(o, a))·W_{o, a, c, ·} + b_o with W ~ N(0, W_std²/(C·|f|)), b ~ N(0, b_std²).
 * Kernel map: weights at different output positions are independent, so outputs at o ≠ o' are uncorrelated and
 * only equal positions keep the cross terms between inputs x, x' (neural-tangents: the spatial diagonal of
 * Conv's map, zero off it): with A_o[K] = (1/|f|)·Σ_a K(src(o, a), src(o, a)),
 *   Σ'(o, o') = δ(o, o')·(W_std²·A_o[Σ] + b_std²),
 *   Θ'(o, o') = δ(o, o')·(Σ'(o, o) + W_std²·A_o[Θ])                       ('ntk'),
 *   Θ'(o, o') = δ(o, o')·(C·|f|·A_o[Σ] + [1 if bias] + W_std²·A_o[Θ])      ('standard').
 * It reads only equal input positions, so the diagonal-spatial layout is exact through it; with all pairs the
 * off-diagonal position pairs are exact zeros.
 */
export type ConvLocalOptions = Omit<ConvOptions, 'dilation'>;

interface ConvLocalCache {
  x: Tensor;
  g: Geometry;
  C: number;
  patches: Float64Array;
}

/** A locally connected (unshared) convolution (neural-tangents `stax.ConvLocal`). */
export function ConvLocal(opts: ConvLocalOptions): ConvLayer {
  if (opts !== null && typeof opts === 'object' && (opts as ConvOptions).dilation !== undefined)
    throw new NtkInputError(
      'ConvLocal: dilation is not supported (neural-tangents has none); use strides, filter and padding',
    );
  const hyper = checkConvOptions('ConvLocal', opts);
  const { channels, filter, strides, dilation, padding, W_std, b_std, parameterization } = hyper;
  const hasBias = b_std !== null;
  const w2 = W_std * W_std;
  const b2 = hasBias ? b_std * b_std : 0;
  const isNtk = parameterization === 'ntk';
  const size = filter.reduce((a, b) => a * b, 1);
  const config: { [k: string]: unknown } = { type: 'ConvLocal', channels, filter };
  if (strides.some((s) => s !== 1)) config.strides = strides;
  Object.assign(config, { padding, W_std, b_std, parameterization });

  const split_ = (shape: readonly number[], where: string): { C: number; g: Geometry } => {
    const { S, C } = splitConvInput('ConvLocal', filter.length, shape, where);
    return { C, g: geometry(S, filter, strides, padding, `ConvLocal.${where}`) };
  };
  const scales = (C: number): [number, number] =>
    isNtk ? [W_std / Math.sqrt(C * size), hasBias ? b_std : 0] : [1, 1];
  const getW = (params: Params, C: number, g: Geometry): Tensor => {
    const W = (params as { W?: Tensor }).W;
    const want = [...g.outSpatial, ...filter, C, channels];
    if (!W || W.shape.length !== want.length || W.shape.some((s, i) => s !== want[i]))
      throw new NtkInputError(
        `ConvLocal: params.W must have shape [${want.join(', ')}], got ${W ? `[${W.shape.join(', ')}]` : 'none'}`,
      );
    return W;
  };
  const getB = (params: Params, g: Geometry): Tensor | null => {
    if (!hasBias) return null;
    const b = (params as { b?: Tensor }).b;
    if (!b || b.data.length !== g.pOut * channels)
      throw new NtkInputError(
        `ConvLocal: params.b must have shape [${[...g.outSpatial, channels].join(', ')}], got ${b ? `[${b.shape.join(', ')}]` : 'none'}`,
      );
    return b;
  };
  /** Rows of position p of a [N, P, K] array as an N×K matrix (copied). */
  const atPosition = (a: Float64Array, N: number, P: number, K: number, p: number): Matrix => {
    const m = new Matrix(N, K);
    for (let n = 0; n < N; n++) m.data.set(a.subarray((n * P + p) * K, (n * P + p + 1) * K), n * K);
    return m;
  };
  /** y(n, p) = cw·patches(n, p)·W_p + cb·b_p, [N, P, C_out]. */
  const affine = (
    patches: Float64Array,
    N: number,
    g: Geometry,
    C: number,
    W: Tensor,
    b: Tensor | null,
    cw: number,
    cb: number,
  ): Float64Array => {
    const K = size * C;
    const P = g.pOut;
    const y = new Float64Array(N * P * channels);
    const yp = new Matrix(N, channels);
    for (let p = 0; p < P; p++) {
      const Wp = new Matrix(K, channels, W.data.subarray(p * K * channels, (p + 1) * K * channels));
      gemmInto(false, false, cw, atPosition(patches, N, P, K, p), Wp, 0, yp);
      for (let n = 0; n < N; n++)
        for (let j = 0; j < channels; j++)
          y[(n * P + p) * channels + j] =
            yp.data[n * channels + j] + (b === null ? 0 : cb * b.data[p * channels + j]);
    }
    return y;
  };

  const layer: ConvLayer = {
    type: 'ConvLocal',
    config: config as ConvLayer['config'],
    children: [],
    channels,
    filter,
    strides,
    dilation,
    padding,
    outShape(inShape: Flow<readonly number[]>): number[] {
      const { g } = split_(singleShape(inShape, 'ConvLocal'), 'outShape');
      return [...g.outSpatial, channels];
    },
    init(key: Key, inShape: Flow<readonly number[]>): Params {
      const { C, g } = split_(singleShape(inShape, 'ConvLocal'), 'init');
      const [kW, kb] = split(key, 2);
      const W = normal(kW, g.pOut * size * C * channels);
      if (!isNtk) for (let i = 0; i < W.length; i++) W[i] *= W_std / Math.sqrt(C * size);
      const params: { [k: string]: Tensor } = {
        W: { shape: [...g.outSpatial, ...filter, C, channels], data: W },
      };
      if (hasBias) {
        const b = normal(kb, g.pOut * channels);
        if (!isNtk) for (let i = 0; i < b.length; i++) b[i] *= b_std;
        params.b = { shape: [...g.outSpatial, channels], data: b };
      }
      return params;
    },
    forward(params: Params, xf: Flow<Tensor>) {
      const x = single(xf, 'ConvLocal');
      const { C, g } = split_(x.shape.slice(1), 'forward');
      const N = x.shape[0];
      const patches = im2col(g, x.data, N, C);
      const [cw, cb] = scales(C);
      const y = affine(patches, N, g, C, getW(params, C, g), getB(params, g), cw, cb);
      const cache: ConvLocalCache = { x, g, C, patches };
      return { y: { shape: [N, ...g.outSpatial, channels], data: y }, cache };
    },
    backward(params: Params, cache: Cache, gyf: Flow<Tensor>, tap?: BackwardTap) {
      const { x, g, C, patches } = cache as ConvLocalCache;
      const gy = single(gyf, 'ConvLocal.backward');
      const N = x.shape[0];
      const P = g.pOut;
      const K = size * C;
      if (gy.data.length !== N * P * channels)
        throw new NtkInputError(
          `ConvLocal.backward: cotangent has ${gy.data.length} entries, expected ${N * P * channels}`,
        );
      const [cw, cb] = scales(C);
      const W = getW(params, C, g);
      const gp = new Float64Array(N * P * K);
      const gW = new Float64Array(W.data.length);
      const gpp = new Matrix(N, K);
      for (let p = 0; p < P; p++) {
        const Wp = new Matrix(K, channels, W.data.subarray(p * K * channels, (p + 1) * K * channels));
        const Gp = atPosition(gy.data, N, P, channels, p);
        gemmInto(false, true, cw, Gp, Wp, 0, gpp); // ∂/∂patches(·, p) = cw·gy(·, p)·W_pᵀ
        for (let n = 0; n < N; n++) gp.set(gpp.data.subarray(n * K, (n + 1) * K), (n * P + p) * K);
        const gWp = new Matrix(K, channels, gW.subarray(p * K * channels, (p + 1) * K * channels));
        gemmInto(true, false, cw, atPosition(patches, N, P, K, p), Gp, 0, gWp); // ∂/∂W_p = cw·patchesᵀ·gy
      }
      const gparams: { [k: string]: Tensor } = { W: { shape: [...W.shape], data: gW } };
      if (hasBias) {
        const gb = new Float64Array(P * channels);
        for (let n = 0; n < N; n++)
          for (let e = 0; e < P * channels; e++) gb[e] += cb * gy.data[n * P * channels + e];
        gparams.b = { shape: [...g.outSpatial, channels], data: gb };
      }
      tap?.(layer, params, x, gy);
      return { gx: { shape: [...x.shape], data: col2im(g, gp, N, C) }, gparams };
    },
    jvp(params: Params, cache: Cache, txf: Flow<Tensor> | null, tparams: Params | null): Tensor {
      const { x, g, C, patches } = cache as ConvLocalCache;
      const N = x.shape[0];
      const [cw, cb] = scales(C);
      const ty = new Float64Array(N * g.pOut * channels);
      if (tparams !== null) {
        const t = affine(patches, N, g, C, getW(tparams, C, g), getB(tparams, g), cw, cb);
        for (let i = 0; i < ty.length; i++) ty[i] += t[i];
      }
      if (txf !== null) {
        const tx = single(txf, 'ConvLocal.jvp');
        const t = affine(im2col(g, tx.data, N, C), N, g, C, getW(params, C, g), null, cw, cb);
        for (let i = 0; i < ty.length; i++) ty[i] += t[i];
      }
      return { shape: [N, ...g.outSpatial, channels], data: ty };
    },
    perExampleGrads(_params: Params, x: Tensor, gy: Tensor, out: Float64Array): void {
      const { C, g } = split_(x.shape.slice(1), 'perExampleGrads');
      const N = x.shape[0];
      const P = g.pOut;
      const [cw, cb] = scales(C);
      const K = size * C;
      const nW = P * K * channels;
      const rowLen = nW + (hasBias ? P * channels : 0);
      if (out.length !== N * rowLen)
        throw new NtkInputError(
          `ConvLocal.perExampleGrads: out has length ${out.length}, expected N·P_layer = ${N}·${rowLen}`,
        );
      if (gy.data.length !== N * P * channels)
        throw new NtkInputError(
          `ConvLocal.perExampleGrads: gy has ${gy.data.length} entries, expected ${N * P * channels}`,
        );
      const patches = im2col(g, x.data, N, C);
      // row n: ∂⟨gy_n, y_n⟩/∂W_{p, k, j} = cw·patches_n(p, k)·gy_n(p, j), ∂/∂b_{p, j} = cb·gy_n(p, j)
      for (let n = 0; n < N; n++) {
        const row = n * rowLen;
        for (let p = 0; p < P; p++) {
          const pat = (n * P + p) * K;
          const gyo = (n * P + p) * channels;
          for (let k = 0; k < K; k++) {
            const v = cw * patches[pat + k];
            const o = row + (p * K + k) * channels;
            for (let j = 0; j < channels; j++) out[o + j] = v * gy.data[gyo + j];
          }
          if (hasBias)
            for (let j = 0; j < channels; j++) out[row + nW + p * channels + j] = cb * gy.data[gyo + j];
        }
      }
    },
    kernel(kf: Flow<Kernel>): Kernel {
      const k = oneKernel(kf, 'ConvLocal');
      requireSpatial(k, 'ConvLocal');
      const g = geometry(k.spatial, filter, strides, padding, 'ConvLocal');
      const C = k.channels;
      const Pin = g.pIn;
      const Q = g.pOut;
      const pairs = k.n1 * k.n2;
      const inBlock = k.diagonalSpatial ? Pin : Pin * Pin;
      const outBlock = k.diagonalSpatial ? Q : Q * Q;
      const s = 1 / size;
      // A_o[K]·|f| at equal positions, per pair: the input's equal-position entries, window-summed
      const diagSum = (src: Float64Array): Float64Array => {
        const out = new Float64Array(pairs * Q);
        const d = new Float64Array(Pin);
        for (let e = 0; e < pairs; e++) {
          if (k.diagonalSpatial) diagWindowSum(g, src, e * inBlock, out, e * Q);
          else {
            for (let p = 0; p < Pin; p++) d[p] = src[e * inBlock + p * Pin + p];
            diagWindowSum(g, d, 0, out, e * Q);
          }
        }
        return out;
      };
      /** Place per-pair equal-position values into the record layout (zeros off the spatial diagonal). */
      const place = (v: Float64Array): Float64Array => {
        if (k.diagonalSpatial) return v;
        const out = new Float64Array(pairs * outBlock);
        for (let e = 0; e < pairs; e++)
          for (let p = 0; p < Q; p++) out[e * outBlock + p * Q + p] = v[e * Q + p];
        return out;
      };
      const sumS = diagSum(k.nngp);
      const nngpD = new Float64Array(sumS.length);
      for (let e = 0; e < nngpD.length; e++) nngpD[e] = w2 * (s * sumS[e]) + b2;
      let ntk: Float64Array | null = null;
      if (k.ntk !== null) {
        const sumT = diagSum(k.ntk);
        const t = new Float64Array(sumT.length);
        const one = hasBias ? 1 : 0;
        for (let e = 0; e < t.length; e++)
          t[e] = isNtk ? nngpD[e] + w2 * (s * sumT[e]) : C * sumS[e] + one + w2 * (s * sumT[e]);
        ntk = place(t);
      }
      const mapVar = (v: Float64Array, n: number): Float64Array => {
        const sum = new Float64Array(n * Q);
        for (let i = 0; i < n; i++) diagWindowSum(g, v, i * Pin, sum, i * Q);
        return sum.map((u) => w2 * (s * u) + b2);
      };
      const var1 = mapVar(k.var1, k.n1);
      const var2 = k.var2 === k.var1 ? var1 : mapVar(k.var2, k.n2);
      if (k.symmetric)
        // Σ'(x, x)(o, o) must equal var'(x, o) to the last bit so correlations on it are exactly 1
        for (let i = 0; i < k.n1; i++)
          for (let p = 0; p < Q; p++) nngpD[(i * k.n2 + i) * Q + p] = var1[i * Q + p];
      return replaceKernel(k, {
        nngp: place(nngpD),
        ntk,
        var1,
        var2,
        spatial: g.outSpatial,
        channels,
        isGaussian: true,
      });
    },
  };
  return layer;
}
