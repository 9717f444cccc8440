import { NtkInputError } from '../errors.js';
import type { Matrix } from '../linalg/matrix.js';
import type { Layer, Params, Tensor } from '../nn/types.js';
import { asBatch, batchRows, collectFeatures } from './features.js';
import { formatBytes, memoryLimit } from '../memoryLimit.js';
import { Linearization } from './linearization.js';
import { ntkOperatorOf, type NtkOperator } from './ntvp.js';
import { outerProductRule, type OuterProductRule } from './outerProductRule.js';
import { paramLeaves } from './paramLeaves.js';
import { structuredNtkOperator } from './structuredOperator.js';

/** Options of {@link ntkOperator}. */
export interface NtkOperatorOptions {
  /** true (default): the traced NTK (1/O)·Σ_o J_o J_oᵀ on ℝᴺ; false: the full NTK on ℝᴺᴼ, index (n, o). */
  trace?: boolean;
  /**
   * 'ntvp': VJP through the network then JVP (any layers); 'structured': per-layer Gram products from
   * stored features (traced, all parameterized layers Dense); 'auto' (default): 'structured' when it applies.
   */
  implementation?: 'auto' | 'ntvp' | 'structured';
  /** Rows per forward batch (default 1024). */
  batch?: number;
  /** Peak-memory limit in bytes (default NTK_MEMORY_LIMIT or 6 GiB). */
  memoryLimitBytes?: number;
}

/**
 * Bytes the operator keeps: the per-layer features of all N examples (structured) or the forward caches
 * of all batches (ntvp, estimated as 4 activations per leaf input and output, as in memory.ts).
 */
function operatorBytes(
  sizes: readonly { inSize: number; outSize: number }[],
  N: number,
  O: number,
  structured: boolean,
): number {
  const perExample = sizes.reduce(
    (s, l) => s + (structured ? l.inSize + O * l.outSize : 4 * (l.inSize + l.outSize)),
    0,
  );
  return N * perExample * 8;
}

/**
 * The empirical NTK Θ(x, x) of `net` at `params` as an implicit symmetric operator V ↦ Θ·V on ℝⁿ
 * (n = N traced, N·O full), for `lanczos` (src/linalg/lanczos.ts): top-k eigenpairs at large N without
 * the N×N kernel or the N×P Jacobian.
 */
export function ntkOperator(
  net: Layer,
  params: Params,
  x: Matrix | Tensor,
  opts: NtkOperatorOptions = {},
): NtkOperator {
  const X = asBatch('x', x);
  const trace = opts.trace ?? true;
  const impl = opts.implementation ?? 'auto';
  const batch = opts.batch ?? 1024;
  if (!['auto', 'ntvp', 'structured'].includes(impl)) {
    throw new NtkInputError(
      `ntkOperator: implementation must be 'auto', 'ntvp' or 'structured', got '${impl}'`,
    );
  }
  if (!(Number.isInteger(batch) && batch >= 1))
    throw new NtkInputError(`ntkOperator: batch must be a positive integer, got ${batch}`);
  const N = X.shape[0];
  const leaves = paramLeaves(net, params);
  const probe = collectFeatures(net, params, leaves, batchRows(X, 0, 1), 1);
  const limit = memoryLimit(opts.memoryLimitBytes);
  if (impl !== 'ntvp') {
    const rules = leaves.map(outerProductRule);
    const applies =
      (trace || probe.outputs === 1) &&
      probe.leaves.every(
        (l, i) => rules[i] !== null && l.inSize === rules[i]!.nIn && l.outSize === rules[i]!.nOut,
      );
    if (applies) {
      const bytes = operatorBytes(probe.leaves, N, probe.outputs, true);
      if (bytes > limit) {
        throw new Error(
          `ntkOperator: the structured operator keeps ${formatBytes(bytes)} of per-layer features for N = ${N}, above the limit of ` +
            `${formatBytes(limit)} (memoryLimitBytes / NTK_MEMORY_LIMIT); at most ${Math.floor((limit / bytes) * N)} examples fit`,
        );
      }
      return structuredNtkOperator(
        collectFeatures(net, params, leaves, X, batch),
        rules as OuterProductRule[],
      );
    }
    if (impl === 'structured') {
      throw new Error(
        "ntkOperator: implementation 'structured' needs the traced kernel (or one output) and only Dense parameterized layers; use 'ntvp'",
      );
    }
  }
  const bytes = operatorBytes(probe.leaves, N, probe.outputs, false);
  if (bytes > limit) {
    throw new Error(
      `ntkOperator: the NTK-vector-product operator keeps about ${formatBytes(bytes)} of forward caches for N = ${N}, above the ` +
        `limit of ${formatBytes(limit)} (memoryLimitBytes / NTK_MEMORY_LIMIT); at most ${Math.floor((limit / bytes) * N)} examples fit`,
    );
  }
  return ntkOperatorOf(new Linearization(net, params, X, batch), trace);
}
