import { NtkInputError } from '../../errors.js';
import { activationLayer, checkFinite } from '../activation.js';
import type { EntrywiseLayer } from '../entrywise.js';

/**
 * Sin(a, b, c): φ(x) = a·sin(b·x + c) (neural-tangents `stax.Sin`). With E[cos(W + φ₀)] = cos(φ₀)·e^{−Var W/2}
 * for Gaussian W, and sin·sin = ½[cos(difference) − cos(sum)]:
 *   Σ' = (a²/2)·[e^{−b²(q1 + q2 − 2s)/2} − cos(2c)·e^{−b²(q1 + q2 + 2s)/2}],
 *   Σ̇ = (a²b²/2)·[e^{−b²(q1 + q2 − 2s)/2} + cos(2c)·e^{−b²(q1 + q2 + 2s)/2}]   (φ' = a·b·cos(b·x + c)).
 */
export function Sin(opts: { a?: number; b?: number; c?: number } = {}): EntrywiseLayer {
  const a = checkFinite(opts.a ?? 1, 'Sin', 'a');
  const b = checkFinite(opts.b ?? 1, 'Sin', 'b');
  const c = checkFinite(opts.c ?? 0, 'Sin', 'c');
  return sinLayer({ type: 'Sin', a, b, c }, a, b, c, Math.cos(2 * c));
}

/**
 * Cos(a, b, c): φ(x) = a·cos(b·x + c) = a·sin(b·x + c + π/2), i.e. Sin(a, b, c + π/2); cos(2c + π) = −cos(2c)
 * is used exactly. Defaults a = 1, b = 1, c = 0 (φ = cos).
 */
export function Cos(opts: { a?: number; b?: number; c?: number } = {}): EntrywiseLayer {
  const a = checkFinite(opts.a ?? 1, 'Cos', 'a');
  const b = checkFinite(opts.b ?? 1, 'Cos', 'b');
  const c = checkFinite(opts.c ?? 0, 'Cos', 'c');
  return sinLayer({ type: 'Cos', a, b, c }, a, b, c + Math.PI / 2, -Math.cos(2 * c));
}

/**
 * Rbf(γ): φ(x) = √2·sin(√(2γ)·x + π/4) (neural-tangents `stax.Rbf`), i.e. Sin(√2, √(2γ), π/4) with
 * cos(2c) = cos(π/2) = 0 exactly: Σ' = e^{−γ(q1 + q2 − 2s)}, the RBF kernel of the pre-activations, Σ̇ = 2γ·Σ'.
 */
export function Rbf(opts: { gamma?: number } = {}): EntrywiseLayer {
  const gamma = checkFinite(opts.gamma ?? 1, 'Rbf', 'gamma');
  if (gamma < 0) throw new NtkInputError(`Rbf: gamma must be ≥ 0, got ${gamma}`);
  return sinLayer({ type: 'Rbf', gamma }, Math.SQRT2, Math.sqrt(2 * gamma), Math.PI / 4, 0);
}

function sinLayer(
  config: { type: string; [k: string]: unknown },
  a: number,
  b: number,
  c: number,
  cos2c: number,
): EntrywiseLayer {
  const b2h = (b * b) / 2;
  const a2h = (a * a) / 2;
  return activationLayer({
    config,
    fn: (x) => a * Math.sin(b * x + c),
    dfn: (x) => a * b * Math.cos(b * x + c),
    dual(s, q1, q2, out) {
      const eDiff = Math.exp(-b2h * (q1 + q2 - 2 * s));
      const eSum = cos2c === 0 ? 0 : cos2c * Math.exp(-b2h * (q1 + q2 + 2 * s));
      out[0] = a2h * (eDiff - eSum);
      out[1] = a2h * b * b * (eDiff + eSum);
    },
  });
}
