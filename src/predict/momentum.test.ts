import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../linalg/matrix.js';
import { Dense, Erf, initParams, serial } from '../nn/index.js';
import { empiricalNtk } from '../empirical/empiricalNtk.js';
import type { Tensor } from '../nn/types.js';
import { PRNGKey, normal } from '../random/index.js';
import { linearizedModel, train } from '../train/index.js';
import { maxLearningRate, predictGradientDescent, predictGradientDescentMse } from './index.js';
import { continuousMomentumFactors, momentumFactors } from './momentum.js';

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
  assert.throws(() => maxLearningRate(K, { momentum: 1 }), /momentum must be a number in \[0, 1\), got 1/);
});

test('continuous momentum (flow): the per-eigenvalue e^{τA} equals the Dormand–Prince ODE, train and test, for a rank-deficient kernel (λ = 0 included) and under-, critically and over-damped modes', () => {
  // K = B·Bᵀ with B 9×5: four zero eigenvalues.
  const B = randn(51, 9, 5);
  const K = new Matrix(9, 9);
  const Kt = new Matrix(3, 9);
  const Bt = randn(52, 3, 5);
  for (let i = 0; i < 9; i++)
    for (let j = 0; j < 9; j++) {
      let s = 0;
      let t = 0;
      for (let k = 0; k < 5; k++) {
        s += B.data[i * 5 + k] * B.data[j * 5 + k];
        if (i < 3) t += Bt.data[i * 5 + k] * B.data[j * 5 + k];
      }
      K.data[i * 9 + j] = s;
      if (i < 3) Kt.data[i * 9 + j] = t;
    }
  const y = randn(53, 9, 2);
  const f0 = randn(54, 9, 2);
  const ft0 = randn(55, 3, 2);
  for (const [lr, mu] of [
    [0.5, 0.9],
    [2, 0],
    [0.05, 0.3],
  ]) {
    const common = { kTrain: K, kTestTrain: Kt, yTrain: y, lr, momentum: mu, fTrain0: f0, fTest0: ft0 };
    const steps = [0, 0.5, 4, 25];
    const closed = predictGradientDescentMse(common).predict(steps, 'flow');
    const ode = predictGradientDescent({ ...common, loss: 'mse', rtol: 1e-11, atol: 1e-13 }).predict(steps);
    for (let k = 0; k < steps.length; k++) {
      const e = maxRel(closed.fTrain[k].data, ode.fTrain[k].data);
      const et = maxRel(closed.fTest![k].data, ode.fTest![k].data);
      assert.ok(e <= 1e-8 && et <= 1e-8, `lr ${lr} μ ${mu} s ${steps[k]}: train ${e}, test ${et}`);
    }
  }
  // Closed forms of one mode: critically damped (γ² = 4a) ρ = (1 − γτ/2)·e^{γτ/2}; a = 0: ρ = 1,
  // β = (e^{γτ} − 1 − γτ)/(N·γ²).
  const g = -2;
  const crit = continuousMomentumFactors(1, g, 4, 3);
  assert.ok(Math.abs(crit.rho - (1 - (g * 3) / 2) * Math.exp((g * 3) / 2)) < 1e-14);
  assert.ok(Math.abs(crit.cumulative - (1 - crit.rho) / 4) < 1e-14, 'β = (1 − ρ)/λ with λ = N·a = 4');
  const free = continuousMomentumFactors(0, g, 4, 3);
  assert.equal(free.rho, 1);
  assert.ok(Math.abs(free.cumulative - (Math.exp(g * 3) - 1 - g * 3) / (4 * g * g)) < 1e-14);
  // Underdamped: ρ = e^{γτ/2}(cos Ωτ − (γ/2Ω) sin Ωτ), Ω = √(a − γ²/4).
  const a = 5;
  const gu = -1;
  const Om = Math.sqrt(a - (gu * gu) / 4);
  const und = continuousMomentumFactors(a, gu, 1, 7);
  const exact = Math.exp((gu * 7) / 2) * (Math.cos(Om * 7) - (gu / (2 * Om)) * Math.sin(Om * 7));
  assert.ok(Math.abs(und.rho - exact) < 1e-13, `${und.rho} vs ${exact}`);
});
