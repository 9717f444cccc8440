import { FanInSum } from '../combinators/fanIn.js';
import { layerType, NO_REQUIREMENTS } from '../descriptor.js';
import { bare } from './schemaParts.js';

/** FanInSum (src/nn/combinators/fanIn.ts): {"type": "FanInSum"}. */
export const fanInSumType = layerType({
  type: 'FanInSum',
  neuralTangents: 'stax.FanInSum',
  schema: (z) => bare(z, 'FanInSum'),
  build: () => FanInSum(),
  example: { type: 'FanInSum' },
  requires: NO_REQUIREMENTS,
  preciseNote: 'the precise recursion is a chain of single-input layers',
});
