import { NtkInputError, NtkTypeError } from '../../errors.js';
import { Matrix } from '../../linalg/matrix.js';
import { gemmInto } from '../../linalg/unchecked.js';
import { normal } from '../../random/normal.js';
import { split } from '../../random/keys.js';
import type { Key } from '../../random/key.js';
import { replaceKernel } from '../kernelRecord.js';
import { single, singleShape } from '../tensor.js';
import type {
  BackwardTap,
  Cache,
  Flow,
  Kernel,
  Layer,
  LayerConfig,
  Params,
  Parameterization,
  Tensor,
} from '../types.js';
import {
  checkPadding,
  checkWindow,
  diagWindowSum,
  geometry,
  pairWindowSum,
  type Geometry,
  type Padding,
} from './geometry.js';
import { col2im, im2col } from './patches.js';
import { oneKernel, requireSpatial } from './spatialKernel.js';

/**
 * Convolution, 1-D or 2-D, with strides and dilation (neural-tangents `stax.Conv`; Arora et al. 2019, §3 and
 * eqs. 7–8; dilation as XLA's `rhs_dilation`, which neural-tangents does not expose), inputs NHWC [N, H, W, C]
 * (2-D) or [N, L, C] (1-D), filter W of shape [f_h, f_w, C, C_out] ([f, C, C_out]):
 *  - 'ntk':      y(o) = (W_std/√(C·|f|))·Σ_{a, c} x_c(src(o, a))·W_{a, c, ·} + b_std·b,  W, b ~ N(0, 1);
 *  - 'standard': y(o) = Σ_{a, c} x_c(src(o, a))·W_{a, c, ·} + b with W ~ N(0, W_std²/(C·|f|)), b ~ N(0, b_std²);
 * src(o, a) = o·s + a·d − before per axis, with the padding of ./geometry.ts (zeros for SAME, wrap-around for
 * CIRCULAR). The transposed convolution (./convTranspose.ts) is the same layer on another window map.
 *
 * Kernel map, with the filter average `A[K](o, o') = (1/|f|)·Σ_a K(src(o, a), src(o', a))` (padding terms are 0):
 *   Σ' = W_std²·A[Σ] + b_std²;
 *   Θ' = Σ' + W_std²·A[Θ]                                   ('ntk');
 *   Θ' = C·|f|·A[Σ] + [1 if bias] + W_std²·A[Θ]              ('standard': ∂y/∂W gives Σ_{a,c} x_c x'_c = C·|f|·A[Σ]).
 * On equal positions A needs only equal positions, so the diagonal-spatial layout is exact through Conv.
 */
export interface ConvOptions {
  readonly channels: number;
  /** [f_h, f_w] (2-D) or [f] (1-D). */
  readonly filter: readonly number[];
  /** One per spatial axis, default 1. */
  readonly strides?: readonly number[];
  /** Filter dilation (XLA's rhs_dilation), one per spatial axis, default 1. */
  readonly dilation?: readonly number[];
  readonly padding?: Padding;
  readonly W_std?: number;
  /** null = no bias. Default null, as Dense. */
  readonly b_std?: number | null;
  readonly parameterization?: Parameterization;
}

interface ConvCache {
  x: Tensor;
  g: Geometry;
  C: number;
  patches: Float64Array;
}

/** A convolution layer with its channel count, filter shape, strides, dilation and padding. */
export interface ConvLayer extends Layer {
  readonly channels: number;
  readonly filter: readonly number[];
  readonly strides: readonly number[];
  readonly dilation: readonly number[];
  readonly padding: Padding;
}

/** The checked hyper-parameters common to the convolution layers (Conv, ConvTranspose, ConvLocal). */
export interface ConvHyper {
  readonly channels: number;
  readonly filter: number[];
  readonly strides: number[];
  readonly dilation: number[];
  readonly padding: Padding;
  readonly W_std: number;
  readonly b_std: number | null;
  readonly parameterization: Parameterization;
}

/** Check the options of a convolution layer `name`, with clear errors naming the argument. */
export function checkConvOptions(name: string, opts: ConvOptions): ConvHyper {
  if (opts === null || typeof opts !== 'object')
    throw new NtkTypeError(
      `${name}: expected options { channels, filter, strides?, padding?, W_std?, b_std?, parameterization? }, got ${String(opts)}`,
    );
  const { channels } = opts;
  if (!Number.isInteger(channels) || channels < 1)
    throw new NtkInputError(`${name}: channels must be a positive integer, got ${String(channels)}`);
  const filter = checkWindow(opts.filter, name, 'filter');
  const perAxis = (v: readonly number[] | undefined, what: string): number[] => {
    if (v === undefined) return filter.map(() => 1);
    const r = checkWindow(v, name, what);
    if (r.length !== filter.length)
      throw new NtkInputError(
        `${name}: ${what} must have one entry per spatial axis of the filter [${filter.join(', ')}], got ${JSON.stringify(v)}`,
      );
    return r;
  };
  const strides = perAxis(opts.strides, 'strides');
  const dilation = perAxis(opts.dilation, 'dilation');
  const padding = checkPadding(opts.padding ?? 'SAME', name);
  const W_std = opts.W_std ?? 1;
  const b_std = opts.b_std === undefined ? null : opts.b_std;
  const parameterization = opts.parameterization ?? 'ntk';
  if (typeof W_std !== 'number' || !Number.isFinite(W_std) || W_std < 0)
    throw new NtkInputError(`${name}: W_std must be a finite number ≥ 0, got ${String(W_std)}`);
  if (b_std !== null && (typeof b_std !== 'number' || !Number.isFinite(b_std) || b_std < 0))
    throw new NtkInputError(
      `${name}: b_std must be a finite number ≥ 0 or null (no bias), got ${String(b_std)}`,
    );
  if (parameterization !== 'ntk' && parameterization !== 'standard')
    throw new NtkInputError(
      `${name}: parameterization must be 'ntk' or 'standard', got ${String(parameterization)}`,
    );
  return { channels, filter, strides, dilation, padding, W_std, b_std, parameterization };
}

/** The input feature shape [...S, C] of a convolution layer split into spatial shape and channels, checked. */
export function splitConvInput(
  name: string,
  rank: number,
  shape: readonly number[],
  where: string,
): { S: number[]; C: number } {
  if (shape.length !== rank + 1 || shape[shape.length - 1] < 1)
    throw new NtkInputError(
      `${name}.${where}: a ${rank}-D convolution expects input feature shape ${rank === 2 ? '[H, W, C]' : '[L, C]'} ` +
        `(inputs ${rank === 2 ? '(N, H, W, C)' : '(N, L, C)'}), got [${shape.join(', ')}]`,
    );
  return { S: shape.slice(0, -1), C: shape[shape.length - 1] };
}

/** The layer config: strides and dilation are written only when some entry is not 1, so stride-1 configs stay as before. */
function convConfig(name: string, h: ConvHyper): LayerConfig {
  const { channels, filter, strides, dilation, padding, W_std, b_std, parameterization } = h;
  const c: { [k: string]: unknown } = { type: name, channels, filter };
  if (strides.some((s) => s !== 1)) c.strides = strides;
  if (dilation.some((s) => s !== 1)) c.dilation = dilation;
  Object.assign(c, { padding, W_std, b_std, parameterization });
  return c as LayerConfig;
}

/** A 1-D / 2-D convolution (neural-tangents `stax.Conv`), z = (W_std/√(|f|·C))·W ⋆ x + b_std·b, with strides and dilation; kernel map Σ'(o, o') = W_std²·(1/|f|)·Σ_a Σ(src(o, a), src(o', a)) + b_std² (Arora et al. 2019, eq. 7), Θ' = Σ' + W_std²·(1/|f|)·Σ_a Θ(src(o, a), src(o', a)). */
export function Conv(opts: ConvOptions): ConvLayer {
  const h = checkConvOptions('Conv', opts);
  return sharedWeightConv('Conv', h, (S, where) =>
    geometry(S, h.filter, h.strides, h.padding, where, h.dilation),
  );
}

/**
 * A convolution with one filter shared by all output positions on the window map `geom` gives (./geometry.ts):
 * Conv (strided, dilated windows) and ConvTranspose (the transposed map). Forward, VJP, JVP, per-example
 * gradients and the kernel map read only the map's src(o, a), so both layers share them.
 */
export function sharedWeightConv(
  name: string,
  hyper: ConvHyper,
  geom: (S: readonly number[], where: string) => Geometry,
): ConvLayer {
  const { channels, filter, strides, dilation, padding, W_std, b_std, parameterization } = hyper;
  const hasBias = b_std !== null;
  const w2 = W_std * W_std;
  const b2 = hasBias ? b_std * b_std : 0;
  const isNtk = parameterization === 'ntk';
  const size = filter.reduce((a, b) => a * b, 1);
  const config = convConfig(name, hyper);

  /** Spatial shape and channel count of an input feature shape [...S, C]. */
  const split_ = (shape: readonly number[], where: string): { S: number[]; C: number; g: Geometry } => {
    const { S, C } = splitConvInput(name, filter.length, shape, where);
    return { S, C, g: geom(S, `${name}.${where}`) };
  };
  /** Forward scale of W and b for C input channels. */
  const scales = (C: number): [number, number] =>
    isNtk ? [W_std / Math.sqrt(C * size), hasBias ? b_std : 0] : [1, 1];
  const getW = (params: Params, C: number): Tensor => {
    const W = (params as { W?: Tensor }).W;
    const want = [...filter, C, channels];
    if (!W || W.shape.length !== want.length || W.shape.some((s, i) => s !== want[i]))
      throw new NtkInputError(
        `${name}: params.W must have shape [${want.join(', ')}], got ${W ? `[${W.shape.join(', ')}]` : 'none'}`,
      );
    return W;
  };
  const getB = (params: Params): Tensor | null => {
    if (!hasBias) return null;
    const b = (params as { b?: Tensor }).b;
    if (!b || b.data.length !== channels)
      throw new NtkInputError(
        `${name}: params.b must have shape [${channels}], got ${b ? `[${b.shape.join(', ')}]` : 'none'}`,
      );
    return b;
  };
  const gemm = (
    tA: boolean,
    tB: boolean,
    alpha: number,
    A: Matrix,
    B: Matrix,
    beta: number,
    Cm: Matrix,
  ): void => gemmInto(tA, tB, alpha, A, B, beta, Cm);
  /** y = cw·patches·W + cb·b, rows = N·P_out. */
  const affine = (
    patches: Float64Array,
    rows: number,
    C: number,
    W: Tensor,
    b: Tensor | null,
    cw: number,
    cb: number,
  ): Float64Array => {
    const y = new Matrix(rows, channels);
    if (b !== null)
      for (let r = 0; r < rows; r++)
        for (let j = 0; j < channels; j++) y.data[r * channels + j] = cb * b.data[j];
    gemm(false, false, cw, new Matrix(rows, size * C, patches), new Matrix(size * C, channels, W.data), 1, y);
    return y.data;
  };

  const layer: ConvLayer = {
    type: name,
    config,
    children: [],
    channels,
    filter,
    strides,
    dilation,
    padding,
    outShape(inShape: Flow<readonly number[]>): number[] {
      const { g } = split_(singleShape(inShape, name), 'outShape');
      return [...g.outSpatial, channels];
    },
    init(key: Key, inShape: Flow<readonly number[]>): Params {
      const { C } = split_(singleShape(inShape, name), 'init');
      const [kW, kb] = split(key, 2);
      const W = normal(kW, size * C * channels);
      if (!isNtk) for (let i = 0; i < W.length; i++) W[i] *= W_std / Math.sqrt(C * size);
      const params: { [k: string]: Tensor } = { W: { shape: [...filter, C, channels], data: W } };
      if (hasBias) {
        const b = normal(kb, channels);
        if (!isNtk) for (let i = 0; i < b.length; i++) b[i] *= b_std;
        params.b = { shape: [channels], data: b };
      }
      return params;
    },
    forward(params: Params, xf: Flow<Tensor>) {
      const x = single(xf, name);
      const { C, g } = split_(x.shape.slice(1), 'forward');
      const N = x.shape[0];
      const patches = im2col(g, x.data, N, C);
      const [cw, cb] = scales(C);
      const y = affine(patches, N * g.pOut, C, getW(params, C), getB(params), cw, cb);
      const cache: ConvCache = { x, g, C, patches };
      return { y: { shape: [N, ...g.outSpatial, channels], data: y }, cache };
    },
    backward(params: Params, cache: Cache, gyf: Flow<Tensor>, tap?: BackwardTap) {
      const { x, g, C, patches } = cache as ConvCache;
      const gy = single(gyf, `${name}.backward`);
      const N = x.shape[0];
      const rows = N * g.pOut;
      if (gy.data.length !== rows * channels)
        throw new NtkInputError(
          `${name}.backward: cotangent has ${gy.data.length} entries, expected ${rows * channels}`,
        );
      const [cw, cb] = scales(C);
      const W = getW(params, C);
      const G = new Matrix(rows, channels, gy.data);
      const gp = new Matrix(rows, size * C);
      gemm(false, true, cw, G, new Matrix(size * C, channels, W.data), 0, gp); // ∂/∂patches = cw·gy·Wᵀ
      const gW = new Matrix(size * C, channels);
      gemm(true, false, cw, new Matrix(rows, size * C, patches), G, 0, gW); // ∂/∂W = cw·patchesᵀ·gy
      const gparams: { [k: string]: Tensor } = { W: { shape: [...filter, C, channels], data: gW.data } };
      if (hasBias) {
        const gb = new Float64Array(channels);
        for (let r = 0; r < rows; r++)
          for (let j = 0; j < channels; j++) gb[j] += cb * gy.data[r * channels + j];
        gparams.b = { shape: [channels], data: gb };
      }
      tap?.(layer, params, x, gy);
      return { gx: { shape: [...x.shape], data: col2im(g, gp.data, N, C) }, gparams };
    },
    jvp(params: Params, cache: Cache, txf: Flow<Tensor> | null, tparams: Params | null): Tensor {
      const { x, g, C, patches } = cache as ConvCache;
      const N = x.shape[0];
      const rows = N * g.pOut;
      const [cw, cb] = scales(C);
      const ty = new Float64Array(rows * channels);
      if (tparams !== null) {
        const t = affine(patches, rows, C, getW(tparams, C), getB(tparams), cw, cb);
        for (let i = 0; i < ty.length; i++) ty[i] += t[i];
      }
      if (txf !== null) {
        const tx = single(txf, `${name}.jvp`);
        const t = affine(im2col(g, tx.data, N, C), rows, C, getW(params, C), null, cw, cb);
        for (let i = 0; i < ty.length; i++) ty[i] += t[i];
      }
      return { shape: [N, ...g.outSpatial, channels], data: ty };
    },
    perExampleGrads(_params: Params, x: Tensor, gy: Tensor, out: Float64Array): void {
      const { C, g } = split_(x.shape.slice(1), 'perExampleGrads');
      const N = x.shape[0];
      const [cw, cb] = scales(C);
      const K = size * C;
      const rowLen = K * channels + (hasBias ? channels : 0);
      if (out.length !== N * rowLen)
        throw new NtkInputError(
          `${name}.perExampleGrads: out has length ${out.length}, expected N·P_layer = ${N}·${rowLen}`,
        );
      if (gy.data.length !== N * g.pOut * channels)
        throw new NtkInputError(
          `${name}.perExampleGrads: gy has ${gy.data.length} entries, expected ${N * g.pOut * channels}`,
        );
      const patches = im2col(g, x.data, N, C);
      for (let n = 0; n < N; n++) {
        // row n: ∂⟨gy_n, y_n⟩/∂W = cw·patches_nᵀ·gy_n, ∂/∂b = cb·Σ_p gy_n(p)
        const Pn = new Matrix(g.pOut, K, patches.subarray(n * g.pOut * K, (n + 1) * g.pOut * K));
        const Gn = new Matrix(
          g.pOut,
          channels,
          gy.data.subarray(n * g.pOut * channels, (n + 1) * g.pOut * channels),
        );
        const o = new Matrix(K, channels, out.subarray(n * rowLen, n * rowLen + K * channels));
        gemmInto(true, false, cw, Pn, Gn, 0, o);
        if (hasBias) {
          const bo = n * rowLen + K * channels;
          for (let j = 0; j < channels; j++) out[bo + j] = 0;
          for (let p = 0; p < g.pOut; p++)
            for (let j = 0; j < channels; j++) out[bo + j] += cb * Gn.data[p * channels + j];
        }
      }
    },
    kernel(kf: Flow<Kernel>): Kernel {
      const k = oneKernel(kf, name);
      requireSpatial(k, name);
      const g = geom(k.spatial, name);
      const C = k.channels;
      const Pin = g.pIn;
      const Q = g.pOut;
      const pairs = k.n1 * k.n2;
      const inBlock = k.diagonalSpatial ? Pin : Pin * Pin;
      const outBlock = k.diagonalSpatial ? Q : Q * Q;
      const window = (src: Float64Array): Float64Array => {
        const out = new Float64Array(pairs * outBlock);
        for (let e = 0; e < pairs; e++) {
          if (k.diagonalSpatial) diagWindowSum(g, src, e * inBlock, out, e * outBlock);
          else pairWindowSum(g, src, e * inBlock, out, e * outBlock, true);
        }
        return out;
      };
      const s = 1 / size;
      const sumS = window(k.nngp);
      const nngp = new Float64Array(sumS.length);
      for (let e = 0; e < nngp.length; e++) nngp[e] = w2 * (s * sumS[e]) + b2;
      let ntk: Float64Array | null = null;
      if (k.ntk !== null) {
        const sumT = window(k.ntk);
        ntk = new Float64Array(sumT.length);
        const one = hasBias ? 1 : 0;
        for (let e = 0; e < ntk.length; e++)
          ntk[e] = isNtk ? nngp[e] + w2 * (s * sumT[e]) : C * sumS[e] + one + w2 * (s * sumT[e]);
      }
      const mapVar = (v: Float64Array, n: number): Float64Array => {
        const sum = new Float64Array(n * Q);
        for (let i = 0; i < n; i++) diagWindowSum(g, v, i * Pin, sum, i * Q);
        return sum.map((u) => w2 * (s * u) + b2);
      };
      const var1 = mapVar(k.var1, k.n1);
      const var2 = k.var2 === k.var1 ? var1 : mapVar(k.var2, k.n2);
      if (k.symmetric) {
        // Σ'(x, x)(p, p) must equal var'(x, p) to the last bit so correlations on it are exactly 1
        for (let i = 0; i < k.n1; i++)
          for (let p = 0; p < Q; p++)
            nngp[(i * k.n2 + i) * outBlock + (k.diagonalSpatial ? p : p * Q + p)] = var1[i * Q + p];
      }
      return replaceKernel(k, { nngp, ntk, var1, var2, spatial: g.outSpatial, channels, isGaussian: true });
    },
  };
  return layer;
}
