import { FanInConcat } from '../combinators/fanIn.js';
import { layerType, NO_REQUIREMENTS } from '../descriptor.js';
import { bare } from './schemaParts.js';

/** FanInConcat (src/nn/combinators/fanIn.ts): {"type": "FanInConcat"}. */
export const fanInConcatType = layerType({
  type: 'FanInConcat',
  neuralTangents: 'stax.FanInConcat',
  schema: (z) => bare(z, 'FanInConcat'),
  build: () => FanInConcat(),
  example: { type: 'FanInConcat' },
  requires: NO_REQUIREMENTS,
  preciseNote: 'the precise recursion is a chain of single-input layers',
});
