import { erf as erfFn } from '../../special/erf.js';
import { activationLayer, checkFinite } from '../activation.js';
import type { EntrywiseLayer } from '../entrywise.js';
import type { LayerConfig } from '../types.js';

/**
 * Erf(a, b, c): φ(x) = a·erf(b·x) + c (neural-tangents `stax.Erf`). Dual (Williams 1997, "Computing with
 * infinite networks", with the input scaled by b): with Q_k = 1 + 2b²·q_k,
 *   Σ' = a²·(2/π)·arcsin(2b²·s / √(Q1·Q2)) + c²,
 *   Σ̇ = a²·b²·(4/π) / √(Q1·Q2 − 4b⁴·s²)          (φ'(x) = a·b·(2/√π)·e^{−b²x²}),
 * since E[erf(b·u)] = 0 kills the cross terms with c.
 */
export function Erf(opts: { a?: number; b?: number; c?: number } = {}): EntrywiseLayer {
  const a = checkFinite(opts.a ?? 1, 'Erf', 'a');
  const b = checkFinite(opts.b ?? 1, 'Erf', 'b');
  const c = checkFinite(opts.c ?? 0, 'Erf', 'c');
  return erfActivation({ type: 'Erf', a, b, c }, a, b, c);
}

/** The Erf(a, b, c) activation under another config (Sigmoid_like is Erf(1/2, 1/2.4020563531719796, 1/2)). */
export function erfActivation(config: LayerConfig, a: number, b: number, c: number): EntrywiseLayer {
  const b2 = b * b;
  const twoOverSqrtPi = 2 / Math.sqrt(Math.PI);
  return activationLayer({
    config,
    fn: (x) => a * erfFn(b * x) + c,
    dfn: (x) => a * b * twoOverSqrtPi * Math.exp(-b2 * x * x),
    dual(s, q1, q2, out) {
      const Q = (1 + 2 * b2 * q1) * (1 + 2 * b2 * q2);
      let r = (2 * b2 * s) / Math.sqrt(Q);
      r = r > 1 ? 1 : r < -1 ? -1 : r;
      out[0] = a * a * (2 / Math.PI) * Math.asin(r) + c * c;
      out[1] = (a * a * b2 * (4 / Math.PI)) / Math.sqrt(Math.max(Q - 4 * b2 * b2 * s * s, 0));
    },
    closedForm: { kind: 'erf', a, b, c },
  });
}
