import type { PreciseLayer } from '../../nn/descriptor.js';
import { acos, asin, div, fromNumber, mul, pi, sqrt, type Fixed } from './fixed.js';

/**
 * The infinite-width NNGP/NTK recursion of a fully-connected network, in arbitrary-precision fixed
 * point, for inputs of equal norm (a dot-product kernel): every input has the same variance q, so the
 * kernel at correlation t is a function Φ(t) of t alone. Conventions are those of docs/conventions.md §1
 * ('ntk' parameterization, neural-tangents):
 *   input:  Σ⁰ = t·q⁰, Θ⁰ = 0;
 *   Dense:  Σ' = W_std²·Σ + b_std²,  Θ' = Σ' + W_std²·Θ,  q' = W_std²·q + b_std²;
 *   φ:      Σ' = E[φ(u)φ(v)],  Σ̇ = E[φ'(u)φ'(v)],  Θ' = Σ̇·Θ  for (u, v) ~ N(0, [[q, Σ], [Σ, q]]).
 * Closed forms of the duals used here:
 *   ReLU (Cho & Saul 2009, arc-cosine kernel of degree 1; θ = arccos(Σ/q)):
 *     Σ' = q·(sin θ + (π − θ)·cos θ)/(2π),  Σ̇ = (π − θ)/(2π);
 *   ABRelu φ(x) = b·max(x, 0) + a·min(x, 0) = b·relu(x) − a·relu(−x) (LeakyRelu(α) = ABRelu(α, 1),
 *   Abs = ABRelu(−1, 1), Relu = ABRelu(0, 1)), using E[relu(u)·relu(−v)] = q·(sin θ − θ·cos θ)/(2π):
 *     Σ' = (a² + b²)·q·(sin θ + (π − θ)·cos θ)/(2π) − 2ab·q·(sin θ − θ·cos θ)/(2π),
 *     Σ̇ = (a² + b²)·(π − θ)/(2π) + 2ab·θ/(2π);
 *   a·erf(b·x) + c (Williams 1997; neural-tangents `Erf`), with D = 1 + 2b²q:
 *     Σ' = (2a²/π)·arcsin(2b²Σ / D) + c²,  Σ̇ = (4a²b²/π) / √(D² − 4b⁴Σ²).
 * This is an independent, high-precision implementation used where float64 is not enough (the
 * boolean-cube finite differences, cube.ts); the float64 kernels of src/nn are the reference elsewhere.
 */

/** The primitives, and each layer type's translation to them, are in the layer descriptors (src/nn/descriptor.ts). */
export type { PreciseLayer } from '../../nn/descriptor.js';

/** Σ(t) and Θ(t) of a dot-product network at the requested t, in fixed point. */
export interface PreciseKernelValues {
  /** Σ(t) at each requested t, in fixed point. */
  readonly nngp: bigint[];
  /** Θ(t) at each requested t, in fixed point. */
  readonly ntk: bigint[];
  /** The common variance q = Σ(1) after the last layer. */
  readonly variance: bigint;
}

/**
 * Φ_nngp(t) and Φ_ntk(t) of a stack of layers at the correlations t (fixed point, |t| ≤ 1) for inputs
 * of variance q0 (fixed point; q0 = 1 for ‖x‖² = d under Σ⁰ = ⟨x, x'⟩/d).
 */
export function preciseStackKernel(
  c: Fixed,
  layers: readonly PreciseLayer[],
  t: readonly bigint[],
  q0: bigint,
): PreciseKernelValues {
  let q = q0;
  let S = t.map((tj) => mul(c, tj, q0));
  let T = t.map(() => 0n);
  let gaussian = false;
  const PI = pi(c);
  const twoPi = 2n * PI;
  for (const [i, L] of layers.entries()) {
    switch (L.type) {
      case 'Identity':
        break;
      case 'Dense': {
        const w2 = fromNumber(c, L.W_std * L.W_std);
        const b2 = fromNumber(c, L.b_std * L.b_std);
        S = S.map((s) => mul(c, w2, s) + b2);
        T = T.map((th, j) => S[j] + mul(c, w2, th));
        q = mul(c, w2, q) + b2;
        gaussian = true;
        break;
      }
      case 'ABRelu':
      case 'Erf': {
        if (!gaussian) {
          throw new Error(
            `preciseStackKernel: layer ${i} (${L.type}) must follow a Dense layer (its input is not Gaussian)`,
          );
        }
        if (q <= 0n) throw new Error(`preciseStackKernel: layer ${i} (${L.type}) receives zero variance`);
        const S2: bigint[] = new Array<bigint>(S.length);
        const D: bigint[] = new Array<bigint>(S.length);
        if (L.type === 'ABRelu') {
          const sq = fromNumber(c, L.a * L.a + L.b * L.b);
          const ab2 = fromNumber(c, 2 * L.a * L.b);
          for (let j = 0; j < S.length; j++) {
            let rho = div(c, S[j], q);
            if (rho > c.one) rho = c.one; // |Σ| ≤ q holds exactly; only the last bit may round past it
            if (rho < -c.one) rho = -c.one;
            const theta = acos(c, rho);
            const sinT = sqrt(c, c.one - mul(c, rho, rho));
            const same = sinT + mul(c, PI - theta, rho); // sin θ + (π − θ)·cos θ
            const cross = sinT - mul(c, theta, rho); // sin θ − θ·cos θ
            S2[j] = div(c, mul(c, q, mul(c, sq, same) - mul(c, ab2, cross)), twoPi);
            D[j] = div(c, mul(c, sq, PI - theta) + mul(c, ab2, theta), twoPi);
          }
          // E[φ(u)²] = (a² + b²)·q/2
          q = mul(c, sq, q) >> 1n;
        } else {
          const a2 = fromNumber(c, L.a * L.a);
          const b2 = fromNumber(c, L.b * L.b);
          const c2 = fromNumber(c, L.c * L.c);
          const den = c.one + 2n * mul(c, b2, q);
          const pre = div(c, 2n * a2, PI);
          const preDot = div(c, 4n * mul(c, a2, b2), PI);
          for (let j = 0; j < S.length; j++) {
            const bS = 2n * mul(c, b2, S[j]);
            S2[j] = mul(c, pre, asin(c, div(c, bS, den))) + c2;
            D[j] = div(c, preDot, sqrt(c, mul(c, den, den) - mul(c, bS, bS)));
          }
          q = mul(c, pre, asin(c, div(c, 2n * mul(c, b2, q), den))) + c2;
        }
        T = T.map((th, j) => mul(c, D[j], th));
        S = S2;
        gaussian = false;
        break;
      }
    }
  }
  return { nngp: S, ntk: T, variance: q };
}
