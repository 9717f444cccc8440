import type { Key } from './key.js';
import { checkCount, randomWords64 } from './bits.js';
import { checkKey } from './threefry.js';

const TWO_M53 = 2 ** -53;

/**
 * The float64 in [0, 1) made of the top 53 of 64 random bits (hi, lo): k·2⁻⁵³ with k = ⌊(hi·2³² + lo) / 2¹¹⌋,
 * so all 2⁵³ equally spaced values are equally likely. (JAX keeps 52 bits for float64, hence its
 * uniform draws differ from ours in the last bit; the bits they are made of are the same.)
 */
export function unitFromWords(hi: number, lo: number): number {
  return (hi * 2097152 + (lo >>> 11)) * TWO_M53;
}

/** The largest float64 below x (x finite and > −MAX_VALUE). */
function nextDown(x: number): number {
  const f = new Float64Array([x]);
  const b = new BigInt64Array(f.buffer);
  if (x === 0) return -Number.MIN_VALUE;
  b[0] += x > 0 ? -1n : 1n;
  return f[0];
}

/**
 * n independent draws from the uniform distribution on [lo, hi): lo + (hi − lo)·u with u as in
 * `unitFromWords`; a value that rounds up to hi is moved to the float64 just below it.
 */
export function uniform(key: Key, n: number, lo = 0, hi = 1): Float64Array {
  checkKey(key, 'uniform');
  checkCount(n, 'uniform');
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) {
    throw new RangeError(`uniform: need finite lo < hi, got lo = ${lo}, hi = ${hi}`);
  }
  const w = randomWords64(key, n);
  const out = new Float64Array(n);
  const width = hi - lo;
  if (!Number.isFinite(width))
    throw new RangeError(`uniform: hi − lo overflows float64 (lo = ${lo}, hi = ${hi})`);
  const top = nextDown(hi);
  for (let i = 0; i < n; i++) {
    const x = lo + width * unitFromWords(w[2 * i], w[2 * i + 1]);
    out[i] = x < hi ? x : top;
  }
  return out;
}
