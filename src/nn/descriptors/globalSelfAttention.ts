import { GlobalSelfAttention } from '../attention/globalSelfAttention.js';
import { layerType } from '../descriptor.js';
import { nonNegative } from './schemaParts.js';

/**
 * GlobalSelfAttention (src/nn/attention/globalSelfAttention.ts): {"type": "GlobalSelfAttention", "n_chan_out": 64,
 * "n_chan_key": 64, "n_chan_val": 64, "n_heads": 2, "pos_emb_type": "SUM"}. Only `linear_scaling: true`.
 */
export const globalSelfAttentionType = layerType({
  type: 'GlobalSelfAttention',
  neuralTangents: 'stax.GlobalSelfAttention',
  schema: (z) =>
    z.strictObject({
      type: z.literal('GlobalSelfAttention'),
      n_chan_out: z.number().int().positive(),
      n_chan_key: z.number().int().positive(),
      n_chan_val: z.number().int().positive(),
      n_heads: z.number().int().positive(),
      linear_scaling: z.literal(true).optional(),
      W_key_std: nonNegative(z).optional(),
      W_value_std: nonNegative(z).optional(),
      W_query_std: nonNegative(z).optional(),
      W_out_std: nonNegative(z).optional(),
      b_std: nonNegative(z).optional(),
      pos_emb_type: z.enum(['NONE', 'SUM']).optional(),
      W_pos_emb_std: nonNegative(z).optional(),
    }),
  build: (c) => GlobalSelfAttention(c),
  example: { type: 'GlobalSelfAttention', n_chan_out: 4, n_chan_key: 4, n_chan_val: 4, n_heads: 2 },
  // reads Σ(x, x) at all position pairs: all pairs and, in kernelFn, symmetric (union) records
  requires: { fullSpatial: true, variances: true },
  preciseNote: 'attention acts on spatial kernels, which are not dot-product kernels',
  widthKey: 'n_chan_out',
});
