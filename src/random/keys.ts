import type { Key } from './key.js';
import { checkKey, threefryWords } from './threefry.js';

/**
 * JAX-style key derivation on Threefry-2x32 (jax/_src/prng.py, the `threefry_partitionable` scheme
 * that is JAX's default since 0.5): a child key is the cipher of a two-word counter under the parent.
 */

const TWO_32 = 4294967296;

/**
 * A key from an integer seed, as `jax.random.PRNGKey(seed)`: the seed's 64-bit two's-complement
 * words [hi, lo]. Seeds in [0, 2^32) give [0, seed], exactly as JAX; negative seeds follow JAX with
 * `jax_enable_x64` (e.g. −1 → [0xffffffff, 0xffffffff]), so no two seeds share a key.
 */
export function PRNGKey(seed: number): Key {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`PRNGKey: seed must be an integer with |seed| ≤ 2^53 − 1, got ${seed}`);
  }
  if (seed >= 0) return Uint32Array.of(Math.floor(seed / TWO_32), seed % TWO_32);
  // Negative: hi = 2^32 − 1 − ⌊(−seed − 1) / 2^32⌋, lo = 2^32 − 1 − ((−seed − 1) mod 2^32) (bitwise complement of −seed − 1).
  const m = -seed - 1;
  return Uint32Array.of(0xffffffff - Math.floor(m / TWO_32), 0xffffffff - (m % TWO_32));
}

/**
 * `num` new keys from one, as `jax.random.split(key, num)`: child i is Threefry(key, [0, i]).
 * The parent should not be used again for drawing once split.
 */
export function split(key: Key, num = 2): Key[] {
  checkKey(key, 'split');
  if (!Number.isInteger(num) || num < 0 || num > TWO_32) {
    throw new RangeError(`split: num must be an integer in [0, 2^32], got ${num}`);
  }
  const out: Key[] = [];
  for (let i = 0; i < num; i++) {
    const child = new Uint32Array(2);
    threefryWords(key[0], key[1], 0, i, child, 0);
    out.push(child);
  }
  return out;
}

/**
 * A key derived from `key` and an integer, as `jax.random.fold_in(key, data)`: Threefry(key, [0, data mod 2^32]).
 * Use it to give every index of a loop its own stream (layer ℓ, step t, sample i).
 */
export function foldIn(key: Key, data: number): Key {
  checkKey(key, 'foldIn');
  if (!Number.isInteger(data) || data < -(2 ** 31) || data >= TWO_32) {
    throw new RangeError(
      `foldIn: data must be an integer in [−2^31, 2^32) (it is taken mod 2^32), got ${data}`,
    );
  }
  const child = new Uint32Array(2);
  threefryWords(key[0], key[1], 0, data >>> 0, child, 0);
  return child;
}
