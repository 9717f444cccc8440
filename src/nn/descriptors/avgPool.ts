import { AvgPool } from '../conv/avgPool.js';
import { PADDINGS, type Padding } from '../conv/geometry.js';
import { layerType } from '../descriptor.js';

/** AvgPool (src/nn/conv/avgPool.ts): {"type": "AvgPool", "window": [2, 2], "strides": [2, 2], "padding": "SAME", "normalize_edges": true}. */
export const avgPoolType = layerType({
  type: 'AvgPool',
  neuralTangents: 'stax.AvgPool',
  schema: (z) => {
    const window = z.array(z.number().int().positive()).min(1).max(2);
    return z.strictObject({
      type: z.literal('AvgPool'),
      window,
      strides: window.optional(),
      padding: z.enum(PADDINGS as [Padding, ...Padding[]]).optional(),
      normalize_edges: z.boolean().optional(),
    });
  },
  build: (c) =>
    AvgPool({ window: c.window, strides: c.strides, padding: c.padding, normalize_edges: c.normalize_edges }),
  example: { type: 'AvgPool', window: [2, 2] },
  requires: { fullSpatial: true, variances: false },
  preciseNote: 'pooling acts on spatial kernels, which are not dot-product kernels',
});
