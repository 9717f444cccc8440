import type { Metrics } from '../types.js';

/**
 * Small statistics shared by the seed 003 / 004 experiments: least-squares slopes on log–log axes
 * (power laws y ∝ x^s), medians, and a typed metric reader for verdicts.
 */

/** Least-squares slope s of log y = s·log x + c over the pairs with x > 0 and y > 0 (needs ≥ 2). */
export function logLogSlope(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length)
    throw new RangeError(`logLogSlope: x and y must have the same length, got ${x.length} and ${y.length}`);
  const px: number[] = [];
  const py: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (x[i] > 0 && y[i] > 0 && Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      px.push(Math.log(x[i]));
      py.push(Math.log(y[i]));
    }
  }
  if (px.length < 2) throw new RangeError(`logLogSlope: need ≥ 2 positive finite pairs, got ${px.length}`);
  const mx = px.reduce((a, b) => a + b, 0) / px.length;
  const my = py.reduce((a, b) => a + b, 0) / py.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < px.length; i++) {
    sxy += (px[i] - mx) * (py[i] - my);
    sxx += (px[i] - mx) ** 2;
  }
  if (!(sxx > 0)) throw new RangeError('logLogSlope: all x are equal; the slope is undefined');
  return sxy / sxx;
}

/** Median of a non-empty list. */
export function median(v: readonly number[]): number {
  if (v.length === 0) throw new RangeError('median: empty list');
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

/** A number metric, or an error naming it (a verdict never reads a missing metric as NaN). */
export function num(m: Metrics, name: string): number {
  const v = m[name];
  if (typeof v !== 'number' || Number.isNaN(v))
    throw new Error(`metric '${name}' must be a number, got ${JSON.stringify(v)}`);
  return v;
}

/** A number-array metric, or an error naming it. */
export function nums(m: Metrics, name: string): readonly number[] {
  const v = m[name];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || Number.isNaN(x)))
    throw new Error(`metric '${name}' must be an array of numbers, got ${JSON.stringify(v)}`);
  return v as readonly number[];
}
