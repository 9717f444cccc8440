import { layerType } from '../descriptor.js';
import { Aggregate } from '../graph/aggregate.js';
import { bare } from './schemaParts.js';

/** Aggregate (src/nn/graph/aggregate.ts): {"type": "Aggregate"}; the adjacency comes with the data. */
export const aggregateType = layerType({
  type: 'Aggregate',
  neuralTangents: 'stax.Aggregate',
  schema: (z) => bare(z, 'Aggregate'),
  build: () => Aggregate(),
  example: { type: 'Aggregate' },
  requires: { fullSpatial: true, variances: false },
  preciseNote: 'aggregation acts on graph kernels over node pairs, which are not dot-product kernels',
});
