import { PADDINGS, type Padding } from '../conv/geometry.js';
import { SumPool } from '../conv/sumPool.js';
import { layerType } from '../descriptor.js';

/** SumPool (src/nn/conv/sumPool.ts): {"type": "SumPool", "window": [2, 2], "strides": [1, 1], "padding": "SAME"}. */
export const sumPoolType = layerType({
  type: 'SumPool',
  neuralTangents: 'stax.SumPool',
  schema: (z) => {
    const window = z.array(z.number().int().positive()).min(1).max(2);
    return z.strictObject({
      type: z.literal('SumPool'),
      window,
      strides: window.optional(),
      padding: z.enum(PADDINGS as [Padding, ...Padding[]]).optional(),
    });
  },
  build: (c) => SumPool({ window: c.window, strides: c.strides, padding: c.padding }),
  example: { type: 'SumPool', window: [2, 2] },
  requires: { fullSpatial: true, variances: false },
  preciseNote: 'pooling acts on spatial kernels, which are not dot-product kernels',
});
