import { Erf } from '../activations/erf.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';
import { finite } from './schemaParts.js';

/** Erf(a, b, c): φ(x) = a·erf(b·x) + c (src/nn/activations/erf.ts): {"type": "Erf", "a": 1, "b": 1, "c": 0}. */
export const erfType = layerType({
  type: 'Erf',
  neuralTangents: 'stax.Erf',
  schema: (z) =>
    z.strictObject({
      type: z.literal('Erf'),
      a: finite(z).optional(),
      b: finite(z).optional(),
      c: finite(z).optional(),
    }),
  build: (c) => Erf({ a: c.a, b: c.b, c: c.c }),
  example: { type: 'Erf', a: 1.2, b: 0.7, c: 0.1 },
  requires: READS_VARIANCES,
  precise: (c) => [{ type: 'Erf', a: c.a ?? 1, b: c.b ?? 1, c: c.c ?? 0 }],
});
