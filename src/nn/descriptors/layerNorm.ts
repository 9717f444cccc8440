import { layerType } from '../descriptor.js';
import { LayerNorm } from '../norm/layerNorm.js';

/** LayerNorm (src/nn/norm/layerNorm.ts): {"type": "LayerNorm", "axis": "features", "eps": 1e-12}. */
export const layerNormType = layerType({
  type: 'LayerNorm',
  neuralTangents: 'stax.LayerNorm',
  schema: (z) =>
    z.strictObject({
      type: z.literal('LayerNorm'),
      axis: z.enum(['features', 'all']).optional(),
      eps: z.number().finite().nonnegative().optional(),
    }),
  build: (c) => LayerNorm({ axis: c.axis, eps: c.eps }),
  example: { type: 'LayerNorm', axis: 'features' },
  requires: { fullSpatial: false, variances: true },
  preciseNote: 'the fixed-point engine has no division by the input variances yet',
});
