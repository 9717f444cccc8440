import type { Layer } from '../types.js';
import { globalPool } from './globalPool.js';

/**
 * Global sum pooling (neural-tangents `stax.GlobalSumPool`): y(c) = Σ_p x(p, c) over the P positions; kernel map
 * Σ' = Σ_{p, p'} Σ(p, p'), the same for Θ (./globalPool.ts): P² times the GlobalAvgPool kernel.
 */
export function GlobalSumPool(): Layer {
  return globalPool('GlobalSumPool', 'sum');
}
