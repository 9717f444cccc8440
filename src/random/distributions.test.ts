import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRNGKey, split, foldIn } from './keys.js';
import { uniform } from './uniform.js';
import { normal } from './normal.js';
import { randint, permutation, choice, scaledIndex } from './discrete.js';
import { randomWords64 } from './bits.js';

// Every statistic below is computed for fixed keys, so the test is deterministic; the tolerances
// are what a correct generator passes with probability ≥ 0.999 (≈ 3.3–4 standard errors).

const N = 100_000;

function moments(x: Float64Array): { mean: number; variance: number; skew: number; kurt: number } {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const v of x) {
    const d = v - m;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= x.length;
  m3 /= x.length;
  m4 /= x.length;
  return { mean: m, variance: m2, skew: m3 / m2 ** 1.5, kurt: m4 / (m2 * m2) };
}

/** Kolmogorov–Smirnov statistic D = sup |F_n − F| of the sample x against the CDF F. */
function ksStatistic(x: Float64Array, cdf: (t: number) => number): number {
  const s = Float64Array.from(x).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** Φ(x) = ½ + φ(x)·Σₖ x^{2k+1}/(1·3·…·(2k+1)) (all terms positive: no cancellation) for |x| ≤ 5; 0 or 1 beyond (error < 3e-7 ≪ KS tolerance). */
function normalCdf(x: number): number {
  if (x < -5) return 0;
  if (x > 5) return 1;
  let term = x;
  let sum = x;
  for (let k = 1; k < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
    term *= (x * x) / (2 * k + 1);
    sum += term;
  }
  return 0.5 + (Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI)) * sum;
}

// KS critical value at α = 0.001: 1.95/√n.
const KS_CRIT = 1.95 / Math.sqrt(N);

test('uniform: moments and KS against U(0, 1); range [lo, hi); determinism', () => {
  const u = uniform(PRNGKey(2024), N);
  const m = moments(u);
  assert.ok(Math.abs(m.mean - 0.5) < 3.3 * Math.sqrt(1 / 12 / N), `mean ${m.mean}`);
  assert.ok(Math.abs(m.variance - 1 / 12) < 3.3 * Math.sqrt(1 / 180 / N), `var ${m.variance}`);
  assert.ok(ksStatistic(u, (t) => Math.min(1, Math.max(0, t))) < KS_CRIT);
  for (const v of u) assert.ok(v >= 0 && v < 1);
  assert.deepEqual(uniform(PRNGKey(2024), N), u);
  const w = uniform(PRNGKey(1), 1000, -3, 5);
  for (const v of w) assert.ok(v >= -3 && v < 5);
  // The first draw equals the top 53 bits of the first 64-bit word, scaled by 2^-53.
  const words = randomWords64(PRNGKey(2024), 1);
  const x0 = (BigInt(words[0]) << 32n) | BigInt(words[1]);
  assert.equal(u[0], Number(x0 >> 11n) * 2 ** -53);
  assert.throws(() => uniform(PRNGKey(1), 3, 1, 1), /uniform: need finite lo < hi/);
});

test('normal: moments and KS against N(0, 1)', () => {
  const z = normal(PRNGKey(7), N);
  const m = moments(z);
  assert.ok(Math.abs(m.mean) < 3.3 / Math.sqrt(N), `mean ${m.mean}`);
  assert.ok(Math.abs(m.variance - 1) < 3.3 * Math.sqrt(2 / N), `var ${m.variance}`);
  assert.ok(Math.abs(m.skew) < 3.3 * Math.sqrt(6 / N), `skew ${m.skew}`);
  assert.ok(Math.abs(m.kurt - 3) < 3.3 * Math.sqrt(24 / N), `kurtosis ${m.kurt}`);
  assert.ok(ksStatistic(z, normalCdf) < KS_CRIT);
  // Tail frequency P(|z| > 3) = 0.0026998; binomial standard error.
  const p3 = 0.0026997960632601866;
  const c = z.reduce((s, v) => s + (Math.abs(v) > 3 ? 1 : 0), 0);
  assert.ok(Math.abs(c / N - p3) < 4 * Math.sqrt((p3 * (1 - p3)) / N), `tail ${c / N}`);
  for (const v of z) assert.ok(Number.isFinite(v) && Math.abs(v) < 8.3);
});

test('split and foldIn keys give uncorrelated streams', () => {
  const n = 20_000;
  const [a, b] = split(PRNGKey(5));
  const streams = [
    normal(a, n),
    normal(b, n),
    normal(foldIn(a, 0), n),
    normal(foldIn(a, 1), n),
    normal(PRNGKey(6), n),
  ];
  for (let i = 0; i < streams.length; i++) {
    for (let j = i + 1; j < streams.length; j++) {
      let c = 0;
      for (let t = 0; t < n; t++) c += streams[i][t] * streams[j][t];
      assert.ok(Math.abs(c / n) < 4 / Math.sqrt(n), `streams ${i},${j}: correlation ${c / n}`);
    }
  }
  // Lag-1 autocorrelation within a stream.
  let c = 0;
  for (let t = 1; t < n; t++) c += streams[0][t] * streams[0][t - 1];
  assert.ok(Math.abs(c / n) < 4 / Math.sqrt(n));
});

test('scaledIndex = ⌊x·s / 2^64⌋ exactly (BigInt reference)', () => {
  const w = randomWords64(PRNGKey(77), 2000);
  const spans = [1, 2, 3, 7, 1000, 65535, 65536, 65537, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32];
  const edge = [0, 1, 0xffffffff];
  const cases: [number, number][] = [];
  for (let i = 0; i < 2000; i++) cases.push([w[2 * i], w[2 * i + 1]]);
  for (const h of edge) for (const l of edge) cases.push([h, l]);
  for (const s of spans) {
    for (const [h, l] of cases) {
      const ref = Number((((BigInt(h) << 32n) | BigInt(l)) * BigInt(s)) >> 64n);
      assert.equal(scaledIndex(h, l, s), ref, `h=${h} l=${l} s=${s}`);
    }
  }
});

test('randint: range and chi-square uniformity over 10 values', () => {
  const r = randint(PRNGKey(3), N, -4, 6);
  const counts = new Array<number>(10).fill(0);
  for (const v of r) {
    assert.ok(v >= -4 && v < 6);
    counts[v + 4]++;
  }
  const e = N / 10;
  const chi2 = counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
  assert.ok(chi2 < 27.88, `chi2 = ${chi2} (critical value, 9 dof, α = 0.001: 27.88)`);
  assert.throws(() => randint(PRNGKey(0), 3, 5, 5), /randint: need integers/);
});

test('permutation: a permutation; all 24 orders of 4 equally likely (chi-square)', () => {
  const p = permutation(PRNGKey(11), 1000);
  assert.deepEqual(
    Array.from(p).sort((x, y) => x - y),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  const counts = new Map<string, number>();
  const trials = 24_000;
  for (let t = 0; t < trials; t++) {
    const k = Array.from(permutation(foldIn(PRNGKey(12), t), 4)).join('');
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  assert.equal(counts.size, 24);
  const e = trials / 24;
  let chi2 = 0;
  for (const c of counts.values()) chi2 += (c - e) ** 2 / e;
  assert.ok(chi2 < 49.73, `chi2 = ${chi2} (critical value, 23 dof, α = 0.001: 49.73)`);
});

test('choice: distinct without replacement, equals a permutation prefix; with replacement in range', () => {
  const k = PRNGKey(21);
  const c = choice(k, 50, 20);
  assert.equal(new Set(c).size, 20);
  assert.deepEqual(choice(k, 50, 50), permutation(k, 50));
  const r = choice(k, 5, 100, true);
  for (const v of r) assert.ok(v >= 0 && v < 5);
  assert.throws(() => choice(k, 5, 6), /without replacement/);
});
