import { NtkInputError, NtkTypeError } from '../../errors.js';
import { Matrix } from '../../linalg/matrix.js';
import { gemmInto } from '../../linalg/unchecked.js';
import { normal } from '../../random/normal.js';
import { split } from '../../random/keys.js';
import type { Key } from '../../random/key.js';
import { replaceKernel } from '../kernelRecord.js';
import { single, singleShape } from '../tensor.js';
import type { BackwardTap, Cache, Flow, Kernel, Layer, Params, Parameterization, Tensor } from '../types.js';
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
 * Convolution, stride 1, 1-D or 2-D (neural-tangents `stax.Conv`; Arora et al. 2019, §3 and eqs. 7–8),
 * inputs NHWC [N, H, W, C] (2-D) or [N, L, C] (1-D), filter W of shape [f_h, f_w, C, C_out] ([f, C, C_out]):
 *  - 'ntk':      y(p) = (W_std/√(C·|f|))·Σ_{a, c} x_c(p + a)·W_{a, c, ·} + b_std·b,  W, b ~ N(0, 1);
 *  - 'standard': y(p) = Σ_{a, c} x_c(p + a)·W_{a, c, ·} + b with W ~ N(0, W_std²/(C·|f|)), b ~ N(0, b_std²);
 * p + a runs over the window with the padding of ./geometry.ts (zeros for SAME, wrap-around for CIRCULAR).
 *
 * Kernel map, with the filter average `A[K](p, p') = (1/|f|)·Σ_a K(p + a, p' + a)` (padding terms are 0):
 *   Σ' = W_std²·A[Σ] + b_std²;
 *   Θ' = Σ' + W_std²·A[Θ]                                   ('ntk');
 *   Θ' = C·|f|·A[Σ] + [1 if bias] + W_std²·A[Θ]              ('standard': ∂y/∂W gives Σ_{a,c} x_c x'_c = C·|f|·A[Σ]).
 * On equal positions A needs only equal positions, so the diagonal-spatial layout is exact through Conv.
 */
export interface ConvOptions {
  readonly channels: number;
  /** [f_h, f_w] (2-D) or [f] (1-D). */
  readonly filter: readonly number[];
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

/** A convolution layer with its channel count, filter shape and padding. */
export interface ConvLayer extends Layer {
  readonly channels: number;
  readonly filter: readonly number[];
  readonly padding: Padding;
}

/** A 1-D / 2-D convolution (neural-tangents `stax.Conv`), z = (W_std/√(|f|·C))·W ⋆ x + b_std·b; kernel map Σ'(p, p') = W_std²·(1/|f|)·Σ_a Σ(p + a, p' + a) + b_std² (Arora et al. 2019, eq. 7), Θ' = Σ' + W_std²·(1/|f|)·Σ_a Θ(p + a, p' + a). */
export function Conv(opts: ConvOptions): ConvLayer {
  if (opts === null || typeof opts !== 'object')
    throw new NtkTypeError(
      `Conv: expected options { channels, filter, padding?, W_std?, b_std?, parameterization? }, got ${String(opts)}`,
    );
  const { channels } = opts;
  if (!Number.isInteger(channels) || channels < 1)
    throw new NtkInputError(`Conv: channels must be a positive integer, got ${String(channels)}`);
  const filter = checkWindow(opts.filter, 'Conv', 'filter');
  const padding = checkPadding(opts.padding ?? 'SAME', 'Conv');
  const W_std = opts.W_std ?? 1;
  const b_std = opts.b_std === undefined ? null : opts.b_std;
  const parameterization = opts.parameterization ?? 'ntk';
  if (typeof W_std !== 'number' || !Number.isFinite(W_std) || W_std < 0)
    throw new NtkInputError(`Conv: W_std must be a finite number ≥ 0, got ${String(W_std)}`);
  if (b_std !== null && (typeof b_std !== 'number' || !Number.isFinite(b_std) || b_std < 0))
    throw new NtkInputError(
      `Conv: b_std must be a finite number ≥ 0 or null (no bias), got ${String(b_std)}`,
    );
  if (parameterization !== 'ntk' && parameterization !== 'standard')
    throw new NtkInputError(
      `Conv: parameterization must be 'ntk' or 'standard', got ${String(parameterization)}`,
    );
  const hasBias = b_std !== null;
  const w2 = W_std * W_std;
  const b2 = hasBias ? b_std * b_std : 0;
  const isNtk = parameterization === 'ntk';
  const size = filter.reduce((a, b) => a * b, 1);
  const ones = filter.map(() => 1);
  const config = { type: 'Conv', channels, filter, padding, W_std, b_std, parameterization };

  /** Spatial shape and channel count of an input feature shape [...S, C]. */
  const split_ = (shape: readonly number[], where: string): { S: number[]; C: number; g: Geometry } => {
    if (shape.length !== filter.length + 1 || shape[shape.length - 1] < 1)
      throw new NtkInputError(
        `Conv.${where}: a ${filter.length}-D convolution expects input feature shape ${filter.length === 2 ? '[H, W, C]' : '[L, C]'} ` +
          `(inputs ${filter.length === 2 ? '(N, H, W, C)' : '(N, L, C)'}), got [${shape.join(', ')}]`,
      );
    const S = shape.slice(0, -1);
    return { S, C: shape[shape.length - 1], g: geometry(S, filter, ones, padding, `Conv.${where}`) };
  };
  /** Forward scale of W and b for C input channels. */
  const scales = (C: number): [number, number] =>
    isNtk ? [W_std / Math.sqrt(C * size), hasBias ? b_std : 0] : [1, 1];
  const getW = (params: Params, C: number): Tensor => {
    const W = (params as { W?: Tensor }).W;
    const want = [...filter, C, channels];
    if (!W || W.shape.length !== want.length || W.shape.some((s, i) => s !== want[i]))
      throw new NtkInputError(
        `Conv: params.W must have shape [${want.join(', ')}], got ${W ? `[${W.shape.join(', ')}]` : 'none'}`,
      );
    return W;
  };
  const getB = (params: Params): Tensor | null => {
    if (!hasBias) return null;
    const b = (params as { b?: Tensor }).b;
    if (!b || b.data.length !== channels)
      throw new NtkInputError(
        `Conv: params.b must have shape [${channels}], got ${b ? `[${b.shape.join(', ')}]` : 'none'}`,
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
    type: 'Conv',
    config,
    children: [],
    channels,
    filter,
    padding,
    outShape(inShape: Flow<readonly number[]>): number[] {
      const { g } = split_(singleShape(inShape, 'Conv'), 'outShape');
      return [...g.outSpatial, channels];
    },
    init(key: Key, inShape: Flow<readonly number[]>): Params {
      const { C } = split_(singleShape(inShape, 'Conv'), 'init');
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
      const x = single(xf, 'Conv');
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
      const gy = single(gyf, 'Conv.backward');
      const N = x.shape[0];
      const rows = N * g.pOut;
      if (gy.data.length !== rows * channels)
        throw new NtkInputError(
          `Conv.backward: cotangent has ${gy.data.length} entries, expected ${rows * channels}`,
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
        const tx = single(txf, 'Conv.jvp');
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
          `Conv.perExampleGrads: out has length ${out.length}, expected N·P_layer = ${N}·${rowLen}`,
        );
      if (gy.data.length !== N * g.pOut * channels)
        throw new NtkInputError(
          `Conv.perExampleGrads: gy has ${gy.data.length} entries, expected ${N * g.pOut * channels}`,
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
      const k = oneKernel(kf, 'Conv');
      requireSpatial(k, 'Conv');
      const g = geometry(k.spatial, filter, ones, padding, 'Conv');
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
