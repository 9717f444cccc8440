import { Matrix } from '../linalg/matrix.js';
import { gemmInto } from '../linalg/unchecked.js';
import type { Layer, Params, Tensor } from '../nn/types.js';
import { asBatch, outputsOf, singleOutput } from './features.js';

/**
 * The empirical NNGP of one finite network at parameters θ (neural-tangents `empirical_nngp_fn`; Lee et al. 2018,
 * §2.3): the output covariance averaged over the O output units, K(x1, x2) = f(x1; θ)·f(x2; θ)ᵀ / O, N1×N2.
 * x2 omitted = x1. Its mean over initializations is the NNGP of the width-W network, → the infinite-width NNGP
 * as W → ∞ (./monteCarlo.ts).
 */
export function empiricalNngp(
  net: Layer,
  params: Params,
  x1: Matrix | Tensor,
  x2?: Matrix | Tensor | null,
): Matrix {
  const X1 = asBatch('empiricalNngp: x1', x1);
  const X2 = x2 === undefined || x2 === null ? null : asBatch('empiricalNngp: x2', x2);
  const K = new Matrix(X1.shape[0], X2 === null ? X1.shape[0] : X2.shape[0]);
  accumulateNngp(net, params, X1, X2, 1, K);
  return K;
}

/** K += f(x1; θ)·f(x2; θ)ᵀ / (O·samples) (x2 = null: x1), the step of the empirical NNGP and of Monte Carlo. */
export function accumulateNngp(
  net: Layer,
  params: Params,
  X1: Tensor,
  X2: Tensor | null,
  samples: number,
  K: Matrix,
): void {
  const f1 = singleOutput(net.forward(params, X1).y, 'empiricalNngp');
  const f2 = X2 === null ? f1 : singleOutput(net.forward(params, X2).y, 'empiricalNngp');
  const O = outputsOf(f1);
  gemmInto(
    false,
    true,
    1 / (O * samples),
    new Matrix(K.rows, O, f1.data),
    new Matrix(K.cols, O, f2.data),
    1,
    K,
  );
}
