import { Monomial } from '../activations/polynomial.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';

/** Monomial (src/nn/activations/): see the layer's builder for φ and its dual. */
export const monomialType = layerType({
  type: 'Monomial',
  neuralTangents: 'stax.Monomial',
  schema: (z) => z.strictObject({ type: z.literal('Monomial'), degree: z.number().int().min(0).max(5) }),
  build: (c) => Monomial({ degree: c.degree }),
  example: { type: 'Monomial', degree: 2 },
  requires: READS_VARIANCES,
  preciseNote: 'its dual has no fixed-point form yet (a polynomial in s, q1, q2)',
});
