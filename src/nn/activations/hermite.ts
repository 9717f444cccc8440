import { NtkInputError } from '../../errors.js';
import { activationLayer } from '../activation.js';
import type { EntrywiseLayer } from '../entrywise.js';
import { hermiteCoefficients, polynomialFns } from './polynomialDual.js';

/** How far from 1 an input variance may be for Hermite's kernel ρᵏ (relative; rounding of a unit-norm input). */
const UNIT_VARIANCE_TOL = 1e-9;

/**
 * Hermite(k): φ(x) = He_k(x)/√k!, the probabilists' Hermite polynomial normalized to unit norm under N(0, 1)
 * (neural-tangents `stax.Hermite`). On unit-variance inputs (q1 = q2 = 1) Mehler's formula gives
 *   Σ' = E[φ(u)φ(v)] = sᵏ,   Σ̇ = E[φ'(u)φ'(v)] = k·s^{k−1}   (He_k' = k·He_{k−1}).
 * As neural-tangents, the layer assumes unit-variance inputs; here any other variance is refused (an
 * NtkInputError) instead of a warning. For any variance use Polynomial with He_k's coefficients.
 */
export function Hermite(opts: { degree: number }): EntrywiseLayer {
  const k = opts?.degree;
  if (!Number.isInteger(k) || k < 0 || k > 16)
    throw new NtkInputError(`Hermite: degree must be an integer in 0…16, got ${String(k)}`);
  let norm = 1;
  for (let i = 2; i <= k; i++) norm *= i;
  const { fn, dfn } = polynomialFns(hermiteCoefficients(k).map((c) => c / Math.sqrt(norm)));
  return activationLayer({
    config: { type: 'Hermite', degree: k },
    fn,
    dfn,
    dual(s, q1, q2, out) {
      if (!(Math.abs(q1 - 1) <= UNIT_VARIANCE_TOL && Math.abs(q2 - 1) <= UNIT_VARIANCE_TOL))
        throw new NtkInputError(
          `Hermite: its kernel ρ^k needs unit-variance inputs (pre-activation variance 1 within ${UNIT_VARIANCE_TOL}), ` +
            `got variances ${q1} and ${q2}; normalize the inputs (‖x‖²/d = 1 with W_std = 1, b_std = 0) or use Polynomial`,
        );
      out[0] = s ** k;
      out[1] = k === 0 ? 0 : k * s ** (k - 1);
    },
  });
}
