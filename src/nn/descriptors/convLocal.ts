import { ConvLocal } from '../conv/convLocal.js';
import { PADDINGS, type Padding } from '../conv/geometry.js';
import { layerType, NO_REQUIREMENTS } from '../descriptor.js';
import { nonNegative, parameterization } from './schemaParts.js';

/** ConvLocal (src/nn/conv/convLocal.ts): {"type": "ConvLocal", "channels": 64, "filter": [3, 3], "padding": "VALID"}. */
export const convLocalType = layerType({
  type: 'ConvLocal',
  neuralTangents: 'stax.ConvLocal',
  schema: (z) =>
    z.strictObject({
      type: z.literal('ConvLocal'),
      channels: z.number().int().positive(),
      filter: z.array(z.number().int().positive()).min(1).max(2),
      strides: z.array(z.number().int().positive()).min(1).max(2).optional(),
      padding: z.enum(PADDINGS as [Padding, ...Padding[]]).optional(),
      W_std: nonNegative(z).optional(),
      b_std: nonNegative(z).nullable().optional(),
      parameterization: parameterization(z).optional(),
    }),
  build: (c, ctx) =>
    ConvLocal({
      channels: c.channels,
      filter: c.filter,
      strides: c.strides,
      padding: c.padding,
      W_std: c.W_std,
      b_std: c.b_std,
      parameterization: c.parameterization ?? ctx.parameterization,
    }),
  example: { type: 'ConvLocal', channels: 3, filter: [2, 2], strides: [1, 2], padding: 'VALID' },
  requires: NO_REQUIREMENTS,
  preciseNote: 'a convolutional kernel is not a dot-product kernel of the whole input',
  widthKey: 'channels',
});
