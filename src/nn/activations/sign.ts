import { activationLayer } from '../activation.js';
import type { EntrywiseLayer } from '../entrywise.js';
import { correlation } from '../activation.js';

/**
 * Sign: φ(x) = sign(x) (neural-tangents `stax.Sign`). Sheppard's formula: Σ' = (2/π)·arcsin ρ (1 on the
 * diagonal, 0 for a zero variance). φ' = 0 almost everywhere, which is what gradient descent on the finite
 * network sees, so Σ̇ = 0 as in neural-tangents: the distributional derivative would give Price's
 * ∂Σ'/∂s = (2/π)/√(q1·q2 − s²), infinite at x = x', so there is no finite NTK through the jump.
 */
export function Sign(): EntrywiseLayer {
  return activationLayer({
    config: { type: 'Sign' },
    fn: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
    dfn: () => 0,
    dual(s, q1, q2, out) {
      out[0] = q1 === 0 || q2 === 0 ? 0 : (2 / Math.PI) * Math.asin(correlation(s, q1, q2));
      out[1] = 0;
    },
  });
}
