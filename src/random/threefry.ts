import type { Key } from './key.js';

/**
 * Threefry-2x32 with 20 rounds: the counter-based block cipher of Salmon, Moraes, Dror & Shaw,
 * "Parallel random numbers: as easy as 1, 2, 3" (SC'11), §3 — the generator behind JAX's default
 * PRNG. Pure 32-bit integer arithmetic (`+ … >>> 0`, xor, rotations), so every JavaScript engine on
 * every machine produces the same bits.
 */

// Rotation constants R₀…R₇ = 13, 15, 26, 6, 17, 29, 16, 24 for Threefry-2x32 (Salmon et al., Table 4),
// written out in the unrolled rounds below.

/** Skein's key-schedule parity constant C240 = 0x1BD11BDA (Salmon et al., §3.2). */
const KS_PARITY = 0x1bd11bda;

/**
 * Encrypt the counter (c0, c1) under the key (k0, k1) and write the two output words to out[at], out[at + 1]
 * — the inner loop that every draw goes through, so it takes words, not arrays.
 */
export function threefryWords(
  k0: number,
  k1: number,
  c0: number,
  c1: number,
  out: Uint32Array,
  at: number,
): void {
  const ks0 = k0 >>> 0;
  const ks1 = k1 >>> 0;
  const ks2 = (KS_PARITY ^ ks0 ^ ks1) >>> 0;
  let x0 = (c0 + ks0) >>> 0;
  let x1 = (c1 + ks1) >>> 0;
  // 20 rounds, unrolled: round r is x0 += x1; x1 = rotl(x1, R[r mod 8]) ^ x0; after every 4th round
  // (group s = 1..5) the key schedule injects x0 += ks[s mod 3], x1 += ks[(s+1) mod 3] + s.
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks1) >>> 0;
  x1 = (x1 + ks2 + 1) >>> 0; // key injection 1
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + ks2) >>> 0;
  x1 = (x1 + ks0 + 2) >>> 0; // key injection 2
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks0) >>> 0;
  x1 = (x1 + ks1 + 3) >>> 0; // key injection 3
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0;
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0;
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0;
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0;
  x0 = (x0 + ks1) >>> 0;
  x1 = (x1 + ks2 + 4) >>> 0; // key injection 4
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0;
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0;
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0;
  x0 = (x0 + x1) >>> 0;
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0;
  x0 = (x0 + ks2) >>> 0;
  x1 = (x1 + ks0 + 5) >>> 0; // key injection 5
  out[at] = x0;
  out[at + 1] = x1;
}

/** Threefry-2x32-20 of one two-word counter under a key: the primitive of Random123 and JAX. */
export function threefry2x32(key: Key, counter: readonly [number, number]): Uint32Array {
  checkKey(key, 'threefry2x32');
  const [c0, c1] = counter;
  for (const c of counter) {
    if (!Number.isInteger(c) || c < 0 || c > 0xffffffff) {
      throw new RangeError(`threefry2x32: counter words must be integers in [0, 2^32), got [${c0}, ${c1}]`);
    }
  }
  const out = new Uint32Array(2);
  threefryWords(key[0], key[1], c0, c1, out, 0);
  return out;
}

/** Throw unless `key` is two uint32 words (a Key as made by PRNGKey/split/foldIn). */
export function checkKey(key: Key, where: string): void {
  if (!(key instanceof Uint32Array) || key.length !== 2) {
    const got = key instanceof Uint32Array ? `a Uint32Array of length ${key.length}` : typeof key;
    throw new TypeError(
      `${where}: key must be a Key (Uint32Array of 2 words, from PRNGKey/split), got ${got}`,
    );
  }
}
