import { Flatten } from '../conv/flatten.js';
import { layerType, NO_REQUIREMENTS } from '../descriptor.js';
import { bare } from './schemaParts.js';

/** Flatten (src/nn/conv/flatten.ts): {"type": "Flatten"}. */
export const flattenType = layerType({
  type: 'Flatten',
  neuralTangents: 'stax.Flatten',
  schema: (z) => bare(z, 'Flatten'),
  build: () => Flatten(),
  example: { type: 'Flatten' },
  requires: NO_REQUIREMENTS,
  preciseNote: 'it acts on spatial kernels, which are not dot-product kernels',
});
