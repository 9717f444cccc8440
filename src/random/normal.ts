import type { Key } from './key.js';
import { checkCount, randomWords64 } from './bits.js';
import { ndtri } from './ndtri.js';
import { checkKey } from './threefry.js';

const TWO_M53 = 2 ** -53;

/**
 * n independent standard normal draws by inversion: z = ±Φ⁻¹(v) with Φ⁻¹ from AS 241 (`ndtri`).
 * Each 64-bit draw gives a sign (its top bit) and a lower-tail probability v = (j + ½)·2⁻⁵³,
 * j ∈ [0, 2⁵²) from the next 52 bits, so v ∈ (0, ½) is exact and the tail is computed without the
 * cancellation of 1 − u: the distribution is exactly symmetric and |z| ≤ 8.3 (v ≥ 2⁻⁵⁴).
 * (JAX draws √2·erfinv(u) instead; same bits, different transform, so values differ from JAX.)
 */
export function normal(key: Key, n: number): Float64Array {
  checkKey(key, 'normal');
  checkCount(n, 'normal');
  const w = randomWords64(key, n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const hi = w[2 * i];
    const j = (hi & 0x7fffffff) * 2097152 + (w[2 * i + 1] >>> 11);
    const z = ndtri((j + 0.5) * TWO_M53);
    out[i] = hi >>> 31 === 1 ? -z : z;
  }
  return out;
}
