import type { CircleDensity } from './density.js';

/**
 * Seed 004's closed form for the eigenvalues of the two-layer ReLU-with-bias NTK on S¹ under a
 * piecewise-constant density (Basri et al. 2020, Prop. + eq. 17), with Z = Ψ(π)/(2π),
 * Ψ(π) = ∫_{−π}^{π} √p — and the form this toolkit trusts.
 *
 * As typed in the seed (eq. 17):
 *   q = 0: Z²(1/(2π²) + 1/8);  q = 1: Z²(1/π² + 1/8);  q ≥ 2 even: Z²(q² + 1)/(π²(q² − 1)²);
 *   q ≥ 3 odd: Z²/(π²q²).
 * For the uniform density p = 1/(2π) (Z² = 1/(2π)) the eigenvalues are the Fourier coefficients
 * λ_q = (1/2π)∫k(u)cos(qu)du of eq. 11, which integrate in closed form to
 *   λ₀ = 1/8 + 1/(2π²),  λ₁ = 1/16 + 1/(2π²),  λ_q = (q² + 1)/(2π²(q² − 1)²) (q even),  1/(2π²q²) (q odd),
 * i.e. π·(eq. 17) for q ≥ 1 and 2π·(eq. 17) for q = 0. The typed form is therefore off by a factor π
 * (π² where the ODE f'' = −p/(πλ)·f of eq. 14, with local frequency q√p/Z, forces λ = Z²/(πq²)) and
 * additionally by 2 at q = 0. The corrected form used here,
 *   q = 0: Z²(π/4 + 1/π);  q = 1: Z²(π/8 + 1/π);  q even: Z²(q² + 1)/(π(q² − 1)²);  q odd: Z²/(πq²),
 * is exact for the uniform density (tested against the Fourier coefficients) and is compared with
 * Nyström eigenvalues for non-uniform densities in docs/spectra.md.
 */

/** Z = Ψ(π)/(2π) with Ψ(π) = ∫√p (piecewise-constant densities). */
export function basriZ(p: CircleDensity): number {
  if (p.kind !== 'piecewise') throw new Error('eq. 17 applies to piecewise-constant densities only');
  const J = p.values.length;
  let psi = 0;
  for (const v of p.values) psi += (Math.sqrt(v) * 2 * Math.PI) / J;
  return psi / (2 * Math.PI);
}

/** Eq. 17 exactly as typed in the seed. */
export function eq17AsTyped(q: number, Z: number): number {
  checkQ(q);
  const Z2 = Z * Z;
  const pi2 = Math.PI * Math.PI;
  if (q === 0) return Z2 * (1 / (2 * pi2) + 1 / 8);
  if (q === 1) return Z2 * (1 / pi2 + 1 / 8);
  if (q % 2 === 0) return (Z2 * (q * q + 1)) / (pi2 * (q * q - 1) ** 2);
  return Z2 / (pi2 * q * q);
}

/** Eq. 17 corrected (exact for the uniform density; see above). */
export function eq17Corrected(q: number, Z: number): number {
  checkQ(q);
  const Z2 = Z * Z;
  const pi = Math.PI;
  if (q === 0) return Z2 * (pi / 4 + 1 / pi);
  if (q === 1) return Z2 * (pi / 8 + 1 / pi);
  if (q % 2 === 0) return (Z2 * (q * q + 1)) / (pi * (q * q - 1) ** 2);
  return Z2 / (pi * q * q);
}

function checkQ(q: number): void {
  if (!Number.isInteger(q) || q < 0)
    throw new RangeError(`eq. 17: frequency q must be an integer ≥ 0, got ${q}`);
}

/** Eigenvalue list in descending order with multiplicity (one for q = 0, two for q ≥ 1), with its q. */
export function eq17List(
  Z: number,
  count: number,
  form: 'typed' | 'corrected',
): { q: Int32Array; eigenvalues: Float64Array } {
  const f = form === 'typed' ? eq17AsTyped : eq17Corrected;
  const items: { q: number; v: number }[] = [];
  for (let q = 0; items.length < count + 2; q++) {
    items.push({ q, v: f(q, Z) });
    if (q > 0) items.push({ q, v: f(q, Z) });
  }
  items.sort((a, b) => b.v - a.v || a.q - b.q);
  const top = items.slice(0, count);
  return { q: Int32Array.from(top.map((e) => e.q)), eigenvalues: Float64Array.from(top.map((e) => e.v)) };
}

/** Predicted local angular frequency of the q-th eigenfunction in each region: q·√pⱼ/Z (seed eq. 13). */
export function predictedLocalFrequencies(p: CircleDensity, q: number): Float64Array {
  const Z = basriZ(p);
  if (p.kind !== 'piecewise') throw new Error('unreachable');
  return p.values.map((v) => (q * Math.sqrt(v)) / Z);
}
