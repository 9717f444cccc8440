import { ABRelu } from '../activations/abRelu.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';
import { finite } from './schemaParts.js';

/** ABRelu(a, b): φ(x) = a·min(x, 0) + b·max(x, 0) (src/nn/activations/abRelu.ts): {"type": "ABRelu", "a": -0.5, "b": 1}. */
export const abReluType = layerType({
  type: 'ABRelu',
  neuralTangents: 'stax.ABRelu',
  schema: (z) => z.strictObject({ type: z.literal('ABRelu'), a: finite(z), b: finite(z) }),
  build: (c) => ABRelu({ a: c.a, b: c.b }),
  example: { type: 'ABRelu', a: -0.5, b: 1.5 },
  requires: READS_VARIANCES,
  precise: (c) => [{ type: 'ABRelu', a: c.a, b: c.b }],
});
