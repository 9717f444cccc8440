import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../../linalg/matrix.js';
import { normal, PRNGKey } from '../../random/index.js';
import { functionDensity, piecewiseDensity } from './density.js';
import { twoLayerReluBias } from './kernels.js';
import { circleNystrom } from './nystrom.js';
import {
  circleSampleSpectrum,
  sampleCircle,
  sampleKernelOperator,
  twoLayerSampleOperator,
} from './samples.js';

const seedDensity = () => piecewiseDensity([1, 2, 4].map((v) => (3 / (2 * Math.PI)) * (v / 7)));

test('the O(N log N) two-layer operator equals the direct (1/N)·K·V (brute force, no table)', () => {
  const N = 300;
  const x = sampleCircle(seedDensity(), N, PRNGKey(1));
  const V = new Matrix(N, 3, normal(PRNGKey(2), 3 * N));
  const fast = new Matrix(N, 3);
  twoLayerSampleOperator(x).apply(V, fast);
  const tab = new Matrix(N, 3);
  sampleKernelOperator(twoLayerReluBias, x).apply(V, tab);
  for (let i = 0; i < N; i++) {
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let j = 0; j < N; j++) {
        let u = Math.abs(x[i] - x[j]);
        if (u > Math.PI) u = 2 * Math.PI - u;
        s += (((Math.cos(x[i] - x[j]) + 1) * (Math.PI - u)) / (4 * Math.PI)) * V.get(j, c);
      }
      s /= N;
      assert.ok(Math.abs(fast.get(i, c) - s) <= 1e-13, `fast (${i},${c}): ${fast.get(i, c)} vs ${s}`);
      assert.ok(Math.abs(tab.get(i, c) - s) <= 1e-10, `table (${i},${c})`);
    }
  }
});

test('samples follow the density: region frequencies within 4σ of the masses 1/7, 2/7, 4/7', () => {
  const n = 20000;
  const x = sampleCircle(seedDensity(), n, PRNGKey(5));
  const cnt = [0, 0, 0];
  for (const v of x) cnt[Math.floor(((v + Math.PI) * 3) / (2 * Math.PI))]++;
  [1 / 7, 2 / 7, 4 / 7].forEach((m, j) =>
    assert.ok(Math.abs(cnt[j] / n - m) <= 4 * Math.sqrt((m * (1 - m)) / n), `region ${j}: ${cnt[j] / n}`),
  );
  const y = sampleCircle(
    functionDensity((t) => (3 * Math.cos(2 * t + Math.PI) + 4.5) / (9 * Math.PI)),
    4000,
    PRNGKey(6),
  );
  assert.ok(y.every((v) => v >= -Math.PI && v < Math.PI));
});

test('Gram eigenvalues of N samples approach the Nyström eigenvalues (N = 4000: within 3% for the top 8)', () => {
  const p = seedDensity();
  const ref = circleNystrom(twoLayerReluBias, p, { grid: 768, top: 8 });
  const s = circleSampleSpectrum(twoLayerReluBias, p, 4000, 8, PRNGKey(11));
  assert.ok(s.converged);
  for (let i = 0; i < 8; i++) {
    const rel = Math.abs(s.eigenvalues[i] - ref.extrapolated![i]) / ref.extrapolated![i];
    assert.ok(
      rel <= 0.03,
      `#${i}: samples ${s.eigenvalues[i]} vs Nyström ${ref.extrapolated![i]} (rel ${rel})`,
    );
  }
});
