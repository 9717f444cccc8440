import { Matrix } from '../linalg/matrix.js';
import { gemmInto } from '../linalg/unchecked.js';
import { rowsView, type Features } from './features.js';
import type { NtkOperator } from './ntvp.js';
import type { OuterProductRule } from './outerProductRule.js';

/**
 * The traced empirical NTK as an implicit operator built from stored per-layer features, for networks
 * whose parameterized layers are all Dense (outer-product rule). For one Dense leaf and output o, with
 * X (N × n_in) its inputs and G_o (N × n_out) its output cotangents (outerProductRule.ts),
 *   Θ_l,o v = c_W²·[(X Xᵀ) ⊙ (G_o G_oᵀ)] v + c_b²·G_o G_oᵀ v,
 * and [(X Xᵀ) ⊙ (G Gᵀ)] v = rowsum((X·M) ⊙ G) with M = Xᵀ·diag(v)·G (n_in × n_out) — the layer's
 * weight gradient for cotangent v followed by its weight JVP, i.e. Jᵀv then J·(Jᵀv) per layer, without
 * propagating through the network again. A block of b vectors is done by GEMMs on [diag(v_1)G, …, diag(v_b)G].
 * Cost per vector 4·N·Σ_l n_in·n_out·O (half that of a VJP + JVP through the network); memory: the features
 * plus chunks of N × (chunk·n_out).
 */
export function structuredNtkOperator(
  f: Features,
  rules: readonly OuterProductRule[],
  chunkBytes = 64 * 2 ** 20,
): NtkOperator {
  const N = f.n;
  const O = f.outputs;
  f.leaves.forEach((l, i) => {
    if (!rules[i] || rules[i].nIn !== l.inSize || rules[i].nOut !== l.outSize) {
      throw new Error(
        `structuredNtkOperator: leaf ${i} (${l.leaf.layer.type}) has no outer-product rule for its shapes`,
      );
    }
  });
  let matvecs = 0;
  return {
    n: N,
    get matvecs() {
      return matvecs;
    },
    apply(V: Matrix, out: Matrix): void {
      if (V.rows !== N || out.rows !== N || out.cols !== V.cols) {
        throw new Error(
          `NTK operator: expected V and out of shape ${N}×b, got ${V.rows}×${V.cols} and ${out.rows}×${out.cols}`,
        );
      }
      const b = V.cols;
      out.data.fill(0);
      const v = V.data;
      const r = out.data;
      for (let li = 0; li < f.leaves.length; li++) {
        const lf = f.leaves[li];
        const { nIn, nOut, cW, cb } = rules[li];
        const X = rowsView(lf.x, nIn, 0, N);
        const kc = Math.max(1, Math.min(b, Math.floor(chunkBytes / (8 * N * nOut))));
        for (let o = 0; o < O; o++) {
          const G = rowsView(lf.gy[o], nOut, 0, N);
          const g = G.data;
          const w = 1 / O;
          for (let k0 = 0; k0 < b; k0 += kc) {
            const k1 = Math.min(b, k0 + kc);
            const kn = k1 - k0;
            // VG = [diag(v_k) G]_k  (N × kn·nOut)
            const VG = new Matrix(N, kn * nOut);
            const vg = VG.data;
            for (let n = 0; n < N; n++) {
              const grow = n * nOut;
              for (let k = 0; k < kn; k++) {
                const vk = v[n * b + k0 + k];
                const base = n * kn * nOut + k * nOut;
                for (let j = 0; j < nOut; j++) vg[base + j] = vk * g[grow + j];
              }
            }
            const M = new Matrix(nIn, kn * nOut);
            gemmInto(true, false, 1, X, VG, 0, M);
            const XM = VG; // reuse: X·M has the same shape N × kn·nOut
            gemmInto(false, false, 1, X, M, 0, XM);
            const xm = XM.data;
            const cW2 = cW * cW * w;
            for (let n = 0; n < N; n++) {
              const grow = n * nOut;
              for (let k = 0; k < kn; k++) {
                const base = n * kn * nOut + k * nOut;
                let s = 0;
                for (let j = 0; j < nOut; j++) s += xm[base + j] * g[grow + j];
                r[n * b + k0 + k] += cW2 * s;
              }
            }
          }
          if (cb !== 0) {
            // c_b²·G (Gᵀ V): the bias part of the layer's Jacobian.
            const U = new Matrix(nOut, b);
            gemmInto(true, false, 1, G, V, 0, U);
            gemmInto(false, false, cb * cb * w, G, U, 1, out);
          }
        }
      }
      matvecs += b;
    },
  };
}
