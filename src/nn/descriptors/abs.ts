import { Abs } from '../activations/abRelu.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';
import { bare } from './schemaParts.js';

/** Abs = ABRelu(−1, 1) (src/nn/activations/abRelu.ts): {"type": "Abs"}. */
export const absType = layerType({
  type: 'Abs',
  neuralTangents: 'stax.Abs',
  schema: (z) => bare(z, 'Abs'),
  build: () => Abs(),
  example: { type: 'Abs' },
  requires: READS_VARIANCES,
  precise: () => [{ type: 'ABRelu', a: -1, b: 1 }],
});
