import { Conv } from '../conv/conv.js';
import { PADDINGS, type Padding } from '../conv/geometry.js';
import { layerType, NO_REQUIREMENTS } from '../descriptor.js';
import { nonNegative, parameterization } from './schemaParts.js';

/** Conv (src/nn/conv/conv.ts): {"type": "Conv", "channels": 256, "filter": [3, 3], "strides": [2, 2], "dilation": [1, 1], "padding": "SAME"}. */
export const convType = layerType({
  type: 'Conv',
  neuralTangents: 'stax.Conv',
  schema: (z) =>
    z.strictObject({
      type: z.literal('Conv'),
      channels: z.number().int().positive(),
      filter: z.array(z.number().int().positive()).min(1).max(2),
      strides: z.array(z.number().int().positive()).min(1).max(2).optional(),
      dilation: z.array(z.number().int().positive()).min(1).max(2).optional(),
      padding: z.enum(PADDINGS as [Padding, ...Padding[]]).optional(),
      W_std: nonNegative(z).optional(),
      b_std: nonNegative(z).nullable().optional(),
      parameterization: parameterization(z).optional(),
    }),
  build: (c, ctx) =>
    Conv({
      channels: c.channels,
      filter: c.filter,
      strides: c.strides,
      dilation: c.dilation,
      padding: c.padding,
      W_std: c.W_std,
      b_std: c.b_std,
      parameterization: c.parameterization ?? ctx.parameterization,
    }),
  example: { type: 'Conv', channels: 3, filter: [2, 2], padding: 'SAME' },
  requires: NO_REQUIREMENTS,
  preciseNote: 'a convolutional kernel is not a dot-product kernel of the whole input',
  widthKey: 'channels',
});
