import { FanOut } from '../combinators/fanOut.js';
import { layerType, NO_REQUIREMENTS } from '../descriptor.js';

/** FanOut(n) (src/nn/combinators/fanOut.ts): {"type": "FanOut", "n": 2}. */
export const fanOutType = layerType({
  type: 'FanOut',
  neuralTangents: 'stax.FanOut',
  schema: (z) => z.strictObject({ type: z.literal('FanOut'), n: z.number().int().positive() }),
  build: (c) => FanOut(c.n),
  example: { type: 'FanOut', n: 2 },
  requires: NO_REQUIREMENTS,
  preciseNote: 'the precise recursion is a chain of single-input layers',
});
