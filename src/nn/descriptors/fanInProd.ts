import { FanInProd } from '../combinators/fanInProd.js';
import { layerType, NO_REQUIREMENTS } from '../descriptor.js';
import { bare } from './schemaParts.js';

/** FanInProd (src/nn/combinators/fanInProd.ts): {"type": "FanInProd"}. */
export const fanInProdType = layerType({
  type: 'FanInProd',
  neuralTangents: 'stax.FanInProd',
  schema: (z) => bare(z, 'FanInProd'),
  build: () => FanInProd(),
  example: { type: 'FanInProd' },
  requires: NO_REQUIREMENTS,
  preciseNote: 'the precise recursion is a chain of single-input layers',
});
