import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../../linalg/matrix.js';
import { PRNGKey, normal } from '../../random/index.js';
import type { Metrics } from '../types.js';
import { convergenceSteps } from './convergence.js';
import { runTiny } from '../common/run-tiny.testutil.js';
import { convergenceTime, type ConvergenceTimeConfig } from './convergence-time.js';

test('convergenceSteps equals brute-force GD u ← u − (η/N)K(u − y) (first step with ‖u − y‖ ≤ δ‖y‖), on all rows and on a subset', () => {
  const n = 12;
  const A = normal(PRNGKey(1), n * n);
  const K = new Matrix(n, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += A[i * n + k] * A[j * n + k];
      K.data[i * n + j] = s / n + (i === j ? 0.05 : 0);
    }
  const Y = new Matrix(n, 2, normal(PRNGKey(2), 2 * n));
  let lmax = 0;
  for (let i = 0; i < n; i++)
    lmax = Math.max(
      lmax,
      K.data.slice(i * n, i * n + n).reduce((a, b) => a + Math.abs(b), 0),
    ); // Gershgorin bound
  const eta = n / lmax;
  const subset = [0, 3, 5, 7];
  const [all, sub] = convergenceSteps(K, Y, eta, 0.05, {
    maxSteps: 1e5,
    ratio: 1.01,
    rows: [Array.from({ length: n }, (_, i) => i), subset],
  });
  const [whole] = convergenceSteps(K, Y, eta, 0.05, { maxSteps: 1e5, ratio: 1.01 });
  for (let j = 0; j < 2; j++) {
    const u = new Float64Array(n);
    const norm = (rows: readonly number[], v: Float64Array) =>
      Math.sqrt(rows.reduce((s, i) => s + (v[i] - Y.data[i * 2 + j]) ** 2, 0));
    const rowsAll = Array.from({ length: n }, (_, i) => i);
    const r0 = norm(rowsAll, u);
    const r0s = norm(subset, u);
    let tAll = -1;
    let tSub = -1;
    for (let t = 0; t < 1e5 && (tAll < 0 || tSub < 0); t++) {
      if (tAll < 0 && norm(rowsAll, u) <= 0.05 * r0) tAll = t;
      if (tSub < 0 && norm(subset, u) <= 0.05 * r0s) tSub = t;
      const m = Float64Array.from(u, (v, i) => v - Y.data[i * 2 + j]);
      const next = u.slice();
      for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) next[i] -= (eta / n) * K.data[i * n + k] * m[k];
      u.set(next);
    }
    // the interpolated time lies in (t − 1, t] of the first integer step that satisfies it (grid ratio 1.01)
    for (const [got, want] of [
      [all[j], tAll],
      [whole[j], tAll],
      [sub[j], tSub],
    ] as const)
      assert.ok(got > want - 1 - 0.01 * want && got <= want + 0.01 * want, `column ${j}: ${got} vs ${want}`);
  }
});

test('tiny run: κ slope positive; breaking the numbers changes the verdict', async () => {
  const tiny: ConvergenceTimeConfig = {
    samples: 200,
    kappas: [3, 5, 8],
    seedDensity: [1, 2, 4],
    ratios: [1, 4],
    pStarKappas: [3],
    delta: 0.1,
    lrFraction: 0.9,
    maxSteps: 1e6,
  };
  const r = await runTiny(convergenceTime, tiny);
  assert.ok((r.metrics.kappaSlopeUniform as number) > 1);
  const ok: Metrics = {
    kappaSlopeUniform: 2.05,
    kappaSlopeSeed: 2.1,
    pStarSlope: 0.95,
    pStarSlopes: [0.95],
    unreached: 0,
  };
  const v = (patch: Metrics) => convergenceTime.verdict({ ...ok, ...patch }).verdict;
  assert.equal(v({}), 'holds');
  assert.equal(v({ pStarSlope: 0.5 }), 'partial');
  assert.equal(v({ unreached: 1 }), 'partial');
  assert.equal(v({ kappaSlopeSeed: 1 }), 'fails');
  assert.equal(v({ pStarSlope: 0.2 }), 'fails');
});
