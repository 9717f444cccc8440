/* eslint-disable no-loss-of-precision -- AS 241 coefficients are kept with the published 20 digits; they round to float64 on load. */
/**
 * Inverse of the standard normal CDF, Φ⁻¹(p): Wichura's algorithm AS 241 (PPND16),
 * "The percentage points of the normal distribution", Applied Statistics 37(3):477–484, 1988 —
 * rational minimax approximations with relative error about 1e-16 over the whole float64 range.
 * Uses only arithmetic, Math.log and Math.sqrt.
 */

// Central region |p − ½| ≤ 0.425: Φ⁻¹(p) = q·A(r)/B(r), r = 0.180625 − q², q = p − ½.
const A = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
  45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
];
const B = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867,
  39307.89580009271061, 28729.085735721942674, 5226.495278852854561,
];
// Intermediate tail r = √(−ln min(p, 1−p)) ≤ 5: Φ⁻¹ = ±C(r − 1.6)/D(r − 1.6).
const C = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
  1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4,
];
const D = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459,
  0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9,
];
// Far tail r > 5: Φ⁻¹ = ±E(r − 5)/F(r − 5).
const E = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
  0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7,
];
const F = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4,
  1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15,
];

function poly(c: readonly number[], x: number): number {
  let s = c[7];
  for (let i = 6; i >= 0; i--) s = s * x + c[i];
  return s;
}

/** Φ⁻¹(p) for p ∈ [0, 1]; Φ⁻¹(0) = −∞, Φ⁻¹(1) = +∞. Throws for p outside [0, 1] or NaN. */
export function ndtri(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`ndtri: p must be a probability in [0, 1], got ${p}`);
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * poly(A, r)) / poly(B, r);
  }
  const tail = q < 0 ? p : 1 - p;
  if (tail === 0) return q < 0 ? -Infinity : Infinity;
  let r = Math.sqrt(-Math.log(tail));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x = poly(C, r) / poly(D, r);
  } else {
    r -= 5;
    x = poly(E, r) / poly(F, r);
  }
  return q < 0 ? -x : x;
}
