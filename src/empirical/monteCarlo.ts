import { NtkInputError } from '../errors.js';
import { Matrix } from '../linalg/matrix.js';
import type { Key } from '../random/key.js';
import { split } from '../random/keys.js';
import type { Layer, Tensor } from '../nn/types.js';
import { accumulateNngp } from './empiricalNngp.js';
import { empiricalNtk, type EmpiricalImplementation } from './empiricalNtk.js';
import { asBatch } from './features.js';

/** A kernel `monteCarloKernel` estimates: the NNGP or the NTK. */
export type MonteCarloGet = 'nngp' | 'ntk';

/** Options of `monteCarloKernel`. */
export interface MonteCarloOptions {
  /** Number S of independent initializations (keys split(key, S)). */
  samples: number;
  key: Key;
  /** Which kernels to estimate (default both). */
  get?: MonteCarloGet | MonteCarloGet[];
  /** Input feature shape for init (default: x1's feature shape). */
  inShape?: readonly number[];
  /** Empirical-NTK implementation (default 'auto', the cheapest). */
  implementation?: EmpiricalImplementation;
  /** Called after each sample with (samples done, S). */
  onProgress?: (done: number, total: number) => void;
}

/** The Monte Carlo estimates asked for by `get`, and the number of samples S. */
export interface MonteCarloResult {
  nngp?: Matrix;
  ntk?: Matrix;
  samples: number;
}

/**
 * Monte Carlo estimates of the infinite-width kernels (Novak et al. 2019, §3; neural-tangents
 * `monte_carlo_kernel_fn`): the average over S independent
 * initializations θ_s (keys split(key, S)) of the finite network `net` (whose hidden widths set the
 * accuracy, O(1/√width) per sample) of
 *   NNGP:  the empirical NNGP f(x1; θ_s)·f(x2; θ_s)ᵀ / O (./empiricalNngp.ts),
 *   NTK:   the traced empirical NTK Θ_s(x1, x2) (./empiricalNtk.ts),
 * Deterministic for a given key.
 */
export function monteCarloKernel(
  net: Layer,
  x1: Matrix | Tensor,
  x2: Matrix | Tensor | null | undefined,
  opts: MonteCarloOptions,
): MonteCarloResult {
  const S = opts.samples;
  if (!Number.isInteger(S) || S < 1)
    throw new NtkInputError(`monteCarloKernel: samples must be a positive integer, got ${S}`);
  const gets = opts.get === undefined ? ['nngp', 'ntk'] : Array.isArray(opts.get) ? opts.get : [opts.get];
  for (const g of gets) {
    if (g !== 'nngp' && g !== 'ntk')
      throw new NtkInputError(`monteCarloKernel: get must be 'nngp' or 'ntk', got '${String(g)}'`);
  }
  const X1 = asBatch('x1', x1);
  const X2 = x2 === undefined || x2 === null ? null : asBatch('x2', x2);
  const inShape = opts.inShape ?? X1.shape.slice(1);
  const n1 = X1.shape[0];
  const n2 = X2 ? X2.shape[0] : n1;
  const nngp = gets.includes('nngp') ? new Matrix(n1, n2) : undefined;
  const ntk = gets.includes('ntk') ? new Matrix(n1, n2) : undefined;
  const keys = split(opts.key, S);
  for (let s = 0; s < S; s++) {
    const params = net.init(keys[s], inShape);
    // nngp += f(x1; θ_s)·f(x2; θ_s)ᵀ / (O·S)
    if (nngp) accumulateNngp(net, params, X1, X2, S, nngp);
    if (ntk) {
      const K = empiricalNtk(net, params, X1, X2, {
        trace: true,
        implementation: opts.implementation ?? 'auto',
      });
      for (let k = 0; k < K.data.length; k++) ntk.data[k] += K.data[k] / S;
    }
    opts.onProgress?.(s + 1, S);
  }
  return { ...(nngp ? { nngp } : {}), ...(ntk ? { ntk } : {}), samples: S };
}
