import { ConvTranspose } from '../conv/convTranspose.js';
import { PADDINGS, type Padding } from '../conv/geometry.js';
import { layerType, NO_REQUIREMENTS } from '../descriptor.js';
import { nonNegative, parameterization } from './schemaParts.js';

/** ConvTranspose (src/nn/conv/convTranspose.ts): {"type": "ConvTranspose", "channels": 64, "filter": [3, 3], "strides": [2, 2], "padding": "SAME"}. */
export const convTransposeType = layerType({
  type: 'ConvTranspose',
  neuralTangents: 'stax.ConvTranspose',
  schema: (z) =>
    z.strictObject({
      type: z.literal('ConvTranspose'),
      channels: z.number().int().positive(),
      filter: z.array(z.number().int().positive()).min(1).max(2),
      strides: z.array(z.number().int().positive()).min(1).max(2).optional(),
      padding: z.enum(PADDINGS as [Padding, ...Padding[]]).optional(),
      W_std: nonNegative(z).optional(),
      b_std: nonNegative(z).nullable().optional(),
      parameterization: parameterization(z).optional(),
    }),
  build: (c, ctx) =>
    ConvTranspose({
      channels: c.channels,
      filter: c.filter,
      strides: c.strides,
      padding: c.padding,
      W_std: c.W_std,
      b_std: c.b_std,
      parameterization: c.parameterization ?? ctx.parameterization,
    }),
  example: { type: 'ConvTranspose', channels: 3, filter: [3, 2], strides: [2, 1], padding: 'SAME' },
  requires: NO_REQUIREMENTS,
  preciseNote: 'a convolutional kernel is not a dot-product kernel of the whole input',
  widthKey: 'channels',
});
