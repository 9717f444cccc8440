import { Relu } from '../activations/abRelu.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';
import { bare } from './schemaParts.js';

/** Relu = ABRelu(0, 1) (src/nn/activations/abRelu.ts): {"type": "Relu"}. */
export const reluType = layerType({
  type: 'Relu',
  neuralTangents: 'stax.Relu',
  schema: (z) => bare(z, 'Relu'),
  build: () => Relu(),
  example: { type: 'Relu' },
  requires: READS_VARIANCES,
  precise: () => [{ type: 'ABRelu', a: 0, b: 1 }],
});
