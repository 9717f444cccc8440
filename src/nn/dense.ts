import { NtkInputError, NtkTypeError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';
import { gemmInto } from '../linalg/unchecked.js';
import { normal } from '../random/normal.js';
import { split } from '../random/keys.js';
import type { Key } from '../random/key.js';
import type { EntrywiseLayer } from './entrywise.js';
import { replaceKernel } from './kernelRecord.js';
import { single, singleShape, sizeOf } from './tensor.js';
import type { BackwardTap, Cache, Flow, Kernel, Layer, Params, Parameterization, Tensor } from './types.js';

/**
 * Dense (fully connected) layer acting on the last (feature) axis, neural-tangents `stax.Dense`
 * (docs/conventions.md §1; Jacot et al. 2018 eq. 1; Lee et al. 2019 eq. 1):
 *  - 'ntk':      y = (W_std/√n_in)·x·W + b_std·b,  W ~ N(0, 1) [n_in, n_out], b ~ N(0, 1) [n_out];
 *  - 'standard': y = x·W + b with W ~ N(0, W_std²/n_in), b ~ N(0, b_std²) stored as the trainable values.
 * `b_std: null` = no bias (no `b` tensor).
 *
 * Kernel map, Σ and Θ the input record, n_in its channel count:
 *   Σ' = W_std²·Σ + b_std²                        (both parameterizations);
 *   Θ' = Σ' + W_std²·Θ                            ('ntk');
 *   Θ' = n_in·Σ + [1 if bias] + W_std²·Θ          ('standard': ∂y/∂W contributes ⟨x, x'⟩ = n_in·Σ,
 *                                                  ∂y/∂b contributes 1, and the chain through W gives
 *                                                  E[WᵢⱼWᵢⱼ']·n_in·Θ = W_std²·Θ).
 * The record becomes Gaussian (isGaussian = true) with `width` channels.
 */
export interface DenseOptions {
  readonly width: number;
  readonly W_std?: number;
  readonly b_std?: number | null;
  readonly parameterization?: Parameterization;
}

/** A Dense layer with its resolved width, W_std, b_std and parameterization. */
export interface DenseLayer extends EntrywiseLayer {
  readonly width: number;
  readonly W_std: number;
  readonly b_std: number | null;
  readonly parameterization: Parameterization;
  /** The forward scales [c_W, c_b] of y = c_W·x·W + c_b·b for an input width n_in ('ntk': [W_std/√n_in, b_std]; 'standard': [1, 1]). */
  scales(nIn: number): [number, number];
}

/** Whether a layer is a {@link DenseLayer} (built by {@link Dense}). */
export function isDenseLayer(layer: Layer): layer is DenseLayer {
  return layer.type === 'Dense' && typeof (layer as Partial<DenseLayer>).scales === 'function';
}

interface DenseCache {
  x: Tensor;
  nIn: number;
}

/** A fully connected layer, z = (W_std/√n_in)·x·W + b_std·b ('ntk' parameterization); kernel map Σ' = W_std²·Σ + b_std², Θ' = Σ' + W_std²·Θ (Jacot et al. 2018, Thm 1; Lee et al. 2019, eq. 4). */
export function Dense(opts: DenseOptions): DenseLayer {
  if (opts === null || typeof opts !== 'object')
    throw new NtkTypeError(
      `Dense: expected options { width, W_std?, b_std?, parameterization? }, got ${String(opts)}`,
    );
  const { width } = opts;
  const W_std = opts.W_std ?? 1;
  const b_std = opts.b_std === undefined ? null : opts.b_std;
  const parameterization = opts.parameterization ?? 'ntk';
  if (!Number.isInteger(width) || width < 1)
    throw new NtkInputError(`Dense: width must be a positive integer, got ${String(width)}`);
  if (typeof W_std !== 'number' || !Number.isFinite(W_std) || W_std < 0)
    throw new NtkInputError(`Dense: W_std must be a finite number ≥ 0, got ${String(W_std)}`);
  if (b_std !== null && (typeof b_std !== 'number' || !Number.isFinite(b_std) || b_std < 0)) {
    throw new NtkInputError(
      `Dense: b_std must be a finite number ≥ 0 or null (no bias), got ${String(b_std)}`,
    );
  }
  if (parameterization !== 'ntk' && parameterization !== 'standard') {
    throw new NtkInputError(
      `Dense: parameterization must be 'ntk' or 'standard', got ${String(parameterization)}`,
    );
  }
  const hasBias = b_std !== null;
  const w2 = W_std * W_std;
  const b2 = hasBias ? b_std * b_std : 0;
  const isNtk = parameterization === 'ntk';
  /** Forward scale of W and of b for an input width. */
  const scales = (nIn: number): [number, number] =>
    isNtk ? [W_std / Math.sqrt(nIn), hasBias ? b_std : 0] : [1, 1];
  const inWidth = (shape: readonly number[], where: string): number => {
    if (shape.length < 1 || shape[shape.length - 1] < 1)
      throw new NtkInputError(
        `Dense.${where}: input feature shape must end with a positive feature count, got [${shape.join(', ')}]`,
      );
    return shape[shape.length - 1];
  };
  const getW = (params: Params, nIn: number): Tensor => {
    const W = (params as { W?: Tensor }).W;
    if (!W || W.shape.length !== 2 || W.shape[0] !== nIn || W.shape[1] !== width) {
      throw new NtkInputError(
        `Dense: params.W must have shape [${nIn}, ${width}], got ${W ? `[${W.shape.join(', ')}]` : 'none'}`,
      );
    }
    return W;
  };
  const getB = (params: Params): Tensor | null => {
    if (!hasBias) return null;
    const b = (params as { b?: Tensor }).b;
    if (!b || b.data.length !== width)
      throw new NtkInputError(
        `Dense: params.b must have shape [${width}], got ${b ? `[${b.shape.join(', ')}]` : 'none'}`,
      );
    return b;
  };
  const config = { type: 'Dense', width, W_std, b_std, parameterization };
  const gemm = (
    tA: boolean,
    tB: boolean,
    alpha: number,
    A: Matrix,
    B: Matrix,
    beta: number,
    C: Matrix,
  ): void => gemmInto(tA, tB, alpha, A, B, beta, C);

  const layer: DenseLayer = {
    type: 'Dense',
    config,
    children: [],
    width,
    W_std,
    b_std,
    parameterization,
    scales,
    outShape(inShape: Flow<readonly number[]>): number[] {
      const s = singleShape(inShape, 'Dense');
      inWidth(s, 'outShape');
      return [...s.slice(0, -1), width];
    },
    init(key: Key, inShape: Flow<readonly number[]>): Params {
      const nIn = inWidth(singleShape(inShape, 'Dense'), 'init');
      const [kW, kb] = split(key, 2);
      const W = normal(kW, nIn * width);
      if (!isNtk) for (let i = 0; i < W.length; i++) W[i] *= W_std / Math.sqrt(nIn);
      const params: { [k: string]: Tensor } = { W: { shape: [nIn, width], data: W } };
      if (hasBias) {
        const b = normal(kb, width);
        if (!isNtk) for (let i = 0; i < b.length; i++) b[i] *= b_std;
        params.b = { shape: [width], data: b };
      }
      return params;
    },
    forward(params: Params, xf: Flow<Tensor>) {
      const x = single(xf, 'Dense');
      const nIn = inWidth(x.shape.slice(1), 'forward');
      const W = getW(params, nIn);
      const b = getB(params);
      const [cw, cb] = scales(nIn);
      const M = x.data.length / nIn;
      const y = new Matrix(M, width);
      if (b !== null)
        for (let r = 0; r < M; r++) for (let j = 0; j < width; j++) y.data[r * width + j] = cb * b.data[j];
      gemm(false, false, cw, new Matrix(M, nIn, x.data), new Matrix(nIn, width, W.data), 1, y);
      const cache: DenseCache = { x, nIn };
      return { y: { shape: [...x.shape.slice(0, -1), width], data: y.data }, cache };
    },
    backward(params: Params, cache: Cache, gyf: Flow<Tensor>, tap?: BackwardTap) {
      const { x, nIn } = cache as DenseCache;
      const gy = single(gyf, 'Dense.backward');
      const M = x.data.length / nIn;
      if (gy.data.length !== M * width)
        throw new NtkInputError(
          `Dense.backward: cotangent has ${gy.data.length} entries, expected ${M * width}`,
        );
      const W = getW(params, nIn);
      const [cw, cb] = scales(nIn);
      const G = new Matrix(M, width, gy.data);
      const gx = new Matrix(M, nIn);
      gemm(false, true, cw, G, new Matrix(nIn, width, W.data), 0, gx); // gx = cw·gy·Wᵀ
      const gW = new Matrix(nIn, width);
      gemm(true, false, cw, new Matrix(M, nIn, x.data), G, 0, gW); // gW = cw·xᵀ·gy
      const gparams: { [k: string]: Tensor } = { W: { shape: [nIn, width], data: gW.data } };
      if (hasBias) {
        const gb = new Float64Array(width);
        for (let r = 0; r < M; r++) for (let j = 0; j < width; j++) gb[j] += cb * gy.data[r * width + j];
        gparams.b = { shape: [width], data: gb };
      }
      tap?.(layer, params, x, gy);
      return { gx: { shape: [...x.shape], data: gx.data }, gparams };
    },
    jvp(params: Params, cache: Cache, txf: Flow<Tensor> | null, tparams: Params | null): Tensor {
      const { x, nIn } = cache as DenseCache;
      const M = x.data.length / nIn;
      const [cw, cb] = scales(nIn);
      const ty = new Matrix(M, width);
      if (tparams !== null) {
        const tb = getB(tparams);
        if (tb !== null)
          for (let r = 0; r < M; r++)
            for (let j = 0; j < width; j++) ty.data[r * width + j] = cb * tb.data[j];
        gemm(
          false,
          false,
          cw,
          new Matrix(M, nIn, x.data),
          new Matrix(nIn, width, getW(tparams, nIn).data),
          1,
          ty,
        );
      }
      if (txf !== null) {
        const tx = single(txf, 'Dense.jvp');
        gemm(
          false,
          false,
          cw,
          new Matrix(M, nIn, tx.data),
          new Matrix(nIn, width, getW(params, nIn).data),
          1,
          ty,
        );
      }
      return { shape: [...x.shape.slice(0, -1), width], data: ty.data };
    },
    perExampleGrads(_params: Params, x: Tensor, gy: Tensor, out: Float64Array): void {
      const N = x.shape[0];
      const nIn = x.shape[x.shape.length - 1];
      const P = sizeOf(x.shape.slice(1, -1)); // spatial positions per example (1 for dense features)
      const [cw, cb] = scales(nIn);
      const rowLen = nIn * width + (hasBias ? width : 0);
      if (out.length !== N * rowLen)
        throw new NtkInputError(
          `Dense.perExampleGrads: out has length ${out.length}, expected N·P_layer = ${N}·${rowLen}`,
        );
      out.fill(0);
      for (let n = 0; n < N; n++) {
        const row = n * rowLen;
        for (let p = 0; p < P; p++) {
          const xo = (n * P + p) * nIn;
          const go = (n * P + p) * width;
          for (let i = 0; i < nIn; i++) {
            const xi = cw * x.data[xo + i];
            if (xi === 0) continue;
            const o = row + i * width;
            for (let j = 0; j < width; j++) out[o + j] += xi * gy.data[go + j];
          }
          if (hasBias) for (let j = 0; j < width; j++) out[row + nIn * width + j] += cb * gy.data[go + j];
        }
      }
    },
    kernel(kf: Flow<Kernel>): Kernel {
      if (Array.isArray(kf))
        throw new NtkTypeError(
          `Dense: expected one kernel record, got a list of ${kf.length} (add a FanIn layer before it)`,
        );
      const k = kf;
      const nngp = k.nngp.slice();
      const ntk = k.ntk === null ? null : k.ntk.slice();
      layer.entrywise.tile(nngp, ntk, nngp, nngp, 1, nngp.length, k.channels);
      const mapVar = (v: Float64Array): Float64Array => v.map((q) => w2 * q + b2);
      const var1 = mapVar(k.var1);
      const var2 = k.var2 === k.var1 ? var1 : mapVar(k.var2);
      return replaceKernel(k, { nngp, ntk, var1, var2, channels: width, isGaussian: true });
    },
    entrywise: {
      gaussianAfter: () => true,
      channelsAfter: () => width,
      variance: (q) => w2 * q + b2,
      perEntry: { kind: 'affine', w2, b2, parameterization, bias: hasBias ? 1 : 0 },
      tile(nngp, ntk, _q1, _q2, rows, cols, channels): void {
        const n = rows * cols;
        if (ntk === null) {
          for (let e = 0; e < n; e++) nngp[e] = w2 * nngp[e] + b2;
        } else if (isNtk) {
          for (let e = 0; e < n; e++) {
            const s = w2 * nngp[e] + b2;
            nngp[e] = s;
            ntk[e] = s + w2 * ntk[e];
          }
        } else {
          const one = hasBias ? 1 : 0;
          for (let e = 0; e < n; e++) {
            const s = nngp[e];
            ntk[e] = channels * s + one + w2 * ntk[e];
            nngp[e] = w2 * s + b2;
          }
        }
      },
    },
  };
  return layer;
}
