/**
 * √(a·b) for variances a, b ≥ 0, the normalizer of a correlation ρ = s/√(a·b). The product is formed
 * directly (so results are bit for bit the plain arithmetic) unless it overflows or underflows, where
 * √a·√b gives the representable value instead: inputs of norm ≈ 1e150 have variances ≈ 1e300 whose
 * product is +Inf, but whose kernels are finite.
 */
export function rootProduct(a: number, b: number): number {
  const n = Math.sqrt(a * b);
  return n === Infinity || (n === 0 && a !== 0 && b !== 0) ? Math.sqrt(a) * Math.sqrt(b) : n;
}
