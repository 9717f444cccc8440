import { Rbf } from '../activations/sin.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';
import { nonNegative } from './schemaParts.js';

/** Rbf(γ) (src/nn/activations/sin.ts): {"type": "Rbf", "gamma": 1}. */
export const rbfType = layerType({
  type: 'Rbf',
  neuralTangents: 'stax.Rbf',
  schema: (z) => z.strictObject({ type: z.literal('Rbf'), gamma: nonNegative(z).optional() }),
  build: (c) => Rbf({ gamma: c.gamma }),
  example: { type: 'Rbf', gamma: 0.5 },
  requires: READS_VARIANCES,
  preciseNote: 'its dual needs a fixed-point exp, which the precise recursion does not chain per layer yet',
});
