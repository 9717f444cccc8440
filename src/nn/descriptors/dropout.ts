import { layerType, NO_REQUIREMENTS } from '../descriptor.js';
import { Dropout } from '../dropout/dropout.js';

/** Dropout {rate (keep probability), mode, seed} (src/nn/dropout/dropout.ts): {"type": "Dropout", "rate": 0.8}. */
export const dropoutType = layerType({
  type: 'Dropout',
  neuralTangents: 'stax.Dropout',
  schema: (z) =>
    z.strictObject({
      type: z.literal('Dropout'),
      rate: z.number().gt(0).max(1),
      mode: z.enum(['train', 'test']).optional(),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1)
        .optional(),
    }),
  build: (c) => Dropout({ rate: c.rate, mode: c.mode, seed: c.seed }),
  example: { type: 'Dropout', rate: 0.8, mode: 'train' },
  requires: NO_REQUIREMENTS,
  preciseNote:
    'the train-mode kernel scales only the same-example entries, which the cube recursion does not track',
});
