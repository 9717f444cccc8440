import type { Metrics } from '../types.js';

/** Small statistics for the seed 000 / 001 experiments: power-law slopes, ranks, metric readers. */

/** Least-squares slope s of log y = s·log x + c over the pairs with x, y > 0 (needs ≥ 2 distinct x). */
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

/** Euclidean norm. */
export function norm2(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
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
