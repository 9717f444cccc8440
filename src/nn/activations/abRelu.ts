import { activationLayer, checkFinite, correlation } from '../activation.js';
import type { EntrywiseLayer } from '../entrywise.js';
import { rootProduct } from '../../special/rootProduct.js';

/**
 * The rectifier family as layers, with the arc-cosine dual of Cho & Saul (2009) in the 1/(2π)
 * normalization of neural-tangents (docs/conventions.md §1). With n = √(q1·q2), ρ = s/n, θ = arccos ρ, and
 * K(ρ) = n·(sin θ + (π − θ)·cos θ)/(2π) = E[relu(u)·relu(v)]:
 *  - Relu:        Σ' = K(ρ),  Σ̇ = (π − θ)/(2π),  var' = q/2;
 *  - ABRelu(a,b): φ(x) = a·min(x, 0) + b·max(x, 0) = b·relu(x) − a·relu(−x), so
 *      Σ' = (a² + b²)·K(ρ) − 2ab·K(−ρ),  K(−ρ) = n·(sin θ − θ·cos θ)/(2π),
 *      Σ̇ = ((a² + b²)·(π − θ) + 2ab·θ)/(2π),  var' = (a² + b²)·q/2.
 * Derivative at the kink: φ'(0) = a (0 for Relu), as JAX's relu gradient.
 */

const INV_2PI = 1 / (2 * Math.PI);

/** Relu = ABRelu(0, 1): the same dual, (a² + b²)·K(ρ) − 0·K(−ρ) = K(ρ) exactly. */
export function Relu(): EntrywiseLayer {
  return abReluLayer({ type: 'Relu' }, 0, 1);
}

/** φ(x) = a·min(x, 0) + b·max(x, 0) (LeakyRelu, Abs), with Σ' = (a² + b²)·K(ρ) − 2ab·K(−ρ) from the arc-cosine kernel K (Cho & Saul 2009). */
export function ABRelu(opts: { a: number; b: number }): EntrywiseLayer {
  const a = checkFinite(opts?.a, 'ABRelu', 'a');
  const b = checkFinite(opts?.b, 'ABRelu', 'b');
  return abReluLayer({ type: 'ABRelu', a, b }, a, b);
}

/** LeakyRelu(α) = ABRelu(α, 1): φ(x) = x for x > 0, α·x otherwise. */
export function LeakyRelu(opts: { alpha: number }): EntrywiseLayer {
  const alpha = checkFinite(opts?.alpha, 'LeakyRelu', 'alpha');
  return abReluLayer({ type: 'LeakyRelu', alpha }, alpha, 1);
}

/** Abs = ABRelu(−1, 1): φ(x) = |x| (φ'(0) = −1). */
export function Abs(): EntrywiseLayer {
  return abReluLayer({ type: 'Abs' }, -1, 1);
}

function abReluLayer(config: { type: string; [k: string]: unknown }, a: number, b: number): EntrywiseLayer {
  const sq = a * a + b * b;
  const ab2 = 2 * a * b;
  return activationLayer({
    config,
    fn: (x) => (x > 0 ? b * x : a * x),
    dfn: (x) => (x > 0 ? b : a),
    dual(s, q1, q2, out) {
      const n = rootProduct(q1, q2);
      const rho = correlation(s, q1, q2);
      const theta = Math.acos(rho);
      const sinTheta = Math.sqrt(1 - rho * rho);
      const kPlus = n * (sinTheta + (Math.PI - theta) * rho) * INV_2PI;
      const kMinus = n * (sinTheta - theta * rho) * INV_2PI;
      out[0] = sq * kPlus - ab2 * kMinus;
      out[1] = (sq * (Math.PI - theta) + ab2 * theta) * INV_2PI;
    },
    closedForm: { kind: 'abrelu', a, b },
  });
}
