import { NtkInputError } from '../../errors.js';
import { activationLayer, checkFinite } from '../activation.js';
import type { EntrywiseLayer } from '../entrywise.js';

/**
 * Gabor(a, b, omega, phase): φ(x) = a·e^{−b·x²}·sin(ω·x + ψ), a Gaussian-windowed sinusoid. With the
 * defaults a = b = ω = 1, ψ = 0 it is neural-tangents' `stax.Gabor`, e^{−x²}·sin(x).
 * For (u, v) ~ N(0, C) and t ∈ ℝ², E[e^{−b(u² + v²)}·cos(tᵀ(u, v))] = det(I + 2bC)^{−1/2}·
 * e^{−tᵀC(I + 2bC)^{−1}t/2}, and for 2×2 C, C(I + 2bC)^{−1} = (C + 2b·det C·I)/D. With
 * sin(ωu + ψ)·sin(ωv + ψ) = ½[cos(ω(u − v)) − cos(ω(u + v) + 2ψ)], and the sine part of the second term
 * vanishing by the symmetry (u, v) → (−u, −v), D = (1 + 2b·q1)(1 + 2b·q2) − 4b²s², Δ = q1·q2 − s² and
 * T± = q1 + q2 ± 2s + 4b·Δ:
 *   Σ' = a²/(2√D)·(e^{−ω²T₋/(2D)} − cos(2ψ)·e^{−ω²T₊/(2D)}),   Σ̇ = ∂Σ'/∂s (Price's theorem), differentiated
 * here. Finite when I + 2bC is positive definite (always for b ≥ 0): otherwise an NtkInputError.
 */
export function Gabor(opts: { a?: number; b?: number; omega?: number; phase?: number } = {}): EntrywiseLayer {
  const a = checkFinite(opts.a ?? 1, 'Gabor', 'a');
  const b = checkFinite(opts.b ?? 1, 'Gabor', 'b');
  const w = checkFinite(opts.omega ?? 1, 'Gabor', 'omega');
  const psi = checkFinite(opts.phase ?? 0, 'Gabor', 'phase');
  const a2 = a * a;
  const w2 = w * w;
  // weight of the e^{−ω²T±/(2D)} terms: + for T₋ (u − v), −cos(2ψ) for T₊ (u + v); exactly −1 at ψ = 0
  const plus = psi === 0 ? -1 : -Math.cos(2 * psi);
  return activationLayer({
    config: { type: 'Gabor', a, b, omega: w, phase: psi },
    fn: (x) => a * Math.exp(-b * x * x) * Math.sin(w * x + psi),
    dfn: (x) => a * Math.exp(-b * x * x) * (-2 * b * x * Math.sin(w * x + psi) + w * Math.cos(w * x + psi)),
    dual(s, q1, q2, out) {
      const D = (1 + 2 * b * q1) * (1 + 2 * b * q2) - 4 * b * b * s * s;
      if (!(D > 0 && 1 + 2 * b * q1 > 0))
        throw new NtkInputError(
          `Gabor: E[φ(u)φ(v)] is infinite for b = ${b} < 0 at variances ${q1}, ${q2} (needs 1 + 4b·q > 0 for every input)`,
        );
      const dD = -8 * b * b * s;
      const delta = q1 * q2 - s * s;
      const r = 1 / Math.sqrt(D);
      const dr = -0.5 * r * r * r * dD;
      let sigma = 0;
      let dot = 0;
      for (const sg of [1, -1]) {
        const weight = sg === 1 ? plus : 1;
        const T = q1 + q2 + 2 * sg * s + 4 * b * delta;
        const dT = 2 * sg - 8 * b * s;
        const E = Math.exp((-w2 * T) / (2 * D));
        const dE = ((-w2 / 2) * (dT * D - T * dD) * E) / (D * D);
        sigma += weight * r * E;
        dot += weight * (dr * E + r * dE);
      }
      out[0] = (a2 / 2) * sigma;
      out[1] = (a2 / 2) * dot;
    },
  });
}
