import { RectifiedMonomial } from '../activations/rectifiedMonomial.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';

/** RectifiedMonomial (src/nn/activations/): see the layer's builder for φ and its dual. */
export const rectifiedMonomialType = layerType({
  type: 'RectifiedMonomial',
  neuralTangents: 'stax.RectifiedMonomial',
  schema: (z) =>
    z.strictObject({ type: z.literal('RectifiedMonomial'), degree: z.number().int().min(0).max(12) }),
  build: (c) => RectifiedMonomial({ degree: c.degree }),
  example: { type: 'RectifiedMonomial', degree: 2 },
  requires: READS_VARIANCES,
  preciseNote: 'its dual (an arc-cosine kernel of degree k) has no fixed-point form yet',
});
