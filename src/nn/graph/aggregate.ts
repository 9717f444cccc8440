import { NtkInputError } from '../../errors.js';
import { pooledVariances } from '../conv/pooledVariance.js';
import { oneKernel, requireFullSpatial, requireSpatial } from '../conv/spatialKernel.js';
import { replaceKernel } from '../kernelRecord.js';
import { single, singleShape } from '../tensor.js';
import type { Cache, Flow, Kernel, Layer, Params, Tensor } from '../types.js';
import { boundAdjacency } from './adjacency.js';

/**
 * Aggregate (neural-tangents `stax.Aggregate`; the aggregation step of the Graph Neural Tangent Kernel, Du et al.
 * 2019, §4, eqs. 3–4): node features x (N, V, C) and one adjacency A (N, V, V) per example,
 *   y_n = A_n · x_n   (y[n, i, c] = Σ_j A[n, i, j]·x[n, j, c]; no parameters),
 * VJP g ↦ A_nᵀ·g, JVP t ↦ A_n·t. Kernel map on all node pairs (diagonalSpatial = false), with A = A(x), A' = A(x'):
 *   Σ'(x, x') = A·Σ(x, x')·A'ᵀ,  Θ'(x, x') = A·Θ(x, x')·A'ᵀ,
 * and the variances the diagonal of A·Σ(x, x)·Aᵀ (read off symmetric records, as for pooling). A linear image of
 * a Gaussian is Gaussian (isGaussian kept). The finite network gets A through graphForward / withAdjacency
 * (./adjacency.ts), the kernel map through the record's pattern1 / pattern2 (kernelFn's `pattern` option).
 */
export function Aggregate(): Layer {
  const type = 'Aggregate';
  const apply = (a: Float64Array, x: Float64Array, N: number, V: number, C: number, transpose: boolean) => {
    const y = new Float64Array(N * V * C);
    for (let n = 0; n < N; n++)
      for (let i = 0; i < V; i++)
        for (let j = 0; j < V; j++) {
          const w = transpose ? a[(n * V + j) * V + i] : a[(n * V + i) * V + j];
          if (w === 0) continue;
          const yo = (n * V + i) * C;
          const xo = (n * V + j) * C;
          for (let c = 0; c < C; c++) y[yo + c] += w * x[xo + c];
        }
    return y;
  };
  const nodes = (x: Tensor, where: string): [number, number, number] => {
    if (x.shape.length !== 3)
      throw new NtkInputError(`${where}: needs node features [N, V, C], got [${x.shape.join(', ')}]`);
    return [x.shape[0], x.shape[1], x.shape[2]];
  };
  return {
    type,
    config: { type },
    children: [],
    outShape(s: Flow<readonly number[]>): number[] {
      const shape = singleShape(s, type);
      if (shape.length !== 2)
        throw new NtkInputError(`${type}: needs node features of shape [V, C], got [${shape.join(', ')}]`);
      return [...shape];
    },
    init: (): Params => ({}),
    forward(_p: Params, xf: Flow<Tensor>) {
      const x = single(xf, type);
      const [N, V, C] = nodes(x, type);
      const a = boundAdjacency(N, V, type).data;
      return { y: { shape: [N, V, C], data: apply(a, x.data, N, V, C, false) }, cache: { a, N, V, C } };
    },
    backward(_p: Params, cache: Cache, gyf: Flow<Tensor>) {
      const { a, N, V, C } = cache as { a: Float64Array; N: number; V: number; C: number };
      const gy = single(gyf, `${type}.backward`);
      return { gx: { shape: [N, V, C], data: apply(a, gy.data, N, V, C, true) }, gparams: {} };
    },
    jvp(_p: Params, cache: Cache, tx: Flow<Tensor> | null): Tensor {
      const { a, N, V, C } = cache as { a: Float64Array; N: number; V: number; C: number };
      if (tx === null) return { shape: [N, V, C], data: new Float64Array(N * V * C) };
      return { shape: [N, V, C], data: apply(a, single(tx, `${type}.jvp`).data, N, V, C, false) };
    },
    kernel(kf: Flow<Kernel>): Kernel {
      const k = oneKernel(kf, type);
      requireSpatial(k, type);
      if (k.spatial.length !== 1)
        throw new NtkInputError(
          `${type}: needs graph inputs (N, V, C) with one node axis, got spatial shape [${k.spatial.join(', ')}]`,
        );
      requireFullSpatial(k, type);
      const V = k.spatial[0];
      const { pattern1: a1, pattern2: a2 } = k;
      if (a1 === undefined || a2 === undefined)
        throw new NtkInputError(
          `${type}: the kernel has no adjacency; pass kernelFn(net, x1, x2, { pattern: { x1: A1, x2: A2 } }) with A of shape [N, V, V]`,
        );
      const B = V * V;
      const t = new Float64Array(B);
      // Σ' = A_i·Σ·A_jᵀ per pair (i, j): T = A_i·Σ, then Σ'[a, b] = Σ_q T[a, q]·A_j[b, q]
      const map = (src: Float64Array): Float64Array => {
        const out = new Float64Array(src.length);
        for (let i = 0; i < k.n1; i++)
          for (let j = 0; j < k.n2; j++) {
            const e = (i * k.n2 + j) * B;
            t.fill(0);
            for (let r = 0; r < V; r++)
              for (let p = 0; p < V; p++) {
                const w = a1[i * B + r * V + p];
                if (w === 0) continue;
                for (let q = 0; q < V; q++) t[r * V + q] += w * src[e + p * V + q];
              }
            for (let r = 0; r < V; r++)
              for (let c = 0; c < V; c++) {
                let s = 0;
                for (let q = 0; q < V; q++) s += t[r * V + q] * a2[j * B + c * V + q];
                out[e + r * V + c] = s;
              }
          }
        return out;
      };
      const nngp = map(k.nngp);
      const ntk = k.ntk === null ? null : map(k.ntk);
      return replaceKernel(k, { nngp, ntk, ...pooledVariances(k, nngp, V) });
    },
  };
}
