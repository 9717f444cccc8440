import type { Key } from './key.js';
import { checkCount, randomWords64 } from './bits.js';
import { checkKey } from './threefry.js';

/**
 * Integer samplers from 64-bit draws by multiply-shift (Lemire, "Fast random integer generation in
 * an interval", ACM TOMACS 2019, §3): ⌊x·s / 2⁶⁴⌋ for a 64-bit draw x and range size s ≤ 2³².
 * No rejection step: each value has ⌊2⁶⁴/s⌋ or ⌈2⁶⁴/s⌉ of the 2⁶⁴ draws, so its probability is
 * within 2⁻⁶⁴ of 1/s (relative error ≤ s·2⁻⁶⁴ ≤ 2⁻³²) — far below any statistical test.
 */

/** ⌊(hi·2³² + lo)·s / 2⁶⁴⌋ computed exactly in float64 with 16-bit limbs of s (s ≤ 2³²). */
export function scaledIndex(hi: number, lo: number, s: number): number {
  const sH = Math.floor(s / 65536);
  const sL = s - sH * 65536;
  // c = ⌊lo·s / 2³²⌋; every product below is < 2⁴⁹, hence exact.
  const c = Math.floor((lo * sH + Math.floor((lo * sL) / 65536)) / 65536);
  const a = hi * sL + c;
  return Math.floor((hi * sH + Math.floor(a / 65536)) / 65536);
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** n integers uniform on [lo, hi) (as `jax.random.randint`, different bits-to-integer map); lo, hi in int32 range. */
export function randint(key: Key, n: number, lo: number, hi: number): Int32Array {
  checkKey(key, 'randint');
  checkCount(n, 'randint');
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < INT32_MIN || hi > INT32_MAX + 1 || !(lo < hi)) {
    throw new RangeError(`randint: need integers −2^31 ≤ lo < hi ≤ 2^31, got lo = ${lo}, hi = ${hi}`);
  }
  const s = hi - lo;
  const w = randomWords64(key, n);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + scaledIndex(w[2 * i], w[2 * i + 1], s);
  return out;
}

/**
 * k distinct indices from [0, n), uniformly over ordered k-subsets: the first k steps of the forward
 * Fisher–Yates shuffle (Knuth, TAOCP vol. 2, Algorithm 3.4.2 P), step i swapping slot i with slot
 * i + ⌊x_i·(n − i)/2⁶⁴⌋, x_i the i-th 64-bit draw.
 */
function partialShuffle(key: Key, n: number, k: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  const w = randomWords64(key, k);
  for (let i = 0; i < k; i++) {
    const j = i + scaledIndex(w[2 * i], w[2 * i + 1], n - i);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a.slice(0, k);
}

/** A uniformly random permutation of 0..n−1 (n < 2^31). */
export function permutation(key: Key, n: number): Int32Array {
  checkKey(key, 'permutation');
  if (!Number.isInteger(n) || n < 0 || n > INT32_MAX) {
    throw new RangeError(`permutation: n must be an integer in [0, 2^31), got ${n}`);
  }
  return partialShuffle(key, n, n);
}

/**
 * k indices from [0, n): with `replace` (default false) independent uniform draws, else k distinct
 * indices (uniform over ordered k-subsets; choice(key, n, n) = permutation(key, n)).
 */
export function choice(key: Key, n: number, k: number, replace = false): Int32Array {
  checkKey(key, 'choice');
  if (!Number.isInteger(n) || n < 1 || n > INT32_MAX) {
    throw new RangeError(`choice: population size n must be an integer in [1, 2^31), got ${n}`);
  }
  checkCount(k, 'choice');
  if (replace) return randint(key, k, 0, n);
  if (k > n)
    throw new RangeError(`choice: cannot draw k = ${k} distinct indices from n = ${n} without replacement`);
  return partialShuffle(key, n, k);
}
