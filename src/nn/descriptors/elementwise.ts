import { Elementwise, NAMED_ELEMENTWISE } from '../activations/elementwise.js';
import { layerType, READS_VARIANCES } from '../descriptor.js';
import { finite } from './schemaParts.js';

/**
 * Elementwise(φ) with a quadrature dual (src/nn/activations/elementwise.ts): {"type": "Elementwise", "fn": "tanh"}.
 * A layer built in code from a user function has `fn: "<function>"` in its config and cannot be rebuilt from it
 * (worker threads then are not used, with a note).
 */
export const elementwiseType = layerType({
  type: 'Elementwise',
  neuralTangents: 'stax.Elementwise',
  schema: (z) =>
    z.strictObject({
      type: z.literal('Elementwise'),
      fn: z.enum(Object.keys(NAMED_ELEMENTWISE) as [string, ...string[]]),
      nodes: z.number().int().min(2).max(400).optional(),
      breakpoints: z.array(finite(z)).optional(),
    }),
  build: (c) => Elementwise({ fn: c.fn, nodes: c.nodes, breakpoints: c.breakpoints }),
  example: { type: 'Elementwise', fn: 'tanh' },
  requires: READS_VARIANCES,
  preciseNote: 'its dual is a float64 quadrature (Gauss–Hermite / Gauss–Legendre), not a closed form',
});
