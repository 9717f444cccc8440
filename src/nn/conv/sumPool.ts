import type { Layer } from '../types.js';
import type { Padding } from './geometry.js';
import { windowPool } from './poolWindows.js';

/** Options of SumPool: the window, strides (default: the window) and padding (default 'VALID'). */
export interface SumPoolOptions {
  /** Window shape: [h, w] (2-D) or [n] (1-D). */
  readonly window: readonly number[];
  /** Strides per spatial axis (default: the window). */
  readonly strides?: readonly number[];
  /** 'VALID' (default), 'SAME' or 'CIRCULAR'. */
  readonly padding?: Padding;
}

/**
 * Sum pooling over windows (neural-tangents `stax.SumPool`): y(o, c) = Σ_a x(src(o, a), c), padding entries
 * read as zeros; strides default to the window, padding to 'VALID'. Kernel map (./poolWindows.ts, weight 1):
 *   Σ'(o, o') = Σ_{a, a'} Σ(src(o, a), src(o', a')), the same for Θ,
 * that is |window|² times the AvgPool kernel (normalize_edges = false) of the same geometry.
 */
export function SumPool(opts: SumPoolOptions): Layer {
  return windowPool('SumPool', opts, 'sum');
}
