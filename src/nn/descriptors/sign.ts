import { Sign } from '../activations/sign.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';
import { bare } from './schemaParts.js';

/** Sign (src/nn/activations/): see the layer's builder for φ and its dual. */
export const signType = layerType({
  type: 'Sign',
  neuralTangents: 'stax.Sign',
  schema: (z) => bare(z, 'Sign'),
  build: () => Sign(),
  example: { type: 'Sign' },
  requires: READS_VARIANCES,
  preciseNote: 'its dual (an arcsine of the correlation) has no fixed-point form yet',
});
