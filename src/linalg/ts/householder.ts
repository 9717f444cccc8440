/**
 * Elementary reflector (LAPACK dlarfg): for x = (α, xᵣ) of length m, find τ, β and v = (1, vᵣ) with
 * (I − τ·v·vᵀ)·x = β·e₁. Golub & Van Loan, Matrix Computations 4th ed., §5.1.2–5.1.3.
 * On return v holds (1, vᵣ); the result is {tau, beta}. τ = 0 (H = I) when xᵣ = 0.
 */
export function householderReflector(
  x: Float64Array,
  m: number,
  v: Float64Array,
): { tau: number; beta: number } {
  const alpha = x[0];
  const xnorm = norm2(x, 1, m);
  v[0] = 1;
  if (xnorm === 0) {
    for (let t = 1; t < m; t++) v[t] = 0;
    return { tau: 0, beta: alpha };
  }
  const h = hypot2(alpha, xnorm);
  const beta = alpha >= 0 ? -h : h;
  const tau = (beta - alpha) / beta;
  const denom = alpha - beta; // |denom| ≥ |β|: dividing by it cannot overflow
  for (let t = 1; t < m; t++) v[t] = x[t] / denom;
  return { tau, beta };
}

/** Euclidean norm of x[from:to], scaled by the largest magnitude so that it neither overflows nor underflows. */
export function norm2(x: Float64Array, from: number, to: number): number {
  let amax = 0;
  for (let t = from; t < to; t++) {
    const a = Math.abs(x[t]);
    if (a > amax) amax = a;
  }
  if (amax === 0) return 0;
  let s = 0;
  for (let t = from; t < to; t++) {
    const y = x[t] / amax; // dividing (not multiplying by 1/amax, which overflows for subnormal amax)
    s += y * y;
  }
  return amax * Math.sqrt(s);
}

/** √(a² + b²) without intermediate overflow or underflow. */
export function hypot2(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  const big = x > y ? x : y;
  if (big === 0) return 0;
  const small = x > y ? y : x;
  const r = small / big;
  return big * Math.sqrt(1 + r * r);
}
