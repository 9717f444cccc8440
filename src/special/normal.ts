import { erfc } from './erf.js';

/** Standard normal density φ(x) = e^{−x²/2}/√(2π). */
export function normalPdf(x: number): number {
  return 0.3989422804014327 * Math.exp(-0.5 * x * x);
}

/** Standard normal distribution function Φ(x) = ½·erfc(−x/√2) (accurate in both tails). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * Math.SQRT1_2);
}
