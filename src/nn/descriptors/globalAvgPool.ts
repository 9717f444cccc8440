import { GlobalAvgPool } from '../conv/globalAvgPool.js';
import { layerType } from '../descriptor.js';
import { bare } from './schemaParts.js';

/** GlobalAvgPool (src/nn/conv/globalAvgPool.ts): {"type": "GlobalAvgPool"}. */
export const globalAvgPoolType = layerType({
  type: 'GlobalAvgPool',
  neuralTangents: 'stax.GlobalAvgPool',
  schema: (z) => bare(z, 'GlobalAvgPool'),
  build: () => GlobalAvgPool(),
  example: { type: 'GlobalAvgPool' },
  requires: { fullSpatial: true, variances: false },
  preciseNote: 'pooling acts on spatial kernels, which are not dot-product kernels',
});
