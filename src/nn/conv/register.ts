import { z } from 'zod';
import '../layerTypes.js'; // the dense types first, so registry listings start with them
import { registerLayerType } from '../registry.js';
import type { Parameterization } from '../types.js';
import { AvgPool } from './avgPool.js';
import { Conv } from './conv.js';
import { Flatten } from './flatten.js';
import { PADDINGS, type Padding } from './geometry.js';
import { GlobalAvgPool } from './globalAvgPool.js';

/** Model-file types of the convolutional layers (src/nn/model.ts), e.g. {"type": "Conv", "channels": 256, "filter": [3, 3]}. */

const nonneg = z
  .number()
  .refine(Number.isFinite, 'must be finite')
  .refine((v) => v >= 0, 'must be ≥ 0');
const window = z.array(z.number().int().positive()).min(1).max(2);
const padding = z.enum(PADDINGS as [Padding, ...Padding[]]);

registerLayerType('Conv', {
  schema: z.strictObject({
    type: z.literal('Conv'),
    channels: z.number().int().positive(),
    filter: window,
    padding: padding.optional(),
    W_std: nonneg.optional(),
    b_std: nonneg.nullable().optional(),
    parameterization: z.enum(['ntk', 'standard']).optional(),
  }),
  build: (c, ctx) =>
    Conv({
      channels: c.channels as number,
      filter: c.filter as number[],
      padding: c.padding as Padding | undefined,
      W_std: c.W_std as number | undefined,
      b_std: c.b_std as number | null | undefined,
      parameterization: (c.parameterization as Parameterization | undefined) ?? ctx.parameterization,
    }),
  widthKey: 'channels',
});
registerLayerType('AvgPool', {
  schema: z.strictObject({
    type: z.literal('AvgPool'),
    window,
    strides: window.optional(),
    padding: padding.optional(),
  }),
  build: (c) =>
    AvgPool({
      window: c.window as number[],
      strides: c.strides as number[] | undefined,
      padding: c.padding as Padding | undefined,
    }),
});
registerLayerType('GlobalAvgPool', {
  schema: z.strictObject({ type: z.literal('GlobalAvgPool') }),
  build: () => GlobalAvgPool(),
});
registerLayerType('Flatten', {
  schema: z.strictObject({ type: z.literal('Flatten') }),
  build: () => Flatten(),
});
