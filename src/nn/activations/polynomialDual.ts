import type { DualMap } from '../kernelRecord.js';

/**
 * The dual of a polynomial φ(x) = Σᵢ cᵢ·xⁱ over (u, v) ~ N(0, [[q1, s], [s, q2]]), by the Hermite expansion
 * xᵏ = Σₘ k!/(m!·(k − 2m)!·2ᵐ)·He_{k−2m}(x) of each power and E[He_i(z1)·He_j(z2)] = δᵢⱼ·i!·ρⁱ for standard
 * normals with correlation ρ (Mehler's formula; neural-tangents `stax.Polynomial` uses the same expansion).
 * With u = √q1·z1: φ(u) = Σ_l q1^{l/2}·R_l(q1)·He_l(z1)/√l!, R_l(q) = Σ_{k = l + 2m} c_k·k!/(m!·2ᵐ·√l!)·qᵐ, so
 *   Σ' = Σ_l R_l(q1)·R_l(q2)·s^l,   Σ̇ = ∂Σ'/∂s = Σ_l l·R_l(q1)·R_l(q2)·s^{l−1}   (Price's theorem),
 * polynomials in s, q1, q2 with no square root.
 */
export function polynomialDual(coef: readonly number[]): DualMap {
  const n = coef.length;
  // R[l][m]: coefficient of q^m in R_l(q)
  const R: Float64Array[] = [];
  for (let l = 0; l < n; l++) {
    const row = new Float64Array(Math.floor((n - 1 - l) / 2) + 1);
    for (let m = 0; l + 2 * m < n; m++) {
      const k = l + 2 * m;
      row[m] = (coef[k] * factorial(k)) / (factorial(m) * 2 ** m * Math.sqrt(factorial(l)));
    }
    R.push(row);
  }
  const horner = (c: Float64Array, q: number): number => {
    let acc = 0;
    for (let i = c.length - 1; i >= 0; i--) acc = acc * q + c[i];
    return acc;
  };
  return (s, q1, q2, out) => {
    let sigma = 0;
    let dot = 0;
    let sl = 1; // s^l
    let slm1 = 0; // s^{l−1}
    for (let l = 0; l < n; l++) {
      const rr = horner(R[l], q1) * horner(R[l], q2);
      sigma += rr * sl;
      dot += l * rr * slm1;
      slm1 = sl;
      sl *= s;
    }
    out[0] = sigma;
    out[1] = dot;
  };
}

function factorial(k: number): number {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return f;
}

/** φ(x) = Σᵢ cᵢ·xⁱ and φ'(x) by Horner's rule. */
export function polynomialFns(coef: readonly number[]): {
  fn: (x: number) => number;
  dfn: (x: number) => number;
} {
  const c = Float64Array.from(coef);
  const d = Float64Array.from(coef.slice(1).map((v, i) => v * (i + 1)));
  const horner = (p: Float64Array, x: number): number => {
    let acc = 0;
    for (let i = p.length - 1; i >= 0; i--) acc = acc * x + p[i];
    return acc;
  };
  return { fn: (x) => horner(c, x), dfn: (x) => horner(d, x) };
}

/** Coefficients (lowest degree first) of the probabilists' Hermite polynomial He_k: He_{k+1} = x·He_k − k·He_{k−1}. */
export function hermiteCoefficients(k: number): number[] {
  let prev = [1];
  if (k === 0) return prev;
  let cur = [0, 1];
  for (let j = 1; j < k; j++) {
    const next = new Array<number>(j + 2).fill(0);
    for (let i = 0; i < cur.length; i++) next[i + 1] += cur[i];
    for (let i = 0; i < prev.length; i++) next[i] -= j * prev[i];
    prev = cur;
    cur = next;
  }
  return cur;
}
