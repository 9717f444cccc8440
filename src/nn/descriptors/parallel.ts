import { parallel } from '../combinators/parallel.js';
import { layerType, NO_REQUIREMENTS } from '../descriptor.js';
import { layerList } from './schemaParts.js';

/** parallel(...layers) (src/nn/combinators/parallel.ts): {"type": "parallel", "layers": [...]}. */
export const parallelType = layerType({
  type: 'parallel',
  neuralTangents: 'stax.parallel',
  schema: (z) => layerList(z, 'parallel'),
  build: (c, ctx) => parallel(...c.layers.map((l, i) => ctx.build(l, `${ctx.path}.layers[${i}]`))),
  example: { type: 'parallel', layers: [{ type: 'Dense', width: 3 }, { type: 'Identity' }] },
  requires: NO_REQUIREMENTS,
  preciseNote: 'the precise recursion is a chain of single-input layers',
  childrenKey: 'layers',
});
