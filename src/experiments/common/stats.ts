import type { Metrics } from '../types.js';

/**
 * Small statistics shared by the experiments: least-squares slopes on log–log axes (power laws
 * y ∝ x^s), rank correlation, medians, norms, log-spaced steps, and typed metric readers for verdicts.
 */

/** Sums of the least-squares slope of v on u: slope = sxy/sxx = Σ(u − ū)(v − v̄) / Σ(u − ū)². */
function olsSums(u: readonly number[], v: readonly number[]): { sxy: number; sxx: number } {
  const mu = u.reduce((a, b) => a + b, 0) / u.length;
  const mv = v.reduce((a, b) => a + b, 0) / v.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < u.length; i++) {
    sxy += (u[i] - mu) * (v[i] - mv);
    sxx += (u[i] - mu) ** 2;
  }
  return { sxy, sxx };
}

/**
 * Least-squares slope s of log y = s·log x + c over the pairs with x, y > 0 and finite; the other
 * pairs are dropped. Throws when fewer than 2 such pairs remain or all their x are equal.
 */
export function logLogSlopePositivePairs(x: readonly number[], y: readonly number[]): number {
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
  const { sxy, sxx } = olsSums(px, py);
  if (!(sxx > 0)) throw new RangeError('logLogSlope: all x are equal; the slope is undefined');
  return sxy / sxx;
}

/**
 * Least-squares slope of log y on log x over EVERY pair (≥ 2 pairs of equal length). Nothing is
 * filtered: a zero gives ±Infinity/NaN and a negative value NaN, and equal x give NaN (0/0) — the
 * callers' verdicts (num) then reject the metric. Use logLogSlopePositivePairs to drop such pairs.
 */
export function logLogSlopeAllPairs(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length || xs.length < 2)
    throw new RangeError(`logLogSlope: need ≥ 2 pairs of equal length, got ${xs.length} and ${ys.length}`);
  const { sxy, sxx } = olsSums(xs.map(Math.log), ys.map(Math.log));
  return sxy / sxx;
}

/** Ranks 1..n (ties get their average rank). */
function ranks(v: readonly number[]): number[] {
  const idx = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
  const r = new Array<number>(v.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
    for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Spearman's rank correlation ρ (Pearson correlation of the ranks). */
export function spearman(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length || x.length < 2)
    throw new RangeError(`spearman: need two lists of equal length ≥ 2, got ${x.length} and ${y.length}`);
  const rx = ranks(x);
  const ry = ranks(y);
  const n = rx.length;
  const m = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i] - m) * (ry[i] - m);
    sxx += (rx[i] - m) ** 2;
    syy += (ry[i] - m) ** 2;
  }
  if (!(sxx > 0 && syy > 0)) throw new RangeError('spearman: a list is constant; ρ is undefined');
  return sxy / Math.sqrt(sxx * syy);
}

/** Median of a non-empty list. */
export function median(v: readonly number[]): number {
  if (v.length === 0) throw new RangeError('median: empty list');
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

/** Euclidean norm √(Σ vᵢ²), summed in index order. */
export function norm2(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** ‖a − b‖₂ / ‖b‖₂ over two equally long arrays. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new RangeError(`relativeError: lengths differ, ${a.length} vs ${b.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

/** Integer steps 0 = s₀ < s₁ < … ≤ T, roughly log-spaced with `count` points after 0 (always ending at T). */
export function logSteps(T: number, count: number): number[] {
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`logSteps: T must be an integer ≥ 1, got ${T}`);
  const out = new Set<number>([0, T]);
  for (let i = 0; i < count; i++) out.add(Math.max(1, Math.round(T ** (i / Math.max(1, count - 1)))));
  return [...out].sort((a, b) => a - b);
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
