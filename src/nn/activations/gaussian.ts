import { NtkInputError } from '../../errors.js';
import { activationLayer, checkFinite } from '../activation.js';
import type { EntrywiseLayer } from '../entrywise.js';

/**
 * Gaussian(a, b): φ(x) = a·e^{b·x²} (neural-tangents `stax.Gaussian`, default b = −1). With C the covariance
 * of (u, v), E[e^{b(u² + v²)}] = det(I − 2b·C)^{−1/2}, so with D = (1 − 2b·q1)(1 − 2b·q2) − 4b²s²
 *   Σ' = a²/√D,   Σ̇ = ∂Σ'/∂s = 4a²b²·s/D^{3/2}   (Price's theorem).
 * The expectation is finite only when I − 2b·C is positive definite (always for b ≤ 0; for b > 0 it needs
 * 1 − 4b·q > 0 at each input): otherwise an NtkInputError.
 */
export function Gaussian(opts: { a?: number; b?: number } = {}): EntrywiseLayer {
  const a = checkFinite(opts.a ?? 1, 'Gaussian', 'a');
  const b = checkFinite(opts.b ?? -1, 'Gaussian', 'b');
  const a2 = a * a;
  return activationLayer({
    config: { type: 'Gaussian', a, b },
    fn: (x) => a * Math.exp(b * x * x),
    dfn: (x) => 2 * a * b * x * Math.exp(b * x * x),
    dual(s, q1, q2, out) {
      const D = (1 - 2 * b * q1) * (1 - 2 * b * q2) - 4 * b * b * s * s;
      if (!(D > 0 && 1 - 2 * b * q1 > 0))
        throw new NtkInputError(
          `Gaussian: E[φ(u)φ(v)] is infinite for b = ${b} > 0 at variances ${q1}, ${q2} (needs 1 − 4b·q > 0 for every input)`,
        );
      const r = 1 / Math.sqrt(D);
      out[0] = a2 * r;
      out[1] = 4 * a2 * b * b * s * r * r * r;
    },
  });
}
