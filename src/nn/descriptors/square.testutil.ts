import { activationLayer } from '../activation.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';
import type { EntrywiseLayer } from '../entrywise.js';
import { bare } from './schemaParts.js';

/**
 * The walkthrough of docs/architecture.md: a new activation with a closed-form kernel as one file.
 * Square: φ(x) = x², φ'(x) = 2x. For (u, v) ~ N(0, [[q1, s], [s, q2]]), Isserlis' theorem gives
 *   Σ' = E[u²v²] = q1·q2 + 2s²,   Σ̇ = E[φ'(u)φ'(v)] = 4·E[uv] = 4s.
 */
export function Square(): EntrywiseLayer {
  return activationLayer({
    config: { type: 'Square' },
    fn: (x) => x * x,
    dfn: (x) => 2 * x,
    dual(s, q1, q2, out) {
      out[0] = q1 * q2 + 2 * s * s;
      out[1] = 4 * s;
    },
  });
}

export const squareType = layerType({
  type: 'Square',
  neuralTangents: null,
  schema: (z) => bare(z, 'Square'),
  build: () => Square(),
  example: { type: 'Square' },
  requires: READS_VARIANCES,
  preciseNote: 'not needed for the walkthrough',
});
