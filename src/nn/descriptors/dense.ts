import { NtkInputError } from '../../errors.js';
import { layerType, NO_REQUIREMENTS } from '../descriptor.js';
import { Dense } from '../dense.js';
import { nonNegative, parameterization } from './schemaParts.js';

/** Dense (src/nn/dense.ts): {"type": "Dense", "width": 512, "W_std": 1.5, "b_std": 0.1}; `"b_std": null` = no bias. */
export const denseType = layerType({
  type: 'Dense',
  neuralTangents: 'stax.Dense',
  schema: (z) =>
    z.strictObject({
      type: z.literal('Dense'),
      width: z.number().int().positive(),
      W_std: nonNegative(z).optional(),
      b_std: nonNegative(z).nullable().optional(),
      parameterization: parameterization(z).optional(),
    }),
  build: (c, ctx) =>
    Dense({
      width: c.width,
      W_std: c.W_std,
      b_std: c.b_std,
      parameterization: c.parameterization ?? ctx.parameterization,
    }),
  example: { type: 'Dense', width: 4, W_std: 1.5, b_std: 0.1 },
  requires: NO_REQUIREMENTS,
  precise(c, ctx) {
    const p = c.parameterization ?? ctx.parameterization;
    if (p !== 'ntk')
      throw new NtkInputError(
        `precise kernel: Dense with parameterization '${p}' is not supported (only 'ntk')`,
      );
    return [{ type: 'Dense', W_std: c.W_std ?? 1, b_std: c.b_std ?? 0 }];
  },
  widthKey: 'width',
});
