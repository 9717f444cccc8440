import type { Layer } from '../types.js';
import { windowPool, type PoolWindowOptions } from './poolWindows.js';

/**
 * Sum pooling over windows (neural-tangents `stax.SumPool`): y(o, c) = Σ_a x(src(o, a), c), padding entries
 * read as zeros; strides default to the window, padding to 'VALID'. Kernel map (./poolWindows.ts, weight 1):
 *   Σ'(o, o') = Σ_{a, a'} Σ(src(o, a), src(o', a')), the same for Θ,
 * that is |window|² times the AvgPool kernel (normalize_edges = false) of the same geometry.
 */
export type SumPoolOptions = PoolWindowOptions;

export function SumPool(opts: SumPoolOptions): Layer {
  return windowPool('SumPool', opts, 'sum');
}
