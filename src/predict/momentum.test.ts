import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../linalg/matrix.js';
import { Dense, Erf, initParams, serial } from '../nn/index.js';
import { empiricalNtk } from '../empirical/empiricalNtk.js';
import type { Tensor } from '../nn/types.js';
import { PRNGKey, normal } from '../random/index.js';
import { linearizedModel, train } from '../train/index.js';
import { maxLearningRate, predictGradientDescentMse } from './index.js';
import { momentumFactors } from './momentum.js';

function randn(seed: number, r: number, c: number): Matrix {
  return new Matrix(r, c, normal(PRNGKey(seed), r * c));
}
function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

test('momentum factors equal the scalar heavy-ball recurrence run step by step (and μ = 0 gives (1 − u)^s)', () => {
  for (const [u, mu] of [
    [0.3, 0.9],
    [1.7, 0.5],
    [0, 0.8],
    [2.9, 0.6],
  ]) {
    let rho = 1;
    let z = 0;
    let a = 0;
    for (let s = 0; s <= 200; s++) {
      if ([0, 1, 2, 7, 64, 200].includes(s)) {
        const m = momentumFactors(u, mu, s);
        assert.ok(Math.abs(m.rho - rho) <= 1e-12 * Math.max(1, Math.abs(rho)), `ρ u=${u} μ=${mu} s=${s}`);
        assert.ok(Math.abs(m.cumulative - a) <= 1e-12 * Math.max(1, Math.abs(a)), `a u=${u} μ=${mu} s=${s}`);
      }
      z = mu * z + rho;
      rho -= u * z;
      a += z;
    }
  }
  assert.ok(Math.abs(momentumFactors(0.4, 0, 9).rho - 0.6 ** 9) < 1e-15);
});

// One output: the traced N×N kernel is then the linearized network's full kernel, so the match is exact.
test('acceptance: momentum predictions follow a linearized network trained by heavy ball step for step (≤ 1e-10), train and test', () => {
  const x: Tensor = { shape: [14, 3], data: normal(PRNGKey(31), 14 * 3) };
  const xt: Tensor = { shape: [5, 3], data: normal(PRNGKey(32), 5 * 3) };
  const y = randn(33, 14, 1);
  const net = serial(Dense({ width: 24, W_std: 1.5, b_std: 0.1 }), Erf(), Dense({ width: 1, b_std: 0.1 }));
  const params = initParams(net, PRNGKey(34), [3]);
  const model = linearizedModel(net, params);
  const K = empiricalNtk(net, params, x);
  const Kt = empiricalNtk(net, params, xt, x);
  const mu = 0.9;
  const lr = 0.5 * maxLearningRate(K, { momentum: mu });
  const f0 = new Matrix(14, 1, model.evaluate(model.theta0, x).f.slice());
  const ft0 = new Matrix(5, 1, model.evaluate(model.theta0, xt).f.slice());
  const steps = [0, 1, 2, 3, 10, 50, 200, 400];
  const run = train({
    model,
    xTrain: x,
    yTrain: y,
    xTest: xt,
    yTest: randn(35, 5, 1),
    optimizer: { name: 'momentum', momentum: mu },
    lr,
    steps: 400,
    recordSteps: steps,
  });
  const p = predictGradientDescentMse({
    kTrain: K,
    kTestTrain: Kt,
    yTrain: y,
    lr,
    momentum: mu,
    fTrain0: f0,
    fTest0: ft0,
  });
  const pred = p.predict(steps, 'gd');
  assert.deepEqual(run.steps, steps);
  for (let k = 0; k < steps.length; k++) {
    const e = maxRel(pred.fTrain[k].data, run.fTrain![k].data);
    const et = maxRel(pred.fTest![k].data, run.fTest![k].data);
    assert.ok(e <= 1e-10 && et <= 1e-10, `step ${steps[k]}: train ${e}, test ${et}`);
  }
  // Momentum changes the trajectory: plain GD at the same η is far from it after 10 steps.
  const plain = predictGradientDescentMse({ kTrain: K, yTrain: y, lr, fTrain0: f0 }).predict([10], 'gd');
  assert.ok(maxRel(plain.fTrain[0].data, pred.fTrain[4].data) > 1e-2);
  // The residual modes reconstruct the same train outputs.
  const modes = p.residualModes([50], 'gd');
  const V = modes.eigenvectors;
  const C = modes.coefficients[0];
  for (let r = 0; r < 14; r++) {
    let m = 0;
    for (let i = 0; i < 14; i++) m += V.data[r * 14 + i] * C.data[i];
    assert.ok(Math.abs(y.data[r] + m - pred.fTrain[5].data[r]) < 1e-10);
  }
});

test('momentum GD: brute-force function-space heavy ball with a random kernel, s = ∞ is kernel regression, and the bound 2(1 + μ)N/λ_max', () => {
  const A = randn(41, 8, 8);
  const K = new Matrix(8, 8);
  for (let i = 0; i < 8; i++)
    for (let j = 0; j < 8; j++) {
      let s = 0;
      for (let k = 0; k < 8; k++) s += A.data[i * 8 + k] * A.data[j * 8 + k];
      K.data[i * 8 + j] = s + (i === j ? 1 : 0);
    }
  const y = randn(42, 8, 1);
  const f0 = randn(43, 8, 1);
  const mu = 0.7;
  const p = predictGradientDescentMse({ kTrain: K, yTrain: y, lr: 1, momentum: mu, fTrain0: f0 });
  const lr = 0.9 * p.maxLearningRate();
  assert.ok(
    Math.abs(p.maxLearningRate() - maxLearningRate(K, { momentum: mu })) < 1e-12 * p.maxLearningRate(),
  );
  const q = predictGradientDescentMse({ kTrain: K, yTrain: y, lr, momentum: mu, fTrain0: f0 });
  // f_{s+1} = f_s + μ·(f_s − f_{s−1}) − (η/N)·K·(f_s − y)
  let prev = f0.data.slice();
  let cur = f0.data.slice();
  const traj: Float64Array[] = [cur.slice()];
  for (let s = 0; s < 300; s++) {
    const next = new Float64Array(8);
    for (let i = 0; i < 8; i++) {
      let g = 0;
      for (let j = 0; j < 8; j++) g += K.data[i * 8 + j] * (cur[j] - y.data[j]);
      next[i] = cur[i] + mu * (cur[i] - prev[i]) - (lr / 8) * g;
    }
    prev = cur;
    cur = next;
    traj.push(cur.slice());
  }
  const out = q.predict([0, 1, 5, 300, Infinity], 'gd');
  for (const [k, s] of [0, 1, 5, 300].entries())
    assert.ok(maxRel(out.fTrain[k].data, traj[s]) < 1e-10, `step ${s}`);
  assert.ok(maxRel(out.fTrain[4].data, y.data) < 1e-12, 's = ∞ fits the targets');
  const over = predictGradientDescentMse({
    kTrain: K,
    yTrain: y,
    lr: 1.01 * p.maxLearningRate(),
    momentum: mu,
  });
  assert.throws(() => over.predict([Infinity], 'gd'), /2\(1 \+ μ\)N\/λ_max/);
  assert.throws(
    () => predictGradientDescentMse({ kTrain: K, yTrain: y, lr: 1, momentum: 1 }),
    /momentum must be a number in \[0, 1\), got 1/,
  );
  assert.throws(() => q.predict([1], 'flow'), /'flow' has no momentum here/);
  assert.throws(() => maxLearningRate(K, { momentum: 1 }), /momentum must be a number in \[0, 1\), got 1/);
});
