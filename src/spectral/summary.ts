/**
 * Summaries of a kernel spectrum: condition number, effective rank and decay exponent.
 *  - condition number κ = λ_max / λ_min (∞ when λ_min ≤ 0: the Gramian is singular to working precision);
 *  - effective rank, two standard definitions: the participation ratio (Σλ)² / Σλ², and the entropy
 *    rank exp(−Σ pᵢ·ln pᵢ) with pᵢ = λᵢ / Σλ (Roy & Vetterli, EUSIPCO 2007); both equal n for a flat
 *    spectrum and 1 for a rank-one one (negative round-off eigenvalues are clipped to 0 here);
 *  - power-law decay λᵢ ≈ C·i^{−s}: least squares of ln λᵢ on ln i over a range of indices (1-based,
 *    descending order), with the coefficient of determination r².
 */

export interface SpectrumSummary {
  readonly n: number;
  readonly max: number;
  readonly min: number;
  readonly conditionNumber: number;
  readonly participationRatio: number;
  readonly entropyEffectiveRank: number;
  readonly decay: {
    readonly exponent: number;
    readonly constant: number;
    readonly r2: number;
    readonly from: number;
    readonly to: number;
  } | null;
}

/**
 * Summary of eigenvalues (any order). The decay is fitted over descending indices [from, to] (1-based,
 * default 1..n) restricted to positive eigenvalues; null when fewer than 2 remain.
 */
export function spectrumSummary(
  eigenvalues: Float64Array,
  opts: { from?: number; to?: number } = {},
): SpectrumSummary {
  const n = eigenvalues.length;
  if (n === 0) throw new RangeError('spectrumSummary: no eigenvalues');
  const lam = Float64Array.from(eigenvalues).sort().reverse();
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(lam[i])) throw new RangeError(`spectrumSummary: eigenvalue ${lam[i]} is not finite`);
  const max = lam[0];
  const min = lam[n - 1];
  let sum = 0;
  let sum2 = 0;
  for (const v of lam) {
    const c = Math.max(v, 0);
    sum += c;
    sum2 += c * c;
  }
  let H = 0;
  if (sum > 0) {
    for (const v of lam) {
      const p = Math.max(v, 0) / sum;
      if (p > 0) H -= p * Math.log(p);
    }
  }
  const from = opts.from ?? 1;
  const to = opts.to ?? n;
  if (!(Number.isInteger(from) && Number.isInteger(to) && 1 <= from && from <= to && to <= n)) {
    throw new RangeError(
      `spectrumSummary: decay range must satisfy 1 ≤ from ≤ to ≤ n = ${n}, got [${from}, ${to}]`,
    );
  }
  let m = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = from; i <= to; i++) {
    const v = lam[i - 1];
    if (!(v > 0)) continue;
    const x = Math.log(i);
    const y = Math.log(v);
    m++;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    syy += y * y;
  }
  let decay: SpectrumSummary['decay'] = null;
  const vx = sxx - (sx * sx) / m;
  if (m >= 2 && vx > 0) {
    const slope = (sxy - (sx * sy) / m) / vx;
    const icpt = (sy - slope * sx) / m;
    const vy = syy - (sy * sy) / m;
    const r2 = vy > 0 ? (slope * slope * vx) / vy : 1;
    decay = { exponent: -slope, constant: Math.exp(icpt), r2, from, to };
  }
  return {
    n,
    max,
    min,
    conditionNumber: min > 0 ? max / min : Infinity,
    participationRatio: sum2 > 0 ? (sum * sum) / sum2 : 0,
    entropyEffectiveRank: Math.exp(H),
    decay,
  };
}
