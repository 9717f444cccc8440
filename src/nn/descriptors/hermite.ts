import { Hermite } from '../activations/hermite.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';

/** Hermite (src/nn/activations/): see the layer's builder for φ and its dual. */
export const hermiteType = layerType({
  type: 'Hermite',
  neuralTangents: 'stax.Hermite',
  schema: (z) => z.strictObject({ type: z.literal('Hermite'), degree: z.number().int().min(0).max(16) }),
  build: (c) => Hermite({ degree: c.degree }),
  example: { type: 'Hermite', degree: 3 },
  requires: READS_VARIANCES,
  preciseNote: 'its dual has no fixed-point form yet (a power of the correlation)',
});
