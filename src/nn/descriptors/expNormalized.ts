import { ExpNormalized } from '../activations/exp.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';
import { finite } from './schemaParts.js';

/** ExpNormalized (src/nn/activations/): see the layer's builder for φ and its dual. */
export const expNormalizedType = layerType({
  type: 'ExpNormalized',
  neuralTangents: 'stax.ExpNormalized',
  schema: (z) =>
    z.strictObject({
      type: z.literal('ExpNormalized'),
      gamma: finite(z).optional(),
      shift: finite(z).optional(),
      do_clip: z.boolean().optional(),
    }),
  build: (c) => ExpNormalized({ gamma: c.gamma, shift: c.shift, do_clip: c.do_clip }),
  example: { type: 'ExpNormalized', gamma: 1.5, shift: -1 },
  requires: READS_VARIANCES,
  preciseNote: 'its dual (an exponential of the correlation) has no fixed-point form yet',
});
