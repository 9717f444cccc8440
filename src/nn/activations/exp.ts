import { NtkInputError } from '../../errors.js';
import { activationLayer, checkFinite } from '../activation.js';
import type { EntrywiseLayer } from '../entrywise.js';
import { rootProduct } from '../../special/rootProduct.js';

/**
 * Exp(a, b): φ(x) = a·e^{b·x} (neural-tangents `stax.Exp`). The Gaussian moment generating function
 * E[e^{b(u+v)}] = e^{b²·Var(u+v)/2} gives
 *   Σ' = a²·e^{b²·((q1 + q2)/2 + s)},   Σ̇ = b²·Σ'   (φ' = b·φ).
 */
export function Exp(opts: { a?: number; b?: number } = {}): EntrywiseLayer {
  const a = checkFinite(opts.a ?? 1, 'Exp', 'a');
  const b = checkFinite(opts.b ?? 1, 'Exp', 'b');
  const a2 = a * a;
  const b2 = b * b;
  return activationLayer({
    config: { type: 'Exp', a, b },
    fn: (x) => a * Math.exp(b * x),
    dfn: (x) => a * b * Math.exp(b * x),
    dual(s, q1, q2, out) {
      const e = a2 * Math.exp(b2 * ((q1 + q2) / 2 + s));
      out[0] = e;
      out[1] = b2 * e;
    },
  });
}

/**
 * ExpNormalized(γ, shift, do_clip): the kernel-only layer of neural-tangents `stax.ExpNormalized`, the
 * "Gaussian normalized kernel" of Shankar et al. 2020 ("Neural kernels without tangents", §3):
 *   Σ' = √(q1·q2)·e^{γ(ρ + shift)},   Σ̇ = γ·e^{γ(ρ + shift)},   ρ = s/√(q1·q2) (clipped to [−1, 1] if do_clip).
 * Like neural-tangents it has no finite-width form (its forward, VJP and JVP refuse).
 */
export function ExpNormalized(
  opts: { gamma?: number; shift?: number; do_clip?: boolean } = {},
): EntrywiseLayer {
  const gamma = checkFinite(opts.gamma ?? 1, 'ExpNormalized', 'gamma');
  const shift = checkFinite(opts.shift ?? -1, 'ExpNormalized', 'shift');
  const doClip = opts.do_clip ?? false;
  if (typeof doClip !== 'boolean')
    throw new NtkInputError(`ExpNormalized: do_clip must be true or false, got ${String(doClip)}`);
  const noFinite = (): never => {
    throw new NtkInputError(
      'ExpNormalized: has no finite-width network (as in neural-tangents); use it in kernelFn only',
    );
  };
  const layer = activationLayer({
    config: { type: 'ExpNormalized', gamma, shift, do_clip: doClip },
    fn: noFinite,
    dfn: noFinite,
    dual(s, q1, q2, out) {
      const p = Math.max(rootProduct(q1, q2), 1e-15);
      let r = s / p;
      if (doClip) r = r > 1 ? 1 : r < -1 ? -1 : r;
      const e = Math.exp(gamma * (r + shift));
      out[0] = p * e;
      out[1] = gamma * e;
    },
  });
  return { ...layer, forward: noFinite, backward: noFinite, jvp: noFinite };
}
