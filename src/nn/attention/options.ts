import { NtkInputError, NtkTypeError } from '../../errors.js';

/**
 * Hyper-parameters of GlobalSelfAttention, as neural-tangents' `stax.GlobalSelfAttention` names them. Only the
 * `linear_scaling: true` variant (logits scaled by 1/n_chan_key, key and query weights tied) is offered: its
 * infinite-width attention matrix is deterministic and the kernel has a closed form (Hron, Bahri, Sohl-Dickstein &
 * Novak 2020, §3); the 1/√n_chan_key variant has a random limit with no closed form, and is refused.
 */
export interface GlobalSelfAttentionOptions {
  readonly n_chan_out: number;
  readonly n_chan_key: number;
  readonly n_chan_val: number;
  readonly n_heads: number;
  readonly linear_scaling?: boolean;
  readonly W_key_std?: number;
  readonly W_value_std?: number;
  readonly W_query_std?: number;
  readonly W_out_std?: number;
  readonly b_std?: number;
  /** 'NONE' (default) or 'SUM': sampled positional embeddings added to the inputs of the keys (not the values). */
  readonly pos_emb_type?: 'NONE' | 'SUM';
  readonly W_pos_emb_std?: number;
}

/** The options with defaults applied and checked. */
export interface ResolvedAttention {
  readonly n_chan_out: number;
  readonly n_chan_key: number;
  readonly n_chan_val: number;
  readonly n_heads: number;
  readonly linear_scaling: true;
  readonly W_key_std: number;
  readonly W_value_std: number;
  readonly W_query_std: number;
  readonly W_out_std: number;
  readonly b_std: number;
  readonly pos_emb_type: 'NONE' | 'SUM';
  readonly W_pos_emb_std: number;
}

export function resolveAttention(o: GlobalSelfAttentionOptions): ResolvedAttention {
  if (o === null || typeof o !== 'object')
    throw new NtkTypeError(
      `GlobalSelfAttention: expected options { n_chan_out, n_chan_key, n_chan_val, n_heads, ... }, got ${String(o)}`,
    );
  for (const k of ['n_chan_out', 'n_chan_key', 'n_chan_val', 'n_heads'] as const)
    if (!Number.isInteger(o[k]) || o[k] < 1)
      throw new NtkInputError(`GlobalSelfAttention: ${k} must be a positive integer, got ${String(o[k])}`);
  if (o.linear_scaling === false)
    throw new NtkInputError(
      'GlobalSelfAttention: linear_scaling: false (logits scaled by 1/√n_chan_key) is not supported: its ' +
        'infinite-width attention matrix is random and has no closed-form kernel (Hron et al. 2020, §3); use ' +
        'linear_scaling: true (logits scaled by 1/n_chan_key, key and query weights tied)',
    );
  const std = (k: string, v: number | undefined, d: number): number => {
    const x = v ?? d;
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0)
      throw new NtkInputError(`GlobalSelfAttention: ${k} must be a finite number ≥ 0, got ${String(x)}`);
    return x;
  };
  const pos = o.pos_emb_type ?? 'NONE';
  if (pos !== 'NONE' && pos !== 'SUM')
    throw new NtkInputError(
      `GlobalSelfAttention: pos_emb_type must be 'NONE' or 'SUM', got ${JSON.stringify(pos)} ` +
        "('CONCAT' and decaying embedding covariances are not supported)",
    );
  return {
    n_chan_out: o.n_chan_out,
    n_chan_key: o.n_chan_key,
    n_chan_val: o.n_chan_val,
    n_heads: o.n_heads,
    linear_scaling: true,
    W_key_std: std('W_key_std', o.W_key_std, 1),
    W_value_std: std('W_value_std', o.W_value_std, 1),
    W_query_std: std('W_query_std', o.W_query_std, 1),
    W_out_std: std('W_out_std', o.W_out_std, 1),
    b_std: std('b_std', o.b_std, 0),
    pos_emb_type: pos,
    W_pos_emb_std: std('W_pos_emb_std', o.W_pos_emb_std, 1),
  };
}
