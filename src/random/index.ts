/**
 * Seeded, counter-based, splittable randomness (docs/conventions.md §1 "Randomness"): Threefry-2x32 keys as
 * in JAX. Same key → same numbers on every backend, engine and machine.
 * @module
 */
export type { Key } from './key.js';
export { threefry2x32 } from './threefry.js';
export { PRNGKey, split, foldIn } from './keys.js';
export { randomBits } from './bits.js';
export { uniform } from './uniform.js';
export { normal } from './normal.js';
export { ndtri } from './ndtri.js';
export { randint, permutation, choice } from './discrete.js';
