import { NtkInputError } from '../errors.js';
import type { Matrix } from '../linalg/matrix.js';
import { asTensor } from '../nn/network.js';
import { sameShape, sizeOf } from '../nn/tensor.js';
import type { Kernel, Tensor } from '../nn/types.js';
import { inputCovariance, inputScale, inputVariances } from './inputCovariance.js';

/**
 * The kernel record of the network input (docs/conventions.md §1; neural-tangents `kernel_fn` on raw inputs):
 * Σ⁰(x, x') = ⟨x, x'⟩/C over the C features (last axis), Θ⁰ = 0, var = ‖x‖²/C; not Gaussian, so a
 * nonlinearity applied directly to the input is an error. Inputs of shape [N, ...S, C] (spatial S, e.g. images
 * [N, H, W, C]) give Σ⁰ per position pair: [n1, n2, ...S] (diagonalSpatial) or [n1, n2, ...S, ...S].
 * x2 omitted/null = x2 is x1 (symmetric record, var2 === var1). Graph inputs (N, V, C) may carry their
 * adjacencies (pattern1 / pattern2, n·V·V each, row-major; kernelFn checks their shapes) for Aggregate.
 */
export function inputKernel(
  x1: Matrix | Tensor,
  x2?: Matrix | Tensor | null,
  opts: { ntk?: boolean; diagonalSpatial?: boolean; pattern1?: Float64Array; pattern2?: Float64Array } = {},
): Kernel {
  const t1 = asTensor(x1, 'inputKernel: x1');
  const symmetric = x2 === undefined || x2 === null;
  const t2 = symmetric ? t1 : asTensor(x2, 'inputKernel: x2');
  if (t1.shape.length < 2)
    throw new NtkInputError(`inputKernel: x1 must have shape [N, ...features], got [${t1.shape.join(', ')}]`);
  if (!sameShape(t1.shape.slice(1), t2.shape.slice(1))) {
    throw new NtkInputError(
      `inputKernel: x1 and x2 feature shapes differ: [${t1.shape.slice(1).join(', ')}] vs [${t2.shape.slice(1).join(', ')}]`,
    );
  }
  const n1 = t1.shape[0];
  const n2 = t2.shape[0];
  const C = t1.shape[t1.shape.length - 1];
  if (C < 1 || t1.shape.slice(1).some((s) => s === 0))
    throw new NtkInputError(
      `inputKernel: the inputs have no features (shape [${t1.shape.join(', ')}]); every feature dimension must be ≥ 1`,
    );
  const spatial = t1.shape.slice(1, -1);
  const P = sizeOf(spatial);
  const diagonalSpatial = opts.diagonalSpatial ?? true;
  // Σ⁰ and var⁰ in scaled form: exact for large |x| (src/kernels/inputCovariance.ts)
  const c = inputScale(t1.data, t2.data);
  let var1: Float64Array;
  let var2: Float64Array;
  let nngp: Float64Array;
  if (P === 1) {
    nngp = new Float64Array(n1 * n2);
    ({ var1, var2 } = inputCovariance(t1.data, symmetric ? null : t2.data, n1, n2, C, nngp));
    if (symmetric)
      for (let i = 0; i < n1; i++) for (let j = 0; j < i; j++) nngp[i * n1 + j] = nngp[j * n1 + i];
  } else {
    var1 = inputVariances(t1.data, n1 * P, C, c);
    var2 = symmetric ? var1 : inputVariances(t2.data, n2 * P, C, c);
    const B = diagonalSpatial ? 1 : P;
    nngp = new Float64Array(n1 * n2 * P * B);
    let e = 0;
    for (let i = 0; i < n1; i++)
      for (let j = 0; j < n2; j++)
        for (let a = 0; a < P; a++)
          for (let b = 0; b < B; b++, e++) {
            const o1 = (i * P + a) * C;
            const o2 = (j * P + (diagonalSpatial ? a : b)) * C;
            let s = 0;
            for (let k = 0; k < C; k++) s += (t1.data[o1 + k] / c) * (t2.data[o2 + k] / c);
            nngp[e] = c === 1 ? s / C : (s / C) * c * c;
          }
  }
  return {
    nngp,
    ntk: opts.ntk === false ? null : new Float64Array(nngp.length),
    var1,
    var2,
    n1,
    n2,
    symmetric,
    spatial,
    diagonalSpatial: P === 1 ? true : diagonalSpatial,
    channels: C,
    isGaussian: false,
    ...(opts.pattern1 === undefined
      ? {}
      : { pattern1: opts.pattern1, pattern2: symmetric ? opts.pattern1 : opts.pattern2 }),
  };
}
