import { Gelu } from '../activations/gelu.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';
import { bare } from './schemaParts.js';

/** Gelu: φ(x) = x·Φ(x) (src/nn/activations/gelu.ts): {"type": "Gelu"}. */
export const geluType = layerType({
  type: 'Gelu',
  neuralTangents: 'stax.Gelu',
  schema: (z) => bare(z, 'Gelu'),
  build: () => Gelu(),
  example: { type: 'Gelu' },
  requires: READS_VARIANCES,
  preciseNote: 'its dual has no fixed-point form yet (arcsin and a D^{3/2} term of (1 + q1)(1 + q2) − s²)',
});
