import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ndtri } from '../../random/ndtri.js';
import { halfLife } from './principal-components.js';
import { ksNormal, moments } from './nngp-gaussian.js';

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
