import { serial } from '../combinators/serial.js';
import { layerType, NO_REQUIREMENTS } from '../descriptor.js';
import { layerList } from './schemaParts.js';

/** serial(...layers) (src/nn/combinators/serial.ts): {"type": "serial", "layers": [...]}. */
export const serialType = layerType({
  type: 'serial',
  neuralTangents: 'stax.serial',
  schema: (z) => layerList(z, 'serial'),
  build: (c, ctx) => serial(...c.layers.map((l, i) => ctx.build(l, `${ctx.path}.layers[${i}]`))),
  example: { type: 'serial', layers: [{ type: 'Dense', width: 3 }, { type: 'Relu' }] },
  requires: NO_REQUIREMENTS,
  precise: (c, ctx) => c.layers.flatMap((l) => ctx.of(l)),
  childrenKey: 'layers',
});
