/**
 * A PRNG key: two uint32 words, as JAX's `PRNGKey` (threefry2x32). Keys are values: functions that
 * draw from a key never modify it; `split` derives independent child keys.
 */
export type Key = Readonly<Uint32Array>;
