import { SigmoidLike } from '../activations/sigmoidLike.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';
import { bare } from './schemaParts.js';

/** Sigmoid_like: ½·erf(x/2.4020563531719796) + ½ (src/nn/activations/sigmoidLike.ts): {"type": "Sigmoid_like"}. */
export const sigmoidLikeType = layerType({
  type: 'Sigmoid_like',
  neuralTangents: 'stax.Sigmoid_like',
  schema: (z) => bare(z, 'Sigmoid_like'),
  build: () => SigmoidLike(),
  example: { type: 'Sigmoid_like' },
  requires: READS_VARIANCES,
  precise: () => [{ type: 'Erf', a: 0.5, b: 1 / 2.4020563531719796, c: 0.5 }],
});
