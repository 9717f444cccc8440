import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../linalg/matrix.js';
import { Dense, Erf, initParams, serial } from '../nn/index.js';
import { empiricalNtk } from '../empirical/empiricalNtk.js';
import type { Tensor } from '../nn/types.js';
import { PRNGKey, normal } from '../random/index.js';
import { linearizedModel, train } from '../train/index.js';
import { predictGradientDescent, predictGradientDescentMse } from './index.js';

// ---- independent reference arithmetic (plain loops) ----
function randn(seed: number, r: number, c: number): Matrix {
  return new Matrix(r, c, normal(PRNGKey(seed), r * c));
}
function mul(A: Matrix, B: Matrix): Matrix {
  const C = new Matrix(A.rows, B.cols);
  for (let i = 0; i < A.rows; i++)
    for (let k = 0; k < A.cols; k++) {
      const a = A.data[i * A.cols + k];
      for (let j = 0; j < B.cols; j++) C.data[i * B.cols + j] += a * B.data[k * B.cols + j];
    }
  return C;
}
/** e^{A} by scaling and squaring of the Taylor series (30 terms). */
function expm(A: Matrix): Matrix {
  let norm = 0;
  for (const v of A.data) norm = Math.max(norm, Math.abs(v));
  const sq = Math.max(0, Math.ceil(Math.log2(norm * A.rows)) + 4);
  const As = new Matrix(
    A.rows,
    A.cols,
    A.data.map((v) => v * 2 ** -sq),
  );
  let term = Matrix.identity(A.rows);
  let sum = Matrix.identity(A.rows);
  for (let k = 1; k < 30; k++) {
    term = mul(term, As);
    term = new Matrix(
      A.rows,
      A.cols,
      term.data.map((v) => v / k),
    );
    sum = new Matrix(
      A.rows,
      A.cols,
      sum.data.map((v, i) => v + term.data[i]),
    );
  }
  for (let i = 0; i < sq; i++) sum = mul(sum, sum);
  return sum;
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
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
/** A PSD kernel on N + M points, X Xᵀ/d + 0.1 + 0.05·I, split into train–train and test–train blocks. */
function kernels(seed: number, n: number, m: number, d = 4): { K: Matrix; Ktd: Matrix } {
  const X = randn(seed, n + m, d);
  const G = mul(X, X.transpose());
  const t = n + m;
  const K = new Matrix(n, n);
  const Ktd = new Matrix(m, n);
  for (let i = 0; i < t; i++)
    for (let j = 0; j < n; j++) {
      const v = G.data[i * t + j] / d + 0.1 + (i === j ? 0.05 : 0);
      if (i < n) K.data[i * n + j] = v;
      else Ktd.data[(i - n) * n + j] = v;
    }
  return { K, Ktd };
}
/** K ⊗ I_O with rows (n, o). */
function kron(K: Matrix, o: number): Matrix {
  const R = new Matrix(K.rows * o, K.cols * o);
  for (let i = 0; i < K.rows; i++)
    for (let j = 0; j < K.cols; j++)
      for (let a = 0; a < o; a++) R.data[(i * o + a) * K.cols * o + j * o + a] = K.data[i * K.cols + j];
  return R;
}

test('acceptance: with MSE the ODE equals predictGradientDescentMse (gradient flow) to the ODE tolerance (≤ 1e-8 at rtol 1e-10), traced and full kernels', () => {
  const { K, Ktd } = kernels(1, 12, 4);
  const y = randn(2, 12, 2);
  const f0 = randn(3, 12, 2);
  const ft0 = randn(4, 4, 2);
  const lr = 3;
  const steps = [7.5, 0, 0.25, 40, 2];
  const ref = predictGradientDescentMse({
    kTrain: K,
    kTestTrain: Ktd,
    yTrain: y,
    lr,
    fTrain0: f0,
    fTest0: ft0,
  }).predict(steps, 'flow');
  const base = { loss: 'mse' as const, yTrain: y, lr, fTrain0: f0, fTest0: ft0, rtol: 1e-10, atol: 1e-12 };
  const traced = predictGradientDescent({ ...base, kTrain: K, kTestTrain: Ktd }).predict(steps);
  const full = predictGradientDescent({ ...base, kTrain: kron(K, 2), kTestTrain: kron(Ktd, 2) }).predict(
    steps,
  );
  for (const out of [traced, full]) {
    assert.deepEqual(out.steps, steps);
    for (let k = 0; k < steps.length; k++) {
      const e = maxRel(out.fTrain[k].data, ref.fTrain[k].data);
      const et = maxRel(out.fTest![k].data, ref.fTest![k].data);
      assert.ok(e <= 1e-8 && et <= 1e-8, `s = ${steps[k]}: train ${e}, test ${et}`);
      let l = 0;
      for (let i = 0; i < y.data.length; i++) l += (ref.fTrain[k].data[i] - y.data[i]) ** 2;
      assert.ok(Math.abs(out.loss[k] - l / 24) <= 1e-8 * (l / 24));
    }
    assert.ok(out.solver.acceptedSteps > 5 && out.solver.evaluations > 6 * out.solver.acceptedSteps);
  }
  assert.deepEqual(traced.fTrain[1].data, f0.data, 's = 0 returns fTrain0');
});

test('acceptance: cross-entropy — the ODE follows a linearized network trained by GD (3 outputs, full kernel); the gap is first order in η and vanishes under Richardson extrapolation', () => {
  const n = 10;
  const x: Tensor = { shape: [n, 3], data: normal(PRNGKey(11), n * 3) };
  const xt: Tensor = { shape: [4, 3], data: normal(PRNGKey(12), 4 * 3) };
  const labels = [0, 1, 2, 0, 1, 2, 2, 1, 0, 0];
  const y = new Matrix(n, 3);
  labels.forEach((c, i) => (y.data[i * 3 + c] = 1));
  const net = serial(Dense({ width: 16, W_std: 1.5, b_std: 0.1 }), Erf(), Dense({ width: 3, b_std: 0.1 }));
  const params = initParams(net, PRNGKey(13), [3]);
  const model = linearizedModel(net, params);
  const K = empiricalNtk(net, params, x, undefined, { trace: false });
  const Kt = empiricalNtk(net, params, xt, x, { trace: false });
  const f0 = new Matrix(n, 3, model.evaluate(model.theta0, x).f.slice());
  const ft0 = new Matrix(4, 3, model.evaluate(model.theta0, xt).f.slice());
  const eta = 1;
  const S = 100; // time t = η·S = 100
  const gd = (lr: number, steps: number) =>
    train({
      model,
      xTrain: x,
      yTrain: y,
      xTest: xt,
      yTest: new Matrix(4, 3),
      loss: 'cross-entropy',
      optimizer: 'gd',
      lr,
      steps,
      recordSteps: [steps],
    });
  const coarse = gd(eta, S);
  const fine = gd(eta / 2, 2 * S);
  const ode = predictGradientDescent({
    loss: 'cross-entropy',
    kTrain: K,
    kTestTrain: Kt,
    yTrain: y,
    lr: eta,
    fTrain0: f0,
    fTest0: ft0,
    rtol: 1e-11,
    atol: 1e-13,
  }).predict([0, S]);
  for (const [which, c, f, o] of [
    ['train', coarse.fTrain!, fine.fTrain!, ode.fTrain[1]],
    ['test', coarse.fTest!, fine.fTest!, ode.fTest![1]],
  ] as const) {
    const c1 = c[c.length - 1].data;
    const f1 = f[f.length - 1].data;
    const eCoarse = maxAbsDiff(c1, o.data);
    const eFine = maxAbsDiff(f1, o.data);
    const rich = maxAbsDiff(
      f1.map((v, i) => 2 * v - c1[i]),
      o.data,
    );
    // GD is forward Euler on df/ds = −ηK∂L/∂f: error e₁(t)·η + O(η²) at fixed t = η·s.
    assert.ok(eCoarse > 1e-4, `${which}: the GD gap is visible (${eCoarse})`);
    assert.ok(
      eCoarse / eFine > 1.8 && eCoarse / eFine < 2.2,
      `${which}: first order, ratio ${eCoarse / eFine}`,
    );
    assert.ok(rich < 0.05 * eCoarse, `${which}: Richardson ${rich} vs ${eCoarse}`);
  }
  assert.ok(ode.loss[1] < 0.5 * ode.loss[0], `the loss decreased: ${ode.loss.join(' → ')}`);
});

test('momentum (continuous, neural-tangents convention): MSE solution equals e^{τA} of the linear system; discrete heavy ball with μ = 1 + γ√η converges to it as η → 0', () => {
  const { K, Ktd } = kernels(21, 8, 3);
  const y = randn(22, 8, 1);
  const f0 = randn(23, 8, 1);
  const ft0 = randn(24, 3, 1);
  const n = 8;
  const gamma = -1.5;
  const tau = 6;
  // State (f − y, q): d/dτ = [[0, I], [−K/N, γ·I]]·(f − y, q), q(0) = 0.
  const A = new Matrix(2 * n, 2 * n);
  for (let i = 0; i < n; i++) {
    A.data[i * 2 * n + n + i] = 1;
    A.data[(n + i) * 2 * n + n + i] = gamma;
    for (let j = 0; j < n; j++) A.data[(n + i) * 2 * n + j] = -K.data[i * n + j] / n;
  }
  const E = expm(
    new Matrix(
      2 * n,
      2 * n,
      A.data.map((v) => v * tau),
    ),
  );
  const exact = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = y.data[i];
    for (let j = 0; j < n; j++) s += E.data[i * 2 * n + j] * (f0.data[j] - y.data[j]);
    exact[i] = s;
  }
  const errs: number[] = [];
  for (const lr of [1e-2, 1e-4]) {
    const h = Math.sqrt(lr);
    const mu = 1 + gamma * h;
    const steps = Math.round(tau / h);
    const ode = predictGradientDescent({
      loss: 'mse',
      kTrain: K,
      kTestTrain: Ktd,
      yTrain: y,
      lr,
      momentum: mu,
      fTrain0: f0,
      fTest0: ft0,
      rtol: 1e-11,
      atol: 1e-13,
    }).predict([steps]);
    assert.ok(
      maxRel(ode.fTrain[0].data, exact) < 1e-8,
      `lr ${lr}: ODE vs expm ${maxRel(ode.fTrain[0].data, exact)}`,
    );
    const hb = predictGradientDescentMse({
      kTrain: K,
      kTestTrain: Ktd,
      yTrain: y,
      lr,
      momentum: mu,
      fTrain0: f0,
      fTest0: ft0,
    }).predict([steps], 'gd');
    errs.push(
      Math.max(
        maxAbsDiff(hb.fTrain[0].data, ode.fTrain[0].data),
        maxAbsDiff(hb.fTest![0].data, ode.fTest![0].data),
      ),
    );
  }
  // The heavy-ball recurrence is a first-order scheme in h = √η for this ODE: 10× smaller h, ≈ 10× smaller gap.
  assert.ok(errs[0] / errs[1] > 7 && errs[0] / errs[1] < 13, `gaps ${errs.join(', ')}`);
});

test('predictGradientDescent: bad input names the argument and what was given', () => {
  const { K } = kernels(31, 5, 1);
  const y = randn(32, 5, 2);
  const ok = { loss: 'mse' as const, kTrain: K, yTrain: y, lr: 1 };
  assert.throws(
    () => predictGradientDescent({ ...ok, loss: 'hinge' as unknown as 'mse' }),
    /loss must be 'mse', 'cross-entropy' or a Loss .*got 'hinge'/,
  );
  assert.throws(
    () => predictGradientDescent({ ...ok, kTrain: randn(33, 7, 7) }),
    /kTrain must be (square|symmetric)|kTrain must be N×N = 5×5 .* got 7×7/,
  );
  assert.throws(() => predictGradientDescent({ ...ok, lr: 0 }), /lr must be a finite number > 0, got 0/);
  assert.throws(
    () => predictGradientDescent({ ...ok, momentum: 1.2 }),
    /momentum must be a number in \[0, 1\), got 1.2/,
  );
  assert.throws(() => predictGradientDescent({ ...ok, fTest0: y }), /fTest0 was given without kTestTrain/);
  assert.throws(
    () => predictGradientDescent(ok).predict([1, Infinity]),
    /steps\[1\] must be a finite number ≥ 0, got Infinity/,
  );
  assert.throws(
    () => predictGradientDescent(ok).predict([-1]),
    /steps\[0\] must be a finite number ≥ 0, got -1/,
  );
});

test('predictGradientDescent with a user Loss: (c/2N)·Σ(f − y)² at η equals the MSE closed form at c·η', () => {
  const { K, Ktd } = kernels(41, 7, 2);
  const y = randn(42, 7, 1);
  const c = 2.5;
  const scaled = {
    name: 'mse' as const,
    evaluate(f: Float64Array, t: Float64Array, outputs: number, grad?: Float64Array): number {
      const n = f.length / outputs;
      let s = 0;
      for (let i = 0; i < f.length; i++) {
        s += (f[i] - t[i]) ** 2;
        if (grad) grad[i] = (c * (f[i] - t[i])) / n;
      }
      return (c * s) / (2 * n);
    },
  };
  const out = predictGradientDescent({
    loss: scaled,
    kTrain: K,
    kTestTrain: Ktd,
    yTrain: y,
    lr: 0.4,
    rtol: 1e-10,
  }).predict([3, 30]);
  const ref = predictGradientDescentMse({ kTrain: K, kTestTrain: Ktd, yTrain: y, lr: c * 0.4 }).predict(
    [3, 30],
    'flow',
  );
  for (let k = 0; k < 2; k++) {
    assert.ok(maxRel(out.fTrain[k].data, ref.fTrain[k].data) <= 1e-8);
    assert.ok(maxRel(out.fTest![k].data, ref.fTest![k].data) <= 1e-8);
  }
});
