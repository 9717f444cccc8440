import { LeakyRelu } from '../activations/abRelu.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';
import { finite } from './schemaParts.js';

/** LeakyRelu(α) = ABRelu(α, 1) (src/nn/activations/abRelu.ts): {"type": "LeakyRelu", "alpha": 0.1}. */
export const leakyReluType = layerType({
  type: 'LeakyRelu',
  neuralTangents: 'stax.LeakyRelu',
  schema: (z) => z.strictObject({ type: z.literal('LeakyRelu'), alpha: finite(z) }),
  build: (c) => LeakyRelu({ alpha: c.alpha }),
  example: { type: 'LeakyRelu', alpha: 0.1 },
  requires: READS_VARIANCES,
  precise: (c) => [{ type: 'ABRelu', a: c.alpha, b: 1 }],
});
