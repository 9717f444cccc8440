import { layerType, NO_REQUIREMENTS } from '../descriptor.js';
import { Identity } from '../identity.js';
import { bare } from './schemaParts.js';

/** Identity (src/nn/identity.ts): {"type": "Identity"}. */
export const identityType = layerType({
  type: 'Identity',
  neuralTangents: 'stax.Identity',
  schema: (z) => bare(z, 'Identity'),
  build: () => Identity(),
  example: { type: 'Identity' },
  requires: NO_REQUIREMENTS,
  precise: () => [{ type: 'Identity' }],
});
