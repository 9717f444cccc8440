import { normalCdf, normalPdf } from '../../special/normal.js';
import { activationLayer } from '../activation.js';
import type { EntrywiseLayer } from '../entrywise.js';

/**
 * Gelu: the exact-erf GELU φ(x) = x·Φ(x) (Hendrycks & Gimpel 2016), φ'(x) = Φ(x) + x·φ_N(x).
 *
 * Dual, derived here (checked against quadrature in the tests). Write Φ(u)Φ(v) = P(A ≤ u, B ≤ v) with
 * A, B ~ N(0, 1) independent, integrate E[u·vΦ(u)Φ(v)] by parts in u (Stein), and evaluate the terms with
 * a density factor φ_N(u) by tilting the Gaussian (Sherman–Morrison). With P = (1 + q1)(1 + q2),
 * D = P − s², r = s/√P:
 *   Σ' = s/4 + s·arcsin(r)/(2π) + N(s)/(2π√D),   N(s) = q1q2 − s² + s²/(1 + q1) + s²/(1 + q2);
 *   Σ̇ = ∂Σ'/∂s (Price's theorem)
 *      = 1/4 + arcsin(r)/(2π) + s·((2c − 1)·D + N(s)) / (2π·D^{3/2}),   c = 1/(1 + q1) + 1/(1 + q2).
 */
export function Gelu(): EntrywiseLayer {
  const INV_2PI = 1 / (2 * Math.PI);
  return activationLayer({
    config: { type: 'Gelu' },
    fn: (x) => x * normalCdf(x),
    dfn: (x) => normalCdf(x) + x * normalPdf(x),
    dual(s, q1, q2, out) {
      const P = (1 + q1) * (1 + q2);
      const D = Math.max(P - s * s, 0);
      let r = s / Math.sqrt(P);
      r = r > 1 ? 1 : r < -1 ? -1 : r;
      const asinR = Math.asin(r);
      const c = 1 / (1 + q1) + 1 / (1 + q2);
      const N = q1 * q2 - s * s + s * s * c;
      const sqrtD = Math.sqrt(D);
      out[0] = s / 4 + s * asinR * INV_2PI + (N * INV_2PI) / sqrtD;
      out[1] = 0.25 + asinR * INV_2PI + (s * ((2 * c - 1) * D + N) * INV_2PI) / (D * sqrtD);
    },
  });
}
