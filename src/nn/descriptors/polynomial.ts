import { Polynomial } from '../activations/polynomial.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';
import { finite } from './schemaParts.js';

/** Polynomial (src/nn/activations/): see the layer's builder for φ and its dual. */
export const polynomialType = layerType({
  type: 'Polynomial',
  neuralTangents: 'stax.Polynomial',
  schema: (z) => z.strictObject({ type: z.literal('Polynomial'), coef: z.array(finite(z)).min(1).max(17) }),
  build: (c) => Polynomial({ coef: c.coef }),
  example: { type: 'Polynomial', coef: [0.1, 1, -0.5, 0.2] },
  requires: READS_VARIANCES,
  preciseNote: 'its dual has no fixed-point form yet (a polynomial in s, q1, q2)',
});
