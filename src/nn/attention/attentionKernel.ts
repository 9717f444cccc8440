import { NtkInputError } from '../../errors.js';
import { oneKernel, positions, requireFullSpatial, requireSpatial } from '../conv/spatialKernel.js';
import { replaceKernel } from '../kernelRecord.js';
import type { Flow, Kernel } from '../types.js';
import { gemm, softmaxRows } from './gemm.js';
import { planAttentionMemory } from './attentionMemory.js';
import type { ResolvedAttention } from './options.js';

/**
 * The infinite-width kernel map of GlobalSelfAttention with linear scaling (Hron, Bahri, Sohl-Dickstein & Novak
 * 2020, §3; the formulas of neural-tangents' `stax.GlobalSelfAttention` kernel_fn). With tied keys and queries
 * and logits scaled by 1/(C·n_chan_key), the logits of an input x converge to W_query_std·W_key_std·Σ̃(x, x)(p, q),
 * where Σ̃ is the covariance of the key inputs (Σ(x, x) plus W_pos_emb_std²·δ_pq for 'SUM' embeddings), so the
 * attention matrix is deterministic: G(x) = softmax_rows(W_query_std·W_key_std·Σ̃(x, x)). Then, with
 * s = W_out_std·W_value_std,
 *   Σ'(x, x')(p, p') = s²·Σ_{q, q'} G(x)(p, q)·Σ(x, x')(q, q')·G(x')(p', q') + b_std²,
 *   Θ'(x, x')        = s²·G(x)·Θ(x, x')·G(x')ᵀ + b_std² + 2·(Σ' − b_std²)
 * (the values and output weights each add s²·GΣGᵀ; the key weights' share vanishes as n_chan_key → ∞).
 * G(x) reads Σ(x, x) at all position pairs, so the record must hold all pairs (diagonalSpatial = false) and be
 * symmetric (x2 = x1, or the union of both batches: kernelFn arranges it). The result is Gaussian.
 */
export function attentionKernel(o: ResolvedAttention, kf: Flow<Kernel>): Kernel {
  const k = oneKernel(kf, 'GlobalSelfAttention');
  requireSpatial(k, 'GlobalSelfAttention');
  requireFullSpatial(k, 'GlobalSelfAttention');
  if (!k.symmetric)
    throw new NtkInputError(
      'GlobalSelfAttention: the attention matrix of an input x reads Σ(x, x) at all position pairs, which a ' +
        'record of two different batches (x2 ≠ x1) does not hold; compute the kernel on the record of the union ' +
        'of both batches (kernelFn does this for networks with attention)',
    );
  const n = k.n1;
  const P = positions(k.spatial);
  const PP = P * P;
  planAttentionMemory(n, P, k.ntk !== null);
  const qk = o.W_query_std * o.W_key_std;
  const s2 = (o.W_out_std * o.W_value_std) ** 2;
  const b2 = o.b_std * o.b_std;
  const pe2 = o.pos_emb_type === 'SUM' ? o.W_pos_emb_std ** 2 : 0;
  const G = new Float64Array(n * PP);
  for (let i = 0; i < n; i++) {
    const Gi = G.subarray(i * PP, (i + 1) * PP);
    const self = (i * n + i) * PP;
    for (let p = 0; p < P; p++)
      for (let q = 0; q < P; q++) Gi[p * P + q] = qk * (k.nngp[self + p * P + q] + (p === q ? pe2 : 0));
    softmaxRows(Gi, P, P);
  }
  const nngp = new Float64Array(k.nngp.length);
  const ntk = k.ntk === null ? null : new Float64Array(k.ntk.length);
  const tmp = new Float64Array(PP);
  // out(p, p') = s²·(G_i·M·G_jᵀ)(p, p') + add
  const sandwich = (
    src: Float64Array,
    dst: Float64Array,
    e: number,
    Gi: Float64Array,
    Gj: Float64Array,
  ): void => {
    const M = src.subarray(e, e + PP);
    const D = dst.subarray(e, e + PP);
    gemm(false, false, P, P, P, 1, Gi, M, 0, tmp);
    gemm(false, true, P, P, P, s2, tmp, Gj, 0, D);
  };
  for (let i = 0; i < n; i++) {
    const Gi = G.subarray(i * PP, (i + 1) * PP);
    for (let j = 0; j < n; j++) {
      const Gj = G.subarray(j * PP, (j + 1) * PP);
      const e = (i * n + j) * PP;
      sandwich(k.nngp, nngp, e, Gi, Gj);
      if (ntk !== null) {
        sandwich(k.ntk!, ntk, e, Gi, Gj);
        for (let t = e; t < e + PP; t++) ntk[t] += b2 + 2 * nngp[t];
      }
      for (let t = e; t < e + PP; t++) nngp[t] += b2;
    }
  }
  const var1 = new Float64Array(n * P);
  for (let i = 0; i < n; i++)
    for (let p = 0; p < P; p++) var1[i * P + p] = nngp[(i * n + i) * PP + p * P + p];
  return replaceKernel(k, { nngp, ntk, var1, var2: var1, channels: o.n_chan_out, isGaussian: true });
}
