import { Gabor } from '../activations/gabor.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';
import { finite } from './schemaParts.js';

/** Gabor (src/nn/activations/): see the layer's builder for φ and its dual. */
export const gaborType = layerType({
  type: 'Gabor',
  neuralTangents: null,
  schema: (z) =>
    z.strictObject({
      type: z.literal('Gabor'),
      a: finite(z).optional(),
      b: finite(z).optional(),
      omega: finite(z).optional(),
    }),
  build: (c) => Gabor({ a: c.a, b: c.b, omega: c.omega }),
  example: { type: 'Gabor', a: 1.2, b: 0.3, omega: 1.5 },
  requires: READS_VARIANCES,
  preciseNote: 'its dual (exponentials over a determinant) has no fixed-point form yet',
});
