import type { Kernel } from '../types.js';

/**
 * The per-input variance after a layer that averages over positions (AvgPool, GlobalAvgPool) needs the
 * covariance of x with itself at all position pairs, Σ(x, x)(p, p'). The record of src/nn/types.ts keeps
 * Σ(x, x) only at equal positions (var1/var2), so the pooled variance is read off the pooled nngp at the
 * (x, x) pairs of a symmetric record. For x2 ≠ x1 it is unavailable: var1/var2 become NaN, and kernelFn
 * (src/kernels/spatialKernelFn.ts) never lets such a NaN reach a result — it computes tiles whose networks
 * apply a nonlinearity after pooling on symmetric records, and the output variances from single-input records.
 */
export function pooledVariances(
  k: Kernel,
  nngp: Float64Array,
  Q: number,
): { var1: Float64Array; var2: Float64Array } {
  if (!k.symmetric) {
    const var1 = new Float64Array(k.n1 * Q).fill(NaN);
    return { var1, var2: new Float64Array(k.n2 * Q).fill(NaN) };
  }
  const var1 = new Float64Array(k.n1 * Q);
  for (let i = 0; i < k.n1; i++)
    for (let p = 0; p < Q; p++) var1[i * Q + p] = nngp[(i * k.n2 + i) * Q * Q + p * Q + p];
  return { var1, var2: var1 };
}
