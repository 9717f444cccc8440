/**
 * Memory accounting for the empirical NTK (memory bounded and planned up front, docs/conventions.md §4): every path estimates its peak
 * memory before it allocates, and a request above the limit is refused with an error that says what
 * would fit instead of crashing the process.
 */

/** Sizes of one parameterized leaf, per example (inSize, outSize) and in parameters (count). */
export interface LeafSizes {
  readonly inSize: number;
  readonly outSize: number;
  readonly count: number;
  /** Handled by the structured (Gram) rule rather than Jacobian rows. */
  readonly structured: boolean;
}

export interface NtkProblem {
  readonly n1: number;
  readonly n2: number;
  /** x2 is x1. */
  readonly symmetric: boolean;
  readonly outputs: number;
  readonly trace: boolean;
  readonly leaves: readonly LeafSizes[];
}

/** Peak memory of an empirical-NTK plan, in bytes, by part. */
export interface MemoryEstimate {
  readonly output: number;
  readonly features: number;
  readonly forward: number;
  readonly tiles: number;
  readonly total: number;
}

const F64 = 8;

/**
 * Peak bytes of the tiled structured/Jacobian paths with row/column tiles of `tile` examples:
 * the output (N1·Ob × N2·Ob), the stored features of both inputs (Σ_l inSize + O·outSize per example),
 * the forward/backward caches of one batch (estimated as 4 activations per leaf input and output), and
 * per block the block itself, two Gram tiles and the Jacobian rows of the largest Jacobian leaf.
 */
export function estimateTiled(p: NtkProblem, tile: number): MemoryEstimate {
  const O = p.outputs;
  const Ob = p.trace ? 1 : O;
  const perExample = p.leaves.reduce((s, l) => s + l.inSize + O * l.outSize, 0);
  const nFeat = p.symmetric ? p.n1 : p.n1 + p.n2;
  const output = p.n1 * Ob * p.n2 * Ob * F64;
  const features = nFeat * perExample * F64;
  const forward = 4 * tile * p.leaves.reduce((s, l) => s + l.inSize + l.outSize, 0) * F64;
  const maxJac = p.leaves.reduce((m, l) => (l.structured ? m : Math.max(m, l.count)), 0);
  const jacRows = (p.trace ? 2 : 2 * O) * tile * maxJac;
  const tiles = (tile * tile * (Ob * Ob + 2) + jacRows) * F64;
  return { output, features, forward, tiles, total: output + features + forward + tiles };
}

/**
 * Peak bytes of the NTK-vector-product path: the output, the forward caches of all inputs
 * (as above, 4 activations per leaf input and output) and a few parameter-sized vectors.
 */
export function estimateNtvp(p: NtkProblem): MemoryEstimate {
  const Ob = p.trace ? 1 : p.outputs;
  const output = p.n1 * Ob * p.n2 * Ob * F64;
  const nFeat = p.symmetric ? p.n1 : p.n1 + p.n2;
  const forward = 4 * nFeat * p.leaves.reduce((s, l) => s + l.inSize + l.outSize, 0) * F64;
  const tiles = 3 * p.leaves.reduce((s, l) => s + l.count, 0) * F64;
  return { output, features: 0, forward, tiles, total: output + forward + tiles };
}

/** Floating-point operations of the tiled paths (multiply-adds counted as 2), halved when symmetric. */
export function flopsTiled(p: NtkProblem, structured: boolean): number {
  const O = p.outputs;
  const pairs = p.n1 * p.n2 * (p.symmetric ? 0.5 : 1);
  let perPair = 0;
  for (const l of p.leaves) {
    if (structured && l.structured) perPair += 2 * (l.inSize + (p.trace ? O : O * O) * l.outSize);
    else perPair += 2 * (p.trace ? O : O * O) * l.count;
  }
  return pairs * perPair;
}
