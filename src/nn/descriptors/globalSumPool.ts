import { GlobalSumPool } from '../conv/globalSumPool.js';
import { layerType } from '../descriptor.js';
import { bare } from './schemaParts.js';

/** GlobalSumPool (src/nn/conv/globalSumPool.ts): {"type": "GlobalSumPool"}. */
export const globalSumPoolType = layerType({
  type: 'GlobalSumPool',
  neuralTangents: 'stax.GlobalSumPool',
  schema: (z) => bare(z, 'GlobalSumPool'),
  build: () => GlobalSumPool(),
  example: { type: 'GlobalSumPool' },
  requires: { fullSpatial: true, variances: false },
  preciseNote: 'pooling acts on spatial kernels, which are not dot-product kernels',
});
