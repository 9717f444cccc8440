import { Matrix } from '../linalg/matrix.js';
import { gemmInto } from '../linalg/unchecked.js';
import { asTensor } from '../nn/network.js';
import { sameShape, sizeOf } from '../nn/tensor.js';
import type { Kernel, Tensor } from '../nn/types.js';
import { pinIdenticalInputs } from './identicalInputs.js';

/**
 * The kernel record of the network input (DESIGN.md §3; neural-tangents `kernel_fn` on raw inputs):
 * Σ⁰(x, x') = ⟨x, x'⟩/C over the C features (last axis), Θ⁰ = 0, var = ‖x‖²/C; not Gaussian, so a
 * nonlinearity applied directly to the input is an error. Inputs of shape [N, ...S, C] (spatial S, e.g. images
 * [N, H, W, C]) give Σ⁰ per position pair: [n1, n2, ...S] (diagonalSpatial) or [n1, n2, ...S, ...S].
 * x2 omitted/null = x2 is x1 (symmetric record, var2 === var1).
 */
export function inputKernel(
  x1: Matrix | Tensor,
  x2?: Matrix | Tensor | null,
  opts: { ntk?: boolean; diagonalSpatial?: boolean } = {},
): Kernel {
  const t1 = asTensor(x1, 'inputKernel: x1');
  const symmetric = x2 === undefined || x2 === null;
  const t2 = symmetric ? t1 : asTensor(x2, 'inputKernel: x2');
  if (t1.shape.length < 2)
    throw new RangeError(`inputKernel: x1 must have shape [N, ...features], got [${t1.shape.join(', ')}]`);
  if (!sameShape(t1.shape.slice(1), t2.shape.slice(1))) {
    throw new RangeError(
      `inputKernel: x1 and x2 feature shapes differ: [${t1.shape.slice(1).join(', ')}] vs [${t2.shape.slice(1).join(', ')}]`,
    );
  }
  const n1 = t1.shape[0];
  const n2 = t2.shape[0];
  const C = t1.shape[t1.shape.length - 1];
  if (C < 1) throw new RangeError('inputKernel: the feature dimension must be ≥ 1');
  const spatial = t1.shape.slice(1, -1);
  const P = sizeOf(spatial);
  const diagonalSpatial = opts.diagonalSpatial ?? true;
  const variances = (t: Tensor, n: number): Float64Array => {
    const v = new Float64Array(n * P);
    for (let r = 0; r < n * P; r++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += t.data[r * C + c] ** 2;
      v[r] = s / C;
    }
    return v;
  };
  const var1 = variances(t1, n1);
  const var2 = symmetric ? var1 : variances(t2, n2);
  let nngp: Float64Array;
  if (P === 1) {
    const G = new Matrix(n1, n2);
    gemmInto(false, true, 1 / C, new Matrix(n1, C, t1.data), new Matrix(n2, C, t2.data), 0, G);
    nngp = G.data;
    if (symmetric) {
      for (let i = 0; i < n1; i++) for (let j = 0; j < i; j++) nngp[i * n1 + j] = nngp[j * n1 + i];
      // Σ⁰(x, x) = var(x) to the last bit (so correlations on the diagonal are exactly 1)
      for (let i = 0; i < n1; i++) nngp[i * n1 + i] = var1[i];
    }
    pinIdenticalInputs(t1.data, n1, symmetric ? null : t2.data, n2, C, nngp, var1);
  } else {
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
            for (let c = 0; c < C; c++) s += t1.data[o1 + c] * t2.data[o2 + c];
            nngp[e] = s / C;
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
  };
}
