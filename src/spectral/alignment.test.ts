import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../linalg/matrix.js';
import { alignmentCurve, alignmentSeries, eighDescending, trainingAlignment } from './alignment.js';
import { spectrumSummary } from './summary.js';

test('alignment curve in the standard basis is the cumulative share of φᵢ² (closed form)', () => {
  const phi = new Float64Array([3, 0, 4, 12]);
  const c = alignmentCurve(Matrix.identity(4), phi);
  assert.deepEqual(Array.from(c), [9 / 169, 9 / 169, 25 / 169, 1]);
});

test('alignment with the eigenvectors of G = Σ λᵢ uᵢuᵢᵀ built from a known rotation', () => {
  // G = R·diag(5, 2, 1)·Rᵀ with R a rotation by θ in the (0, 1) plane; φ = u₂ (second eigenvector) + 0.5·u₃
  const th = 0.3;
  const R = Matrix.fromRows([
    [Math.cos(th), -Math.sin(th), 0],
    [Math.sin(th), Math.cos(th), 0],
    [0, 0, 1],
  ]);
  const lam = [5, 2, 1];
  const G = new Matrix(3, 3);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      for (let k = 0; k < 3; k++) G.data[i * 3 + j] += R.get(i, k) * lam[k] * R.get(j, k);
  const { values, vectors } = eighDescending(G);
  assert.ok(Math.abs(values[0] - 5) < 1e-14 && Math.abs(values[2] - 1) < 1e-14);
  const phi = new Float64Array([R.get(0, 1), R.get(1, 1), 0.5]);
  const c = alignmentCurve(vectors, phi);
  const n2 = 1 + 0.25;
  assert.ok(Math.abs(c[0]) < 1e-15);
  assert.ok(Math.abs(c[1] - 1 / n2) < 1e-15);
  assert.ok(Math.abs(c[2] - 1) < 1e-15);
  const series = alignmentSeries([{ vectors, phis: { target: phi } }]);
  assert.deepEqual(series[0].target, c);
});

test('alignment: bad input', () => {
  assert.throws(
    () => alignmentCurve(Matrix.identity(3), new Float64Array(2)),
    /phi has length 2, expected vectors.rows = 3/,
  );
  assert.throws(() => alignmentCurve(Matrix.identity(2), new Float64Array(2)), /zero vector/);
});

test('summary: power law λᵢ = 7·i^{−2.5} is fitted exactly; effective ranks of flat and rank-one spectra', () => {
  const lam = Float64Array.from({ length: 50 }, (_, i) => 7 * (i + 1) ** -2.5);
  const s = spectrumSummary(lam);
  assert.ok(
    Math.abs(s.decay!.exponent - 2.5) < 1e-12 &&
      Math.abs(s.decay!.constant - 7) < 1e-10 &&
      s.decay!.r2 > 1 - 1e-12,
  );
  assert.ok(Math.abs(s.conditionNumber - 50 ** 2.5) < 1e-6);
  const flat = spectrumSummary(new Float64Array(10).fill(2));
  assert.ok(
    Math.abs(flat.participationRatio - 10) < 1e-12 && Math.abs(flat.entropyEffectiveRank - 10) < 1e-12,
  );
  const one = spectrumSummary(new Float64Array([3, 0, 0]));
  assert.equal(one.participationRatio, 1);
  assert.equal(one.entropyEffectiveRank, 1);
  assert.equal(one.conditionNumber, Infinity);
  assert.throws(() => spectrumSummary(new Float64Array([1, 2]), { from: 2, to: 3 }), /decay range/);
});

test('alignment over a real training run (src/train): target, residual and outputs per NTK snapshot; full basis gives 1', async () => {
  const { train, networkModel } = await import('../train/index.js');
  const { Dense, Relu, serial, initParams } = await import('../nn/index.js');
  const { PRNGKey, normal } = await import('../random/index.js');
  const net = serial(Dense({ width: 32, W_std: Math.SQRT2, b_std: 0.1 }), Relu(), Dense({ width: 1 }));
  const N = 12;
  const x = { shape: [N, 3], data: normal(PRNGKey(1), 3 * N) };
  const y = new Matrix(N, 1, normal(PRNGKey(2), N));
  const run = train({
    model: networkModel(net, initParams(net, PRNGKey(0), [3])),
    xTrain: x,
    yTrain: y,
    optimizer: 'gd',
    lr: 0.1,
    steps: 4,
    ntkEvery: 2,
    ntkEigen: 'full',
  });
  const a = trainingAlignment(run, y);
  assert.deepEqual(
    a.map((r) => r.step),
    run.ntk.map((s) => s.step),
  );
  for (const r of a) {
    assert.ok(Math.abs(r.target[N - 1] - 1) < 1e-12, 'complete eigenbasis: cos α(y, N) = 1');
    for (let k = 1; k < N; k++) assert.ok(r.target[k] >= r.target[k - 1] - 1e-15);
    assert.ok(r.residual !== null && Math.abs(r.residual[N - 1] - 1) < 1e-12);
  }
});
