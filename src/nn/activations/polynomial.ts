import { NtkInputError } from '../../errors.js';
import { activationLayer } from '../activation.js';
import type { EntrywiseLayer } from '../entrywise.js';
import { polynomialDual, polynomialFns } from './polynomialDual.js';

/**
 * Polynomial(coef): φ(x) = coef[0] + coef[1]·x + … + coef[n]·xⁿ (neural-tangents `stax.Polynomial`), its dual
 * in closed form for any input variances (./polynomialDual.ts).
 */
export function Polynomial(opts: { coef: readonly number[] }): EntrywiseLayer {
  const coef = opts?.coef;
  if (!Array.isArray(coef) || coef.length === 0 || coef.length > 17 || !coef.every((c) => Number.isFinite(c)))
    throw new NtkInputError(
      `Polynomial: coef must be 1 to 17 finite numbers (degree ≤ 16, lowest degree first), got ${JSON.stringify(coef)}`,
    );
  return activationLayer({
    config: { type: 'Polynomial', coef: [...coef] },
    ...polynomialFns(coef),
    dual: polynomialDual(coef),
  });
}

/**
 * Monomial(k): φ(x) = xᵏ, k = 0…5 as neural-tangents `stax.Monomial` (Isserlis' theorem: Σ' = E[uᵏvᵏ], e.g.
 * k = 2: q1·q2 + 2s²; Σ̇ = k²·E[u^{k−1}v^{k−1}]); the polynomial dual of ./polynomialDual.ts with coef = e_k.
 */
export function Monomial(opts: { degree: number }): EntrywiseLayer {
  const k = opts?.degree;
  if (!Number.isInteger(k) || k < 0 || k > 5)
    throw new NtkInputError(
      `Monomial: degree must be an integer in 0…5 (as neural-tangents), got ${String(k)}`,
    );
  const coef = Array.from({ length: k + 1 }, (_, i) => (i === k ? 1 : 0));
  return activationLayer({
    config: { type: 'Monomial', degree: k },
    ...polynomialFns(coef),
    dual: polynomialDual(coef),
  });
}
