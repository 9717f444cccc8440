import type { Layer } from '../types.js';
import { globalPool } from './globalPool.js';

/**
 * Global average pooling (neural-tangents `stax.GlobalAvgPool`; the CNTK-GAP of Arora et al. 2019, §3 and
 * eq. 9): y(c) = (1/P)·Σ_p x(p, c); kernel map Σ' = (1/P²)·Σ_{p, p'} Σ(p, p'), the same for Θ (./globalPool.ts).
 */
export function GlobalAvgPool(): Layer {
  return globalPool('GlobalAvgPool', 'mean');
}
