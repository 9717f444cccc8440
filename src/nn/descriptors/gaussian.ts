import { Gaussian } from '../activations/gaussian.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';
import { finite } from './schemaParts.js';

/** Gaussian (src/nn/activations/): see the layer's builder for φ and its dual. */
export const gaussianType = layerType({
  type: 'Gaussian',
  neuralTangents: 'stax.Gaussian',
  schema: (z) =>
    z.strictObject({ type: z.literal('Gaussian'), a: finite(z).optional(), b: finite(z).optional() }),
  build: (c) => Gaussian({ a: c.a, b: c.b }),
  example: { type: 'Gaussian', a: 1.5, b: -0.7 },
  requires: READS_VARIANCES,
  preciseNote: 'its dual (a determinant power) has no fixed-point form yet',
});
