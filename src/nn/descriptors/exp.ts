import { Exp } from '../activations/exp.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';
import { finite } from './schemaParts.js';

/** Exp (src/nn/activations/): see the layer's builder for φ and its dual. */
export const expType = layerType({
  type: 'Exp',
  neuralTangents: 'stax.Exp',
  schema: (z) => z.strictObject({ type: z.literal('Exp'), a: finite(z).optional(), b: finite(z).optional() }),
  build: (c) => Exp({ a: c.a, b: c.b }),
  example: { type: 'Exp', a: 0.8, b: 0.6 },
  requires: READS_VARIANCES,
  preciseNote: 'its dual (an exponential) has no fixed-point form yet',
});
