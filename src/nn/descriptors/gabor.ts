import { Gabor } from '../activations/gabor.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';
import { finite } from './schemaParts.js';

/** Gabor (src/nn/activations/gabor.ts): a·e^{−bx²}·sin(ωx + ψ); the defaults are neural-tangents' e^{−x²}·sin(x). */
export const gaborType = layerType({
  type: 'Gabor',
  neuralTangents: 'stax.Gabor',
  schema: (z) =>
    z.strictObject({
      type: z.literal('Gabor'),
      a: finite(z).optional(),
      b: finite(z).optional(),
      omega: finite(z).optional(),
      phase: finite(z).optional(),
    }),
  build: (c) => Gabor({ a: c.a, b: c.b, omega: c.omega, phase: c.phase }),
  example: { type: 'Gabor', a: 1.2, b: 0.3, omega: 1.5, phase: 0.4 },
  requires: READS_VARIANCES,
  preciseNote: 'its dual (exponentials over a determinant) has no fixed-point form yet',
});
