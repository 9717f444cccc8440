import { Matrix } from '../linalg/matrix.js';
import { getBackend } from '../linalg/select.js';
import type { Key } from '../random/key.js';
import { split } from '../random/keys.js';
import type { Layer, Tensor } from '../nn/types.js';
import { empiricalNtk, type EmpiricalImplementation } from '../empirical/empiricalNtk.js';
import { asBatch, outputsOf, singleOutput } from '../empirical/features.js';
import type { KernelFnResult, KernelGetSpec } from './kernelFn.js';

/** A kernel {@link monteCarloKernel} estimates: the NNGP or the NTK. */
export type MonteCarloGet = 'nngp' | 'ntk';

/** Options of {@link monteCarloKernel}. */
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

/**
 * What {@link monteCarloKernel} returns for `get = G`: as {@link KernelFnResult}, the kernels a literal
 * `get` names are present (both by default), the others undefined; plus the number of samples.
 */
export type MonteCarloResult<G extends KernelGetSpec | undefined = KernelGetSpec | undefined> = Omit<
  KernelFnResult<G>,
  'var1' | 'var2'
> & { samples: number };

/**
 * Monte Carlo estimates of the infinite-width kernels: the average over S independent
 * initializations θ_s (keys split(key, S)) of the finite network `net` (whose hidden widths set the
 * accuracy, O(1/√width) per sample) of
 *   NNGP:  f(x1; θ_s)·f(x2; θ_s)ᵀ / O   (the output covariance, averaged over the O output units),
 *   NTK:   the traced empirical NTK Θ_s(x1, x2) (src/empirical),
 * as neural-tangents' `monte_carlo_kernel_fn`. Deterministic for a given key.
 */
export function monteCarloKernel<const G extends KernelGetSpec | undefined = undefined>(
  net: Layer,
  x1: Matrix | Tensor,
  x2: Matrix | Tensor | null | undefined,
  opts: Omit<MonteCarloOptions, 'get'> & { readonly get?: G },
): MonteCarloResult<G>;
export function monteCarloKernel(
  net: Layer,
  x1: Matrix | Tensor,
  x2: Matrix | Tensor | null | undefined,
  opts: MonteCarloOptions,
): MonteCarloResult {
  const S = opts.samples;
  if (!Number.isInteger(S) || S < 1)
    throw new Error(`monteCarloKernel: samples must be a positive integer, got ${S}`);
  const gets = opts.get === undefined ? ['nngp', 'ntk'] : Array.isArray(opts.get) ? opts.get : [opts.get];
  for (const g of gets) {
    if (g !== 'nngp' && g !== 'ntk')
      throw new Error(`monteCarloKernel: get must be 'nngp' or 'ntk', got '${String(g)}'`);
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
    if (nngp) {
      const f1 = singleOutput(net.forward(params, X1).y, 'monteCarloKernel');
      const f2 = X2 ? singleOutput(net.forward(params, X2).y, 'monteCarloKernel') : f1;
      const O = outputsOf(f1);
      // nngp += A·Bᵀ / (O·S), A = f(x1; θ_s) (n1 × O), B = f(x2; θ_s) (n2 × O).
      getBackend().gemm(
        false,
        true,
        1 / (O * S),
        new Matrix(n1, O, f1.data),
        new Matrix(n2, O, f2.data),
        1,
        nngp,
      );
    }
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
