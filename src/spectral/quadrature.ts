/**
 * Gauss–Gegenbauer quadrature: n nodes tᵢ and weights wᵢ with Σ wᵢ·f(tᵢ) = ∫ f dν exact for
 * polynomials of degree ≤ 2n − 1, for the probability measure dν ∝ (1 − t²)^α dt on [−1, 1], α > −1
 * (Gauss–Jacobi with α = β). This is the law of t = ⟨x, e⟩ for x uniform on S^{d−1} with
 * α = (d − 3)/2, the measure of the Funk–Hecke formula used by sphere.ts.
 *
 * Method: nodes are the eigenvalues of the Jacobi matrix of the orthonormal polynomials (Golub & Welsch,
 * Math. Comp. 23, 1969), found by implicit QL on the tridiagonal matrix, then polished by Newton steps
 * on pₙ; weights by the Christoffel function wᵢ = 1 / Σ_{k<n} p_k(tᵢ)² (all terms positive: no
 * cancellation). Orthonormal recurrence for the Gegenbauer weight, λ = α + 1/2:
 *   t·p_k = b_{k+1}·p_{k+1} + b_k·p_{k−1},   b_k² = k(k + 2λ − 1) / (4(k + λ)(k + λ − 1))
 * (Szegő, Orthogonal Polynomials, §4.7), with b_1² = 1/2 in the Chebyshev case λ = 0.
 */

export interface Quadrature {
  /** Nodes, ascending. */
  readonly nodes: Float64Array;
  /** Positive weights summing to 1. */
  readonly weights: Float64Array;
}

/** b_k of the orthonormal recurrence, k ≥ 1. */
function offDiagonal(alpha: number, k: number): number {
  const lam = alpha + 0.5;
  if (lam === 0 && k === 1) return Math.SQRT1_2;
  return Math.sqrt((k * (k + 2 * lam - 1)) / (4 * (k + lam) * (k + lam - 1)));
}

/** Eigenvalues of the symmetric tridiagonal matrix with zero diagonal and off-diagonal e (implicit QL). */
function tridiagonalEigenvalues(n: number, e: Float64Array): Float64Array {
  const d = new Float64Array(n);
  const off = new Float64Array(n);
  off.set(e.subarray(0, n - 1));
  for (let l = 0; l < n; l++) {
    let iter = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(off[m]) <= 2.2e-16 * dd) break;
      }
      if (m === l) break;
      if (++iter > 60) throw new Error(`gaussGegenbauer: QL iteration did not converge (n = ${n})`);
      let g = (d[l + 1] - d[l]) / (2 * off[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + off[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        let f = s * off[i];
        const b = c * off[i];
        r = Math.hypot(f, g);
        off[i + 1] = r;
        if (r === 0) {
          d[i + 1] -= p;
          off[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        f = 0;
      }
      if (r === 0 && i >= l) continue;
      d[l] -= p;
      off[l] = g;
      off[m] = 0;
    }
  }
  return d.sort();
}

/** The orthonormal p_0..p_n at t by the recurrence; returns [p_n(t), p_n'(t), Σ_{k<n} p_k(t)²]. */
function evalOrthonormal(n: number, t: number, b: Float64Array): [number, number, number] {
  let pPrev = 0;
  let p = 1;
  let dPrev = 0;
  let dp = 0;
  let sumSq = 0;
  for (let k = 0; k < n; k++) {
    sumSq += p * p;
    const bk = k === 0 ? 0 : b[k - 1];
    const pNext = (t * p - bk * pPrev) / b[k];
    const dNext = (p + t * dp - bk * dPrev) / b[k];
    pPrev = p;
    p = pNext;
    dPrev = dp;
    dp = dNext;
  }
  return [p, dp, sumSq];
}

/** n-point Gauss quadrature for dν ∝ (1 − t²)^α dt on [−1, 1] (probability weights). */
export function gaussGegenbauer(n: number, alpha: number): Quadrature {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`gaussGegenbauer: n must be an integer ≥ 1, got ${n}`);
  if (!(alpha > -1) || !Number.isFinite(alpha))
    throw new RangeError(`gaussGegenbauer: alpha must be a finite number > −1, got ${alpha}`);
  const b = new Float64Array(n);
  for (let k = 1; k <= n; k++) b[k - 1] = offDiagonal(alpha, k);
  const nodes = tridiagonalEigenvalues(n, b);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = nodes[i];
    for (let it = 0; it < 3; it++) {
      const [p, dp] = evalOrthonormal(n, t, b);
      if (dp === 0) break;
      const step = p / dp;
      t -= step;
      if (Math.abs(step) <= 1e-17) break;
    }
    nodes[i] = t;
    weights[i] = 1 / evalOrthonormal(n, t, b)[2];
  }
  // symmetric weight: enforce exact symmetry of the rule
  for (let i = 0; i < n >> 1; i++) {
    const j = n - 1 - i;
    const x = 0.5 * (nodes[j] - nodes[i]);
    nodes[i] = -x;
    nodes[j] = x;
    const w = 0.5 * (weights[i] + weights[j]);
    weights[i] = w;
    weights[j] = w;
  }
  if (n % 2 === 1) nodes[n >> 1] = 0;
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i];
  for (let i = 0; i < n; i++) weights[i] /= total;
  return { nodes, weights };
}
