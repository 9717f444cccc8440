import { NtkInputError, NtkTypeError } from '../../errors.js';
import type { Layer } from '../types.js';
import type { Padding } from './geometry.js';
import { windowPool } from './poolWindows.js';

/** Options of AvgPool: the window, strides (default: the window), padding (default 'VALID') and normalize_edges. */
export interface AvgPoolOptions {
  /** Window shape: [h, w] (2-D) or [n] (1-D). */
  readonly window: readonly number[];
  /** Strides per spatial axis (default: the window). */
  readonly strides?: readonly number[];
  /** 'VALID' (default), 'SAME' or 'CIRCULAR'. */
  readonly padding?: Padding;
  /** Divide by the non-padded entries of each window instead of the window size (default false). */
  readonly normalize_edges?: boolean;
}

/**
 * Average pooling over windows (neural-tangents `stax.AvgPool`): strides default to the window, padding to
 * 'VALID'. With normalize_edges = false (the default here) y(o, c) = (1/|window|)·Σ_a x(src(o, a), c), padding
 * entries counted as zeros; with normalize_edges = true each output divides by the number n(o) of non-padded
 * entries of its window instead (as `jax.example_libraries.stax.AvgPool`; neural-tangents' default), which only
 * differs under SAME padding at the edges. Kernel map (linear in x, on all position pairs):
 *   Σ'(o, o') = w(o)·w(o')·Σ_{a, a'} Σ(src(o, a), src(o', a')), w = 1/|window| or 1/n(o), the same for Θ
 * (./poolWindows.ts); it needs the all-pairs layout and keeps isGaussian.
 */
export function AvgPool(opts: AvgPoolOptions): Layer {
  if (opts === null || typeof opts !== 'object')
    throw new NtkTypeError(
      `AvgPool: expected options { window, strides?, padding?, normalize_edges? }, got ${String(opts)}`,
    );
  const edges = opts.normalize_edges ?? false;
  if (typeof edges !== 'boolean')
    throw new NtkInputError(`AvgPool: normalize_edges must be true or false, got ${JSON.stringify(edges)}`);
  return edges
    ? windowPool('AvgPool', opts, 'edges', { normalize_edges: true })
    : windowPool('AvgPool', opts, 'size');
}
