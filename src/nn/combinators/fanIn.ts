import { NtkInputError } from '../../errors.js';
import { list, sameShape, shapeList } from '../tensor.js';
import type { Cache, Flow, Kernel, Layer, Params, Tensor } from '../types.js';

function checkCompatible(ks: Kernel[], where: string): void {
  const k0 = ks[0];
  for (const k of ks) {
    if (
      k.n1 !== k0.n1 ||
      k.n2 !== k0.n2 ||
      !sameShape(k.spatial, k0.spatial) ||
      k.diagonalSpatial !== k0.diagonalSpatial
    ) {
      throw new NtkInputError(`${where}: branch kernels differ in batch sizes or spatial layout`);
    }
  }
}

/**
 * FanInSum: the sum of a list of equal-shape inputs (neural-tangents `stax.FanInSum`). Kernel: the sum of the
 * branches' Σ, Θ and variances — exact when the branches are independent in the infinite-width limit (every
 * branch but at most one passes through an affine layer with fresh zero-mean weights, as in residual blocks
 * serial(FanOut(2), parallel(block, Identity()), FanInSum())). Branches that share all their randomness (e.g.
 * parallel(Identity, Identity)) are NOT summed correctly — the same limitation as neural-tangents.
 * The result is Gaussian iff every branch is.
 */
export function FanInSum(): Layer {
  return {
    type: 'FanInSum',
    config: { type: 'FanInSum' },
    children: [],
    outShape(inShape: Flow<readonly number[]>): number[] {
      const s = shapeList(inShape, 'FanInSum');
      if (s.length === 0) throw new NtkInputError('FanInSum: needs at least one input');
      for (const t of s)
        if (!sameShape(t, s[0]))
          throw new NtkInputError(
            `FanInSum: input shapes differ: [${s.map((x) => `[${x.join(', ')}]`).join(', ')}]`,
          );
      return [...s[0]];
    },
    init: (): Params => ({}),
    forward(_p: Params, x: Flow<Tensor>) {
      const xs = list(x, 'FanInSum');
      const y = new Float64Array(xs[0].data.length);
      for (const t of xs) {
        if (!sameShape(t.shape, xs[0].shape))
          throw new NtkInputError(
            `FanInSum: input shapes differ: [${t.shape.join(', ')}] vs [${xs[0].shape.join(', ')}]`,
          );
        for (let i = 0; i < y.length; i++) y[i] += t.data[i];
      }
      return { y: { shape: [...xs[0].shape], data: y }, cache: xs.length };
    },
    backward(_p: Params, cache: Cache, gy: Flow<Tensor>) {
      const g = gy as Tensor;
      return { gx: Array.from({ length: cache as number }, () => g), gparams: {} };
    },
    jvp(_p: Params, _cache: Cache, tx: Flow<Tensor> | null): Tensor {
      if (tx === null) throw new Error('FanInSum.jvp: zero tangent list not supported; pass tangents');
      const ts = list(tx, 'FanInSum.jvp');
      const y = new Float64Array(ts[0].data.length);
      for (const t of ts) for (let i = 0; i < y.length; i++) y[i] += t.data[i];
      return { shape: [...ts[0].shape], data: y };
    },
    kernel(k: Flow<Kernel>): Kernel {
      const ks = list(k, 'FanInSum.kernel');
      checkCompatible(ks, 'FanInSum');
      return combine(
        ks,
        ks.map(() => 1),
        ks[0].channels,
      );
    },
  };
}

/** Σ_i c_i·(kernel i) entrywise; ntk null if any branch has none. */
function combine(ks: Kernel[], c: number[], channels: number): Kernel {
  const k0 = ks[0];
  const wsum = (get: (k: Kernel) => Float64Array): Float64Array => {
    const out = new Float64Array(get(k0).length);
    ks.forEach((k, b) => {
      const a = get(k);
      for (let i = 0; i < out.length; i++) out[i] += c[b] * a[i];
    });
    return out;
  };
  const nngp = wsum((k) => k.nngp);
  const ntk = ks.every((k) => k.ntk !== null) ? wsum((k) => k.ntk!) : null;
  const var1 = wsum((k) => k.var1);
  const var2 = ks.every((k) => k.var2 === k.var1) ? var1 : wsum((k) => k.var2);
  return { ...k0, nngp, ntk, var1, var2, channels, isGaussian: ks.every((k) => k.isGaussian) };
}

/**
 * FanInConcat: concatenation along the last (feature) axis (neural-tangents `stax.FanInConcat(axis=-1)`).
 * Kernel: the channel-count-weighted average Σ = Σ_i c_i·Σ_i / Σ_i c_i (same for Θ and variances), since
 * the next Dense layer normalizes by the total width.
 */
export function FanInConcat(): Layer {
  return {
    type: 'FanInConcat',
    config: { type: 'FanInConcat' },
    children: [],
    outShape(inShape: Flow<readonly number[]>): number[] {
      const s = shapeList(inShape, 'FanInConcat');
      if (s.length === 0) throw new NtkInputError('FanInConcat: needs at least one input');
      for (const t of s) {
        if (t.length !== s[0].length || !sameShape(t.slice(0, -1), s[0].slice(0, -1)))
          throw new NtkInputError(`FanInConcat: inputs must agree except in the last axis`);
      }
      return [...s[0].slice(0, -1), s.reduce((a, t) => a + t[t.length - 1], 0)];
    },
    init: (): Params => ({}),
    forward(_p: Params, x: Flow<Tensor>) {
      const xs = list(x, 'FanInConcat');
      const widths = xs.map((t) => t.shape[t.shape.length - 1]);
      const total = widths.reduce((a, b) => a + b, 0);
      const M = xs[0].data.length / widths[0];
      for (let b = 0; b < xs.length; b++) {
        if (xs[b].data.length / widths[b] !== M)
          throw new NtkInputError(`FanInConcat: inputs must agree except in the last axis`);
      }
      const y = new Float64Array(M * total);
      let off = 0;
      xs.forEach((t, b) => {
        const w = widths[b];
        for (let r = 0; r < M; r++) for (let j = 0; j < w; j++) y[r * total + off + j] = t.data[r * w + j];
        off += w;
      });
      return {
        y: { shape: [...xs[0].shape.slice(0, -1), total], data: y },
        cache: { widths, shapes: xs.map((t) => t.shape) },
      };
    },
    backward(_p: Params, cache: Cache, gy: Flow<Tensor>) {
      const { widths, shapes } = cache as { widths: number[]; shapes: number[][] };
      return { gx: split(gy as Tensor, widths, shapes), gparams: {} };
    },
    jvp(_p: Params, _cache: Cache, tx: Flow<Tensor> | null): Tensor {
      if (tx === null) throw new Error('FanInConcat.jvp: zero tangent list not supported; pass tangents');
      return this.forward({}, tx).y as Tensor;
    },
    kernel(k: Flow<Kernel>): Kernel {
      const ks = list(k, 'FanInConcat.kernel');
      checkCompatible(ks, 'FanInConcat');
      const total = ks.reduce((a, q) => a + q.channels, 0);
      return combine(
        ks,
        ks.map((q) => q.channels / total),
        total,
      );
    },
  };
}

function split(g: Tensor, widths: number[], shapes: number[][]): Tensor[] {
  const total = widths.reduce((a, b) => a + b, 0);
  const M = g.data.length / total;
  let off = 0;
  return widths.map((w, b) => {
    const d = new Float64Array(M * w);
    for (let r = 0; r < M; r++) for (let j = 0; j < w; j++) d[r * w + j] = g.data[r * total + off + j];
    off += w;
    return { shape: [...shapes[b]], data: d };
  });
}
