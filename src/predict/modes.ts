/**
 * Scalar functions of one kernel eigenvalue that give MSE training dynamics in the eigenbasis.
 * With L = (1/2N)·Σₙ‖f(xₙ) − yₙ‖² and step η, one GD step multiplies the residual component along an
 * eigenvector vᵢ of K by (1 − uᵢ), uᵢ = η·λᵢ/N (Kopitkov & Indelman 2020, "First-order dynamics
 * when G_t is constant"); gradient flow for s (fractional) steps multiplies it by e^{−uᵢ·s}
 * (Jacot et al. 2018; Lee et al. 2019, eq. 8).
 */

/** Residual factor of discrete GD after s integer steps: (1 − u)^s. */
export function gdResidualFactor(u: number, s: number): number {
  return Math.pow(1 - u, s);
}

/** Residual factor of gradient flow after s steps (time t = η·s): e^{−u·s}. */
export function flowResidualFactor(u: number, s: number): number {
  return Math.exp(-u * s);
}

/**
 * Σ_{j<s} (1 − u)^j = (1 − (1 − u)^s)/u (limit s at u = 0): the sum of residual factors over the first
 * s steps. Evaluated as −expm1(s·log1p(−u))/u for 0 < 1 − u < 2, where the direct form cancels.
 */
export function gdCumulative(u: number, s: number): number {
  if (s === 0) return 0;
  if (u === 0) return s;
  if (u > 0 && u < 1) return -Math.expm1(s * Math.log1p(-u)) / u;
  if (u < 0 && u > -1) return -Math.expm1(s * Math.log1p(-u)) / u;
  return (1 - Math.pow(1 - u, s)) / u;
}

/** ∫₀^s e^{−u·σ} dσ = (1 − e^{−u·s})/u = s·(−expm1(−u·s))/(u·s) (limit s at u = 0): gradient flow's analogue. */
export function flowCumulative(u: number, s: number): number {
  if (s === 0) return 0;
  const x = u * s;
  if (x === 0) return s;
  return (-Math.expm1(-x) / x) * s;
}
