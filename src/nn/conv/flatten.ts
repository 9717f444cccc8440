import { replaceKernel } from '../kernelRecord.js';
import { single, singleShape } from '../tensor.js';
import type { Cache, Flow, Kernel, Layer, Params, Tensor } from '../types.js';
import { oneKernel, positions } from './spatialKernel.js';

/**
 * Flatten [N, ...S, C] → [N, P·C] (neural-tangents `stax.Flatten`; the CNTK-V of Arora et al. 2019 uses it
 * before the readout). Convention (as neural-tangents): the kernel of the flattened vector is normalized by
 * its length P·C, like every input kernel (Σ⁰ = ⟨x, x'⟩/d, docs/conventions.md §1), so
 *   Σ' = (1/P)·Σ_p Σ(p, p),  Θ' = (1/P)·Σ_p Θ(p, p),  var' = (1/P)·Σ_p var(p),  channels' = P·C;
 * then a Dense readout (W_std/√(P·C) scaling) gets exactly its usual kernel, and only equal positions are needed
 * (the diagonal-spatial layout is exact). The flattened coordinates have unequal variances across positions, so
 * the record is not marked Gaussian for P > 1: a nonlinearity straight after Flatten is refused (put a Dense first).
 * On a non-spatial record Flatten is the identity.
 */
export function Flatten(): Layer {
  return {
    type: 'Flatten',
    config: { type: 'Flatten' },
    children: [],
    outShape(s: Flow<readonly number[]>): number[] {
      const shape = singleShape(s, 'Flatten');
      return [positions(shape)];
    },
    init: (): Params => ({}),
    forward(_p: Params, xf: Flow<Tensor>) {
      const x = single(xf, 'Flatten');
      const N = x.shape[0];
      return { y: { shape: [N, positions(x.shape.slice(1))], data: x.data }, cache: [...x.shape] };
    },
    backward(_p: Params, cache: Cache, gyf: Flow<Tensor>) {
      return {
        gx: { shape: [...(cache as number[])], data: single(gyf, 'Flatten.backward').data },
        gparams: {},
      };
    },
    jvp(_p: Params, cache: Cache, tx: Flow<Tensor> | null): Tensor {
      const shape = cache as number[];
      const d = positions(shape.slice(1));
      return {
        shape: [shape[0], d],
        data: tx === null ? new Float64Array(shape[0] * d) : single(tx, 'Flatten.jvp').data,
      };
    },
    kernel(kf: Flow<Kernel>): Kernel {
      const k = oneKernel(kf, 'Flatten');
      if (k.spatial.length === 0) return k;
      const P = positions(k.spatial);
      const step = k.diagonalSpatial ? 1 : P + 1; // stride between (p, p) entries in a pair block
      const B = k.diagonalSpatial ? P : P * P;
      const mean = (src: Float64Array, n: number, block: number, stride: number): Float64Array => {
        const out = new Float64Array(n);
        for (let e = 0; e < n; e++) {
          let s = 0;
          for (let p = 0; p < P; p++) s += src[e * block + p * stride];
          out[e] = s / P;
        }
        return out;
      };
      const nngp = mean(k.nngp, k.n1 * k.n2, B, step);
      const ntk = k.ntk === null ? null : mean(k.ntk, k.n1 * k.n2, B, step);
      const var1 = mean(k.var1, k.n1, P, 1);
      const var2 = k.var2 === k.var1 ? var1 : mean(k.var2, k.n2, P, 1);
      return replaceKernel(k, {
        nngp,
        ntk,
        var1,
        var2,
        spatial: [],
        diagonalSpatial: true,
        channels: P * k.channels,
        isGaussian: k.isGaussian && P === 1,
      });
    },
  };
}
