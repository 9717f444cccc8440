import { Cos } from '../activations/sin.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';
import { finite } from './schemaParts.js';

/** Cos(a, b, c) (src/nn/activations/sin.ts): {"type": "Cos", "a": 1, "b": 1, "c": 0}. */
export const cosType = layerType({
  type: 'Cos',
  neuralTangents: 'stax.Cos',
  schema: (z) =>
    z.strictObject({
      type: z.literal('Cos'),
      a: finite(z).optional(),
      b: finite(z).optional(),
      c: finite(z).optional(),
    }),
  build: (c) => Cos({ a: c.a, b: c.b, c: c.c }),
  example: { type: 'Cos', a: 1.1, b: 0.8, c: 0.3 },
  requires: READS_VARIANCES,
  preciseNote: 'its dual needs a fixed-point exp, which the precise recursion does not chain per layer yet',
});
