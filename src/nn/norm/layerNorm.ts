import { NtkInputError, NtkTypeError } from '../../errors.js';
import { positions } from '../conv/spatialKernel.js';
import type { EntrywiseLayer } from '../entrywise.js';
import { applyDualTile, replaceKernel, type DualMap } from '../kernelRecord.js';
import { rootProduct } from '../../special/rootProduct.js';
import { single, singleShape } from '../tensor.js';
import type { Cache, Flow, Kernel, Params, Tensor } from '../types.js';

/** The entries LayerNorm normalizes together: an example's features at each position, or all its entries. */
export type LayerNormAxis = 'features' | 'all';

/** Options of LayerNorm. */
export interface LayerNormOptions {
  /** 'features' (default; per position for images) or 'all'. */
  readonly axis?: LayerNormAxis;
  /** Added to the variance before the square root (default 1e-12). */
  readonly eps?: number;
}

interface NormCache {
  shape: number[];
  /** Normalized output y (the same layout as x). */
  y: Float64Array;
  /** s = √(v + eps) per group. */
  s: Float64Array;
  group: number;
}

/**
 * Layer normalization without parameters (Ba et al. 2016, eqs. 3–4 with gain 1 and bias 0; neural-tangents
 * `stax.LayerNorm`). Each group G of entries of one example — its C features at one position (axis
 * "features", the default; for dense inputs the whole feature vector) or all its positions and features
 * (axis "all") — is centred and scaled:
 *   μ = mean_G x,  v = mean_G (x − μ)²,  s = √(v + eps),  y = (x − μ)/s.
 * Its Jacobian, exact (with d = x − μ the centred input and |G| the group size):
 *   J·t = (1/s)·[t − mean_G t − y·mean_G(y·t)],   Jᵀ·g = (1/s)·[g − mean_G g − y·mean_G(y·g)]
 * (J = (1/s)(I − y yᵀ/|G|)(I − 1 1ᵀ/|G|) and mean_G y = 0, so both orders give the same form).
 *
 * Infinite-width map (neural-tangents' LayerNorm kernel): for zero-mean Gaussian features (right after an
 * affine layer, isGaussian) the group mean tends to 0 and v to the variance q, so
 *   Σ'(x, x')(p, p') = Σ(x, x')(p, p') / √((eps + q(x, p))·(eps + q(x', p'))),  Θ' likewise,
 * with q(x, p) = Σ(x, x)(p, p) (axis "features") or its average over positions (axis "all"); the result is
 * still Gaussian. On a record that is not Gaussian (the network input, or after a nonlinearity such as Relu
 * whose features have a non-zero mean) the centring changes the kernel in a way the record cannot express, so
 * the map refuses it.
 */
export function LayerNorm(opts: LayerNormOptions = {}): EntrywiseLayer {
  if (opts === null || typeof opts !== 'object')
    throw new NtkTypeError(`LayerNorm: expected options { axis?, eps? }, got ${String(opts)}`);
  const axis = opts.axis ?? 'features';
  if (axis !== 'features' && axis !== 'all')
    throw new NtkInputError(`LayerNorm: axis must be 'features' or 'all', got ${JSON.stringify(axis)}`);
  const eps = opts.eps ?? 1e-12;
  if (typeof eps !== 'number' || !Number.isFinite(eps) || eps < 0)
    throw new NtkInputError(`LayerNorm: eps must be a finite number ≥ 0, got ${String(eps)}`);
  /**
   * The map on one entry as a dual (src/nn/kernelRecord.ts), from the variances q1, q2 without eps:
   * Σ' = Σ/√((eps + q1)(eps + q2)) and the NTK factor 1/√((eps + q1)(eps + q2)) (Θ' = factor·Θ). The record map
   * and the fused interpreter's per-entry form both call it, so they give the same numbers.
   */
  const dual: DualMap = (s, q1, q2, out) => {
    const n = rootProduct(eps + q1, eps + q2);
    out[0] = s / n;
    out[1] = 1 / n;
  };
  const scratch = new Float64Array(2);
  const notGaussian = (): NtkInputError =>
    new NtkInputError(
      'LayerNorm: its infinite-width kernel needs zero-mean Gaussian features — put it right after an affine ' +
        'layer (Dense/Conv), not on the network input or after a nonlinearity (their features have a non-zero ' +
        'mean, which the centring removes and the kernel record does not hold)',
    );
  /** Entries per group for an input of shape [N, ...features]. */
  const groupOf = (shape: readonly number[]): number =>
    axis === 'features' ? shape[shape.length - 1] : shape.slice(1).reduce((a, b) => a * b, 1);
  /** out = (v − mean v − y·mean(y·v))/s per group: the JVP and (the same form) the VJP. */
  const project = (c: NormCache, v: Float64Array): Float64Array => {
    const { y, s, group: L } = c;
    const out = new Float64Array(v.length);
    for (let gi = 0; gi < s.length; gi++) {
      const o = gi * L;
      let m = 0;
      let my = 0;
      for (let i = 0; i < L; i++) {
        m += v[o + i];
        my += y[o + i] * v[o + i];
      }
      m /= L;
      my /= L;
      for (let i = 0; i < L; i++) out[o + i] = (v[o + i] - m - y[o + i] * my) / s[gi];
    }
    return out;
  };
  return {
    type: 'LayerNorm',
    config: { type: 'LayerNorm', axis, eps },
    children: [],
    outShape(s: Flow<readonly number[]>): number[] {
      const shape = singleShape(s, 'LayerNorm');
      if (shape.length < 1 || shape.some((d) => d < 1))
        throw new NtkInputError(`LayerNorm: needs a non-empty feature shape, got [${shape.join(', ')}]`);
      return [...shape];
    },
    init: (): Params => ({}),
    forward(_p: Params, xf: Flow<Tensor>) {
      const x = single(xf, 'LayerNorm');
      if (x.shape.length < 2)
        throw new NtkInputError(`LayerNorm: needs inputs [N, ...features], got [${x.shape.join(', ')}]`);
      const L = groupOf(x.shape);
      const groups = x.data.length / L;
      const y = new Float64Array(x.data.length);
      const s = new Float64Array(groups);
      for (let gi = 0; gi < groups; gi++) {
        const o = gi * L;
        let mu = 0;
        for (let i = 0; i < L; i++) mu += x.data[o + i];
        mu /= L;
        let v = 0;
        for (let i = 0; i < L; i++) v += (x.data[o + i] - mu) ** 2;
        v /= L;
        s[gi] = Math.sqrt(v + eps);
        for (let i = 0; i < L; i++) y[o + i] = (x.data[o + i] - mu) / s[gi];
      }
      const cache: NormCache = { shape: [...x.shape], y, s, group: L };
      return { y: { shape: [...x.shape], data: y }, cache };
    },
    backward(_p: Params, cache: Cache, gyf: Flow<Tensor>) {
      const c = cache as NormCache;
      const gy = single(gyf, 'LayerNorm.backward');
      return { gx: { shape: [...c.shape], data: project(c, gy.data) }, gparams: {} };
    },
    jvp(_p: Params, cache: Cache, tx: Flow<Tensor> | null): Tensor {
      const c = cache as NormCache;
      if (tx === null) return { shape: [...c.shape], data: new Float64Array(c.y.length) };
      return { shape: [...c.shape], data: project(c, single(tx, 'LayerNorm.jvp').data) };
    },
    kernel(kf: Flow<Kernel>): Kernel {
      if (Array.isArray(kf))
        throw new NtkTypeError(
          `LayerNorm: expected one kernel record, got a list of ${kf.length} (add a FanIn layer before it)`,
        );
      const k = kf;
      if (!k.isGaussian) throw notGaussian();
      const P = positions(k.spatial);
      /** q per (input, position) without eps: the variance itself ('features') or its mean over positions ('all'). */
      const norm = (v: Float64Array, n: number): Float64Array => {
        if (axis === 'features' || P === 1) return v;
        const q = new Float64Array(n * P);
        for (let i = 0; i < n; i++) {
          let m = 0;
          for (let p = 0; p < P; p++) m += v[i * P + p] / P;
          q.fill(m, i * P, (i + 1) * P);
        }
        return q;
      };
      const q1 = norm(k.var1, k.n1);
      const q2 = k.var2 === k.var1 ? q1 : norm(k.var2, k.n2);
      const full = !k.diagonalSpatial && P > 1;
      const B = full ? P * P : P;
      const nngp = new Float64Array(k.nngp.length);
      const ntk = k.ntk === null ? null : new Float64Array(k.ntk.length);
      const out = new Float64Array(2);
      for (let i = 0; i < k.n1; i++)
        for (let j = 0; j < k.n2; j++) {
          const o = (i * k.n2 + j) * B;
          for (let p = 0; p < P; p++)
            for (let pp = full ? 0 : p; pp < (full ? P : p + 1); pp++) {
              const e = o + (full ? p * P + pp : p);
              dual(k.nngp[e], q1[i * P + p], q2[j * P + pp], out);
              nngp[e] = out[0];
              if (ntk !== null) ntk[e] = out[1] * k.ntk![e];
            }
        }
      const scaleVar = (v: Float64Array, q: Float64Array): Float64Array =>
        v.map((x, e) => x / rootProduct(eps + q[e], eps + q[e]));
      const var1 = scaleVar(k.var1, q1);
      const var2 = k.var2 === k.var1 ? var1 : scaleVar(k.var2, q2);
      return replaceKernel(k, { nngp, ntk, var1, var2 });
    },
    entrywise: {
      gaussianAfter(isGaussian: boolean): boolean {
        if (!isGaussian) throw notGaussian();
        return true;
      },
      channelsAfter: (c) => c,
      variance(q: number): number {
        dual(q, q, q, scratch);
        return scratch[0];
      },
      tile(nngp, ntk, q1, q2, rows, cols): void {
        applyDualTile(dual, nngp, ntk, q1, q2, rows, cols, scratch);
      },
      perEntry: { kind: 'dual', dual },
    },
  };
}
