import type { Key } from './key.js';
import { checkKey, threefryWords } from './threefry.js';

/**
 * Raw random bits, as JAX's partitionable `threefry_random_bits`: element i is the cipher of the
 * counter [⌊i / 2^32⌋, i mod 2^32] under the key; the two output words (x₀, x₁) give a 64-bit draw
 * x₀·2^32 + x₁, or the 32-bit draw x₀ ⊕ x₁.
 */

const TWO_32 = 4294967296;

/** Throw unless n is a usable element count. */
export function checkCount(n: number, where: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${where}: n must be a non-negative integer, got ${n}`);
  }
}

/** n uniformly random uint32 words (= `jax.random.bits(key, (n,), 'uint32')`). */
export function randomBits(key: Key, n: number): Uint32Array {
  checkKey(key, 'randomBits');
  checkCount(n, 'randomBits');
  const out = new Uint32Array(n);
  const w = new Uint32Array(2);
  const k0 = key[0];
  const k1 = key[1];
  for (let i = 0; i < n; i++) {
    threefryWords(k0, k1, Math.floor(i / TWO_32), i % TWO_32, w, 0);
    out[i] = (w[0] ^ w[1]) >>> 0;
  }
  return out;
}

/**
 * n 64-bit draws as word pairs: words[2i] is the high and words[2i+1] the low word of draw i
 * (= `jax.random.bits(key, (n,), 'uint64')` split into words). The building block of the float and
 * integer samplers.
 */
export function randomWords64(key: Key, n: number): Uint32Array {
  const k0 = key[0];
  const k1 = key[1];
  const out = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) threefryWords(k0, k1, Math.floor(i / TWO_32), i % TWO_32, out, 2 * i);
  return out;
}
