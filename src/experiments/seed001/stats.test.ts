import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ndtri } from '../../random/ndtri.js';
import { logLogSlope, logSteps, spearman } from './stats.js';
import { halfLife } from './principal-components.js';
import { ksNormal, moments } from './nngp-gaussian.js';

test('logLogSlope recovers an exact power law; spearman of monotone and reversed lists', () => {
  const x = [64, 128, 256, 512];
  assert.ok(
    Math.abs(
      logLogSlope(
        x,
        x.map((v) => 3 * v ** -0.5),
      ) + 0.5,
    ) < 1e-12,
  );
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 25, 100]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  // Hand-computed: ranks (1,2,3,4) vs (2,1,4,3): Σd² = 4, ρ = 1 − 6·4/(4·15) = 0.6.
  assert.ok(Math.abs(spearman([1, 2, 3, 4], [2, 1, 4, 3]) - 0.6) < 1e-12);
  assert.deepEqual(logSteps(100, 3), [0, 1, 10, 100]);
});

test('halfLife of a geometric decay equals ln 2/(−ln q)', () => {
  const q = 0.9;
  const p = Array.from({ length: 40 }, (_, t) => -2 * q ** t);
  // Log-linear interpolation is exact for a geometric sequence.
  assert.ok(Math.abs(halfLife(p) - Math.log(2) / -Math.log(q)) < 1e-12);
  assert.equal(halfLife([1, 0.9, 0.8]), Infinity);
});

test('KS distance and moments of exact normal quantiles', () => {
  const n = 2000;
  const z = Array.from({ length: n }, (_, i) => ndtri((i + 0.5) / n));
  // Midpoint quantiles: the KS distance is exactly 1/(2n).
  assert.ok(Math.abs(ksNormal(z) - 1 / (2 * n)) < 1e-9);
  const m = moments(z);
  assert.ok(Math.abs(m.mean) < 1e-12 && Math.abs(m.skewness) < 1e-10);
  assert.ok(Math.abs(m.variance - 1) < 5e-3, `variance ${m.variance}`);
  // A uniform sample is far from normal.
  assert.ok(ksNormal(Array.from({ length: n }, (_, i) => -1 + (2 * (i + 0.5)) / n)) > 0.1);
});
