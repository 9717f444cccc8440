/**
 * Gauss quadrature rules from the three-term recurrence of the orthonormal polynomials
 * (Golub & Welsch, Math. Comp. 23 (1969)): the nodes are the eigenvalues of the symmetric tridiagonal
 * Jacobi matrix J (diagonal a_k, off-diagonal b_k), found here by Sturm-sequence bisection (robust and
 * accurate to ≈ ε·‖J‖); the weights are the Christoffel numbers w_i = 1 / Σ_{k<n} p_k(x_i)², with p_k
 * orthonormal for the weight function of total mass μ₀ (p₀ = 1/√μ₀).
 */
export interface GaussRule {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

/** Number of eigenvalues of J(a, b) below x (Sturm count via the LDLᵀ pivots of J − xI). */
function sturmCount(a: Float64Array, b: Float64Array, x: number): number {
  let count = 0;
  let d = a[0] - x;
  if (d < 0) count++;
  for (let k = 1; k < a.length; k++) {
    if (d === 0) d = 1e-300;
    d = a[k] - x - (b[k] * b[k]) / d;
    if (d < 0) count++;
  }
  return count;
}

/**
 * The n-point Gauss rule of the weight with Jacobi matrix diagonal a[0..n), off-diagonal b[1..n)
 * (b[0] unused) and total mass mu0.
 */
export function gaussRuleFromJacobi(a: Float64Array, b: Float64Array, mu0: number): GaussRule {
  const n = a.length;
  let bound = 0;
  for (let k = 0; k < n; k++) {
    const r = Math.abs(a[k]) + (k > 0 ? Math.abs(b[k]) : 0) + (k + 1 < n ? Math.abs(b[k + 1]) : 0);
    bound = Math.max(bound, r);
  }
  const nodes = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // The i-th smallest eigenvalue λ_i: the smallest x with sturmCount(x) ≥ i + 1.
    let lo = i > 0 ? nodes[i - 1] : -bound - 1;
    let hi = bound + 1;
    for (let it = 0; it < 200; it++) {
      const mid = 0.5 * (lo + hi);
      if (mid === lo || mid === hi) break;
      if (sturmCount(a, b, mid) >= i + 1) hi = mid;
      else lo = mid;
    }
    nodes[i] = 0.5 * (lo + hi);
  }
  const weights = new Float64Array(n);
  const p0 = 1 / Math.sqrt(mu0);
  for (let i = 0; i < n; i++) {
    const x = nodes[i];
    // Orthonormal recurrence: b_{k+1} p_{k+1} = (x − a_k) p_k − b_k p_{k−1}.
    let pPrev = 0;
    let p = p0;
    let sum = p * p;
    for (let k = 0; k + 1 < n; k++) {
      const pNext = ((x - a[k]) * p - (k > 0 ? b[k] * pPrev : 0)) / b[k + 1];
      pPrev = p;
      p = pNext;
      sum += p * p;
    }
    weights[i] = 1 / sum;
  }
  return { nodes, weights };
}

function checkNodes(n: number, where: string): void {
  if (!Number.isInteger(n) || n < 1 || n > 400) {
    throw new RangeError(`${where}: n (number of nodes) must be an integer in [1, 400], got ${n}`);
  }
}

/** Make a rule of an even weight exactly symmetric: x_i = −x_{n−1−i}, w_i = w_{n−1−i}. */
function symmetrize(rule: GaussRule): GaussRule {
  const { nodes, weights } = rule;
  const n = nodes.length;
  for (let i = 0; i < n >> 1; i++) {
    const x = 0.5 * (nodes[n - 1 - i] - nodes[i]);
    const w = 0.5 * (weights[i] + weights[n - 1 - i]);
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = weights[n - 1 - i] = w;
  }
  if (n % 2 === 1) nodes[n >> 1] = 0;
  return rule;
}

const hermiteCache = new Map<number, GaussRule>();

/**
 * n-point Gauss–Hermite rule for the weight e^{−x²} on ℝ: ∫ f(x) e^{−x²} dx ≈ Σ w_i f(x_i), exact for
 * polynomials of degree < 2n. Jacobi matrix: a_k = 0, b_k = √(k/2); μ₀ = √π.
 */
export function gaussHermite(n: number): GaussRule {
  checkNodes(n, 'gaussHermite');
  const cached = hermiteCache.get(n);
  if (cached) return cached;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let k = 1; k < n; k++) b[k] = Math.sqrt(k / 2);
  const rule = symmetrize(gaussRuleFromJacobi(a, b, Math.sqrt(Math.PI)));
  hermiteCache.set(n, rule);
  return rule;
}

/**
 * n-point rule for the standard normal: E[f(Z)] ≈ Σ w_i f(z_i), Z ~ N(0, 1); the Gauss–Hermite rule
 * with z_i = √2·x_i and w_i / √π.
 */
export function gaussHermiteNormal(n: number): GaussRule {
  const { nodes, weights } = gaussHermite(n);
  return { nodes: nodes.map((x) => Math.SQRT2 * x), weights: weights.map((w) => w / Math.sqrt(Math.PI)) };
}

const legendreCache = new Map<number, GaussRule>();

/** n-point Gauss–Legendre rule on [−1, 1]: a_k = 0, b_k = k/√(4k² − 1); μ₀ = 2. */
export function gaussLegendre(n: number): GaussRule {
  checkNodes(n, 'gaussLegendre');
  const cached = legendreCache.get(n);
  if (cached) return cached;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let k = 1; k < n; k++) b[k] = k / Math.sqrt(4 * k * k - 1);
  const rule = symmetrize(gaussRuleFromJacobi(a, b, 2));
  legendreCache.set(n, rule);
  return rule;
}
